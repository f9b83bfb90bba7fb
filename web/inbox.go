package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// inboxPerPage is how many cards one inbox page shows; the rest are counted
// and a link leads to them.
const inboxPerPage = 20

// inboxTab is one part of the inbox.
type inboxTab struct {
	Key, Label string
	Count      int
	Current    bool
}

// inboxCard is one handoff in the inbox with the clock that runs.
type inboxCard struct {
	*service.HandoffView
	Clock *pageClock // nil when no clock runs
	// Accept and Touch say which inline actions fit.
	Accept, Touch bool
}

// stateCount is how many of the tab's handoffs wait in one state.
type stateCount struct {
	Label string
	N     int
}

type inboxData struct {
	page
	Tabs    []inboxTab
	Tab     string
	Counts  []stateCount
	Cards   []inboxCard
	Total   int
	From    int // 1-based index of the first card shown
	To      int
	More    int // how many come after this page
	NextURL string
	PrevURL string
	Back    string // where the inline forms return to
	Manager bool
}

// inboxPage is a person's home: their open handoffs, most urgent first.
func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	box, err := s.svc.Inbox(r.Context(), p.UserID)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	now := s.svc.Clock().Now()
	d := inboxData{page: newPage(p, now, "Inbox", "inbox"), Manager: p.Can(baton.AccessManager)}
	d.Flash = s.flash(w, r)
	q := r.URL.Query()
	d.Tab = q.Get("tab")
	lists := map[string][]*service.HandoffView{"mine": box.Owned, "backup": box.Backup, "returned": box.Returned}
	if _, ok := lists[d.Tab]; !ok {
		d.Tab = "mine"
	}
	for _, t := range []inboxTab{{Key: "mine", Label: "Mine"}, {Key: "backup", Label: "I back up"}, {Key: "returned", Label: "Returned to me"}} {
		t.Count, t.Current = len(lists[t.Key]), t.Key == d.Tab
		d.Tabs = append(d.Tabs, t)
	}
	cards := s.byUrgency(lists[d.Tab], now)
	d.Counts = countStates(cards)
	d.Total = len(cards)
	pageNo, _ := strconv.Atoi(q.Get("page"))
	last := max(1, (d.Total+inboxPerPage-1)/inboxPerPage)
	pageNo = min(max(pageNo, 1), last)
	lo, hi := (pageNo-1)*inboxPerPage, min(pageNo*inboxPerPage, d.Total)
	d.Cards = cards[lo:hi]
	d.From, d.To, d.More = lo+1, hi, d.Total-hi
	link := func(n int) string { return "/?tab=" + d.Tab + "&page=" + strconv.Itoa(n) }
	if d.More > 0 {
		d.NextURL = link(pageNo + 1)
	}
	if pageNo > 1 {
		d.PrevURL = link(pageNo - 1)
	}
	d.Back = "/"
	if d.Tab != "mine" || pageNo > 1 {
		d.Back = link(pageNo)
	}
	s.render(w, r, http.StatusOK, "index.html", d)
}

// byUrgency orders handoffs most urgent first: running clocks by their
// deadline (overdue first), then paused ones by the time they have left,
// then those with no clock, oldest first.
func (s *Server) byUrgency(list []*service.HandoffView, now time.Time) []inboxCard {
	cards := make([]inboxCard, len(list))
	for i, v := range list {
		c := inboxCard{HandoffView: v}
		if clocks := s.pageClocks(v, now); len(clocks) > 0 {
			c.Clock = &clocks[0]
		}
		running := v.PausedAt.IsZero()
		c.Accept = running && v.State == baton.StateAssigned
		c.Touch = running && v.State == baton.StateAccepted
		cards[i] = c
	}
	rank := func(c inboxCard) int {
		switch {
		case c.Clock == nil:
			return 2
		case c.Clock.Paused:
			return 1
		}
		return 0
	}
	slices.SortStableFunc(cards, func(a, b inboxCard) int {
		if n := cmp.Compare(rank(a), rank(b)); n != 0 {
			return n
		}
		if a.Clock != nil && b.Clock != nil {
			if n := a.Clock.Due.Compare(b.Clock.Due); n != 0 {
				return n
			}
		}
		if n := a.CreatedAt.Compare(b.CreatedAt); n != 0 {
			return n
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return cards
}

// countStates counts the cards by what they wait on, in life order; a
// paused handoff counts as paused.
func countStates(cards []inboxCard) []stateCount {
	labels := []struct {
		key   string
		label string
	}{{"assigned", "to accept"}, {"accepted", "to touch"}, {"actioned", "in progress"}, {"returned", "returned"}, {"paused", "paused"}}
	n := map[string]int{}
	for _, c := range cards {
		k := string(c.State)
		if !c.PausedAt.IsZero() {
			k = "paused"
		}
		n[k]++
	}
	var out []stateCount
	for _, l := range labels {
		if n[l.key] > 0 {
			out = append(out, stateCount{Label: l.label, N: n[l.key]})
		}
	}
	return out
}
