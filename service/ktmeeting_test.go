package service_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
	"github.com/google/go-cmp/cmp"
)

// strategicWon ingests a contract signed at t0 by an enterprise (strategic)
// account, with an SE and an implementation specialist named.
func strategicWon(t *testing.T, e *env, id string) *baton.Handoff {
	t.Helper()
	return e.ingest(t, wonSignal(e, id, baton.SignalContractSigned, 5000, map[string]any{
		"se": "se1@t.example", "implementation_specialist": "impl1@t.example", "payment": "scheduled"}))
}

// TestKTMeeting: the knowledge-transfer meeting is created with its
// participants and agenda, its agenda goes out 24 h ahead, a required
// participant who has not accepted is escalated, and its record is the
// kt_meeting_held event.
func TestKTMeeting(t *testing.T) {
	t.Parallel()
	t.Run("CreatedWithParticipantsAndTheSevenPartAgenda", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t)
		h := strategicWon(t, e, "ktnew")
		c := e.cs(t, h.ID)
		type part struct {
			Email, Role string
			Required    bool
		}
		var got []part
		for _, p := range c.KT.Participants {
			got = append(got, part{c.People[p.UserID].Email, p.Role, p.Required})
		}
		owner := c.People[h.OwnerID].Email
		want := []part{{"ae1@t.example", baton.KTRoleAE, true}, {owner, baton.KTRoleCSM, true}, {"csmgr@t.example", baton.KTRoleCSManager, true},
			{"se1@t.example", baton.KTRoleSE, false}, {"impl1@t.example", baton.KTRoleImplementation, false}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("participants (-want +got):\n%s", diff)
		}
		var names []string
		for _, a := range c.KT.Agenda {
			names = append(names, a.Name)
		}
		if diff := cmp.Diff([]string{"customer_overview", "stakeholders", "objectives", "commitments", "implementation", "risks", "questions"}, names); diff != "" {
			t.Errorf("agenda (-want +got):\n%s", diff)
		}
		if c.KT.Duration != 60*time.Minute {
			t.Errorf("got %s, want 60 minutes for a strategic account", c.KT.Duration)
		}
		if got := len(e.messages(t, baton.MsgKTInvite)); got != 5 {
			t.Errorf("got %d invitations, want 5", got)
		}
	})
	t.Run("AgendaSent24HoursBefore", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t)
		h := strategicWon(t, e, "ktagenda")
		start := t0.Add(40 * time.Hour)
		if _, err := e.svc.ScheduleKT(e.ctx, e.principal("ae1"), h.ID, service.KTScheduleInput{StartsAt: start}); err != nil {
			t.Fatal(err)
		}
		e.advance(t, 16*time.Hour-time.Minute)
		if got := e.messages(t, baton.MsgKTAgenda); len(got) != 0 {
			t.Fatalf("got %d agenda messages 24 h 1 m before, want none", len(got))
		}
		e.advance(t, time.Minute)
		msgs := e.messages(t, baton.MsgKTAgenda)
		if len(msgs) != 5 {
			t.Fatalf("got %d agenda messages at 24 h before, want one per participant (5)", len(msgs))
		}
		var n baton.Notice
		if err := json.Unmarshal(msgs[0].Payload, &n); err != nil {
			t.Fatal(err)
		}
		for _, part := range []string{"1. Customer overview (5 min)", "2. Stakeholder deep-dive (10 min)", "3. Business objectives and success", "4. Scope, commitments and expectations",
			"5. Implementation context", "6. Risk factors and concerns", "7. Questions and next steps", "Required: Ae One (account executive)", "Recommended: Sol Engineer (sales engineer)"} {
			if !strings.Contains(n.Text, part) {
				t.Errorf("agenda lacks %q:\n%s", part, n.Text)
			}
		}
		if n.KT == nil || len(n.KT.Agenda) != 7 || !n.KT.StartsAt.Equal(start) || n.KT.DurationMinutes != 60 ||
			!slices.Contains(n.KT.RequiredPeople, "Ae One (account executive)") || !slices.Contains(n.KT.Recommended, "Sol Engineer (sales engineer)") {
			t.Errorf("got the meeting %+v, want its time, 60 minutes, the seven parts and who attends", n.KT)
		}
		if msgs[0].Channel != baton.ChannelWebhook {
			// Only the webhook is configured: email falls back to it.
			t.Errorf("got channel %s, want the webhook", msgs[0].Channel)
		}
		if c := e.cs(t, h.ID); !c.KT.AgendaSentAt.Equal(start.Add(-24 * time.Hour)) {
			t.Errorf("got agenda sent %s, want %s", c.KT.AgendaSentAt, start.Add(-24*time.Hour))
		}
	})
	t.Run("AgendaGoesByEmailUnlessThePlaybookRoutesIt", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name, notifications, want string
		}{
			{"Email", "", baton.ChannelEmail},
			{"Routed", "notifications:\n  kt.agenda: [webhook]\n  kt.invite: [webhook]\n", baton.ChannelWebhook},
		} {
			e := csEnv(t, "cs_protocol:\n", tc.notifications+"cs_protocol:\n")
			e.svc.SetChannels(baton.ChannelEmail, baton.ChannelWebhook)
			h := strategicWon(t, e, "ktroute"+tc.name)
			start := t0.Add(40 * time.Hour)
			if _, err := e.svc.ScheduleKT(e.ctx, e.principal("ae1"), h.ID, service.KTScheduleInput{StartsAt: start}); err != nil {
				t.Fatal(err)
			}
			e.advance(t, 16*time.Hour)
			for _, kind := range []string{baton.MsgKTAgenda, baton.MsgKTInvite} {
				msgs := e.messages(t, kind)
				if len(msgs) == 0 {
					t.Fatalf("%s: got no %s messages", tc.name, kind)
				}
				for _, m := range msgs {
					if m.Channel != tc.want {
						t.Errorf("%s: %s to %s went by %s, want %s", tc.name, kind, m.RecipientID, m.Channel, tc.want)
					}
				}
			}
		}
	})
	t.Run("RequiredParticipantNotAcceptedIsEscalated", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t)
		h := strategicWon(t, e, "ktaccept")
		if _, err := e.svc.ScheduleKT(e.ctx, e.principal("ae1"), h.ID, service.KTScheduleInput{StartsAt: t0.Add(40 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.RespondKT(e.ctx, e.principal("csmgr"), h.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.RespondKT(e.ctx, e.principal("sdr1"), h.ID, true); baton.ErrorCode(err) != baton.EFORBIDDEN {
			t.Errorf("uninvited: got %v, want EFORBIDDEN", err)
		}
		e.advance(t, 16*time.Hour)
		msgs := e.messages(t, baton.MsgKTUnaccepted)
		if len(msgs) != 1 || msgs[0].RecipientID != e.users["csmgr"].ID {
			t.Fatalf("got %v, want one escalation, of the CSM to their manager", msgs)
		}
		c := e.cs(t, h.ID)
		for _, p := range c.KT.Participants {
			escalated := !p.EscalatedAt.IsZero()
			if want := p.Role == baton.KTRoleCSM; escalated != want {
				t.Errorf("%s: got escalated %v, want %v (the AE scheduled it, the CS manager accepted, SE and implementation are recommended)", p.Role, escalated, want)
			}
		}
		var reasons []string
		for _, ev := range e.view(t, h.ID).Events {
			if ev.Kind == baton.EventEscalated {
				reasons = append(reasons, ev.Reason)
			}
		}
		if len(reasons) != 1 || !strings.Contains(reasons[0], "(customer success manager, required) has not accepted") {
			t.Errorf("got escalations %v", reasons)
		}
	})
	t.Run("ScheduleValidatesTheWindowAndLength", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t)
		h := strategicWon(t, e, "ktbad")
		for _, tc := range []struct {
			in    service.KTScheduleInput
			field string
		}{
			{service.KTScheduleInput{StartsAt: t0.Add(47*time.Hour + 30*time.Minute)}, "starts_at"}, // 60 minutes end past 48 h
			{service.KTScheduleInput{StartsAt: t0.Add(-time.Hour)}, "starts_at"},
			{service.KTScheduleInput{StartsAt: t0.Add(30 * time.Hour), Minutes: 20}, "duration_minutes"},
		} {
			_, err := e.svc.ScheduleKT(e.ctx, e.principal("ae1"), h.ID, tc.in)
			if f := invalidFields(t, err); f[tc.field] == "" {
				t.Errorf("%+v: got %v, want %s named", tc.in, f, tc.field)
			}
		}
	})
	t.Run("NotConfirmedWithin24HoursEscalates", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t)
		strategicWon(t, e, "ktconfirm")
		e.advance(t, 24*time.Hour)
		msgs := e.messages(t, baton.MsgKTUnconfirmed)
		var to []string
		for _, m := range msgs {
			to = append(to, m.RecipientID)
		}
		if want := []string{e.users["ae1"].ID, e.users["mgr"].ID}; !slices.Equal(sorted(to), sorted(want)) {
			t.Errorf("got unconfirmed messages to %v, want the AE and their manager", to)
		}
	})
	t.Run("RecordAppendsTheHeldEvent", func(t *testing.T) {
		t.Parallel()
		e := csEnv(t)
		h := strategicWon(t, e, "ktrecord")
		if _, err := e.svc.ScheduleKT(e.ctx, e.principal("ae1"), h.ID, service.KTScheduleInput{StartsAt: t0.Add(30 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		e.advance(t, 31*time.Hour)
		_, err := e.svc.RecordKT(e.ctx, e.principal("ae1"), h.ID, service.KTRecordInput{
			Attended: []string{"nobody@t.example"}, Covered: []string{"gossip"}, NotesURL: "notes",
			ActionItems: []service.KTActionInput{{What: "Intro email", Owner: "who", Due: "soon"}}})
		f := invalidFields(t, err)
		for _, name := range []string{"attended[0]", "covered[0]", "notes_url", "action_items[0].owner", "action_items[0].due"} {
			if f[name] == "" {
				t.Errorf("got %v, want %s named", f, name)
			}
		}
		owner := e.users["ae1"].ID
		csm := h.OwnerID
		v, err := e.svc.RecordKT(e.ctx, e.principal("ae1"), h.ID, service.KTRecordInput{
			Attended: []string{"ae1@t.example", csm}, Covered: []string{"customer_overview", "stakeholders", "objectives", "commitments", "risks"},
			CSQuestionsAnswered: true, IntroductionAgreed: true, NotesURL: "https://notes.example/kt/1",
			ActionItems: []service.KTActionInput{{What: "Send the customer introduction", Owner: "ae1@t.example", Due: "2026-11-20"}}})
		if err != nil {
			t.Fatal(err)
		}
		if v.KT.Status != baton.KTHeld || slices.Contains(v.KT.Checklist, service.ChecklistAllAttended) || !slices.Contains(v.KT.Checklist, service.ChecklistIntro) {
			t.Errorf("got %s with checklist %v, want held, the CS manager's absence unchecked", v.KT.Status, v.KT.Checklist)
		}
		var held *baton.KTHeldData
		for _, ev := range e.view(t, h.ID).Events {
			if ev.Kind == baton.EventKTHeld {
				d, err := baton.DecodeEventData[baton.KTHeldData](ev)
				if err != nil {
					t.Fatal(err)
				}
				held = &d
			}
		}
		if held == nil {
			t.Fatal("no kt_meeting_held event")
		}
		want := &baton.KTHeldData{MeetingID: v.KT.ID, HeldAt: e.clock.Now(), Required: []string{owner, csm, e.users["csmgr"].ID},
			Attended: []string{owner, csm}, AgendaItems: 7, AgendaCovered: 5, CSQuestionsAnswered: true, NotesURL: "https://notes.example/kt/1",
			ActionItems: []baton.KTActionItem{{What: "Send the customer introduction", Owner: owner, Due: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}}}
		if diff := cmp.Diff(want, held); diff != "" {
			t.Errorf("kt_meeting_held (-want +got):\n%s", diff)
		}
		_, err = e.svc.RecordKT(e.ctx, e.principal("ae1"), h.ID, service.KTRecordInput{Attended: []string{csm}, NotesURL: "https://notes.example"})
		wantCode(t, err, baton.ECONFLICT)
	})
}
