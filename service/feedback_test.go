package service_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

func ptr(n int) *int { return &n }

// meetingHandoff ingests a meeting sdr1 booked with a prospect of its own
// account (so handoffs never coalesce), starting at start in zone, with the
// context that passes the meeting_set gate. The owner is an AE.
func (e *env) meetingHandoff(t *testing.T, id, zone string, start time.Time) *baton.Handoff {
	t.Helper()
	sig := demoRequest(id)
	sig.Type, sig.Sender, sig.Fields = baton.SignalMeetingBooked, e.users["sdr1"].Email, meetingContext()
	sig.Contact.TimeZone = zone
	sig.Account = baton.SignalAccount{Name: "Acme " + id, Domain: "acme-" + id + ".example"}
	sig.Contact.Email = "ana@acme-" + id + ".example"
	sig.Meeting = &baton.SignalMeeting{StartsAt: start, Duration: baton.Duration(30 * time.Minute), TimeZone: zone, Agenda: "Discovery"}
	h := e.ingest(t, sig)
	if h.State != baton.StateAssigned || h.SenderID != e.users["sdr1"].ID || h.OwnerID == "" || h.OwnerID == h.SenderID {
		t.Fatalf("got handoff %s owned by %q sent by %q, want one assigned to an AE and sent by sdr1", h.State, h.OwnerID, h.SenderID)
	}
	return h
}

// ownerOf is the principal of h's owner.
func (e *env) ownerOf(h *baton.Handoff) baton.Principal {
	for _, u := range e.users {
		if u.ID == h.OwnerID {
			return principal(u)
		}
	}
	return baton.Principal{}
}

// rated returns the rated events of a handoff's log.
func (e *env) rated(t *testing.T, id string) []*baton.Event {
	t.Helper()
	var out []*baton.Event
	for _, ev := range e.view(t, id).Events {
		if ev.Kind == baton.EventRated {
			out = append(out, ev)
		}
	}
	return out
}

func ratedData(t *testing.T, ev *baton.Event) baton.RatedData {
	t.Helper()
	d, err := baton.DecodeEventData[baton.RatedData](ev)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRatingWithCommands(t *testing.T) {
	t.Parallel()

	t.Run("AcceptRecordsTheReceiversRating", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.meetingHandoff(t, "acc", "UTC", t0.Add(48*time.Hour))
		owner := e.ownerOf(h)
		in := service.CommandInput{Rating: ptr(4), Missing: []string{"competitors", "budget_range", " competitors"},
			Comment: "  Good notes, no budget owner.  "}
		if _, err := e.svc.Act(e.ctx, owner, h.ID, baton.CmdAccept, in); err != nil {
			t.Fatal(err)
		}
		evs := e.view(t, h.ID).Events
		last, prev := evs[len(evs)-1], evs[len(evs)-2]
		if prev.Kind != baton.EventAccepted || last.Kind != baton.EventRated {
			t.Fatalf("got events %v, want accepted then rated last", kinds(evs))
		}
		if last.Actor != owner.Actor() || last.OwnerID != h.OwnerID || last.FromState != "" || last.ToState != "" {
			t.Errorf("got rated event by %q for owner %q (%s→%s), want by the receiver %q with no state change", last.Actor, last.OwnerID, last.FromState, last.ToState, owner.Actor())
		}
		want := baton.RatedData{Rating: 4, Stage: baton.RatingStageAccept, Missing: []string{"budget_range", "competitors"}, Comment: "Good notes, no budget owner."}
		if diff := cmp.Diff(want, ratedData(t, last)); diff != "" {
			t.Errorf("rated data (-want +got):\n%s", diff)
		}
		if !strings.Contains(last.Reason, "rated 4/5 at accept") || !strings.Contains(last.Reason, "Budget range, Competitors mentioned") {
			t.Errorf("got reason %q, want the rating and the missing fields' labels", last.Reason)
		}
	})
	t.Run("CompleteAndOutcomeRateTheCompleteStage", func(t *testing.T) {
		t.Parallel()
		for _, cmd := range []baton.Command{baton.CmdComplete, baton.CmdOutcome} {
			e := setup(t)
			start := t0.Add(time.Hour)
			h := e.meetingHandoff(t, "done", "UTC", start)
			owner := e.ownerOf(h)
			for _, c := range []baton.Command{baton.CmdAccept, baton.CmdTouch} {
				if _, err := e.svc.Act(e.ctx, owner, h.ID, c, service.CommandInput{}); err != nil {
					t.Fatal(err)
				}
			}
			e.clock.Set(start.Add(40 * time.Minute))
			in := service.CommandInput{Outcome: baton.OutcomeProposal, Rating: ptr(5)}
			if _, err := e.svc.Act(e.ctx, owner, h.ID, cmd, in); err != nil {
				t.Fatalf("%s: %v", cmd, err)
			}
			got := e.rated(t, h.ID)
			if len(got) != 1 || ratedData(t, got[0]).Stage != baton.RatingStageComplete || ratedData(t, got[0]).Rating != 5 {
				t.Errorf("%s: got rated events %v, want one 5/5 at complete", cmd, got)
			}
		}
	})
	t.Run("NoRatingNoEvent", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.meetingHandoff(t, "none", "UTC", t0.Add(48*time.Hour))
		if _, err := e.svc.Act(e.ctx, e.ownerOf(h), h.ID, baton.CmdAccept, service.CommandInput{Note: "on it"}); err != nil {
			t.Fatal(err)
		}
		if got := e.rated(t, h.ID); len(got) != 0 {
			t.Errorf("got %d rated events, want none", len(got))
		}
	})
}

