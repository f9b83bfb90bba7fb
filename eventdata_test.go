package baton_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/sqlite"
)

var at = time.Date(2026, 11, 23, 14, 30, 15, 123456789, time.UTC)

// payloads has one full payload of every kind that carries data.
func payloads() []baton.EventData {
	score := 40
	return []baton.EventData{
		baton.CreatedData{SignalID: "s1", SignalType: "demo_request", HandoffType: "inbound_lead", Tier: "hot", Team: "sdr",
			OccurredAt: at.Add(-time.Minute), Source: "website", Segment: "mid_market"},
		baton.SignalJoinedData{SignalID: "s2", SignalType: "pricing_inquiry", OccurredAt: at, Source: "hubspot"},
		baton.AssignedData{Step: "round_robin", OwnerName: "Sam One", FellBack: true},
		baton.RejectedData{Gaps: []string{"budget", "timeline"}, FixBy: at.Add(24 * time.Hour), Completeness: &score},
		baton.ReassignedData{OwnerChange: baton.OwnerChange{From: "u1", To: "u2", FromName: "Sam One", ToName: "Sue Two"}, Step: "reassign_backup"},
		baton.ResubmittedData{OwnerChange: baton.OwnerChange{From: "u1", To: "u1", FromName: "Sam One", ToName: "Sam One"}},
		baton.BreachedData{Step: "accept", Deadline: at.Add(-5 * time.Minute)},
		baton.OutcomeData{Outcome: baton.OutcomeNoShow, Objections: []string{"price"}},
		baton.ResumedData{PausedAt: at.Add(-time.Hour), PausedSeconds: 3600.5},
		baton.ContextData{Fields: []string{"budget", "pain"}, Completeness: 80},
		baton.MeetingChangedData{MeetingID: "m1", StartsAt: at.Add(48 * time.Hour), Status: "booked", Sequence: 2},
		baton.PreCallData{MeetingID: "m1", Words: 180, Objections: []string{"price", "timing"}},
		baton.IntakeSentData{IntakeID: "i1", MeetingID: "m1", ExpiresAt: at.Add(72 * time.Hour), Fields: []string{"budget"}},
		baton.IntakeAnsweredData{IntakeID: "i1", Fields: []string{"budget"}, Completeness: 60},
		baton.RatedData{Rating: 2, Stage: "accept", Missing: []string{"budget", "timeline"}, Comment: "no budget"},
		baton.SurveySentData{SurveyID: "v1", MeetingID: "m1", ExpiresAt: at.Add(7 * 24 * time.Hour)},
		baton.SurveyAnsweredData{SurveyID: "v1", Score: 5, Comment: "useful"},
		baton.RecycledData{Outcome: baton.OutcomeNotInterested, Reason: "no budget this year", Source: "website"},
		baton.KTHeldData{MeetingID: "m2", HeldAt: at, Required: []string{"ae", "csm"}, Attended: []string{"ae", "csm"},
			AgendaItems: 7, AgendaCovered: 6, CSQuestionsAnswered: true, NotesURL: "https://notes.example/kt",
			ActionItems: []baton.KTActionItem{{What: "send SOW", Owner: "ae", Due: at.Add(48 * time.Hour)}}},
	}
}

