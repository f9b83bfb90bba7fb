package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/google/go-cmp/cmp"
)

func testCSHandoffs(t *testing.T, open Opener) {
	ctx := context.Background()
	at := msec(t0)
	state := func() *baton.CSHandoff {
		return &baton.CSHandoff{HandoffID: "h1", Timing: baton.TimingPostClose, Trigger: baton.SignalContractSigned, ClosedAt: at,
			ContractExecuted: true, ContractAt: at, Payment: baton.PaymentScheduled, NotifyBy: at.Add(24 * time.Hour),
			KT: baton.KTMeeting{ID: "m1", Status: baton.KTHold, StartsAt: at.Add(40 * time.Hour), Duration: 45 * time.Minute,
				Agenda:       []baton.KTAgendaItem{{Name: "customer_overview", Label: "Customer overview", Minutes: 5, Points: []string{"Why now"}}},
				Participants: []baton.KTParticipant{{UserID: "u1", Role: baton.KTRoleAE, Required: true, Response: baton.KTInvited}}},
			CreatedAt: at, UpdatedAt: at}
	}
	read := func(t *testing.T, db baton.Store, id string) (*baton.CSHandoff, error) {
		t.Helper()
		var got *baton.CSHandoff
		err := db.View(ctx, func(tx baton.Tx) (err error) {
			got, err = tx.CSHandoff(ctx, id)
			return err
		})
		return got, err
	}

	t.Run("ReturnsNotFoundBeforePut", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		_, err := read(t, db, "h1")
		wantCode(t, "customer success handoff before put", err, baton.ENOTFOUND)
	})

	t.Run("RoundTripsTheStateWhole", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		c := state()
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutCSHandoff(ctx, c) })
		got, err := read(t, db, "h1")
		if err != nil {
			t.Fatalf("read: got error %v, want nil", err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("customer success handoff (-want +got):\n%s", diff)
		}
	})

	t.Run("ReplacesTheStateOnPut", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		c := state()
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutCSHandoff(ctx, c) })
		c.KT.Status, c.KT.Participants = baton.KTHeld, nil
		c.UpdatedAt = at.Add(time.Hour)
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutCSHandoff(ctx, c) })
		got, err := read(t, db, "h1")
		if err != nil {
			t.Fatalf("read: got error %v, want nil", err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("customer success handoff after a second put (-want +got):\n%s", diff)
		}
		if _, err := read(t, db, "h2"); baton.ErrorCode(err) != baton.ENOTFOUND {
			t.Errorf("another handoff: got %v, want ENOTFOUND", err)
		}
	})
}
