package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/google/go-cmp/cmp"
)

// TestVisibleTo checks the filter a person's lists go through: handoffs
// they (or the people they see) own, back up or sent, and the messages
// about those handoffs or addressed to those people.
func testVisibleTo(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	now := msec(t0)
	h := func(id, owner, backup, sender string, age time.Duration) *baton.Handoff {
		x := newHandoff(id, now.Add(-age))
		x.OwnerID, x.BackupID, x.SenderID = owner, backup, sender
		return x
	}
	insertHandoffs(t, db,
		h("h1", "ann", "bob", "", 5*time.Minute),
		h("h2", "bob", "ann", "cat", 4*time.Minute),
		h("h3", "cat", "", "ann", 3*time.Minute),
		h("h4", "dan", "eve", "", 2*time.Minute),
		h("h5", "", "", "", time.Minute),
	)
	list := func(t *testing.T, f baton.HandoffFilter) []string {
		t.Helper()
		var got []*baton.Handoff
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, _, err = tx.Handoffs(ctx, f)
			return err
		})
		return handoffIDs(got)
	}
	for _, tc := range []struct {
		name string
		f    baton.HandoffFilter
		want []string
	}{
		{"NilSeesEverything", baton.HandoffFilter{}, []string{"h5", "h4", "h3", "h2", "h1"}},
		{"EmptySeesNothing", baton.HandoffFilter{VisibleTo: []string{}}, []string{}},
		{"OwnedBackedUpOrSent", baton.HandoffFilter{VisibleTo: []string{"ann"}}, []string{"h3", "h2", "h1"}},
		{"SeveralPeople", baton.HandoffFilter{VisibleTo: []string{"cat", "eve"}}, []string{"h4", "h3", "h2"}},
		{"CombinesWithOwner", baton.HandoffFilter{VisibleTo: []string{"ann"}, OwnerID: "bob"}, []string{"h2"}},
		{"UnownedIsNobodys", baton.HandoffFilter{VisibleTo: []string{""}}, []string{}},
	} {
		t.Run("Handoffs"+tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, list(t, tc.f)); diff != "" {
				t.Errorf("handoffs (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("HandoffsPagesWithinTheFilter", func(t *testing.T) {
		var first, second []*baton.Handoff
		var next string
		mustView(t, db, func(tx baton.Tx) (err error) {
			if first, next, err = tx.Handoffs(ctx, baton.HandoffFilter{VisibleTo: []string{"ann"}, Limit: 2}); err != nil {
				return err
			}
			second, _, err = tx.Handoffs(ctx, baton.HandoffFilter{VisibleTo: []string{"ann"}, Limit: 2, Cursor: next})
			return err
		})
		if diff := cmp.Diff([]string{"h3", "h2", "h1"}, append(handoffIDs(first), handoffIDs(second)...)); diff != "" {
			t.Errorf("two pages (-want +got):\n%s", diff)
		}
	})

	mustUpdate(t, db, func(tx baton.Tx) error {
		for i, m := range []*baton.Message{
			{ID: "m1", HandoffID: "h1", Kind: baton.MsgAssigned, RecipientID: "ann"},
			{ID: "m2", HandoffID: "h4", Kind: baton.MsgAssigned, RecipientID: "dan"},
			{ID: "m3", HandoffID: "h4", Kind: baton.MsgEscalated, RecipientID: "ann"},
			{ID: "m4", HandoffID: "h5", Kind: baton.MsgFellBack},
			{ID: "m5", HandoffID: "h3", Kind: baton.MsgReturned, RecipientID: "ann"},
		} {
			m.Channel, m.Payload, m.CreatedAt = baton.ChannelWebhook, json.RawMessage(`{}`), now.Add(time.Duration(i)*time.Second)
			if err := tx.EnqueueMessage(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	for _, tc := range []struct {
		name   string
		status string
		people []string
		want   []string
	}{
		{"AboutTheirHandoffsOrToThem", "", []string{"ann"}, []string{"m5", "m3", "m1"}},
		{"AboutAHandoffTheyBackUp", "", []string{"eve"}, []string{"m3", "m2"}},
		{"ByStatus", baton.MessageSent, []string{"ann"}, []string{}},
		{"NobodySeesNothing", "", nil, []string{}},
		{"BlankIsNotOps", "", []string{""}, []string{}},
	} {
		t.Run("Messages"+tc.name, func(t *testing.T) {
			var got []*baton.Message
			mustView(t, db, func(tx baton.Tx) (err error) {
				got, err = tx.MessagesAbout(ctx, tc.status, tc.people, 50)
				return err
			})
			ids := []string{}
			for _, m := range got {
				ids = append(ids, m.ID)
			}
			if diff := cmp.Diff(tc.want, ids); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}
}
