package web

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
)

func TestTimeline(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	roster := []*baton.User{{ID: "u1", Name: "Sam One"}, {ID: "u2", Name: "Sue Two"}}
	ev := func(kind string, to baton.State, owner, data string) *baton.Event {
		e := &baton.Event{Kind: kind, At: at, Actor: baton.ActorClock, ToState: to, OwnerID: owner, Reason: "why"}
		if data != "" {
			e.Data = json.RawMessage(data)
		}
		return e
	}
	for _, tc := range []struct {
		name      string
		event     *baton.Event
		want      string
		readsUser bool
	}{
		{"ReassignmentWithNames", ev(baton.EventReassigned, baton.StateAssigned, "u2", `{"from":"u1","to":"u2","from_name":"Sam","to_name":"Sue"}`),
			"reassigned from Sam to Sue", false},
		{"OlderReassignmentReadsTheRoster", ev(baton.EventReassigned, baton.StateAssigned, "u2", `{"from":"u1","to":"u2"}`),
			"reassigned from Sam One to Sue Two", true},
		{"ReassignmentFromUnowned", ev(baton.EventReassigned, baton.StateAssigned, "u2", `{"from":"","to":"u2","to_name":"Sue"}`),
			"reassigned from nobody to Sue", false},
		{"UserOffTheRosterKeepsTheID", ev(baton.EventReassigned, baton.StateAssigned, "u9", `{"from":"u1","to":"u9"}`),
			"reassigned from Sam One to u9", true},
		{"ResubmissionNamesTheOwner", ev(baton.EventResubmitted, baton.StateAssigned, "u1", `{"from":"u1","to":"u1"}`),
			"resubmitted → assigned to Sam One", true},
		{"OlderAssignmentReadsTheRoster", ev(baton.EventAssigned, baton.StateAssigned, "u1", ""), "assigned to Sam One", true},
		{"AssignmentWithName", ev(baton.EventAssigned, baton.StateAssigned, "u1", `{"step":"round_robin","owner_name":"Sam"}`), "assigned to Sam", false},
		{"UnownedAssignment", ev(baton.EventAssigned, baton.StateAssigned, "", ""), "assigned to nobody", false},
		{"OtherKindsNameTheirState", ev(baton.EventAccepted, baton.StateAccepted, "u1", ""), "accepted", false},
		{"StateOnlyWhenTheKindDoesNotSayIt", ev(baton.EventCreated, baton.StateAssigned, "", `{"signal_id":"s1"}`), "created → assigned", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			read := false
			users := func(context.Context) ([]*baton.User, error) { read = true; return roster, nil }
			got, err := timeline(context.Background(), []*baton.Event{tc.event}, users)
			if err != nil {
				t.Fatal(err)
			}
			want := []timelineRow{{At: at, What: tc.want, Who: baton.ActorClock, Why: "why"}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if read != tc.readsUser {
				t.Errorf("read the roster: got %v, want %v", read, tc.readsUser)
			}
		})
	}
	t.Run("ReportsABadPayload", func(t *testing.T) {
		t.Parallel()
		_, err := timeline(context.Background(), []*baton.Event{ev(baton.EventReassigned, "", "", `{"from":1}`)}, nil)
		if err == nil {
			t.Error("got no error for a payload that does not decode")
		}
	})
	t.Run("ReportsARosterError", func(t *testing.T) {
		t.Parallel()
		boom := errors.New("boom")
		_, err := timeline(context.Background(), []*baton.Event{ev(baton.EventAssigned, "", "u1", "")},
			func(context.Context) ([]*baton.User, error) { return nil, boom })
		if !errors.Is(err, boom) {
			t.Errorf("got %v, want the roster's error", err)
		}
	})
}
