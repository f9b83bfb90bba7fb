package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/google/go-cmp/cmp"
)

// testIngestPaths covers the methods that spare the ingest path statements:
// multi-row writes of a command's events and messages, and the account
// owning a domain read in one statement.
func testIngestPaths(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("AppendsEventsInOrderWithTheirSeqs", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		evs := []*baton.Event{
			{HandoffID: "h1", Kind: baton.EventCreated, At: t0, Actor: "signal:web", ToState: baton.StateAssigned, Reason: "matched", Data: json.RawMessage(`{"signal_id":"s1"}`)},
			{HandoffID: "h1", Kind: baton.EventAssigned, At: t0, Actor: baton.ActorSystem, ToState: baton.StateAssigned, OwnerID: "u1"},
			{HandoffID: "h2", Kind: baton.EventCreated, At: t0.Add(time.Minute), Actor: "signal"},
		}
		mustUpdate(t, db, func(tx baton.Tx) error {
			if err := tx.AppendEvent(ctx, &baton.Event{HandoffID: "h0", Kind: baton.EventCreated, At: t0, Actor: "signal"}); err != nil {
				return err
			}
			return tx.AppendEvents(ctx, evs...)
		})
		for i, e := range evs {
			if e.Seq <= 0 || i > 0 && e.Seq <= evs[i-1].Seq {
				t.Errorf("seq of event %d: got %d, want positive and more than the one before", i, e.Seq)
			}
			e.At = msec(e.At)
		}
		var got []*baton.Event
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.Events(ctx, "h1")
			return err
		})
		if diff := cmp.Diff(evs[:2], got); diff != "" {
			t.Errorf("events of h1 (-want +got):\n%s", diff)
		}
		var all []*baton.Event
		mustView(t, db, func(tx baton.Tx) error {
			return tx.EventsBetween(ctx, msec(t0), msec(t0.Add(time.Hour)), func(e *baton.Event) error {
				all = append(all, e)
				return nil
			})
		})
		if len(all) != 4 || all[0].HandoffID != "h0" {
			t.Fatalf("all events: got %d starting with %v, want 4 starting with h0's", len(all), all)
		}
		if diff := cmp.Diff(evs, all[1:]); diff != "" {
			t.Errorf("events after h0's (-want +got):\n%s", diff)
		}
	})

	t.Run("AppendsMoreEventsThanOneStatementHolds", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var evs []*baton.Event
		for i := range 600 {
			evs = append(evs, &baton.Event{HandoffID: "h1", Kind: baton.EventReminded, At: t0, Actor: "u1", Reason: fmt.Sprint(i)})
		}
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.AppendEvents(ctx, evs...) })
		var got []*baton.Event
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.Events(ctx, "h1")
			return err
		})
		if len(got) != len(evs) {
			t.Fatalf("events: got %d, want %d", len(got), len(evs))
		}
		for i, e := range got {
			if e.Reason != fmt.Sprint(i) || e.Seq != evs[i].Seq {
				t.Fatalf("event %d: got reason %q seq %d, want %q seq %d", i, e.Reason, e.Seq, fmt.Sprint(i), evs[i].Seq)
			}
		}
	})

	t.Run("AppendsNoEvents", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.AppendEvents(ctx) })
	})

	t.Run("EnqueuesMessagesPending", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		now := msec(t0)
		msgs := []*baton.Message{
			{ID: "m1", HandoffID: "h1", Kind: baton.MsgAssigned, Channel: baton.ChannelWebhook, RecipientID: "u1", Payload: json.RawMessage(`{"n":1}`), CreatedAt: now},
			{ID: "m2", HandoffID: "h1", Kind: baton.MsgAssigned, Channel: baton.ChannelEmail, RecipientID: "u1", Payload: json.RawMessage(`{"n":1}`), CreatedAt: now},
			{ID: "m3", HandoffID: "h1", Kind: baton.MsgReminder, Channel: baton.ChannelSlack, RecipientID: "u1", Payload: json.RawMessage(`{"n":2}`), CreatedAt: now, NextAt: now.Add(time.Hour)},
		}
		mustUpdate(t, db, func(tx baton.Tx) error {
			if err := tx.EnqueueMessages(ctx); err != nil {
				return err
			}
			return tx.EnqueueMessages(ctx, msgs...)
		})
		for _, m := range msgs {
			if m.Status != baton.MessagePending {
				t.Errorf("status of %s: got %q, want %q", m.ID, m.Status, baton.MessagePending)
			}
		}
		if msgs[0].NextAt != now {
			t.Errorf("next attempt of m1: got %v, want its creation %v", msgs[0].NextAt, now)
		}
		var listed, claimed []*baton.Message
		mustView(t, db, func(tx baton.Tx) (err error) {
			listed, err = tx.Messages(ctx, baton.MessagePending, 10)
			return err
		})
		if got := len(listed); got != 3 {
			t.Errorf("pending messages: got %d, want 3", got)
		}
		mustUpdate(t, db, func(tx baton.Tx) (err error) {
			claimed, err = tx.ClaimMessages(ctx, now, time.Minute, 10)
			return err
		})
		ids := messageIDs(claimed)
		slices.Sort(ids) // the order of a claim is not promised
		if diff := cmp.Diff([]string{"m1", "m2"}, ids); diff != "" {
			t.Errorf("claimed now (-want +got):\n%s", diff)
		}
	})

	t.Run("FindsTheAccountOwningADomainOrAlias", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		a := &baton.Account{ID: "a1", Name: "Acme", Domain: "acme.com", Aliases: []string{"acme.io"}, Segment: "mid", Employees: 300,
			Status: baton.AccountProspect, OwnerID: "u1", CreatedAt: msec(t0), UpdatedAt: msec(t0)}
		mustUpdate(t, db, func(tx baton.Tx) error {
			if err := tx.PutAccount(ctx, a); err != nil {
				return err
			}
			return tx.PutAccount(ctx, &baton.Account{ID: "a2", Name: "Other", Domain: "other.com", Status: baton.AccountProspect, CreatedAt: msec(t0), UpdatedAt: msec(t0)})
		})
		for _, domain := range []string{"acme.com", "acme.io"} {
			mustView(t, db, func(tx baton.Tx) error {
				got, err := tx.AccountForDomain(ctx, domain)
				if err != nil {
					t.Fatalf("account for %s: got error %v, want nil", domain, err)
				}
				want, err := tx.Account(ctx, "a1")
				if err != nil {
					return err
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("account for %s (-want +got):\n%s", domain, diff)
				}
				return nil
			})
		}
		mustView(t, db, func(tx baton.Tx) error {
			_, err := tx.AccountForDomain(ctx, "nobody.com")
			wantCode(t, "account for nobody.com", err, baton.ENOTFOUND)
			return nil
		})
	})
}
