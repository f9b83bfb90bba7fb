package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

func TestContextAndGate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	sig := demoRequest("gate")
	sig.Type, sig.Sender = baton.SignalMeetingBooked, e.users["sdr1"].Email
	sig.Meeting = &baton.SignalMeeting{StartsAt: t0.Add(72 * time.Hour), TimeZone: "America/New_York"}
	sig.Fields = map[string]any{"budget_range": "$20k-$40k", "target_decision_date": "soon"} // one good, one bad
	h := e.ingest(t, sig)
	v := e.view(t, h.ID)
	if v.State != baton.StateReturned || v.Completeness >= 50 || len(v.Gaps) == 0 {
		t.Fatalf("got %s at %d%% with gaps %v, want returned below the 50%% gate", v.State, v.Completeness, v.Gaps)
	}
	if v.Context["budget_range"] == nil || v.Context["target_decision_date"] != nil {
		t.Errorf("prefill: got %v, want the valid budget only", v.Context)
	}
	var noted bool
	for _, st := range v.Trace {
		noted = noted || (st.Step == "context" && st.Subject == "target_decision_date")
	}
	if !noted {
		t.Errorf("trace does not say the bad signal field was skipped: %+v", v.Trace)
	}
	if got := e.messages(t, baton.MsgReturned); len(got) != 1 || got[0].RecipientID != e.users["sdr1"].ID {
		t.Errorf("got returned messages %v, want one to the SDR", got)
	}

	t.Run("ResubmitRefusedBelowGate", func(t *testing.T) {
		_, err := e.svc.Act(e.ctx, e.admin, h.ID, baton.CmdResubmit, service.CommandInput{})
		var be *baton.Error
		if baton.ErrorCode(err) != baton.EINVALID || !asError(err, &be) || len(be.Fields) == 0 || !strings.HasPrefix(be.Fields[0].Field, "context.") {
			t.Fatalf("got %v, want invalid naming the missing context fields", err)
		}
	})
	t.Run("PatchValidatesEachField", func(t *testing.T) {
		_, err := e.svc.UpdateContext(e.ctx, e.admin, h.ID, map[string]any{"budget_range": "lots", "nope": "x", "meeting_type": "Demo"})
		var be *baton.Error
		if !asError(err, &be) || len(be.Fields) != 2 {
			t.Fatalf("got %v, want two field errors (budget_range, nope)", err)
		}
		if after := e.view(t, h.ID); after.Context["meeting_type"] != nil {
			t.Error("a rejected patch wrote a field")
		}
	})
	t.Run("NAAnswersBlankClears", func(t *testing.T) {
		before := e.view(t, h.ID).Completeness
		if _, err := e.svc.UpdateContext(e.ctx, e.admin, h.ID, map[string]any{"competitors": "N/A"}); err != nil {
			t.Fatal(err)
		}
		mid := e.view(t, h.ID).Completeness
		if _, err := e.svc.UpdateContext(e.ctx, e.admin, h.ID, map[string]any{"competitors": "  "}); err != nil {
			t.Fatal(err)
		}
		after := e.view(t, h.ID).Completeness
		if !(mid > before && after == before) {
			t.Errorf("completeness %d → %d (N/A) → %d (blank), want up then back", before, mid, after)
		}
	})
	t.Run("ResubmitsOnceComplete", func(t *testing.T) {
		if _, err := e.svc.UpdateContext(e.ctx, e.admin, h.ID, meetingContext()); err != nil {
			t.Fatal(err)
		}
		got := e.act(t, h.ID, baton.CmdResubmit, service.CommandInput{})
		if got.State != baton.StateAssigned {
			t.Errorf("got %s, want assigned", got.State)
		}
		if v := e.view(t, h.ID); v.Completeness < 50 || count(kinds(v.Events), baton.EventContext) < 3 {
			t.Errorf("got %d%% and events %v", v.Completeness, kinds(v.Events))
		}
	})
}

func asError(err error, target **baton.Error) bool {
	e, ok := err.(*baton.Error)
	if ok {
		*target = e
	}
	return ok
}
