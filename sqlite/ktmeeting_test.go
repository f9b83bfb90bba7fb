package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/sqlite"
	"github.com/google/go-cmp/cmp"
)

// TestCSHandoffs: a handoff's protocol state is stored whole, replaced on
// put, and missing is ENOTFOUND.
func TestCSHandoffs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t, sqlite.Options{})
	at := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	c := &baton.CSHandoff{HandoffID: "h1", Timing: baton.TimingPostClose, Trigger: baton.SignalContractSigned, ClosedAt: at,
		ContractExecuted: true, ContractAt: at, Payment: baton.PaymentScheduled, NotifyBy: at.Add(24 * time.Hour),
		KT: baton.KTMeeting{ID: "m1", Status: baton.KTHold, StartsAt: at.Add(40 * time.Hour), Duration: 45 * time.Minute,
			Agenda:       []baton.KTAgendaItem{{Name: "customer_overview", Label: "Customer overview", Minutes: 5, Points: []string{"Why now"}}},
			Participants: []baton.KTParticipant{{UserID: "u1", Role: baton.KTRoleAE, Required: true, Response: baton.KTInvited}}},
		CreatedAt: at, UpdatedAt: at}
	err := db.View(ctx, func(tx baton.Tx) error {
		_, err := tx.CSHandoff(ctx, "h1")
		return err
	})
	if baton.ErrorCode(err) != baton.ENOTFOUND {
		t.Fatalf("before put: got %v, want ENOTFOUND", err)
	}
	for _, status := range []string{baton.KTHold, baton.KTHeld} {
		c.KT.Status = status
		if err := db.Update(ctx, func(tx baton.Tx) error { return tx.PutCSHandoff(ctx, c) }); err != nil {
			t.Fatal(err)
		}
		var got *baton.CSHandoff
		if err := db.View(ctx, func(tx baton.Tx) error {
			var err error
			got, err = tx.CSHandoff(ctx, "h1")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("%s: read back (-want +got):\n%s", status, diff)
		}
	}
}
