package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// handoffCSVHeader is the columns of GET /api/v1/handoffs?format=csv.
var handoffCSVHeader = []string{"id", "type", "state", "tier", "from_team", "to_team",
	"owner_email", "owner_name", "backup_email", "sender_email", "account", "account_domain", "contact_email", "contact_name",
	"created_at", "assigned_at", "accept_by", "accepted_at", "first_touch_by", "first_touch_at", "closed_at",
	"breached", "priority", "signals", "outcome", "completeness", "missing"}

// exportHandoffs streams every handoff that f keeps (all pages) as CSV,
// oldest id first within each page as the list API orders them.
func (s *Server) exportHandoffs(w http.ResponseWriter, r *http.Request, p baton.Principal, f baton.HandoffFilter) error {
	f.Limit, f.Cursor = 500, ""
	list, next, err := s.svc.HandoffsFor(r.Context(), p, f)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="handoffs.csv"`)
	cw := newCSVWriter(w)
	cw.Write(handoffCSVHeader)
	for {
		for _, h := range list {
			cw.Write(handoffRow(h))
		}
		if next == "" {
			break
		}
		cw.Flush()
		f.Cursor = next
		if list, next, err = s.svc.HandoffsFor(r.Context(), p, f); err != nil {
			// The header is sent: end the body short, and say so in the log.
			s.log.Error("handoffs export", "err", err)
			return nil
		}
	}
	cw.Flush()
	return cw.Error()
}

func handoffRow(h *service.HandoffView) []string {
	user := func(u *service.UserRef) (string, string) {
		if u == nil {
			return "", ""
		}
		return u.Email, u.Name
	}
	ownerEmail, ownerName := user(h.Owner)
	backupEmail, _ := user(h.Backup)
	senderEmail, _ := user(h.Sender)
	var account, domain, email, name string
	if h.Account != nil {
		account, domain = h.Account.Name, h.Account.Domain
	}
	if h.Contact != nil {
		email, name = h.Contact.Email, h.Contact.Name
	}
	return []string{h.ID, h.Type, string(h.State), h.Tier, h.FromTeam, h.ToTeam,
		ownerEmail, ownerName, backupEmail, senderEmail, account, domain, email, name,
		csvTime(h.CreatedAt), csvTime(h.AssignedAt), csvTime(h.AcceptBy), csvTime(h.AcceptedAt),
		csvTime(h.FirstTouchBy), csvTime(h.FirstTouchAt), csvTime(h.ClosedAt),
		strconv.FormatBool(h.Breached), strconv.Itoa(h.Priority), strconv.Itoa(h.Signals), h.Outcome,
		strconv.Itoa(h.Completeness), strings.Join(h.Missing, " ")}
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// listEvents serves GET /api/v1/events?from=&to=&format=json|csv: the log
// of the handoffs the caller sees, in order, over a window of at most 366
// days (default: the last 7, up to and including now). Both formats are streamed; a JSON answer is
// {"events": [...]}, a CSV one has a row per event with its data as JSON.
func (s *Server) listEvents(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	from, to, format, err := s.eventsQuery(r)
	if err != nil {
		return err
	}
	s.streamEvents(w, r, p, from, to, format)
	return nil
}

// eventsQuery reads listEvents' query string; a bad one is a 400 naming
// every field at fault.
func (s *Server) eventsQuery(r *http.Request) (from, to time.Time, format string, err error) {
	q := r.URL.Query()
	var v baton.Validation
	known := []string{"from", "to", "format"}
	checkParams(q, known, &v)
	from, to = s.window(q, &v, 7*24*time.Hour)
	if q.Get("to") == "" {
		to = to.Add(time.Millisecond) // now included: the log keeps milliseconds
	}
	format = q.Get("format")
	switch format {
	case "":
		format = "json"
	case "json", "csv":
	default:
		v.Add("format", "must be json or csv")
	}
	if err := v.Err(); err != nil {
		return from, to, format, badQuery(err)
	}
	return from, to, format, badQuery(service.CheckExportWindow(from, to))
}

// streamEvents writes the events of [from, to) that p sees. The answer is
// streamed: a failure once it has begun ends it short (a CSV without its
// last rows, a JSON document that does not parse) and is logged.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request, p baton.Principal, from, to time.Time, format string) {
	var err error
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="events.csv"`)
		cw := newCSVWriter(w)
		cw.Write([]string{"seq", "handoff_id", "kind", "at", "actor", "from_state", "to_state", "owner_id", "reason", "data"})
		err = s.svc.EventsFor(r.Context(), p, from, to, func(e *baton.Event) error {
			return cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.HandoffID, e.Kind, e.At.UTC().Format(time.RFC3339Nano),
				e.Actor, string(e.FromState), string(e.ToState), e.OwnerID, e.Reason, string(e.Data)})
		})
		cw.Flush()
	} else {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"events":[`)
		enc, sep := json.NewEncoder(w), ""
		err = s.svc.EventsFor(r.Context(), p, from, to, func(e *baton.Event) error {
			io.WriteString(w, sep)
			sep = ","
			return enc.Encode(e)
		})
		if err == nil {
			io.WriteString(w, "]}\n")
		}
	}
	if err != nil {
		s.log.Error("events export", "err", err)
	}
}

// exportHandoffsPage serves GET /export/handoffs.csv: every handoff the
// signed-in person sees, as GET /api/v1/handoffs?format=csv.
func (s *Server) exportHandoffsPage(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	if err := s.exportHandoffs(w, r, p, baton.HandoffFilter{}); err != nil {
		s.pageError(w, r, p, err)
	}
}

// exportEventsPage serves GET /export/events.csv?from=&to=: the event log
// the signed-in person sees, as GET /api/v1/events?format=csv.
func (s *Server) exportEventsPage(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	from, to, _, err := s.eventsQuery(r)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	s.streamEvents(w, r, p, from, to, "csv")
}
