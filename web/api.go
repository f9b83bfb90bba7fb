package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// MaxSignalBody caps a signal's JSON body.
const MaxSignalBody = 256 << 10

func (s *Server) postSignal(w http.ResponseWriter, r *http.Request, _ baton.Principal) error {
	var sig baton.Signal
	if err := decode(w, r, MaxSignalBody, &sig); err != nil {
		return err
	}
	// Fields the service sets are not the sender's to choose.
	sig.ID, sig.AccountID, sig.ContactID, sig.HandoffID, sig.ReceivedAt = "", "", "", "", time.Time{}
	res, err := s.svc.Ingest(r.Context(), &sig)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if res.Duplicate {
		status = http.StatusOK
	} else if res.Handoff == nil {
		status = http.StatusAccepted
	}
	body := map[string]any{"signal": res.Signal, "handoff": nil, "duplicate": res.Duplicate, "joined": res.Joined}
	if res.Reason != "" {
		body["reason"] = res.Reason
	}
	if res.View != nil {
		body["handoff"] = res.View
	}
	writeJSON(w, status, body)
	return nil
}

// listHandoffs lists the handoffs the principal sees (owned, backed up or
// sent by them, their reports or their team; everything for an admin), a
// page at a time; format=csv exports every handoff the filters keep, all
// pages, as one CSV file.
func (s *Server) listHandoffs(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	q := r.URL.Query()
	f := baton.HandoffFilter{OwnerID: q.Get("owner"), Type: q.Get("type"), Cursor: q.Get("cursor")}
	var v baton.Validation
	if strings.Contains(f.OwnerID, "@") {
		id, err := s.userIDByEmail(r.Context(), f.OwnerID)
		if err != nil {
			return err
		}
		if id == "" {
			v.Add("owner", "no user has the email %s", f.OwnerID)
		}
		f.OwnerID = id
	}
	if st := q.Get("state"); st == "open" {
		f.Open = true
	} else if st != "" {
		f.State = baton.State(st)
		valid := false
		for _, x := range baton.States {
			valid = valid || x == f.State
		}
		if !valid {
			v.Add("state", "must be open or one of assigned, accepted, actioned, returned, completed, cancelled")
		}
	}
	if b := q.Get("breached"); b != "" {
		val, err := strconv.ParseBool(b)
		if err != nil {
			v.Add("breached", "must be true or false")
		}
		f.Breached = &val
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			v.Add("limit", "must be a number from 1 to 500")
		}
		f.Limit = n
	}
	format := q.Get("format")
	switch format {
	case "", "json", "csv":
	default:
		v.Add("format", "must be json or csv")
	}
	stalled := q.Get("stalled")
	if stalled != "" && format == "csv" {
		v.Add("format", "csv is for the whole list, not a stalled view")
	}
	switch stalled {
	case "", service.StalledUnaccepted, service.StalledUntouched, service.StalledBreached:
	default:
		v.Add("stalled", "must be unaccepted, untouched or breached")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if stalled != "" {
		list, err := s.svc.Stalled(r.Context(), p, stalled, f.Limit)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"handoffs": list})
		return nil
	}
	if format == "csv" {
		return s.exportHandoffs(w, r, p, f)
	}
	list, next, err := s.svc.HandoffsFor(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"handoffs": list, "next_cursor": next})
	return nil
}

// userIDByEmail returns the id of the user with email (any case), or "".
func (s *Server) userIDByEmail(ctx context.Context, email string) (string, error) {
	users, err := s.svc.Users(ctx)
	if err != nil {
		return "", err
	}
	for _, u := range users {
		if strings.EqualFold(u.Email, strings.TrimSpace(email)) {
			return u.ID, nil
		}
	}
	return "", nil
}

func (s *Server) completeActivity(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	var in service.CommandInput
	if r.ContentLength != 0 {
		if err := decode(w, r, s.MaxBody, &in); err != nil {
			return err
		}
	}
	a, err := s.svc.CompleteActivity(r.Context(), p, r.PathValue("id"), r.PathValue("name"), in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"activity": a})
	return nil
}

func (s *Server) getHandoff(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	v, err := s.svc.HandoffFor(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"handoff": v})
	return nil
}

func (s *Server) postCommand(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	cmd := baton.Command(r.PathValue("command"))
	switch cmd {
	case baton.CmdAccept, baton.CmdTouch, baton.CmdReject, baton.CmdResubmit, baton.CmdReassign, baton.CmdOutcome, baton.CmdComplete,
		baton.CmdCancel, baton.CmdPause, baton.CmdResume:
	default:
		return baton.Errorf(baton.ENOTFOUND, "no such command %q: use accept, touch, reject, resubmit, reassign, outcome, complete, cancel, pause or resume", cmd)
	}
	var in service.CommandInput
	if r.ContentLength != 0 {
		if err := decode(w, r, s.MaxBody, &in); err != nil {
			return err
		}
	}
	h, err := s.svc.Act(r.Context(), p, r.PathValue("id"), cmd, in)
	if err != nil {
		return err
	}
	v, err := s.svc.ViewOf(r.Context(), h)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"handoff": v})
	return nil
}