func TestRatingValidation(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", baton.MaxFeedbackComment+1)
	for _, tc := range []struct {
		name  string
		cmd   baton.Command
		in    service.RatingInput
		field string
	}{
		{"ZeroRating", baton.CmdAccept, service.RatingInput{Rating: ptr(0)}, "rating"},
		{"RatingAboveFive", baton.CmdAccept, service.RatingInput{Rating: ptr(6)}, "rating"},
		{"NegativeRating", baton.CmdAccept, service.RatingInput{Rating: ptr(-1)}, "rating"},
		{"MissingWithoutRating", baton.CmdAccept, service.RatingInput{Missing: []string{"budget_range"}}, "rating"},
		{"CommentWithoutRating", baton.CmdAccept, service.RatingInput{Comment: "thin"}, "rating"},
		{"UnknownField", baton.CmdAccept, service.RatingInput{Rating: ptr(3), Missing: []string{"budget_range", "budget"}}, "missing[1]"},
		{"BlankField", baton.CmdAccept, service.RatingInput{Rating: ptr(3), Missing: []string{" "}}, "missing[0]"},
		{"CommentTooLong", baton.CmdAccept, service.RatingInput{Rating: ptr(3), Comment: long}, "comment"},
		{"CommentNotUTF8", baton.CmdAccept, service.RatingInput{Rating: ptr(3), Comment: "bad \xff"}, "comment"},
		{"CommandTakesNoRating", baton.CmdReject, service.RatingInput{Rating: ptr(3)}, "rating"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			h := e.meetingHandoff(t, "v", "UTC", t0.Add(48*time.Hour))
			before := e.view(t, h.ID)
			in := service.CommandInput{Rating: tc.in.Rating, Missing: tc.in.Missing, Comment: tc.in.Comment, Gaps: []string{"budget"}}
			_, err := e.svc.Act(e.ctx, e.ownerOf(h), h.ID, tc.cmd, in)
			var be *baton.Error
			if baton.ErrorCode(err) != baton.EINVALID || !asError(err, &be) || len(be.Fields) == 0 || be.Fields[0].Field != tc.field {
				t.Fatalf("got %v, want EINVALID naming %s", err, tc.field)
			}
			after := e.view(t, h.ID)
			if after.State != before.State || len(after.Events) != len(before.Events) {
				t.Errorf("got state %s with %d events, want %s with %d: nothing written", after.State, len(after.Events), before.State, len(before.Events))
			}
		})
	}
}

