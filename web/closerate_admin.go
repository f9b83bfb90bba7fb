package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// adoptionView is the Team page's close-rate baseline: when Baton was
// adopted, for the report's before-and-after periods.
type adoptionView struct {
	// At is the adoption date; zero when there is none yet.
	At time.Time
	// From is service.AdoptedFromSetting or AdoptedFromFirstHandoff.
	From string
	// Date is the date input's value (2026-09-01, UTC).
	Date string
}

// Source says where the date comes from, for a reader.
func (v adoptionView) Source() string {
	if v.From == service.AdoptedFromSetting {
		return "set by an admin"
	}
	return "the first handoff"
}

// adoption returns the Team page's adoption view; no date yet is no error.
func (s *Server) adoption(r *http.Request) (adoptionView, error) {
	at, from, err := s.svc.Adoption(r.Context())
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return adoptionView{}, nil
	} else if err != nil {
		return adoptionView{}, err
	}
	v := adoptionView{At: at, From: from}
	if from == service.AdoptedFromSetting {
		v.Date = at.UTC().Format(time.DateOnly)
	}
	return v, nil
}

// adoptionForm sets (or, when empty, clears) the adoption date from the
// Team page's form: a date, read as midnight UTC.
func (s *Server) adoptionForm(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	raw := strings.TrimSpace(r.PostFormValue("adopted_at"))
	var at time.Time
	var err error
	if raw != "" {
		if at, err = parseTimeParam(raw); err != nil {
			err = &baton.Error{Code: baton.EINVALID, Message: "invalid adopted_at",
				Fields: []baton.FieldError{{Field: "adopted_at", Message: "must be a date such as 2026-09-01"}}}
		}
	}
	if err == nil {
		err = s.svc.SetAdoption(r.Context(), p, at)
	}
	v, verr := s.teamView(r, p)
	if verr != nil {
		return verr
	}
	status := http.StatusOK
	if errs := fieldErrors(err); errs != nil {
		v.Errs, v.Message, status = errs, "The adoption date needs a look: see the marked field.", http.StatusUnprocessableEntity
		v.Adoption.Date = raw
	} else if err != nil {
		return err
	} else if at.IsZero() {
		v.Notice = "Adoption date cleared: the first handoff's creation counts."
	} else {
		v.Notice = "Adoption date saved: " + at.UTC().Format(time.DateOnly) + "."
	}
	s.render(w, r, status, "admin_team.html", v)
	return nil
}

// importOutcomesForm imports a CSV file of meetings from before Baton
// posted with the Team page's form, or only checks it (dry run), and
// reports as the users import does.
func (s *Server) importOutcomesForm(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	return s.importTeamCSV(w, r, p, s.svc.ImportPastMeetings, s.svc.ImportPastMeetingsDryRun)
}