func (s *Server) listOutbox(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	status := r.URL.Query().Get("status")
	switch status {
	case "", baton.MessagePending, baton.MessageSent, baton.MessageFailed:
	default:
		return &baton.Error{Code: baton.EINVALID, Message: "invalid status", Fields: []baton.FieldError{{Field: "status", Message: "must be pending, sent or failed"}}}
	}
	limit, err := limitParam(r, 100)
	if err != nil {
		return err
	}
	msgs, err := s.svc.MessagesFor(r.Context(), p, status, limit)
	if err != nil {
		return err
	}
	now := s.svc.Clock().Now()
	bounces, err := s.svc.ProspectBounceRates(r.Context(), now.AddDate(0, 0, -6), now.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": msgs, "prospect_bounces": bounces})
	return nil
}

func limitParam(r *http.Request, def int) (int, error) {
	l := r.URL.Query().Get("limit")
	if l == "" {
		return def, nil
	}
	n, err := strconv.Atoi(l)
	if err != nil || n < 1 || n > 500 {
		return 0, &baton.Error{Code: baton.EINVALID, Message: "invalid limit", Fields: []baton.FieldError{{Field: "limit", Message: "must be a number from 1 to 500"}}}
	}
	return n, nil
}

func (s *Server) metricsSummary(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	var v baton.Validation
	from, to := s.window(r.URL.Query(), &v, 30*24*time.Hour)
	if err := v.Err(); err != nil {
		return err
	}
	sum, err := s.svc.Summary(r.Context(), p, from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}

// Bounds of a query window's from and to: nothing Baton stores is older
// than earliestTime, and nothing is later than a year from now. The longest
// window (366 days) is the service's to check.
var earliestTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

const latestAhead = 366 * 24 * time.Hour

// window reads the from and to query parameters (RFC 3339 times or dates):
// to defaults to now and from to span before to. Bad values, and times
// before 2000 or more than a year ahead, are added to v, never replaced.
func (s *Server) window(q url.Values, v *baton.Validation, span time.Duration) (from, to time.Time) {
	now := s.svc.Clock().Now()
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		if raw := q.Get(p.name); raw != "" {
			t, err := parseTimeParam(raw)
			if err != nil {
				v.Add(p.name, "must be an RFC 3339 time or a date (2026-11-20)")
				continue
			}
			if t.Before(earliestTime) || t.After(now.Add(latestAhead)) {
				v.Add(p.name, "must be between 2000-01-01 and a year from now")
				continue
			}
			*p.dst = t
		}
	}
	if to.IsZero() {
		to = now
	}
	if from.IsZero() {
		from = to.Add(-span)
	}
	return from, to
}

func parseTimeParam(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Parse(time.DateOnly, s)
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, _ baton.Principal) error {
	users, err := s.svc.Users(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users})
	return nil
}

func (s *Server) postUser(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	var u baton.User
	if err := decode(w, r, s.MaxBody, &u); err != nil {
		return err
	}
	if err := s.mayGrant(r.Context(), p, &u); err != nil {
		return err
	}
	u.ID, u.CreatedAt, u.UpdatedAt = "", time.Time{}, time.Time{}
	out, err := s.putUser(r.Context(), &u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": out})
	return nil
}

func (s *Server) postAccount(w http.ResponseWriter, r *http.Request, _ baton.Principal) error {
	var a baton.Account
	if err := decode(w, r, s.MaxBody, &a); err != nil {
		return err
	}
	a.ID, a.CreatedAt, a.UpdatedAt = "", time.Time{}, time.Time{}
	var v baton.Validation
	if a.Name == "" {
		v.Add("name", "is required")
	}
	if a.Status != "" && a.Status != baton.AccountProspect && a.Status != baton.AccountCustomer {
		v.Add("status", "must be prospect or customer")
	}
	if err := v.Err(); err != nil {
		return err
	}
	out, err := s.svc.PutAccount(r.Context(), &a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"account": out})
	return nil
}

func (s *Server) getPlaybook(w http.ResponseWriter, r *http.Request, _ baton.Principal) error {
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Write(s.svc.Playbook().Source)
	return nil
}

func (s *Server) patchContext(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	var in struct {
		Fields map[string]any `json:"fields"`
	}
	if err := decode(w, r, s.MaxBody, &in); err != nil {
		return err
	}
	h, err := s.svc.UpdateContext(r.Context(), p, r.PathValue("id"), in.Fields)
	if err != nil {
		return err
	}
	v, err := s.svc.ViewOf(r.Context(), h)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"handoff": v})
	return nil
}

func (s *Server) getBrief(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	b, err := s.svc.BriefFor(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}
