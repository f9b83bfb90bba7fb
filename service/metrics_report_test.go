package service_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/service"
)

// TestWeeklyReviewIncludesTheFunnel: three hot leads in the week before
// the review, one won, one whose prospect did not come, one rejected back
// to the rep who sent it; the manager's review says so.
func TestWeeklyReviewIncludesTheFunnel(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.reachable(t)
	mgr := e.users["mgr"]
	mgr.TimeZone = "Europe/Berlin"
	if _, err := e.svc.PutUser(e.ctx, mgr); err != nil {
		t.Fatal(err)
	}
	won := e.ingest(t, demoRequest("w1"))
	e.act(t, won.ID, baton.CmdAccept, service.CommandInput{})
	e.act(t, won.ID, baton.CmdTouch, service.CommandInput{})
	e.act(t, won.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeWon})
	noShow := e.ingest(t, demoRequest("w2"))
	e.act(t, noShow.ID, baton.CmdAccept, service.CommandInput{})
	e.act(t, noShow.ID, baton.CmdTouch, service.CommandInput{})
	e.act(t, noShow.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeNoShow})
	sent := demoRequest("w3")
	sent.Sender = e.users["sdr3"].Email
	rejected := e.ingest(t, sent)
	e.act(t, rejected.ID, baton.CmdReject, service.CommandInput{Gaps: []string{"budget"}})
	if err := e.svc.ScheduleWeeklyReviews(e.ctx); err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	e.advance(t, time.Date(2026, 11, 30, 8, 0, 0, 0, berlin).Sub(e.clock.Now()))
	got := e.messages(t, baton.MsgWeeklyReview)
	if len(got) == 0 {
		t.Fatal("got no review")
	}
	var n baton.Notice
	if err := json.Unmarshal(got[0].Payload, &n); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Funnel, 2026-11-23 to 2026-11-29 (UTC): 3 handoffs → 2 accepted → 1 meetings booked → 0 held → 1 opportunities → 1 won",
		"Show rate: 0 of 1 meetings held (0%), 0 rescheduled",
		"Source website: 3 handoffs, 0 meetings held, 1 opportunities, 1 won, show rate 0%",
		"Senders with over 5% of handoffs rejected: sdr3@t.example (1 of 1, 100%)",
	}
	var lines []string
	for _, l := range n.Review.Lines {
		if slices.ContainsFunc([]string{"Funnel", "Show rate", "Source", "Senders"}, func(p string) bool { return strings.HasPrefix(l, p) }) {
			lines = append(lines, l)
		}
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("review's funnel lines (-want +got):\n%s\nall lines: %q", diff, n.Review.Lines)
	}
}

// TestMetricsVisibility: a rep counts the handoffs they own or sent, an
// admin every one; a bad dimension is EINVALID naming by.
func TestMetricsVisibility(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var owners []string
	for _, id := range []string{"v1", "v2", "v3"} {
		owners = append(owners, e.ingest(t, demoRequest(id)).OwnerID)
	}
	from, to := t0.Add(-time.Hour), t0.Add(time.Hour)
	all, err := e.svc.Metrics(e.ctx, e.admin, from, to, metrics.DimOwner)
	if err != nil {
		t.Fatal(err)
	}
	if all.Total.Handoffs != 3 {
		t.Errorf("admin: got %d handoffs, want 3", all.Total.Handoffs)
	}
	if !all.From.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) || !all.To.Equal(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("got window %s to %s, want the UTC day of 23 November", all.From, all.To)
	}
	for _, u := range e.users {
		if u.Access != baton.AccessRep {
			continue
		}
		want := int64(0)
		for _, o := range owners {
			if o == u.ID {
				want++
			}
		}
		p := baton.Principal{UserID: u.ID, Email: u.Email, Access: u.Access, Team: u.Team}
		got, err := e.svc.Metrics(e.ctx, p, from, to, metrics.DimAll)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total.Handoffs != want {
			t.Errorf("%s: got %d handoffs, want the %d they own", u.Email, got.Total.Handoffs, want)
		}
	}
	if _, err := e.svc.Metrics(e.ctx, e.admin, from, to, "colour"); baton.ErrorCode(err) != baton.EINVALID || !strings.Contains(errorFields(err), "by") {
		t.Errorf("got %v, want EINVALID naming by", err)
	}
}