func TestRateLater(t *testing.T) {
	t.Parallel()

	t.Run("OncePerReceiverPerStage", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.meetingHandoff(t, "once", "UTC", t0.Add(48*time.Hour))
		owner := e.ownerOf(h)
		if _, err := e.svc.Rate(e.ctx, owner, h.ID, service.RateInput{Rating: ptr(3)}); baton.ErrorCode(err) != baton.ECONFLICT {
			t.Errorf("rating before accepting: got %v, want ECONFLICT", err)
		}
		if _, err := e.svc.Act(e.ctx, owner, h.ID, baton.CmdAccept, service.CommandInput{}); err != nil {
			t.Fatal(err)
		}
		ev, err := e.svc.Rate(e.ctx, owner, h.ID, service.RateInput{Rating: ptr(3), Missing: []string{"competitors"}})
		if err != nil {
			t.Fatal(err)
		}
		if d := ratedData(t, ev); ev.Kind != baton.EventRated || d.Stage != baton.RatingStageAccept || d.Rating != 3 || ev.Actor != owner.Actor() {
			t.Errorf("got %s %+v by %s, want a 3/5 rating at accept (the latest stage) by the owner", ev.Kind, d, ev.Actor)
		}
		_, err = e.svc.Rate(e.ctx, owner, h.ID, service.RateInput{Stage: baton.RatingStageAccept, Rating: ptr(5)})
		if baton.ErrorCode(err) != baton.ECONFLICT {
			t.Errorf("second rating: got %v, want ECONFLICT", err)
		}
		_, err = e.svc.Rate(e.ctx, owner, h.ID, service.RateInput{Stage: baton.RatingStageComplete, Rating: ptr(5)})
		if baton.ErrorCode(err) != baton.ECONFLICT {
			t.Errorf("rating a stage not reached: got %v, want ECONFLICT", err)
		}
		if n := len(e.rated(t, h.ID)); n != 1 {
			t.Errorf("got %d ratings, want 1", n)
		}
	})
	t.Run("RatingWithAcceptCountsForTheStage", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.meetingHandoff(t, "twice", "UTC", t0.Add(48*time.Hour))
		owner := e.ownerOf(h)
		e.clock.Add(time.Minute)
		if _, err := e.svc.Act(e.ctx, owner, h.ID, baton.CmdAccept, service.CommandInput{Rating: ptr(2)}); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Rate(e.ctx, owner, h.ID, service.RateInput{Rating: ptr(4)})
		if baton.ErrorCode(err) != baton.ECONFLICT || !strings.Contains(baton.ErrorMessage(err), "2/5") {
			t.Errorf("got %v, want ECONFLICT naming the earlier 2/5", err)
		}
	})
	t.Run("OnlyReceiversRate", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.meetingHandoff(t, "who", "UTC", t0.Add(48*time.Hour))
		e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
		in := service.RateInput{Rating: ptr(1)}
		if _, err := e.svc.Rate(e.ctx, principal(e.users["sdr1"]), h.ID, in); baton.ErrorCode(err) != baton.EFORBIDDEN {
			t.Errorf("the sender: got %v, want EFORBIDDEN", err)
		}
		if _, err := e.svc.Rate(e.ctx, principal(e.users["sdr2"]), h.ID, in); baton.ErrorCode(err) != baton.EFORBIDDEN {
			t.Errorf("a stranger: got %v, want EFORBIDDEN", err)
		}
		if _, err := e.svc.Rate(e.ctx, e.admin, h.ID, in); err != nil {
			t.Errorf("whoever accepted it: got %v, want the rating recorded", err)
		}
		if _, err := e.svc.Rate(e.ctx, e.ownerOf(h), h.ID, in); err != nil {
			t.Errorf("the owner: got %v, want the rating recorded", err)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.meetingHandoff(t, "bad", "UTC", t0.Add(48*time.Hour))
		e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
		for _, tc := range []struct {
			in    service.RateInput
			field string
		}{
			{service.RateInput{}, "rating"},
			{service.RateInput{Stage: "later", Rating: ptr(3)}, "stage"},
			{service.RateInput{Rating: ptr(3), Missing: []string{"nope"}}, "missing[0]"},
		} {
			_, err := e.svc.Rate(e.ctx, e.admin, h.ID, tc.in)
			var be *baton.Error
			if !asError(err, &be) || be.Code != baton.EINVALID || be.Fields[0].Field != tc.field {
				t.Errorf("%+v: got %v, want EINVALID naming %s", tc.in, err, tc.field)
			}
		}
		if n := len(e.rated(t, h.ID)); n != 0 {
			t.Errorf("got %d ratings, want none", n)
		}
	})
}

// notices returns the notices of kind queued so far.
func (e *env) notices(t *testing.T, kind string) []*baton.Message {
	t.Helper()
	return e.messages(t, kind)
}

func noticeText(t *testing.T, m *baton.Message) string {
	t.Helper()
	var n baton.Notice
	if err := json.Unmarshal(m.Payload, &n); err != nil {
		t.Fatal(err)
	}
	return n.Text
}

func TestLowRatingNotifiesSender(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, tc := range []struct {
		id     string
		rating int
		want   int
	}{{"r1", 1, 1}, {"r2", 2, 2}, {"r3", 3, 2}, {"r5", 5, 2}} {
		h := e.meetingHandoff(t, tc.id, "UTC", t0.Add(48*time.Hour))
		in := service.CommandInput{Rating: ptr(tc.rating), Missing: []string{"budget_range"}, Comment: "who pays?"}
		if _, err := e.svc.Act(e.ctx, e.ownerOf(h), h.ID, baton.CmdAccept, in); err != nil {
			t.Fatal(err)
		}
		got := e.notices(t, baton.MsgRatedLow)
		if len(got) != tc.want {
			t.Fatalf("after a %d/5: got %d low-rating notices, want %d", tc.rating, len(got), tc.want)
		}
	}
	for _, m := range e.notices(t, baton.MsgRatedLow) {
		text := noticeText(t, m)
		if m.RecipientID != e.users["sdr1"].ID || !strings.Contains(text, "Budget range") || !strings.Contains(text, "who pays?") {
			t.Errorf("got notice to %s: %q, want one to the sender naming the missing field and the comment", m.RecipientID, text)
		}
	}
}

