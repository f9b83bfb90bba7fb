package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// teamView is the Team page: everyone, the invitation form, and what the
// last invitation or import did.
type teamView struct {
	adminView
	Users    []teamRow
	Roles    []string
	Accesses []string
	// Invite holds the invitation form's values; InviteLink the link just
	// made, shown this once.
	Invite     baton.User
	InviteLink string
	Import     *importView
	// Adoption is when Baton was adopted (closerate_admin.go).
	Adoption adoptionView
}

// teamRow is one person in the Team list.
type teamRow struct {
	*baton.User
	Manager string
	Away    bool
}

// importView is what a CSV import (or its dry run) did.
type importView struct {
	DryRun    bool
	File      string
	Rows      int // data rows in the file
	Created   int
	Updated   int
	Warnings  []string
	RowErrors []string
	Problem   string // the file could not be read as a table
	Elapsed   time.Duration
}

// Rate is the rows checked per second, for large files.
func (v *importView) Rate() string {
	if v.Elapsed <= 0 || v.Rows == 0 {
		return ""
	}
	return fmt.Sprintf("%.0f rows/s", float64(v.Rows)/v.Elapsed.Seconds())
}

func (s *Server) teamView(r *http.Request, p baton.Principal) (*teamView, error) {
	users, err := s.svc.Users(r.Context())
	if err != nil {
		return nil, err
	}
	now := s.svc.Clock().Now()
	byID := make(map[string]*baton.User, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	rows := make([]teamRow, 0, len(users))
	for _, u := range users {
		row := teamRow{User: u, Away: u.Away(now)}
		if m := byID[u.ManagerID]; m != nil {
			row.Manager = m.Name
		}
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b teamRow) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	adoption, err := s.adoption(r)
	if err != nil {
		return nil, err
	}
	return &teamView{
		Adoption:  adoption,
		adminView: adminView{Page: newPage(p, now, "Team", "team")},
		Users:     rows, Roles: baton.UserRoles, Accesses: baton.AccessRoles,
		Invite: baton.User{Role: baton.RoleSDR, TimeZone: p.TimeZone},
	}, nil
}

// teamPage lists the team with the invitation and import forms.
func (s *Server) teamPage(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	v, err := s.teamView(r, p)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin_team.html", v)
	return nil
}

// invite creates a user and shows their invitation link once, to copy.
func (s *Server) invite(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	u := baton.User{
		Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: r.PostFormValue("role"), Access: r.PostFormValue("access"), Team: strings.TrimSpace(r.PostFormValue("team")),
		TimeZone: strings.TrimSpace(r.PostFormValue("timezone")), Active: true,
	}
	err := s.createInvitee(r, &u)
	if errs := fieldErrors(err); errs != nil {
		v, verr := s.teamView(r, p)
		if verr != nil {
			return verr
		}
		v.Invite, v.Errs, v.Message = u, errs, "The invitation needs a look: see the marked fields."
		s.render(w, r, http.StatusUnprocessableEntity, "admin_team.html", v)
		return nil
	} else if err != nil {
		return err
	}
	link, _, err := s.svc.CreateLink(r.Context(), u.ID, baton.LinkInvite)
	if err != nil {
		return err
	}
	v, err := s.teamView(r, p)
	if err != nil {
		return err
	}
	v.Invite.Email, v.InviteLink = u.Email, link
	v.Notice = fmt.Sprintf("%s is on the team. Send them this invitation link; it is shown only now and works once, for %s.", u.Name, human(baton.InviteTTL))
	s.render(w, r, http.StatusOK, "admin_team.html", v)
	return nil
}

// createInvitee creates a new user; an email already on the team is a field
// error, as the form would otherwise overwrite that person.
func (s *Server) createInvitee(r *http.Request, u *baton.User) error {
	if _, err := s.svc.User(r.Context(), strings.ToLower(u.Email)); err == nil && u.Email != "" {
		return &baton.Error{Code: baton.EINVALID, Message: "already on the team",
			Fields: []baton.FieldError{{Field: "email", Message: "is already on the team: open them to send a reset link"}}}
	} else if err != nil && baton.ErrorCode(err) != baton.ENOTFOUND {
		return err
	}
	_, err := s.putUser(r.Context(), u)
	return err
}

// userView is the edit page of one person.
type userView struct {
	adminView
	U         baton.User
	Others    []*baton.User // managers and backups to pick from
	Roles     []string
	Accesses  []string
	AwayFrom  string // datetime-local in the user's time zone
	AwayUntil string
	ResetLink string
	Self      bool
}

const localInput = "2006-01-02T15:04"

func (s *Server) userView(r *http.Request, p baton.Principal, u *baton.User) (*userView, error) {
	users, err := s.svc.Users(r.Context())
	if err != nil {
		return nil, err
	}
	others := slices.DeleteFunc(slices.Clone(users), func(o *baton.User) bool { return o.ID == u.ID })
	slices.SortFunc(others, func(a, b *baton.User) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	loc := zone(u.TimeZone)
	v := &userView{
		adminView: adminView{Page: newPage(p, s.svc.Clock().Now(), u.Name, "team")},
		U:         *u, Others: others, Roles: baton.UserRoles, Accesses: baton.AccessRoles, Self: u.ID == p.UserID,
	}
	if !u.AwayFrom.IsZero() {
		v.AwayFrom = u.AwayFrom.In(loc).Format(localInput)
	}
	if !u.AwayUntil.IsZero() {
		v.AwayUntil = u.AwayUntil.In(loc).Format(localInput)
	}
	return v, nil
}

func zone(name string) *time.Location {
	if l, err := time.LoadLocation(name); err == nil && name != "" {
		return l
	}
	return time.UTC
}

// userPage shows the edit form of one person.
func (s *Server) userPage(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	u, err := s.svc.User(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.userView(r, p, u)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin_user.html", v)
	return nil
}

// saveUser writes the edit form; errors are shown at their fields.
func (s *Server) saveUser(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	prev, err := s.svc.User(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	u := *prev // the email is the key and is not edited here
	var bad baton.Validation
	f := r.PostFormValue
	u.Name, u.Role, u.Access = strings.TrimSpace(f("name")), f("role"), f("access")
	u.Team, u.Territory = strings.TrimSpace(f("team")), strings.TrimSpace(f("territory"))
	u.TimeZone, u.WorkingHours = strings.TrimSpace(f("timezone")), strings.TrimSpace(f("working_hours"))
	u.ManagerID, u.BackupID = f("manager_id"), f("backup_id")
	u.Paused = checked(r, "paused")
	for _, n := range []struct {
		name string
		dst  *int
	}{{"capacity", &u.Capacity}, {"weight", &u.Weight}, {"daily_cap", &u.DailyCap}, {"monthly_cap", &u.MonthlyCap}} {
		raw := strings.TrimSpace(f(n.name))
		if raw == "" {
			*n.dst = 0
			continue
		}
		i, err := strconv.Atoi(raw)
		if err != nil {
			bad.Add(n.name, "must be a whole number")
			continue
		}
		*n.dst = i
	}
	loc := zone(u.TimeZone)
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"away_from", &u.AwayFrom}, {"away_until", &u.AwayUntil}} {
		raw := strings.TrimSpace(f(t.name))
		if raw == "" {
			*t.dst = time.Time{}
			continue
		}
		at, err := time.ParseInLocation(localInput, raw, loc)
		if err != nil {
			bad.Add(t.name, "must be a date and time such as 2026-12-24T09:00")
			continue
		}
		*t.dst = at.UTC()
	}
	if !u.AwayFrom.IsZero() && u.AwayUntil.IsZero() {
		bad.Add("away_until", "is needed with away from")
	}
	err = bad.Err()
	if err == nil {
		err = u.Validate()
	}
	if err == nil {
		_, err = s.putUser(r.Context(), &u)
	}
	if errs := fieldErrors(err); errs != nil {
		v, verr := s.userView(r, p, &u)
		if verr != nil {
			return verr
		}
		v.AwayFrom, v.AwayUntil = f("away_from"), f("away_until")
		v.Errs, v.Message = errs, "Nothing was saved: see the marked fields."
		s.render(w, r, http.StatusUnprocessableEntity, "admin_user.html", v)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/team/"+u.ID+"?saved=1", http.StatusSeeOther)
	return nil
}

// setActive deactivates or reactivates a person. A deactivated person
// cannot sign in, their tokens are refused and they get no handoffs.
func (s *Server) setActive(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	u, err := s.svc.User(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	active := r.PostFormValue("active") == "true"
	if !active && u.ID == p.UserID {
		return baton.Errorf(baton.ECONFLICT, "You cannot deactivate yourself: ask another admin.")
	}
	u.Active = active
	if _, err := s.putUser(r.Context(), u); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/team/"+u.ID, http.StatusSeeOther)
	return nil
}

// issueReset makes a password reset link for a person and shows it once.
func (s *Server) issueReset(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	u, err := s.svc.User(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	link, _, err := s.svc.CreateLink(r.Context(), u.ID, baton.LinkReset)
	if err != nil {
		return err
	}
	v, err := s.userView(r, p, u)
	if err != nil {
		return err
	}
	v.ResetLink = link
	v.Notice = fmt.Sprintf("Send %s this reset link; it is shown only now and works once, for %s.", u.Name, human(baton.ResetTTL))
	s.render(w, r, http.StatusOK, "admin_user.html", v)
	return nil
}

// importTeam imports a users CSV file posted with the form, or only checks
// it (dry run: every check, nothing written).
func (s *Server) importTeam(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	return s.importTeamCSV(w, r, p, s.importUsersCSV, s.svc.ImportUsersDryRun)
}

// importTeamCSV runs an import of the CSV file posted with a Team page form
// (run, or dryRun when the form asks only for the checks) and shows the
// Team page with its report. The file is processed while the request
// waits; the page reports the rows, the rate and every row's errors.
func (s *Server) importTeamCSV(w http.ResponseWriter, r *http.Request, p baton.Principal, run, dryRun func(context.Context, io.Reader) (service.ImportResult, error)) error {
	r.Body = http.MaxBytesReader(w, r.Body, service.MaxImportBytes+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: fmt.Sprintf("The file is larger than %d bytes: split it.", service.MaxImportBytes)}}
		}
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "Could not read the upload: choose a CSV file."}}
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "Choose a CSV file to import."}}
	}
	defer file.Close()
	body, err := io.ReadAll(file)
	if err != nil {
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "Could not read the file."}}
	}
	iv := &importView{DryRun: checked(r, "dry_run"), File: hdr.Filename, Rows: dataRows(body)}
	if iv.DryRun {
		run = dryRun
	}
	start := time.Now()
	res, err := run(r.Context(), bytes.NewReader(body))
	iv.Elapsed = time.Since(start)
	status := http.StatusOK
	var e *baton.Error
	switch {
	case errors.Is(err, service.ErrUnreadableFile) && errors.As(err, &e):
		iv.Problem, status = e.Message, http.StatusBadRequest
	case baton.ErrorCode(err) == baton.EINVALID && errors.As(err, &e):
		iv.Problem, status = e.Message, http.StatusUnprocessableEntity
		for _, f := range e.Fields {
			iv.RowErrors = append(iv.RowErrors, service.FormatImportError(f))
		}
	case err != nil:
		return err
	default:
		iv.Created, iv.Updated = res.Created, res.Updated
		for _, w := range res.Warnings {
			iv.Warnings = append(iv.Warnings, w.String())
		}
	}
	v, err := s.teamView(r, p)
	if err != nil {
		return err
	}
	v.Import = iv
	s.render(w, r, status, "admin_team.html", v)
	return nil
}

// dataRows counts a CSV file's non-blank records after the header, for the
// progress report; a file that does not parse counts what it can.
func dataRows(body []byte) int {
	cr := csv.NewReader(bytes.NewReader(body))
	cr.FieldsPerRecord, cr.LazyQuotes, cr.ReuseRecord = -1, true, true
	n := -1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				continue
			}
			break
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		n++
	}
	return max(n, 0)
}
