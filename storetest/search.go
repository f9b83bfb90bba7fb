package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
)

// searchFixture stores six handoffs: h1…h6, newest last, across two
// accounts, three contacts, two tiers and two sources.
func searchFixture(t *testing.T, open Opener) baton.Store {
	t.Helper()
	db := open(t)
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	ctx := context.Background()
	mustUpdate(t, db, func(tx baton.Tx) error {
		for _, a := range []*baton.Account{
			{ID: "a1", Name: "Acme Robotics", Status: "prospect", CreatedAt: now, UpdatedAt: now},
			{ID: "a2", Name: "Globex 100%_Corp", Status: "prospect", CreatedAt: now, UpdatedAt: now},
		} {
			if err := tx.PutAccount(ctx, a); err != nil {
				return err
			}
		}
		for _, c := range []*baton.Contact{
			{ID: "c1", AccountID: "a1", Email: "ana@acme.example", Name: "Ana Ruiz", CreatedAt: now, UpdatedAt: now},
			{ID: "c2", AccountID: "a2", Email: "hank@globex.example", Name: "Hank Scorpio", CreatedAt: now, UpdatedAt: now},
			{ID: "c3", AccountID: "a2", Email: "marge@globex.example", Name: "Marge", CreatedAt: now, UpdatedAt: now},
		} {
			if err := tx.PutContact(ctx, c); err != nil {
				return err
			}
		}
		for i, row := range []struct{ account, contact, tier, source string }{
			{"a1", "c1", "hot", "website"}, {"a2", "c2", "warm", "hubspot"}, {"a2", "c3", "hot", "website"},
			{"a1", "c1", "warm", "website"}, {"", "c2", "hot", "hubspot"}, {"a2", "", "hot", ""},
		} {
			id := fmt.Sprintf("h%d", i+1)
			at := now.Add(time.Duration(i) * time.Minute)
			if err := tx.InsertSignal(ctx, &baton.Signal{ID: "s" + id, ExternalID: "e" + id, Type: "demo_request", OccurredAt: at, ReceivedAt: at,
				Source: row.source, HandoffID: id}); err != nil {
				return err
			}
			if err := tx.InsertHandoff(ctx, &baton.Handoff{ID: id, Type: "inbound", State: baton.StateAssigned, Tier: row.tier,
				AccountID: row.account, ContactID: row.contact, SignalID: "s" + id, Generation: 1, CreatedAt: at, UpdatedAt: at}); err != nil {
				return err
			}
		}
		return nil
	})
	return db
}

func testHandoffFilters(t *testing.T, open Opener) {
	db := searchFixture(t, open)
	for _, tc := range []struct {
		name string
		f    baton.HandoffFilter
		want []string
	}{
		{"SearchByAccountName", baton.HandoffFilter{Search: "acme"}, []string{"h4", "h1"}},
		{"SearchByContactName", baton.HandoffFilter{Search: "SCORPIO"}, []string{"h5", "h2"}},
		{"SearchByContactEmail", baton.HandoffFilter{Search: "marge@globex"}, []string{"h3"}},
		{"SearchMatchesAccountOrContact", baton.HandoffFilter{Search: "globex"}, []string{"h6", "h5", "h3", "h2"}},
		{"SearchWildcardsMatchThemselves", baton.HandoffFilter{Search: "100%_"}, []string{"h6", "h3", "h2"}},
		{"SearchPercentAloneMatchesOnlyAPercent", baton.HandoffFilter{Search: "%"}, []string{"h6", "h3", "h2"}},
		{"SearchNoMatch", baton.HandoffFilter{Search: "initech"}, nil},
		{"Tier", baton.HandoffFilter{Tier: "warm"}, []string{"h4", "h2"}},
		{"Source", baton.HandoffFilter{Source: "hubspot"}, []string{"h5", "h2"}},
		{"SearchAndTierAndSource", baton.HandoffFilter{Search: "globex", Tier: "hot", Source: "website"}, []string{"h3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			mustView(t, db, func(tx baton.Tx) error {
				list, _, err := tx.Handoffs(context.Background(), tc.f)
				for _, h := range list {
					got = append(got, h.ID)
				}
				return err
			})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("handoffs (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("SearchPagesWithoutDuplicates", func(t *testing.T) {
		var got []string
		f := baton.HandoffFilter{Search: "globex", Limit: 1}
		for range 10 {
			var next string
			mustView(t, db, func(tx baton.Tx) error {
				list, n, err := tx.Handoffs(context.Background(), f)
				for _, h := range list {
					got = append(got, h.ID)
				}
				next = n
				return err
			})
			if f.Cursor = next; next == "" {
				break
			}
		}
		if diff := cmp.Diff([]string{"h6", "h5", "h3", "h2"}, got); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
	})
	t.Run("SearchTooLongIsInvalid", func(t *testing.T) {
		err := db.View(context.Background(), func(tx baton.Tx) error {
			_, _, err := tx.Handoffs(context.Background(), baton.HandoffFilter{Search: string(make([]byte, baton.MaxSearchLen+1))})
			return err
		})
		wantCode(t, "long search", err, baton.EINVALID)
	})
}