// feedbackPlaybook is the default playbook with a feedback key added.
func feedbackPlaybook(t *testing.T, yaml string) *playbook.Playbook {
	t.Helper()
	pb, err := playbook.Parse("feedback.yaml", append(playbook.DefaultYAML(), []byte("\nfeedback:\n"+yaml)...))
	if err != nil {
		t.Fatal(err)
	}
	return pb
}

func TestRejectionThreshold(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	// reject ingests a handoff sent by sdr1 at the clock's now and has its
	// owner reject it.
	reject := func(t *testing.T, e *env, id string) *baton.Handoff {
		t.Helper()
		h := e.meetingHandoff(t, id, "UTC", e.clock.Now().Add(48*time.Hour))
		if _, err := e.svc.Act(e.ctx, e.ownerOf(h), h.ID, baton.CmdReject, service.CommandInput{Gaps: []string{"no budget owner"}}); err != nil {
			t.Fatal(err)
		}
		return h
	}

	t.Run("EscalatesWhenTheWindowHoldsMoreThanThree", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		var hs []*baton.Handoff
		for _, step := range []struct {
			at        time.Duration
			notices   int
			slidesOut string
		}{
			{0, 0, ""},
			{10 * day, 0, ""},
			{20 * day, 0, ""},
			{35 * day, 0, "day 0 is out of the 30 days: three in the window"},
			{36 * day, 1, ""},
			{37 * day, 1, "still above: no second notice"},
		} {
			e.clock.Set(t0.Add(step.at))
			hs = append(hs, reject(t, e, fmt.Sprintf("d%d", int(step.at/day))))
			if got := len(e.notices(t, baton.MsgRejectionsEscalated)); got != step.notices {
				t.Fatalf("after the rejection on day %d: got %d escalations, want %d (%s)", int(step.at/day), got, step.notices, step.slidesOut)
			}
		}
		m := e.notices(t, baton.MsgRejectionsEscalated)[0]
		text := noticeText(t, m)
		if m.RecipientID != e.users["mgr"].ID || m.HandoffID != hs[4].ID {
			t.Errorf("got escalation to %s about %s, want the sender's manager about the fourth rejection", m.RecipientID, m.HandoffID)
		}
		for i, h := range hs {
			named := strings.Contains(text, "/handoffs/"+h.ID)
			if want := i >= 1 && i <= 4; named != want {
				t.Errorf("escalation names the day-%d handoff: %t, want %t:\n%s", []int{0, 10, 20, 35, 36, 37}[i], named, want, text)
			}
		}
		if !strings.Contains(text, "Sam One's handoffs were rejected 4 times in 30d") || !strings.Contains(text, "no budget owner") {
			t.Errorf("got text %q, want the sender, the count, the window and the gaps", text)
		}
	})
	t.Run("EscalatesAgainAfterTheCountFallsBack", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.svc.SetPlaybook(feedbackPlaybook(t, "  rejections: {threshold: 1, window: 10d}\n"))
		for _, step := range []struct {
			at      time.Duration
			notices int
		}{{0, 0}, {day, 1}, {2 * day, 1}, {20 * day, 1}, {21 * day, 2}} {
			e.clock.Set(t0.Add(step.at))
			reject(t, e, fmt.Sprintf("d%d", int(step.at/day)))
			if got := len(e.notices(t, baton.MsgRejectionsEscalated)); got != step.notices {
				t.Fatalf("after the rejection on day %d: got %d escalations, want %d", int(step.at/day), got, step.notices)
			}
		}
	})
	t.Run("GateReturnsDoNotCount", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.svc.SetPlaybook(feedbackPlaybook(t, "  rejections: {threshold: 1}\n"))
		for i := range 3 {
			sig := demoRequest(fmt.Sprintf("gate%d", i))
			sig.Type, sig.Sender = baton.SignalMeetingBooked, e.users["sdr1"].Email
			sig.Account = baton.SignalAccount{Name: "Gate", Domain: fmt.Sprintf("gate%d.example", i)}
			sig.Meeting = &baton.SignalMeeting{StartsAt: t0.Add(48 * time.Hour), TimeZone: "UTC"}
			if h := e.ingest(t, sig); h.State != baton.StateReturned {
				t.Fatalf("got %s, want the gate to return the handoff", h.State)
			}
		}
		reject(t, e, "person")
		if got := len(e.notices(t, baton.MsgRejectionsEscalated)); got != 0 {
			t.Errorf("got %d escalations, want none: one rejection by a person, the rest by the gate", got)
		}
	})
}
