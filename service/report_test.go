package service_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/service"
)

func TestSLAReport(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// Four hot leads at t0 (5 minutes to accept and to touch): a and b are
	// taken in time, c is accepted a minute late, d (from a partner) is
	// never accepted.
	a, b, c := e.ingest(t, demoRequest("a")), e.ingest(t, demoRequest("b")), e.ingest(t, demoRequest("c"))
	partner := demoRequest("d")
	partner.Source = "partner"
	d := e.ingest(t, partner)
	for _, h := range []*baton.Handoff{a, b} {
		e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
		e.act(t, h.ID, baton.CmdTouch, service.CommandInput{})
	}
	e.advance(t, 6*time.Minute)
	e.act(t, c.ID, baton.CmdAccept, service.CommandInput{})
	e.act(t, c.ID, baton.CmdTouch, service.CommandInput{})
	e.advance(t, 54*time.Minute) // d moves to its backup and breaches again

	email := func(h *baton.Handoff) string {
		for _, u := range e.users {
			if u.ID == h.OwnerID {
				return u.Email
			}
		}
		t.Fatalf("owner %s of %s is not a test user", h.OwnerID, h.ID)
		return ""
	}
	if a.OwnerID != d.OwnerID || a.OwnerID == b.OwnerID || a.OwnerID == c.OwnerID {
		t.Fatalf("got owners a=%s b=%s c=%s d=%s, want round robin over three SDRs", a.OwnerID, b.OwnerID, c.OwnerID, d.OwnerID)
	}

	t.Run("CountsBreachesAndMargins", func(t *testing.T) {
		t.Parallel()
		r, err := e.svc.SLAReport(e.ctx, e.admin, t0, t0.Add(30*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		// c was accepted 60s after its deadline; d never was, so its margin
		// runs to the window's end: 30m - 5m.
		want := metrics.Group{Key: "all", Handoffs: 4, Breached: 2, BreachRate: 0.5, MedianMarginSeconds: 60, P90MarginSeconds: 25 * 60}
		if diff := cmp.Diff(want, r.Total); diff != "" {
			t.Errorf("total (-want +got):\n%s", diff)
		}
		// d's breach counts against its first owner, not the backup.
		wantOwners := []metrics.Group{
			{Key: email(c), Handoffs: 1, Breached: 1, BreachRate: 1, MedianMarginSeconds: 60, P90MarginSeconds: 60},
			{Key: email(d), Handoffs: 2, Breached: 1, BreachRate: 0.5, MedianMarginSeconds: 1500, P90MarginSeconds: 1500},
			{Key: email(b), Handoffs: 1},
		}
		if wantOwners[0].Key > wantOwners[1].Key {
			wantOwners[0], wantOwners[1] = wantOwners[1], wantOwners[0]
		}
		if diff := cmp.Diff(wantOwners, r.ByOwner); diff != "" {
			t.Errorf("by owner (-want +got):\n%s", diff)
		}
		wantSources := []metrics.Group{
			{Key: "partner", Handoffs: 1, Breached: 1, BreachRate: 1, MedianMarginSeconds: 1500, P90MarginSeconds: 1500},
			{Key: "website", Handoffs: 3, Breached: 1, BreachRate: 0.3333, MedianMarginSeconds: 60, P90MarginSeconds: 60},
		}
		if diff := cmp.Diff(wantSources, r.BySource); diff != "" {
			t.Errorf("by source (-want +got):\n%s", diff)
		}
		for name, gs := range map[string][]metrics.Group{"type": r.ByType, "tier": r.ByTier, "team": r.ByTeam, "segment": r.BySegment} {
			wantKey := map[string]string{"type": "hot_lead", "tier": "hot", "team": "sdr", "segment": baton.SegmentMidMarket}[name]
			if len(gs) != 1 || gs[0].Key != wantKey || gs[0].Handoffs != 4 || gs[0].Breached != 2 {
				t.Errorf("by %s: got %+v, want one group %s with 2 of 4 breached", name, gs, wantKey)
			}
		}
	})
	t.Run("WindowInTheFutureEndsNow", func(t *testing.T) {
		t.Parallel()
		r, err := e.svc.SLAReport(e.ctx, e.admin, t0, t0.Add(7*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if now := e.clock.Now(); !r.To.Equal(now) {
			t.Errorf("got to %s, want now %s", r.To, now)
		}
		// d is still unaccepted an hour in: 55 minutes past its deadline.
		if got, want := r.Total.P90MarginSeconds, 55*60.0; got != want {
			t.Errorf("p90 margin: got %v, want %v", got, want)
		}
	})
	t.Run("WholeDaysFromTheRollupsAsFolded", func(t *testing.T) {
		t.Parallel()
		// The day of t0, which has not ended: the rollups' SLA blocks
		// answer. From t0 on: the same handoffs, folded from the events.
		day := t0.Truncate(24 * time.Hour)
		rolled, err := e.svc.SLAReport(e.ctx, e.admin, day, day.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		folded, err := e.svc.SLAReport(e.ctx, e.admin, t0, day.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if !rolled.From.Equal(day) || !rolled.To.Equal(e.clock.Now()) {
			t.Errorf("got window %s..%s, want %s..now", rolled.From, rolled.To, day)
		}
		rolled.From = folded.From
		if diff := cmp.Diff(folded, rolled); diff != "" {
			t.Errorf("review from the rollups differs from the fold (-folded +rollups):\n%s", diff)
		}
		if rolled.Total.Handoffs != 4 || rolled.Total.Breached != 2 {
			t.Errorf("got total %+v, want 2 of 4 breached", rolled.Total)
		}
	})
	t.Run("ManagersWholeDaysFromTheReachRowsAsFolded", func(t *testing.T) {
		t.Parallel()
		mgr, rep := principal(e.users["mgr"]), principal(e.users["sdr1"])
		day := t0.Truncate(24 * time.Hour)
		for _, p := range []baton.Principal{mgr, rep} {
			rolled, err := e.svc.SLAReport(e.ctx, p, day, day.Add(24*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			folded, err := e.svc.SLAReport(e.ctx, p, t0, day.Add(24*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			rolled.From = folded.From
			if diff := cmp.Diff(folded, rolled); diff != "" {
				t.Errorf("%s: review from the reach rows differs from the fold (-folded +rows):\n%s", p.Email, diff)
			}
			if p.Email == mgr.Email && rolled.Total.Handoffs != 4 {
				t.Errorf("manager: got %d handoffs, want the team's 4", rolled.Total.Handoffs)
			}
		}
	})
	t.Run("LaterWindowIsEmpty", func(t *testing.T) {
		t.Parallel()
		r, err := e.svc.SLAReport(e.ctx, e.admin, t0.Add(time.Minute), t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if r.Total.Handoffs != 0 || len(r.ByOwner) != 0 {
			t.Errorf("got %+v, want no handoffs created after t0", r.Total)
		}
	})
	t.Run("RejectsBadWindow", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			from, to time.Time
			field    string
		}{
			{t0, t0, "to"},
			{t0, t0.Add(-time.Hour), "to"},
			{t0.Add(-400 * 24 * time.Hour), t0, "from"},
		} {
			_, err := e.svc.SLAReport(e.ctx, e.admin, tc.from, tc.to)
			var be *baton.Error
			if baton.ErrorCode(err) != baton.EINVALID || !errors.As(err, &be) || len(be.Fields) != 1 || be.Fields[0].Field != tc.field {
				t.Errorf("window %s..%s: got %v, want invalid %s", tc.from, tc.to, err, tc.field)
			}
		}
	})
}

// TestSLAReviewPopulationIsTheSameOnEitherPath: a rep's whole-day review
// (from the reach rows) and a review of the same handoffs over a window of
// hours (folded from the events) count the same handoffs: those the rep
// owns now or whose first breach was theirs: one reassigned away and
// taken in time by its new owner is no longer the first owner's (though
// its events name them), one breached on the rep and then moved to a
// backup stays the rep's.
func TestSLAReviewPopulationIsTheSameOnEitherPath(t *testing.T) {
	t.Parallel()
	e := setup(t)
	moved, breached := e.ingest(t, demoRequest("moved")), e.ingest(t, demoRequest("breached"))
	byID := map[string]*baton.User{}
	for _, u := range e.users {
		byID[u.ID] = u
	}
	other := func(h *baton.Handoff) string {
		for _, u := range e.users {
			if u.Team == "sdr" && u.ID != h.OwnerID {
				return u.Email
			}
		}
		t.Fatal("no other SDR")
		return ""
	}
	first := byID[moved.OwnerID]
	if _, err := e.svc.Act(e.ctx, e.admin, moved.ID, baton.CmdReassign, service.CommandInput{To: other(moved), Reason: "cover"}); err != nil {
		t.Fatal(err)
	}
	e.act(t, moved.ID, baton.CmdAccept, service.CommandInput{}) // taken in time by its new owner
	// breached breaches on its owner and moves to the backup. A minute
	// on, so the fold (which ends at now) sees the last events.
	e.advance(t, 10*time.Minute)
	e.advance(t, time.Minute)
	day := t0.Truncate(24 * time.Hour)
	for _, u := range []*baton.User{first, byID[breached.OwnerID]} {
		p := principal(u)
		rolled, err := e.svc.SLAReport(e.ctx, p, day, day.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		folded, err := e.svc.SLAReport(e.ctx, p, t0, day.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		rolled.From = folded.From
		if diff := cmp.Diff(folded, rolled); diff != "" {
			t.Errorf("%s: whole-day review differs from the fold (-folded +rollups):\n%s", u.Email, diff)
		}
	}
}

// TestSLAReviewOfAPastDayMeasuresOpenBreachesToNow: a whole-day review of
// a day gone by reads the handoffs as they stand now, so a breach still
// open is measured to now, never to the day's end (which would count a
// breach that came after the day as early, or negative).
func TestSLAReviewOfAPastDayMeasuresOpenBreachesToNow(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.ingest(t, demoRequest("never")) // nobody accepts it: its accept deadline is t0 + 5m
	day := t0.Truncate(24 * time.Hour)
	e.advance(t, 24*time.Hour) // the next day
	r, err := e.svc.SLAReport(e.ctx, e.admin, day, day.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := e.clock.Now().Sub(t0.Add(5 * time.Minute)).Seconds()
	if r.Total.Breached != 1 || r.Total.MedianMarginSeconds != want {
		t.Errorf("got %d breached, margin %vs, want 1 breached %vs late (to now)", r.Total.Breached, r.Total.MedianMarginSeconds, want)
	}
}
