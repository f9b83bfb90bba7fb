package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/google/go-cmp/cmp"
)

// gauges are the fields of the stores' Gauges (sqlite.Gauges,
// postgres.Gauges, prom.Gauges): each store has its own type, so the suite
// reads them by conversion.
type gauges struct {
	OpenHandoffs         map[string]int
	PendingMessages      map[string]int
	OldestPendingMessage time.Time
	OldestPendingTimer   time.Time
}

// readGauges calls the store's Gauges(ctx) method, whatever its result's
// type, as long as it has the fields of gauges.
func readGauges(t *testing.T, db baton.Store) gauges {
	t.Helper()
	m := reflect.ValueOf(db).MethodByName("Gauges")
	if !m.IsValid() {
		t.Fatalf("store %T has no Gauges method", db)
	}
	out := m.Call([]reflect.Value{reflect.ValueOf(context.Background())})
	if len(out) != 2 {
		t.Fatalf("%T.Gauges: got %d results, want (Gauges, error)", db, len(out))
	}
	if err, _ := out[1].Interface().(error); err != nil {
		t.Fatalf("gauges: got error %v, want nil", err)
	}
	want := reflect.TypeFor[gauges]()
	if !out[0].Type().ConvertibleTo(want) {
		t.Fatalf("%T.Gauges: got %s, want a struct with the fields of %s", db, out[0].Type(), want)
	}
	return out[0].Convert(want).Interface().(gauges)
}

func testGauges(t *testing.T, open Opener) {
	ctx := context.Background()
	now := msec(t0)

	t.Run("ReadsNothingOnAnEmptyStore", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		want := gauges{OpenHandoffs: map[string]int{}, PendingMessages: map[string]int{}}
		if diff := cmp.Diff(want, readGauges(t, db)); diff != "" {
			t.Errorf("gauges (-want +got):\n%s", diff)
		}
	})

	t.Run("CountsOpenHandoffsAndPendingWork", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var hs []*baton.Handoff
		for i, s := range []baton.State{baton.StateAssigned, baton.StateAssigned, baton.StateAccepted, baton.StateActioned,
			baton.StateReturned, baton.StateCompleted, baton.StateCancelled} {
			h := newHandoff(string(rune('a'+i)), now)
			h.State = s
			hs = append(hs, h)
		}
		insertHandoffs(t, db, hs...)
		msg := func(id, channel string, next time.Time) *baton.Message {
			return &baton.Message{ID: id, HandoffID: "a", Kind: baton.MsgAssigned, Channel: channel, RecipientID: "u1",
				Payload: json.RawMessage(`{}`), CreatedAt: now.Add(-time.Hour), NextAt: next}
		}
		mustUpdate(t, db, func(tx baton.Tx) error {
			for _, m := range []*baton.Message{
				msg("m1", baton.ChannelWebhook, now.Add(time.Minute)), msg("m2", baton.ChannelWebhook, now.Add(-2*time.Minute)),
				msg("m3", baton.ChannelEmail, now), msg("m-sent", baton.ChannelSlack, now.Add(-time.Hour)),
			} {
				if err := tx.EnqueueMessage(ctx, m); err != nil {
					return err
				}
			}
			if err := tx.SettleMessage(ctx, &baton.Message{ID: "m-sent", Status: baton.MessageSent, Attempts: 1, SentAt: now}); err != nil {
				return err
			}
			if err := tx.InsertTimers(ctx,
				&baton.Timer{ID: "t1", HandoffID: "a", Kind: baton.TimerFixBreach, Generation: 1, DueAt: now.Add(time.Hour)},
				&baton.Timer{ID: "t2", HandoffID: "b", Kind: baton.TimerFixBreach, Generation: 1, DueAt: now.Add(30 * time.Minute)},
				&baton.Timer{ID: "t-fired", HandoffID: "b", Kind: baton.TimerLadder, Generation: 1, DueAt: now.Add(-time.Hour)},
			); err != nil {
				return err
			}
			return tx.FinishTimer(ctx, "t-fired", baton.TimerFired, now)
		})
		want := gauges{
			OpenHandoffs:         map[string]int{"assigned": 2, "accepted": 1, "actioned": 1, "returned": 1},
			PendingMessages:      map[string]int{baton.ChannelWebhook: 2, baton.ChannelEmail: 1},
			OldestPendingMessage: now.Add(-2 * time.Minute),
			OldestPendingTimer:   now.Add(30 * time.Minute),
		}
		if diff := cmp.Diff(want, readGauges(t, db)); diff != "" {
			t.Errorf("gauges (-want +got):\n%s", diff)
		}
	})
}
