package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

var funcs = template.FuncMap{
	"left":      left,
	"countdown": countdown,
	"overdue":   func(deadline, now time.Time) bool { return !deadline.IsZero() && now.After(deadline) },
	"when":      func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") },
	"iso":       func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"humanize":  humanize,
	"has":       func(list []string, v string) bool { return slices.Contains(list, v) },
	"waited":    func(d baton.Duration) string { return words(time.Duration(d)) },
	"inc":       func(i int) int { return i + 1 },
}

// humanize turns an identifier into words: "demo_request" → "Demo request".
func humanize(id string) string {
	s := strings.ReplaceAll(id, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// words says a duration the way a person would: "2 h 15 min", "3 d 4 h",
// "12 min". It rounds to the minute; under a minute is "".
func words(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < 0 {
		d = -d
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case d < time.Minute:
		return ""
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d d %d h", days, hours)
	case days > 0:
		return fmt.Sprintf("%d d", days)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%d h %d min", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%d h", hours)
	}
	return fmt.Sprintf("%d min", mins)
}

// countdown says how long is left before deadline in words ("2 h 15 min
// left"), how overdue it is ("overdue 12 min"), or "due now" within the
// minute. static/countdown.js writes the same words as time passes.
func countdown(deadline, now time.Time) string {
	if deadline.IsZero() {
		return "—"
	}
	d := deadline.Sub(now)
	w := words(d)
	switch {
	case w == "":
		return "due now"
	case d < 0:
		return "overdue " + w
	}
	return w + " left"
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

// pageClock is one clock shown on the handoff page.
type pageClock struct {
	Label   string    // "Accept by"
	At      time.Time // the deadline or moment
	Left    string    // "1 h 30 min left", "overdue 5 min", "paused with 2 h left"
	Overdue bool
	// Live is true when the clock runs (not paused), so the countdown
	// script may keep Left current; Prefix is what it writes before the
	// duration instead of the suffix " left" ("in " for a meeting).
	Live   bool
	Prefix string
	// Paused is true when the clock stands still with the handoff paused.
	Paused bool
	// Soon is true when a running deadline is less than 15 minutes away.
	Soon bool
	// Due orders handoffs by urgency: the deadline of the clock that runs
	// (for a meeting not yet held, the outcome due after it); for a paused
	// clock, now plus the time it has left.
	Due time.Time
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
		c := pageClock{Label: label, At: deadline, Left: countdown(deadline, now), Overdue: now.After(deadline), Live: true, Due: deadline,
			Soon: !now.After(deadline) && deadline.Sub(now) < 15*time.Minute}
		if !h.PausedAt.IsZero() {
			d := s.svc.SLALeft(h, h.PausedAt, deadline)
			c.Live, c.Paused, c.Soon, c.Due = false, true, false, now.Add(d)
			switch w := words(d); {
			case d < 0 && w != "":
				c.Left, c.Overdue = "paused, overdue "+w, true
			case w == "":
				c.Left, c.Overdue = "paused, due now", false
			default:
				c.Left, c.Overdue = "paused with "+w+" left", false
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
		// An outcome is awaited while the meeting is booked: once recorded
		// (held, no-show), the handoff may stay actioned for its follow-up.
		if m := v.Meeting; m != nil && m.Status == baton.MeetingBooked {
			due := s.svc.OutcomeDue(h, m)
			if now.Before(m.StartsAt) {
				in := "in " + words(m.StartsAt.Sub(now))
				if in == "in " {
					in = "starting now"
				}
				out = append(out, pageClock{Label: "Meeting starts", At: m.StartsAt, Left: in, Live: true, Prefix: "in ", Due: due})
			} else {
				out = append(out, pageClock{Label: "Outcome due by", At: due, Left: countdown(due, now), Overdue: now.After(due), Live: true, Due: due,
					Soon: !now.After(due) && due.Sub(now) < 15*time.Minute})
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
