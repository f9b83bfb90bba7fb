package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/google/go-cmp/cmp"
)

func testRetention(t *testing.T, open Opener) {
	ctx := context.Background()
	now := msec(t0)
	cutoff := now.Add(-30 * 24 * time.Hour)
	old := cutoff.Add(-time.Hour)

	timerIDs := func(t *testing.T, db baton.Store, ids ...string) []string {
		t.Helper()
		var got []string
		mustView(t, db, func(tx baton.Tx) error {
			for _, id := range ids {
				if _, err := tx.Timer(ctx, id); err == nil {
					got = append(got, id)
				} else if baton.ErrorCode(err) != baton.ENOTFOUND {
					return err
				}
			}
			return nil
		})
		return got
	}
	// purgeTimers walks the whole table in batches of limit, as the worker
	// does, and returns how many it deleted and how many calls it took.
	purgeTimers := func(t *testing.T, db baton.Store, limit int) (deleted, calls int) {
		t.Helper()
		after := ""
		for {
			var n int
			var next string
			mustUpdate(t, db, func(tx baton.Tx) (err error) {
				n, next, err = tx.PurgeTimers(ctx, cutoff, after, limit)
				return err
			})
			deleted, calls = deleted+n, calls+1
			if next == "" {
				return deleted, calls
			}
			if next <= after {
				t.Fatalf("purge timers after %q: got next %q, want a later id", after, next)
			}
			after = next
		}
	}

	t.Run("PurgesOnlyTimersFinishedBeforeTheCutoff", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		all := []string{"t1-fired-old", "t2-cancelled-old", "t3-bulk-cancelled-old", "t4-fired-recent", "t5-pending-old",
			"t6-paused-old", "t7-bulk-cancelled-due-later", "t8-fired-old-finished-recently"}
		mustUpdate(t, db, func(tx baton.Tx) error {
			ts := []*baton.Timer{
				{ID: all[0], HandoffID: "h1", Kind: baton.TimerLadder, Generation: 1, DueAt: old.Add(-time.Hour)},
				{ID: all[1], HandoffID: "h1", Kind: baton.TimerTouchBreach, Generation: 1, DueAt: old.Add(-time.Hour)},
				{ID: all[2], HandoffID: "h2", Kind: baton.TimerLadder, Generation: 1, DueAt: old},
				{ID: all[3], HandoffID: "h3", Kind: baton.TimerLadder, Generation: 1, DueAt: now.Add(-time.Hour)},
				{ID: all[4], HandoffID: "h4", Kind: baton.TimerLadder, Generation: 1, DueAt: old},
				{ID: all[5], HandoffID: "h5", Kind: baton.TimerOutcomeDue, Generation: 1, DueAt: old},
				{ID: all[6], HandoffID: "h6", Kind: baton.TimerLadder, Generation: 1, DueAt: now.Add(time.Hour)},
				{ID: all[7], HandoffID: "h7", Kind: baton.TimerLadder, Generation: 1, DueAt: old},
			}
			if err := tx.InsertTimers(ctx, ts...); err != nil {
				return err
			}
			for _, f := range []struct {
				id, status string
				at         time.Time
			}{{all[0], baton.TimerFired, old}, {all[1], baton.TimerCancelled, old}, {all[3], baton.TimerFired, now}, {all[7], baton.TimerFired, now}} {
				if err := tx.FinishTimer(ctx, f.id, f.status, f.at); err != nil {
					return err
				}
			}
			if err := tx.CancelTimers(ctx, "h2"); err != nil {
				return err
			}
			if err := tx.CancelTimers(ctx, "h6"); err != nil {
				return err
			}
			return tx.PauseTimers(ctx, "h5", baton.TimerOutcomeDue)
		})
		deleted, calls := purgeTimers(t, db, 3)
		if deleted != 3 {
			t.Errorf("deleted: got %d, want 3", deleted)
		}
		// Eight timers in windows of three: three calls that find rows,
		// and one that finds none left.
		if calls != 4 {
			t.Errorf("calls: got %d, want 4", calls)
		}
		want := []string{"t4-fired-recent", "t5-pending-old", "t6-paused-old", "t7-bulk-cancelled-due-later", "t8-fired-old-finished-recently"}
		if diff := cmp.Diff(want, timerIDs(t, db, all...)); diff != "" {
			t.Errorf("timers kept (-want +got):\n%s", diff)
		}
		// Idempotent: a second walk (another node's, or the next round's)
		// deletes nothing more.
		if deleted, _ := purgeTimers(t, db, 3); deleted != 0 {
			t.Errorf("second walk deleted %d, want 0", deleted)
		}
	})

	t.Run("PurgesSettledMessagesButProspectReminders", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		msg := func(id, kind string, created time.Time) *baton.Message {
			return &baton.Message{ID: id, HandoffID: "h1", Kind: kind, Channel: baton.ChannelWebhook, Payload: json.RawMessage(`{}`), CreatedAt: created}
		}
		mustUpdate(t, db, func(tx baton.Tx) error {
			for _, m := range []*baton.Message{msg("m1-sent-old", baton.MsgAssigned, old.Add(-3*time.Hour)), msg("m2-sent-old", baton.MsgReminder, old.Add(-2*time.Hour)),
				msg("m3-failed-old", baton.MsgBreach, old.Add(-time.Hour)), msg("m4-sent-recent", baton.MsgAssigned, now), msg("m5-pending-old", baton.MsgAssigned, old),
				msg("m6-sent-late", baton.MsgAssigned, old), msg("m7-failed-retried-recently", baton.MsgAssigned, old),
				msg("m8-prospect-reminder-sent-old", baton.MsgProspectReminder, old)} {
				if err := tx.EnqueueMessage(ctx, m); err != nil {
					return err
				}
			}
			for _, s := range []*baton.Message{
				{ID: "m1-sent-old", Status: baton.MessageSent, Attempts: 1, SentAt: old},
				{ID: "m2-sent-old", Status: baton.MessageSent, Attempts: 1, SentAt: old},
				{ID: "m3-failed-old", Status: baton.MessageFailed, Attempts: 8, NextAt: old, LastError: "410 Gone"},
				{ID: "m4-sent-recent", Status: baton.MessageSent, Attempts: 1, SentAt: now},
				{ID: "m6-sent-late", Status: baton.MessageSent, Attempts: 3, SentAt: now},
				{ID: "m7-failed-retried-recently", Status: baton.MessageFailed, Attempts: 8, NextAt: now, LastError: "410 Gone"},
				{ID: "m8-prospect-reminder-sent-old", Status: baton.MessageSent, Attempts: 1, SentAt: old},
			} {
				if err := tx.SettleMessage(ctx, s); err != nil {
					return err
				}
			}
			return nil
		})
		var deleted []int
		for after := ""; ; {
			var n int
			var next string
			mustUpdate(t, db, func(tx baton.Tx) (err error) {
				n, next, err = tx.PurgeMessages(ctx, cutoff, after, 3)
				return err
			})
			if next == "" {
				break
			}
			deleted, after = append(deleted, n), next
		}
		// Windows of three ids: m1-m3, m4-m6, m7-m8.
		if diff := cmp.Diff([]int{3, 0, 0}, deleted); diff != "" {
			t.Errorf("deleted per window (-want +got):\n%s", diff)
		}
		var kept []string
		mustView(t, db, func(tx baton.Tx) error {
			ms, err := tx.Messages(ctx, "", 100)
			for _, m := range ms {
				kept = append(kept, m.ID)
			}
			return err
		})
		slices.Sort(kept)
		want := []string{"m4-sent-recent", "m5-pending-old", "m6-sent-late", "m7-failed-retried-recently", "m8-prospect-reminder-sent-old"}
		if diff := cmp.Diff(want, kept); diff != "" {
			t.Errorf("messages kept (-want +got):\n%s", diff)
		}
	})

	t.Run("ClearsOldSignalBodiesAndKeepsTheirExternalIDs", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		full := func(id, ext string, at time.Time) *baton.Signal {
			return &baton.Signal{
				ID: id, ExternalID: ext, Type: baton.SignalDemoRequest, OccurredAt: at, ReceivedAt: at,
				Source: "website", Campaign: "spring", Message: "Please call", Sender: "sdr@baton.test",
				Contact:   baton.SignalContact{Email: "ada@example.com", Name: "Ada", Title: "CTO", Phone: "+44 20 7946 0000", TimeZone: "Europe/London"},
				Account:   baton.SignalAccount{Name: "Example", Domain: "example.com", Employees: 250, Country: "GB"},
				Meeting:   &baton.SignalMeeting{StartsAt: at.Add(48 * time.Hour), TimeZone: "Europe/London"},
				Fields:    map[string]any{"lead_score": 87.0, "crm_id": "003ABC", "crm": "salesforce"},
				AccountID: "a1", ContactID: "c1", HandoffID: "h-" + id,
			}
		}
		sigs := []*baton.Signal{full("s1", "form-1", old.Add(-time.Minute)), full("s2", "form-2", old), full("s3", "form-3", old),
			full("s4", "form-4", now)}
		mustUpdate(t, db, func(tx baton.Tx) error {
			for _, s := range sigs {
				if err := tx.InsertSignal(ctx, s); err != nil {
					return err
				}
			}
			return nil
		})
		var looked []int
		for {
			var n int
			mustUpdate(t, db, func(tx baton.Tx) (err error) {
				n, err = tx.ClearSignalBodies(ctx, cutoff, 2)
				return err
			})
			looked = append(looked, n)
			if n < 2 {
				break
			}
		}
		if diff := cmp.Diff([]int{2, 1}, looked); diff != "" {
			t.Errorf("signals looked at per call (-want +got):\n%s", diff)
		}
		// The store remembers where it stopped: the next round reads none
		// of the cleared signals again.
		mustUpdate(t, db, func(tx baton.Tx) error {
			n, err := tx.ClearSignalBodies(ctx, cutoff, 2)
			if n != 0 {
				t.Errorf("round after clearing: got %d signals looked at, want 0", n)
			}
			return err
		})
		mustView(t, db, func(tx baton.Tx) error {
			for i, want := range []*baton.Signal{sigs[0].WithoutBody(), sigs[1].WithoutBody(), sigs[2].WithoutBody(), sigs[3]} {
				got, err := tx.SignalByExternalID(ctx, want.ExternalID)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("signal %d (-want +got):\n%s", i+1, diff)
				}
			}
			return nil
		})
		// Dedupe still holds: the external id of a cleared signal is taken.
		err := db.Update(ctx, func(tx baton.Tx) error {
			return tx.InsertSignal(ctx, full("s5", "form-1", now))
		})
		wantCode(t, "replayed external id form-1", err, baton.ECONFLICT)
		got := sigs[0].WithoutBody()
		if got.Contact.Name != "" || got.Meeting != nil || got.Fields["lead_score"] != nil || got.Fields["crm_id"] != "003ABC" {
			t.Errorf("cleared body: got contact %+v, meeting %v, fields %v; want no name or meeting, and only the CRM fields", got.Contact, got.Meeting, got.Fields)
		}
	})
}