// store appends evs to a fresh SQLite store and reads the log back.
func store(t *testing.T, evs ...*baton.Event) []*baton.Event {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "baton.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Update(ctx, func(tx baton.Tx) error {
		for _, e := range evs {
			if err := tx.AppendEvent(ctx, e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var got []*baton.Event
	if err := db.View(ctx, func(tx baton.Tx) (err error) {
		got, err = tx.Events(ctx, "h1")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(evs) {
		t.Fatalf("got %d stored events, want %d", len(got), len(evs))
	}
	return got
}

func TestEventDataRoundTripsThroughTheStore(t *testing.T) {
	t.Parallel()
	want := payloads()
	var evs []*baton.Event
	for _, d := range want {
		e := &baton.Event{HandoffID: "h1", Kind: d.EventKind(), At: at, Actor: baton.ActorClock}
		if err := e.SetData(d); err != nil {
			t.Fatalf("set %s data: %v", e.Kind, err)
		}
		evs = append(evs, e)
	}
	for i, e := range store(t, evs...) {
		got, err := e.Payload()
		if err != nil {
			t.Fatalf("decode %s: %v", e.Kind, err)
		}
		if diff := cmp.Diff(want[i], got); diff != "" {
			t.Errorf("%s payload after the store (-want +got):\n%s", e.Kind, diff)
		}
	}
}

func TestEveryKindHasAPayloadTypeOrNone(t *testing.T) {
	t.Parallel()
	withData := map[string]bool{}
	for _, d := range payloads() {
		if withData[d.EventKind()] {
			t.Errorf("two payload types for %s", d.EventKind())
		}
		withData[d.EventKind()] = true
	}
	for _, kind := range baton.EventKinds() {
		got, err := (&baton.Event{Kind: kind}).Payload()
		if err != nil {
			t.Errorf("%s: got %v, want a known kind", kind, err)
		}
		if withData[kind] != (got != nil) {
			t.Errorf("%s: got payload %#v, want one: %v", kind, got, withData[kind])
		}
		delete(withData, kind)
	}
	if len(withData) != 0 {
		t.Errorf("payload types for kinds EventKinds lacks: %v", withData)
	}
	if _, err := (&baton.Event{Kind: "no_such_kind"}).Payload(); baton.ErrorCode(err) != baton.EINTERNAL {
		t.Errorf("unknown kind: got %v, want an internal error", err)
	}
}

// TestOldPayloadsStillDecode stores payloads as Baton wrote them before
// each field was added, and as map literals wrote them, and reads them back.
func TestOldPayloadsStillDecode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, kind, data string
		want             baton.EventData
	}{
		{"CreatedBeforeTierTeamAndSegment", baton.EventCreated,
			`{"signal_id":"s1","signal_type":"demo_request","handoff_type":"inbound_lead","occurred_at":"2026-11-23T14:29:15Z","source":"website"}`,
			baton.CreatedData{SignalID: "s1", SignalType: "demo_request", HandoffType: "inbound_lead", OccurredAt: time.Date(2026, 11, 23, 14, 29, 15, 0, time.UTC), Source: "website"}},
		{"BreachWithoutData", baton.EventBreached, ``, baton.BreachedData{}},
		{"AssignedWithoutData", baton.EventAssigned, ``, baton.AssignedData{}},
		{"OutcomeBeforeObjections", baton.EventOutcome, `{"outcome":"qualified"}`, baton.OutcomeData{Outcome: "qualified"}},
		{"OutcomeWithNullObjections", baton.EventOutcome, `{"objections":null,"outcome":"qualified"}`, baton.OutcomeData{Outcome: "qualified"}},
		{"ReassignedWithIDsOnly", baton.EventReassigned, `{"from":"u1","to":"u2"}`,
			baton.ReassignedData{OwnerChange: baton.OwnerChange{From: "u1", To: "u2"}}},
		{"ResubmittedWithIDsOnly", baton.EventResubmitted, `{"from":"u1","to":"u1"}`,
			baton.ResubmittedData{OwnerChange: baton.OwnerChange{From: "u1", To: "u1"}}},
		{"RejectedByAPerson", baton.EventRejected, `{"fix_by":"2026-11-24T14:30:00Z","gaps":["budget"]}`,
			baton.RejectedData{Gaps: []string{"budget"}, FixBy: time.Date(2026, 11, 24, 14, 30, 0, 0, time.UTC)}},
		{"ResumedAsAMap", baton.EventResumed, `{"paused_at":"2026-11-23T13:30:15Z","paused_seconds":3600}`,
			baton.ResumedData{PausedAt: time.Date(2026, 11, 23, 13, 30, 15, 0, time.UTC), PausedSeconds: 3600}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := &baton.Event{HandoffID: "h1", Kind: tc.kind, At: at, Actor: baton.ActorClock}
			if tc.data != "" {
				e.Data = json.RawMessage(tc.data)
			}
			got, err := store(t, e)[0].Payload()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("payload (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPayloadsKeepTheirStoredFieldNames pins the JSON names rows already
// use: a renamed field would read back empty from every older row.
func TestPayloadsKeepTheirStoredFieldNames(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		baton.EventCreated:        {"handoff_type", "occurred_at", "segment", "signal_id", "signal_type", "source", "team", "tier"},
		baton.EventSignalJoined:   {"occurred_at", "signal_id", "signal_type", "source"},
		baton.EventAssigned:       {"fell_back", "owner_name", "step"},
		baton.EventRejected:       {"completeness", "fix_by", "gaps"},
		baton.EventReassigned:     {"from", "from_name", "step", "to", "to_name"},
		baton.EventResubmitted:    {"from", "from_name", "to", "to_name"},
		baton.EventBreached:       {"deadline", "step"},
		baton.EventOutcome:        {"objections", "outcome"},
		baton.EventResumed:        {"paused_at", "paused_seconds"},
		baton.EventContext:        {"completeness", "fields"},
		baton.EventMeetingChanged: {"meeting_id", "sequence", "starts_at", "status"},
		baton.EventPreCallSent:    {"meeting_id", "objections", "words"},
		baton.EventIntakeSent:     {"expires_at", "fields", "intake_id", "meeting_id"},
		baton.EventIntakeAnswered: {"completeness", "fields", "intake_id"},
		baton.EventRated:          {"comment", "missing", "rating", "stage"},
		baton.EventSurveySent:     {"expires_at", "meeting_id", "survey_id"},
		baton.EventSurveyAnswered: {"comment", "score", "survey_id"},
		baton.EventRecycled:       {"outcome", "reason", "source"},
		baton.EventKTHeld: {"action_items", "agenda_covered", "agenda_items", "attended", "cs_questions_answered",
			"held_at", "meeting_id", "notes_url", "required"},
	}
	for _, d := range payloads() {
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		var got []string
		for k := range m {
			got = append(got, k)
		}
		if diff := cmp.Diff(want[d.EventKind()], got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("%s fields (-want +got):\n%s", d.EventKind(), diff)
		}
	}
}

func TestEventDataRefusesAnotherKind(t *testing.T) {
	t.Parallel()
	e := &baton.Event{Kind: baton.EventAccepted}
	if err := e.SetData(baton.OutcomeData{Outcome: baton.OutcomeNoShow}); baton.ErrorCode(err) != baton.EINTERNAL || e.Data != nil {
		t.Errorf("set outcome data on an accepted event: got %v (data %s), want an internal error and no data", err, e.Data)
	}
	e = &baton.Event{Kind: baton.EventOutcome, Data: json.RawMessage(`{"outcome":"no_show"}`)}
	if _, err := baton.DecodeEventData[baton.BreachedData](e); baton.ErrorCode(err) != baton.EINTERNAL {
		t.Errorf("decode an outcome as a breach: got %v, want an internal error", err)
	}
	e = &baton.Event{Kind: baton.EventBreached, Data: json.RawMessage(`{"deadline":"soon"}`)}
	if _, err := baton.DecodeEventData[baton.BreachedData](e); err == nil {
		t.Error("decode a breach with a bad deadline: got no error")
	}
}
