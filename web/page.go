package web

import (
	"time"

	"github.com/batonhq/baton"
)

// page is what the layout of every signed-in page needs: the title, who is
// looking (their access decides the navigation), the time now and the
// viewer's time zone, in which every time on the page is shown.
type page struct {
	Title string
	Me    baton.Principal
	Now   time.Time
	Loc   *time.Location
	// Nav names the active section: inbox, board, dashboard, team,
	// playbook, outbox or tokens.
	Nav string
	// Flash is a short message about what the last action did, shown once
	// at the top (see Server.flash).
	Flash string
}

// When formats t in the viewer's time zone with the zone shown, such as
// "Mon 23 Nov, 09:05 EST"; a zero time is "—".
func (p page) When(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	loc := p.Loc
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon 2 Jan, 15:04 MST")
}

// Zone names the viewer's time zone, such as "America/New_York".
func (p page) Zone() string {
	if p.Loc == nil {
		return "UTC"
	}
	return p.Loc.String()
}

// newPage returns the page shell for p at now, in p's time zone (UTC when
// it has none or it does not load).
func newPage(p baton.Principal, now time.Time, title, nav string) page {
	loc := time.UTC
	if p.TimeZone != "" {
		if l, err := time.LoadLocation(p.TimeZone); err == nil {
			loc = l
		}
	}
	return page{Title: title, Me: p, Now: now, Loc: loc, Nav: nav}
}
