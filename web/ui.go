package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

var funcs = template.FuncMap{
	"left":    left,
	"overdue": func(deadline, now time.Time) bool { return !deadline.IsZero() && now.After(deadline) },
	"when":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") },
	"waited":  func(d baton.Duration) string { return human(time.Duration(d)) },
}

func human(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
}

// render executes a page into a buffer first, so a template error is a clean
// 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("render", "page", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) authPage(h func(http.ResponseWriter, *http.Request, baton.Principal)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.principal(r, true)
		if err != nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r, p)
	})
}

// localPath returns next when it is a path on this site, else "/": a login
// link must never send anyone elsewhere.
func localPath(next string) string {
	if next == "" || strings.ContainsAny(next, "\\") || strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

func (s *Server) indexPage(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	list, _, err := s.svc.Handoffs(r.Context(), baton.HandoffFilter{Open: true, Limit: 200})
	if err != nil {
		s.log.Error("index", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.render(w, r, http.StatusOK, "index.html", map[string]any{"Handoffs": list, "Now": s.svc.Clock().Now(), "Me": p})
}

func (s *Server) handoffPage(w http.ResponseWriter, r *http.Request, _ baton.Principal) {
	v, err := s.svc.Handoff(r.Context(), r.PathValue("id"))
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		http.NotFound(w, r)
		return
	} else if err != nil {
		s.log.Error("handoff page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	b, err := s.svc.Brief(r.Context(), v.ID)
	if err != nil {
		s.log.Error("handoff page brief", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	tl, err := timeline(r.Context(), v.Events, s.svc.Users)
	if err != nil {
		s.log.Error("handoff page timeline", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	now := s.svc.Clock().Now()
	s.render(w, r, http.StatusOK, "handoff.html", map[string]any{"H": v, "Brief": b, "Timeline": tl, "Now": now, "Clocks": s.pageClocks(v, now)})
}

// pageClock is one clock shown on the handoff page.
type pageClock struct {
	Label   string    // "Accept by"
	At      time.Time // the deadline or moment
	Left    string    // "1h30m left", "overdue 5m", "paused with 2h left"
	Overdue bool
}

// pageClocks returns the clocks that run for a handoff in its state:
// accept-by while assigned, first-touch-by while accepted, fix-by while
// returned, and, once actioned, the meeting's start and then the outcome
// due after it. A paused handoff's SLA clock shows the SLA time it had left
// when the pause began; the meeting keeps its own time.
func (s *Server) pageClocks(v *service.HandoffView, now time.Time) []pageClock {
	h := v.Handoff
	var out []pageClock
	runs := func(label string, deadline time.Time) {
		if deadline.IsZero() {
			return
		}
		c := pageClock{Label: label, At: deadline, Left: left(deadline, now), Overdue: now.After(deadline)}
		if !h.PausedAt.IsZero() {
			switch d := s.svc.SLALeft(h, h.PausedAt, deadline); {
			case d < 0:
				c.Left, c.Overdue = "paused, overdue "+human(-d.Round(time.Minute)), true
			default:
				c.Left, c.Overdue = "paused with "+human(d.Round(time.Minute))+" left", false
			}
		}
		out = append(out, c)
	}
	switch h.State {
	case baton.StateAssigned:
		runs("Accept by", h.AcceptBy)
	case baton.StateAccepted:
		runs("First touch by", h.FirstTouchBy)
	case baton.StateReturned:
		runs("Fix by", h.FixBy)
	case baton.StateActioned:
		if m := v.Meeting; m != nil && m.Status != baton.MeetingCancelled {
			if now.Before(m.StartsAt) {
				out = append(out, pageClock{Label: "Meeting starts", At: m.StartsAt, Left: "in " + human(m.StartsAt.Sub(now).Round(time.Minute))})
			} else {
				due := s.svc.OutcomeDue(h, m)
				out = append(out, pageClock{Label: "Outcome due by", At: due, Left: left(due, now), Overdue: now.After(due)})
			}
		}
	}
	return out
}

// left says how long is left before deadline, or how overdue it is.
func left(deadline, now time.Time) string {
	if deadline.IsZero() {
		return "—"
	}
	d := deadline.Sub(now).Round(time.Minute)
	if d < 0 {
		return "overdue " + human(-d)
	}
	return human(d) + " left"
}
