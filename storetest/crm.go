package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/google/go-cmp/cmp"
)

func testCRM(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("ConnectorRoundTripsAndIsNotFoundBeforeItBreaks", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		err := db.View(ctx, func(tx baton.Tx) error { _, err := tx.CRMConnector(ctx, "hubspot"); return err })
		wantCode(t, "a connector never broken", err, baton.ENOTFOUND)
		c := &baton.CRMConnector{Name: "hubspot", Broken: true, Reason: "401 INVALID_AUTHENTICATION", BrokenAt: msec(t0), UpdatedAt: msec(t0)}
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutCRMConnector(ctx, c) })
		fixed := *c
		fixed.Broken, fixed.FixedAt, fixed.FixedBy, fixed.UpdatedAt = false, msec(t0.Add(time.Hour)), "u1", msec(t0.Add(time.Hour))
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutCRMConnector(ctx, &fixed) })
		var got *baton.CRMConnector
		mustView(t, db, func(tx baton.Tx) (err error) { got, err = tx.CRMConnector(ctx, "hubspot"); return err })
		if d := cmp.Diff(&fixed, got); d != "" {
			t.Errorf("connector (-want +got):\n%s", d)
		}
	})

	t.Run("ADeliveryIsRecordedOnce", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		d := &baton.CRMDelivery{MessageID: "m1", Connector: "hubspot", Action: "note", RecordID: "101", RemoteID: "9001", HandoffID: "h1", DeliveredAt: msec(t0)}
		again := *d
		again.RemoteID, again.DeliveredAt = "9002", msec(t0.Add(time.Minute))
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.InsertCRMDelivery(ctx, d) })
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.InsertCRMDelivery(ctx, &again) })
		var got *baton.CRMDelivery
		var list []*baton.CRMDelivery
		mustView(t, db, func(tx baton.Tx) (err error) {
			if got, err = tx.CRMDelivery(ctx, "m1"); err != nil {
				return err
			}
			list, err = tx.CRMDeliveries(ctx, "hubspot", 10)
			return err
		})
		if d2 := cmp.Diff(d, got); d2 != "" {
			t.Errorf("delivery (-want +got):\n%s", d2)
		}
		if len(list) != 1 {
			t.Errorf("got %d deliveries, want 1", len(list))
		}
		err := db.View(ctx, func(tx baton.Tx) error { _, err := tx.CRMDelivery(ctx, "m2"); return err })
		wantCode(t, "an undelivered message", err, baton.ENOTFOUND)
	})

	t.Run("ReleaseMakesAChannelsPendingMessagesDue", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		later := msec(t0.Add(time.Hour))
		mustUpdate(t, db, func(tx baton.Tx) error {
			for _, m := range []*baton.Message{
				{ID: "a", Kind: "crm.note", Channel: "crm:hubspot", Payload: []byte(`{}`), CreatedAt: t0, NextAt: later},
				{ID: "b", Kind: "crm.task", Channel: "crm:hubspot", Payload: []byte(`{}`), CreatedAt: t0, NextAt: later},
				{ID: "c", Kind: "handoff.assigned", Channel: "webhook", Payload: []byte(`{}`), CreatedAt: t0, NextAt: later},
			} {
				if err := tx.EnqueueMessage(ctx, m); err != nil {
					return err
				}
			}
			return nil
		})
		var n int
		mustUpdate(t, db, func(tx baton.Tx) (err error) { n, err = tx.ReleaseCRMMessages(ctx, "hubspot", t0); return err })
		if n != 2 {
			t.Errorf("got %d released, want 2", n)
		}
		var due []*baton.Message
		var counts map[string]int
		mustUpdate(t, db, func(tx baton.Tx) (err error) {
			if due, err = tx.ClaimMessages(ctx, t0, time.Minute, 10); err != nil {
				return err
			}
			counts, err = tx.CRMMessageCounts(ctx, "hubspot")
			return err
		})
		if len(due) != 2 || due[0].Channel != "crm:hubspot" || due[1].Channel != "crm:hubspot" {
			t.Errorf("got %d due, want the 2 HubSpot messages", len(due))
		}
		if d := cmp.Diff(map[string]int{baton.MessagePending: 2}, counts); d != "" {
			t.Errorf("counts (-want +got):\n%s", d)
		}
	})
}
