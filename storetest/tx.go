package storetest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/google/go-cmp/cmp"
)

func testSignals(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("RoundTripsPayloadByExternalID", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		sig := &baton.Signal{
			ID: "s1", ExternalID: "form-42", Type: baton.SignalDemoRequest, OccurredAt: t0, ReceivedAt: t0.Add(time.Second),
			Source: "website", Campaign: "spring",
			Contact: baton.SignalContact{Email: "ada@example.com", Name: "Ada", Title: "CTO", TimeZone: "Europe/London"},
			Account: baton.SignalAccount{Name: "Example", Domain: "example.com", Employees: 250, Country: "GB"},
			Message: "Please call",
			Meeting: &baton.SignalMeeting{StartsAt: t0.Add(48 * time.Hour), Duration: baton.Duration(45 * time.Minute),
				TimeZone: "Europe/London", Agenda: "Demo", Attendees: []baton.Attendee{{Name: "Ada", Email: "ada@example.com"}}},
			Fields:    map[string]any{"score": 87.5, "plan": "pro", "trial": true},
			Sender:    "sdr@baton.test",
			AccountID: "a1", ContactID: "c1", HandoffID: "h1",
		}
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.InsertSignal(ctx, sig) })
		var got *baton.Signal
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.SignalByExternalID(ctx, "form-42")
			return err
		})
		if diff := cmp.Diff(sig, got); diff != "" {
			t.Errorf("signal (-want +got):\n%s", diff)
		}
	})

	t.Run("ReturnsNotFoundForUnknownExternalID", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		err := db.View(ctx, func(tx baton.Tx) error {
			_, err := tx.SignalByExternalID(ctx, "nope")
			return err
		})
		wantCode(t, "signal by unknown external id", err, baton.ENOTFOUND)
	})

	// InsertSignal documents "a repeated external id is an ECONFLICT".
	t.Run("RejectsRepeatedExternalIDAsConflict", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mustUpdate(t, db, func(tx baton.Tx) error {
			return tx.InsertSignal(ctx, &baton.Signal{ID: "s1", ExternalID: "x", Type: "demo_request", OccurredAt: t0, ReceivedAt: t0, HandoffID: "h1"})
		})
		err := db.Update(ctx, func(tx baton.Tx) error {
			return tx.InsertSignal(ctx, &baton.Signal{ID: "s2", ExternalID: "x", Type: "demo_request", OccurredAt: t0, ReceivedAt: t0, HandoffID: "h2"})
		})
		wantCode(t, "second signal with external id x", err, baton.ECONFLICT)
		var got *baton.Signal
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.SignalByExternalID(ctx, "x")
			return err
		})
		if got.ID != "s1" || got.HandoffID != "h1" {
			t.Errorf("signal x: got id %s handoff %s, want s1 and h1 (the first)", got.ID, got.HandoffID)
		}
	})

	t.Run("ListsSignalsReceivedBetween", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mustUpdate(t, db, func(tx baton.Tx) error {
			for i := range 4 {
				at := t0.Add(time.Duration(i) * time.Minute)
				if err := tx.InsertSignal(ctx, &baton.Signal{ID: fmt.Sprint("s", i), ExternalID: fmt.Sprint("e", i), Type: "demo_request", OccurredAt: at, ReceivedAt: at}); err != nil {
					return err
				}
			}
			return nil
		})
		var got []string
		mustView(t, db, func(tx baton.Tx) error {
			list, err := tx.SignalsBetween(ctx, t0.Add(time.Minute), t0.Add(3*time.Minute), 10)
			for _, s := range list {
				got = append(got, s.ID)
			}
			return err
		})
		if diff := cmp.Diff([]string{"s1", "s2"}, got); diff != "" {
			t.Errorf("signals in [1m, 3m) (-want +got):\n%s", diff)
		}
	})
}

func testAccounts(t *testing.T, open Opener) {
	ctx := context.Background()

	account := func(id, name, domain string) *baton.Account {
		return &baton.Account{ID: id, Name: name, Domain: domain, Aliases: []string{id + ".example.io"}, Segment: baton.SegmentMidMarket,
			Employees: 250, Industry: "software", Country: "GB", Region: "emea", Status: baton.AccountProspect, OwnerID: "u1",
			CSMID: "u2", OpportunityOwnerID: "u3", CreatedAt: msec(t0), UpdatedAt: msec(t0)}
	}

	t.Run("PutsThenGetsByIDAndDomain", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		a := account("a1", "Example", "example.com")
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutAccount(ctx, a) })
		var byID, byDomain *baton.Account
		mustView(t, db, func(tx baton.Tx) (err error) {
			if byID, err = tx.Account(ctx, "a1"); err != nil {
				return err
			}
			byDomain, err = tx.AccountByDomain(ctx, "example.com")
			return err
		})
		if diff := cmp.Diff(a, byID); diff != "" {
			t.Errorf("account by id (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(a, byDomain); diff != "" {
			t.Errorf("account by domain (-want +got):\n%s", diff)
		}
	})

	t.Run("UpdatesInPlace", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		a := account("a1", "Example", "example.com")
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutAccount(ctx, a) })
		b := account("a1", "Example Ltd", "example.co.uk")
		b.Status, b.Aliases, b.UpdatedAt = baton.AccountCustomer, []string{"example.com"}, msec(t0.Add(time.Hour))
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutAccount(ctx, b) })
		var got *baton.Account
		var list []*baton.Account
		mustView(t, db, func(tx baton.Tx) (err error) {
			if got, err = tx.AccountByDomain(ctx, "example.co.uk"); err != nil {
				return err
			}
			list, err = tx.Accounts(ctx, 10)
			return err
		})
		if diff := cmp.Diff(b, got); diff != "" {
			t.Errorf("updated account (-want +got):\n%s", diff)
		}
		if len(list) != 1 {
			t.Errorf("accounts: got %d, want 1", len(list))
		}
		err := db.View(ctx, func(tx baton.Tx) error {
			_, err := tx.AccountByDomain(ctx, "example.com")
			return err
		})
		wantCode(t, "account by its old domain", err, baton.ENOTFOUND)
	})

	t.Run("FindsByAliasAndRefusesSharedDomains", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutAccount(ctx, account("a1", "One", "one.example")) })
		var id string
		mustView(t, db, func(tx baton.Tx) (err error) {
			id, err = tx.AccountIDByDomain(ctx, "a1.example.io")
			return err
		})
		if id != "a1" {
			t.Errorf("by alias: got %q, want a1", id)
		}
		clash := account("a2", "Two", "two.example")
		clash.Aliases = []string{"one.example"}
		err := db.Update(ctx, func(tx baton.Tx) error { return tx.PutAccount(ctx, clash) })
		wantCode(t, "alias owned by another account", err, baton.ECONFLICT)
	})

	t.Run("ReturnsNotFoundForUnknownIDAndDomain", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		err := db.View(ctx, func(tx baton.Tx) error {
			_, err := tx.Account(ctx, "nope")
			return err
		})
		wantCode(t, "unknown account", err, baton.ENOTFOUND)
		err = db.View(ctx, func(tx baton.Tx) error {
			_, err := tx.AccountByDomain(ctx, "nope.example")
			return err
		})
		wantCode(t, "unknown domain", err, baton.ENOTFOUND)
	})

	t.Run("ListsByNameAllowingManyWithoutDomain", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mustUpdate(t, db, func(tx baton.Tx) error {
			for _, a := range []*baton.Account{account("a1", "Zeta", ""), account("a2", "Alpha", ""), account("a3", "Mu", "mu.example")} {
				if err := tx.PutAccount(ctx, a); err != nil {
					return err
				}
			}
			return nil
		})
		var got []string
		mustView(t, db, func(tx baton.Tx) error {
			list, err := tx.Accounts(ctx, 2)
			for _, a := range list {
				got = append(got, a.Name+"/"+a.Domain)
			}
			return err
		})
		if diff := cmp.Diff([]string{"Alpha/", "Mu/mu.example"}, got); diff != "" {
			t.Errorf("first two accounts by name (-want +got):\n%s", diff)
		}
		err := db.View(ctx, func(tx baton.Tx) error {
			_, err := tx.AccountByDomain(ctx, "")
			return err
		})
		wantCode(t, "account by empty domain", err, baton.ENOTFOUND)
	})
}

func testContacts(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("PutsThenGetsAndUpdatesInPlace", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		c := &baton.Contact{ID: "c1", AccountID: "a1", Email: "ada@example.com", Name: "Ada", Title: "CTO", Phone: "+44 20",
			TimeZone: "Europe/London", CreatedAt: msec(t0), UpdatedAt: msec(t0)}
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutContact(ctx, c) })
		var byID, byEmail *baton.Contact
		mustView(t, db, func(tx baton.Tx) (err error) {
			if byID, err = tx.Contact(ctx, "c1"); err != nil {
				return err
			}
			byEmail, err = tx.ContactByEmail(ctx, "ada@example.com")
			return err
		})
		if diff := cmp.Diff(c, byID); diff != "" {
			t.Errorf("contact by id (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(c, byEmail); diff != "" {
			t.Errorf("contact by email (-want +got):\n%s", diff)
		}

		c2 := *c
		c2.Email, c2.Title, c2.UpdatedAt = "ada@new.example", "CEO", msec(t0.Add(time.Hour))
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutContact(ctx, &c2) })
		var got *baton.Contact
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.ContactByEmail(ctx, "ada@new.example")
			return err
		})
		if diff := cmp.Diff(&c2, got); diff != "" {
			t.Errorf("updated contact (-want +got):\n%s", diff)
		}
		err := db.View(ctx, func(tx baton.Tx) error {
			_, err := tx.ContactByEmail(ctx, "ada@example.com")
			return err
		})
		wantCode(t, "contact by its old email", err, baton.ENOTFOUND)
		err = db.View(ctx, func(tx baton.Tx) error {
			_, err := tx.Contact(ctx, "nope")
			return err
		})
		wantCode(t, "unknown contact", err, baton.ENOTFOUND)
	})
}

func testUsers(t *testing.T, open Opener) {
	ctx := context.Background()

	user := func(id, email string) *baton.User {
		return &baton.User{ID: id, Email: email, Name: "User " + id, Role: baton.RoleAE, Access: baton.AccessRep, Team: "ae", Territory: "emea",
			TimeZone: "Europe/Paris", ManagerID: "m1", BackupID: "b1", Capacity: 20, Weight: 2,
			AwayFrom: msec(t0.Add(24 * time.Hour)), AwayUntil: msec(t0.Add(48 * time.Hour)), Active: true,
			CreatedAt: msec(t0), UpdatedAt: msec(t0)}
	}

	t.Run("PutsThenGetsByIDAndEmail", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		u := user("u1", "ann@baton.test")
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutUser(ctx, u) })
		var byID, byEmail *baton.User
		mustView(t, db, func(tx baton.Tx) (err error) {
			if byID, err = tx.User(ctx, "u1"); err != nil {
				return err
			}
			byEmail, err = tx.UserByEmail(ctx, "ann@baton.test")
			return err
		})
		if diff := cmp.Diff(u, byID); diff != "" {
			t.Errorf("user by id (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(u, byEmail); diff != "" {
			t.Errorf("user by email (-want +got):\n%s", diff)
		}
	})

	t.Run("UpdatesInPlace", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutUser(ctx, user("u1", "ann@baton.test")) })
		u := user("u1", "ann@new.test")
		u.Active, u.Capacity, u.AwayFrom, u.AwayUntil, u.UpdatedAt = false, 0, time.Time{}, time.Time{}, msec(t0.Add(time.Hour))
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutUser(ctx, u) })
		var got *baton.User
		var all []*baton.User
		mustView(t, db, func(tx baton.Tx) (err error) {
			if got, err = tx.UserByEmail(ctx, "ann@new.test"); err != nil {
				return err
			}
			all, err = tx.Users(ctx)
			return err
		})
		if diff := cmp.Diff(u, got); diff != "" {
			t.Errorf("updated user (-want +got):\n%s", diff)
		}
		if len(all) != 1 {
			t.Errorf("users: got %d, want 1", len(all))
		}
		err := db.View(ctx, func(tx baton.Tx) error {
			_, err := tx.UserByEmail(ctx, "ann@baton.test")
			return err
		})
		wantCode(t, "user by old email", err, baton.ENOTFOUND)
		err = db.View(ctx, func(tx baton.Tx) error {
			_, err := tx.User(ctx, "nope")
			return err
		})
		wantCode(t, "unknown user", err, baton.ENOTFOUND)
	})

	t.Run("ListsByEmail", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mustUpdate(t, db, func(tx baton.Tx) error {
			for _, u := range []*baton.User{user("u1", "zoe@baton.test"), user("u2", "ann@baton.test"), user("u3", "max@baton.test")} {
				if err := tx.PutUser(ctx, u); err != nil {
					return err
				}
			}
			return nil
		})
		var got []string
		mustView(t, db, func(tx baton.Tx) error {
			list, err := tx.Users(ctx)
			for _, u := range list {
				got = append(got, u.Email)
			}
			return err
		})
		if diff := cmp.Diff([]string{"ann@baton.test", "max@baton.test", "zoe@baton.test"}, got); diff != "" {
			t.Errorf("users (-want +got):\n%s", diff)
		}
	})
}

func newHandoff(id string, created time.Time) *baton.Handoff {
	return &baton.Handoff{ID: id, Type: "demo", State: baton.StateAssigned, Tier: "t1", FromTeam: "sdr", ToTeam: "ae",
		SignalID: "s-" + id, Generation: 1, Signals: 1, CreatedAt: created, UpdatedAt: created}
}

func insertHandoffs(t *testing.T, db baton.Store, hs ...*baton.Handoff) {
	t.Helper()
	mustUpdate(t, db, func(tx baton.Tx) error {
		for _, h := range hs {
			if err := tx.InsertHandoff(context.Background(), h); err != nil {
				return err
			}
		}
		return nil
	})
}

func handoffIDs(hs []*baton.Handoff) []string {
	ids := []string{}
	for _, h := range hs {
		ids = append(ids, h.ID)
	}
	return ids
}

func testHandoffs(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("RoundTripsInsertAndUpdate", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		h := &baton.Handoff{ID: "h1", Type: "demo", State: baton.StateAssigned, Tier: "t1", FromTeam: "sdr", ToTeam: "ae",
			AccountID: "a1", ContactID: "c1", SignalID: "s1", MeetingID: "m1", OwnerID: "u1", BackupID: "u2", SenderID: "u3",
			Generation: 1, AcceptBy: t0.Add(time.Hour), FirstTouchBy: t0.Add(2 * time.Hour), Signals: 1,
			Context:   map[string]any{"budget": "50k-100k", "stakeholders": []any{"CFO", "CTO"}},
			Trace:     []baton.Step{{Step: "rule", Subject: "demo", Result: "matched", Reason: "type demo"}, {Step: "pick", Subject: "u1", Result: "picked", Reason: "least recent"}},
			CreatedAt: t0, UpdatedAt: t0}
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.InsertHandoff(ctx, h) })

		want := *h
		want.AcceptBy, want.FirstTouchBy, want.CreatedAt, want.UpdatedAt = msec(h.AcceptBy), msec(h.FirstTouchBy), msec(t0), msec(t0)
		want.Gaps = []string{} // stored as an empty list
		var got *baton.Handoff
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.Handoff(ctx, "h1")
			return err
		})
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("inserted handoff (-want +got):\n%s", diff)
		}

		h.State, h.Generation, h.Breached, h.Outcome = baton.StateReturned, 2, true, baton.OutcomeNoShow
		h.Gaps, h.FixBy = []string{"budget", "timeline"}, t0.Add(3*time.Hour)
		h.AcceptedAt, h.FirstTouchAt, h.ClosedAt, h.UpdatedAt = t0.Add(time.Minute), t0.Add(2*time.Minute), t0.Add(4*time.Hour), t0.Add(4*time.Hour)
		h.Trace = append(h.Trace, baton.Step{Step: "return", Result: "info", Reason: "gaps"})
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.UpdateHandoff(ctx, h) })
		want = *h
		want.AcceptBy, want.FirstTouchBy, want.FixBy = msec(h.AcceptBy), msec(h.FirstTouchBy), msec(h.FixBy)
		want.CreatedAt, want.UpdatedAt = msec(h.CreatedAt), msec(h.UpdatedAt)
		want.AcceptedAt, want.FirstTouchAt, want.ClosedAt = msec(h.AcceptedAt), msec(h.FirstTouchAt), msec(h.ClosedAt)
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.Handoff(ctx, "h1")
			return err
		})
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("updated handoff (-want +got):\n%s", diff)
		}
		if got.CreatedAt.Nanosecond()%int(time.Millisecond) != 0 {
			t.Errorf("created at: got %v, want millisecond precision", got.CreatedAt)
		}
	})

	t.Run("ReturnsNotFoundForUnknownID", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		err := db.Update(ctx, func(tx baton.Tx) error { return tx.UpdateHandoff(ctx, newHandoff("nope", t0)) })
		wantCode(t, "update unknown handoff", err, baton.ENOTFOUND)
		err = db.View(ctx, func(tx baton.Tx) error {
			_, err := tx.Handoff(ctx, "nope")
			return err
		})
		wantCode(t, "unknown handoff", err, baton.ENOTFOUND)
	})

	t.Run("FiltersLists", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var hs []*baton.Handoff
		for i, f := range []struct {
			owner    string
			state    baton.State
			typ      string
			breached bool
		}{
			{"u1", baton.StateAssigned, "demo", false},
			{"u1", baton.StateCompleted, "demo", true},
			{"u2", baton.StateAccepted, "expansion", true},
			{"u2", baton.StateReturned, "demo", false},
			{"", baton.StateCancelled, "expansion", false},
		} {
			h := newHandoff(fmt.Sprint("h", i+1), t0.Add(time.Duration(i)*time.Minute))
			h.OwnerID, h.State, h.Type, h.Breached = f.owner, f.state, f.typ, f.breached
			hs = append(hs, h)
		}
		insertHandoffs(t, db, hs...)
		yes, no := true, false
		for _, tt := range []struct {
			name   string
			filter baton.HandoffFilter
			want   []string
		}{
			{"NoneNewestFirst", baton.HandoffFilter{}, []string{"h5", "h4", "h3", "h2", "h1"}},
			{"Owner", baton.HandoffFilter{OwnerID: "u1"}, []string{"h2", "h1"}},
			{"State", baton.HandoffFilter{State: baton.StateAccepted}, []string{"h3"}},
			{"Open", baton.HandoffFilter{Open: true}, []string{"h4", "h3", "h1"}},
			{"Type", baton.HandoffFilter{Type: "demo"}, []string{"h4", "h2", "h1"}},
			{"Breached", baton.HandoffFilter{Breached: &yes}, []string{"h3", "h2"}},
			{"NotBreached", baton.HandoffFilter{Breached: &no}, []string{"h5", "h4", "h1"}},
			{"Combined", baton.HandoffFilter{OwnerID: "u2", Open: true, Type: "demo"}, []string{"h4"}},
			{"NoMatch", baton.HandoffFilter{OwnerID: "u9"}, []string{}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				var got []*baton.Handoff
				var next string
				mustView(t, db, func(tx baton.Tx) (err error) {
					got, next, err = tx.Handoffs(ctx, tt.filter)
					return err
				})
				if diff := cmp.Diff(tt.want, handoffIDs(got)); diff != "" {
					t.Errorf("handoffs (-want +got):\n%s", diff)
				}
				if next != "" {
					t.Errorf("next cursor: got %q, want empty", next)
				}
			})
		}
	})

	t.Run("PagesWithCursor", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			name    string
			created func(i int) time.Time
			limit   int
			pages   []int
		}{
			{"EqualTimes", func(int) time.Time { return t0 }, 50, []int{50, 50, 20}},
			{"EqualTimesExactPages", func(int) time.Time { return t0 }, 40, []int{40, 40, 40}},
			{"EqualTimesDefaultLimit", func(int) time.Time { return t0 }, 0, []int{50, 50, 20}},
			{"MixedTimes", func(i int) time.Time { return t0.Add(time.Duration(i%3) * time.Second) }, 7, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				db := open(t)
				var hs []*baton.Handoff
				for i := range 120 {
					hs = append(hs, newHandoff(fmt.Sprintf("h%03d", i), tt.created(i)))
				}
				insertHandoffs(t, db, hs...)
				// Newest first, then id descending.
				slices.SortFunc(hs, func(a, b *baton.Handoff) int {
					if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
						return c
					}
					return cmpString(b.ID, a.ID)
				})
				want := handoffIDs(hs)

				var got []string
				var pages []int
				cursor := ""
				for range 200 {
					var list []*baton.Handoff
					mustView(t, db, func(tx baton.Tx) (err error) {
						list, cursor, err = tx.Handoffs(ctx, baton.HandoffFilter{Cursor: cursor, Limit: tt.limit})
						return err
					})
					got = append(got, handoffIDs(list)...)
					pages = append(pages, len(list))
					if cursor == "" {
						break
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("handoffs across pages (-want +got):\n%s", diff)
				}
				if tt.pages != nil {
					if diff := cmp.Diff(tt.pages, pages); diff != "" {
						t.Errorf("page sizes (-want +got):\n%s", diff)
					}
				}
			})
		}
	})

	t.Run("RejectsInvalidCursor", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		insertHandoffs(t, db, newHandoff("h1", t0))
		for _, c := range []string{"!!not base64!!", base64.RawURLEncoding.EncodeToString([]byte("no colon")),
			base64.RawURLEncoding.EncodeToString([]byte("abc:h1"))} {
			err := db.View(ctx, func(tx baton.Tx) error {
				_, _, err := tx.Handoffs(ctx, baton.HandoffFilter{Cursor: c})
				return err
			})
			wantCode(t, fmt.Sprintf("handoffs with cursor %q", c), err, baton.EINVALID)
		}
	})

	t.Run("FindsNewestOpenHandoffForContact", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mk := func(id, contact, typ string, state baton.State, created time.Time) *baton.Handoff {
			h := newHandoff(id, created)
			h.ContactID, h.Type, h.State = contact, typ, state
			return h
		}
		insertHandoffs(t, db,
			mk("h1", "c1", "demo", baton.StateAssigned, t0),
			mk("h2", "c1", "demo", baton.StateReturned, t0.Add(30*time.Minute)),
			mk("h3", "c1", "demo", baton.StateCompleted, t0.Add(time.Hour)),
			mk("h4", "c1", "demo", baton.StateCancelled, t0.Add(2*time.Hour)),
			mk("h5", "c1", "expansion", baton.StateAccepted, t0.Add(3*time.Hour)),
			mk("h6", "c2", "demo", baton.StateAssigned, t0.Add(4*time.Hour)),
		)
		for _, tt := range []struct {
			name    string
			contact string
			typ     string
			since   time.Time
			want    string // "" for ENOTFOUND
		}{
			{"NewestOpenOfType", "c1", "demo", t0.Add(-time.Hour), "h2"},
			{"SinceIsInclusive", "c1", "demo", msec(t0.Add(30 * time.Minute)), "h2"},
			{"NothingOpenSince", "c1", "demo", t0.Add(31 * time.Minute), ""},
			{"OtherType", "c1", "expansion", t0, "h5"},
			{"OtherContact", "c2", "demo", time.Time{}, "h6"},
			{"UnknownContact", "c9", "demo", time.Time{}, ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				var got *baton.Handoff
				err := db.View(ctx, func(tx baton.Tx) (err error) {
					got, err = tx.OpenHandoffFor(ctx, tt.contact, tt.typ, tt.since)
					return err
				})
				if tt.want == "" {
					wantCode(t, "open handoff", err, baton.ENOTFOUND)
					return
				}
				if err != nil {
					t.Fatalf("open handoff: got error %v, want %s", err, tt.want)
				}
				if got.ID != tt.want {
					t.Errorf("open handoff: got %s, want %s", got.ID, tt.want)
				}
			})
		}
	})

	t.Run("CountsOwnersHeldHandoffs", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var hs []*baton.Handoff
		for i, s := range baton.States {
			h := newHandoff(fmt.Sprint("h", i), t0)
			h.OwnerID, h.State = "u1", s
			hs = append(hs, h)
		}
		other := newHandoff("other", t0)
		other.OwnerID = "u2"
		insertHandoffs(t, db, append(hs, other)...)
		for owner, want := range map[string]int{"u1": 3, "u2": 1, "u9": 0} {
			var got int
			mustView(t, db, func(tx baton.Tx) (err error) {
				loads, err := tx.Loads(ctx, []string{owner}, t0)
				got = loads[owner].Open
				return err
			})
			if got != want {
				t.Errorf("open count of %s: got %d, want %d (assigned, accepted and actioned)", owner, got, want)
			}
		}
	})
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func testEvents(t *testing.T, open Opener) {
	ctx := context.Background()

	setup := func(t *testing.T) (baton.Store, []*baton.Event) {
		db := open(t)
		evs := []*baton.Event{
			{HandoffID: "h1", Kind: baton.EventCreated, At: t0, Actor: "signal:web", ToState: baton.StateAssigned, Reason: "matched", Data: json.RawMessage(`{"signal_id":"s1"}`)},
			{HandoffID: "h2", Kind: baton.EventCreated, At: t0.Add(time.Minute), Actor: "signal"},
			{HandoffID: "h1", Kind: baton.EventAccepted, At: t0.Add(2 * time.Minute), Actor: "u1", FromState: baton.StateAssigned, ToState: baton.StateAccepted, OwnerID: "u1"},
			{HandoffID: "h1", Kind: baton.EventBreached, At: t0.Add(3 * time.Minute), Actor: baton.ActorClock, Reason: "late"},
		}
		mustUpdate(t, db, func(tx baton.Tx) error {
			for _, e := range evs {
				if err := tx.AppendEvent(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
		for _, e := range evs {
			e.At = msec(e.At)
		}
		return db, evs
	}

	t.Run("SetsIncreasingSeq", func(t *testing.T) {
		t.Parallel()
		_, evs := setup(t)
		for i := 1; i < len(evs); i++ {
			if evs[i].Seq <= evs[i-1].Seq {
				t.Errorf("seq of event %d: got %d, want more than %d", i, evs[i].Seq, evs[i-1].Seq)
			}
		}
		if evs[0].Seq <= 0 {
			t.Errorf("first seq: got %d, want positive", evs[0].Seq)
		}
	})

	t.Run("ListsAHandoffsLogInOrder", func(t *testing.T) {
		t.Parallel()
		db, evs := setup(t)
		var got []*baton.Event
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.Events(ctx, "h1")
			return err
		})
		if diff := cmp.Diff([]*baton.Event{evs[0], evs[2], evs[3]}, got); diff != "" {
			t.Errorf("events of h1 (-want +got):\n%s", diff)
		}
	})

	t.Run("StreamsEventsInHalfOpenRange", func(t *testing.T) {
		t.Parallel()
		db, evs := setup(t)
		var got []*baton.Event
		mustView(t, db, func(tx baton.Tx) error {
			return tx.EventsBetween(ctx, msec(t0.Add(time.Minute)), msec(t0.Add(3*time.Minute)), func(e *baton.Event) error {
				got = append(got, e)
				return nil
			})
		})
		if diff := cmp.Diff([]*baton.Event{evs[1], evs[2]}, got); diff != "" {
			t.Errorf("events in [1m, 3m) (-want +got):\n%s", diff)
		}
	})

	t.Run("StopsStreamingOnFnError", func(t *testing.T) {
		t.Parallel()
		db, _ := setup(t)
		calls := 0
		err := db.View(ctx, func(tx baton.Tx) error {
			return tx.EventsBetween(ctx, t0.Add(-time.Hour), t0.Add(time.Hour), func(*baton.Event) error {
				calls++
				return errBoom
			})
		})
		if !errors.Is(err, errBoom) {
			t.Errorf("events between: got error %v, want %v", err, errBoom)
		}
		if calls != 1 {
			t.Errorf("fn calls: got %d, want 1", calls)
		}
	})
}

func testMeetings(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("RoundTrips", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		m := &baton.Meeting{ID: "m1", HandoffID: "h1", StartsAt: msec(t0.Add(24 * time.Hour)), Duration: baton.Duration(45 * time.Minute),
			TimeZone: "Europe/London", Agenda: "Demo", Type: "video", Attendees: []baton.Attendee{{Name: "Ada", Email: "ada@example.com", Title: "CTO"}},
			Status: baton.MeetingBooked, Sequence: 1, Reschedules: 1, CreatedAt: msec(t0), UpdatedAt: msec(t0)}
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.InsertMeeting(ctx, m) })
		var got *baton.Meeting
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.Meeting(ctx, "m1")
			return err
		})
		if diff := cmp.Diff(m, got); diff != "" {
			t.Errorf("meeting (-want +got):\n%s", diff)
		}
		err := db.View(ctx, func(tx baton.Tx) error {
			_, err := tx.Meeting(ctx, "nope")
			return err
		})
		wantCode(t, "unknown meeting", err, baton.ENOTFOUND)
	})

	t.Run("CountsReschedules", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		m := &baton.Meeting{ID: "m1", HandoffID: "h1", StartsAt: msec(t0.Add(24 * time.Hour)), TimeZone: "UTC", Status: baton.MeetingBooked,
			CreatedAt: msec(t0), UpdatedAt: msec(t0)}
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.InsertMeeting(ctx, m) })
		m.StartsAt, m.Sequence, m.Reschedules = msec(t0.Add(48*time.Hour)), 1, 2
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.UpdateMeeting(ctx, m) })
		var got *baton.Meeting
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.Meeting(ctx, "m1")
			return err
		})
		if got.Reschedules != 2 || !got.StartsAt.Equal(m.StartsAt) {
			t.Errorf("got %d reschedules, start %s; want 2, %s", got.Reschedules, got.StartsAt, m.StartsAt)
		}
	})
}

func testOutcomeActivities(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	acts := []*baton.Activity{
		{ID: "a1", HandoffID: "h1", Name: "intro", Label: "Intro", OwnerID: "u1", DueAt: msec(t0.Add(time.Hour)), Status: baton.ActivityOpen, CreatedAt: msec(t0)},
		{ID: "a2", HandoffID: "h1", Name: "rebook", Label: "Rebook", OwnerID: "u1", Outcome: baton.OutcomeNoShow, DueAt: msec(t0.Add(2 * time.Hour)),
			Status: baton.ActivityOpen, CreatedAt: msec(t0)},
	}
	mustUpdate(t, db, func(tx baton.Tx) error { return tx.InsertActivities(ctx, acts...) })
	var got []*baton.Activity
	mustView(t, db, func(tx baton.Tx) (err error) {
		got, err = tx.Activities(ctx, "h1")
		return err
	})
	if diff := cmp.Diff(acts, got); diff != "" {
		t.Errorf("activities (-want +got):\n%s", diff)
	}
}

func timerIDs(ts []*baton.Timer) []string {
	ids := []string{}
	for _, t := range ts {
		ids = append(ids, t.ID)
	}
	return ids
}

func testTimers(t *testing.T, open Opener) {
	ctx := context.Background()
	now := msec(t0)
	const lease = time.Minute

	setup := func(t *testing.T) baton.Store {
		db := open(t)
		timers := []*baton.Timer{
			{ID: "t-late", HandoffID: "h1", Kind: baton.TimerOutcomeDue, Generation: 1, DueAt: now.Add(-time.Minute)},
			{ID: "t-early", HandoffID: "h1", Kind: baton.TimerLadder, Generation: 1, DueAt: now.Add(-3 * time.Minute)},
			{ID: "t-tie-b", HandoffID: "h2", Kind: baton.TimerTouchBreach, Generation: 1, DueAt: now.Add(-2 * time.Minute)},
			{ID: "t-tie-a", HandoffID: "h2", Kind: baton.TimerFixBreach, Generation: 1, DueAt: now.Add(-2 * time.Minute)},
			{ID: "t-now", HandoffID: "h2", Kind: baton.TimerFixBreach, Generation: 1, DueAt: now},
		}
		mustUpdate(t, db, func(tx baton.Tx) error {
			if err := tx.InsertTimers(ctx); err != nil { // nothing to insert is fine
				return err
			}
			if err := tx.InsertTimers(ctx, timers...); err != nil {
				return err
			}
			return tx.InsertTimers(ctx, &baton.Timer{ID: "t-future", HandoffID: "h1", Kind: baton.TimerFixBreach, Generation: 1, DueAt: now.Add(lease)})
		})
		for _, tm := range timers {
			if tm.Status != baton.TimerPending {
				t.Errorf("inserted timer %s: got status %q, want %q", tm.ID, tm.Status, baton.TimerPending)
			}
		}
		return db
	}
	claim := func(t *testing.T, db baton.Store, at time.Time, limit int) []*baton.Timer {
		t.Helper()
		var got []*baton.Timer
		mustUpdate(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.ClaimTimers(ctx, at, lease, limit)
			return err
		})
		return got
	}

	t.Run("ClaimsDueTimersInDueOrder", func(t *testing.T) {
		t.Parallel()
		db := setup(t)
		got := claim(t, db, now, 10)
		if diff := cmp.Diff([]string{"t-early", "t-tie-a", "t-tie-b", "t-late", "t-now"}, timerIDs(got)); diff != "" {
			t.Errorf("claimed timers (-want +got):\n%s", diff)
		}
		want := &baton.Timer{ID: "t-early", HandoffID: "h1", Kind: baton.TimerLadder, Generation: 1, DueAt: now.Add(-3 * time.Minute), Status: baton.TimerPending}
		if diff := cmp.Diff(want, got[0]); diff != "" {
			t.Errorf("first claimed timer (-want +got):\n%s", diff)
		}
	})

	t.Run("RespectsLimit", func(t *testing.T) {
		t.Parallel()
		db := setup(t)
		first := claim(t, db, now, 2)
		if diff := cmp.Diff([]string{"t-early", "t-tie-a"}, timerIDs(first)); diff != "" {
			t.Errorf("first claim (-want +got):\n%s", diff)
		}
		// Fired, as a worker does before it claims again (a store shared
		// by several nodes holds a handoff's later timers back while an
		// earlier one is leased).
		mustUpdate(t, db, func(tx baton.Tx) error {
			for _, tm := range first {
				if err := tx.FinishTimer(ctx, tm.ID, baton.TimerFired, now); err != nil {
					return err
				}
			}
			return nil
		})
		if diff := cmp.Diff([]string{"t-tie-b", "t-late", "t-now"}, timerIDs(claim(t, db, now, 10))); diff != "" {
			t.Errorf("second claim (-want +got):\n%s", diff)
		}
	})

	t.Run("HoldsLeasedTimersUntilLeaseExpires", func(t *testing.T) {
		t.Parallel()
		db := setup(t)
		claim(t, db, now, 10)
		if got := claim(t, db, now.Add(lease/2), 10); len(got) != 0 {
			t.Errorf("claim within the lease: got %v, want none", timerIDs(got))
		}
		if diff := cmp.Diff([]string{"t-early", "t-tie-a", "t-tie-b", "t-late", "t-now", "t-future"}, timerIDs(claim(t, db, now.Add(lease), 10))); diff != "" {
			t.Errorf("claim when the lease expired (-want +got):\n%s", diff)
		}
	})

	t.Run("FinishesOnceThenConflicts", func(t *testing.T) {
		t.Parallel()
		db := setup(t)
		claim(t, db, now, 10)
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.FinishTimer(ctx, "t-early", baton.TimerFired, now) })
		err := db.Update(ctx, func(tx baton.Tx) error { return tx.FinishTimer(ctx, "t-early", baton.TimerFired, now.Add(time.Second)) })
		wantCode(t, "second finish", err, baton.ECONFLICT)
		var got *baton.Timer
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.Timer(ctx, "t-early")
			return err
		})
		want := &baton.Timer{ID: "t-early", HandoffID: "h1", Kind: baton.TimerLadder, Generation: 1, DueAt: now.Add(-3 * time.Minute), Status: baton.TimerFired, FiredAt: now}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("finished timer (-want +got):\n%s", diff)
		}
		// A finished timer is not claimed again, even after its lease.
		if slices.Contains(timerIDs(claim(t, db, now.Add(lease), 10)), "t-early") {
			t.Error("claim after finish: got t-early, want it left out")
		}
		err = db.View(ctx, func(tx baton.Tx) error {
			_, err := tx.Timer(ctx, "nope")
			return err
		})
		wantCode(t, "unknown timer", err, baton.ENOTFOUND)
	})

	t.Run("CancelsByKindAndAllKinds", func(t *testing.T) {
		t.Parallel()
		db := setup(t)
		pending := func(handoffID string) []string {
			t.Helper()
			var got []*baton.Timer
			mustView(t, db, func(tx baton.Tx) (err error) {
				got, err = tx.PendingTimers(ctx, handoffID)
				return err
			})
			return timerIDs(got)
		}
		if diff := cmp.Diff([]string{"t-early", "t-late", "t-future"}, pending("h1")); diff != "" {
			t.Errorf("pending timers of h1 (-want +got):\n%s", diff)
		}
		mustUpdate(t, db, func(tx baton.Tx) error {
			return tx.CancelTimers(ctx, "h1", baton.TimerLadder, baton.TimerOutcomeDue)
		})
		if diff := cmp.Diff([]string{"t-future"}, pending("h1")); diff != "" {
			t.Errorf("pending timers of h1 after cancelling two kinds (-want +got):\n%s", diff)
		}
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.CancelTimers(ctx, "h2") })
		if diff := cmp.Diff([]string{}, pending("h2")); diff != "" {
			t.Errorf("pending timers of h2 after cancelling all (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"t-future"}, pending("h1")); diff != "" {
			t.Errorf("pending timers of h1 after cancelling h2's (-want +got):\n%s", diff)
		}
		var tm *baton.Timer
		mustView(t, db, func(tx baton.Tx) (err error) {
			tm, err = tx.Timer(ctx, "t-early")
			return err
		})
		if tm.Status != baton.TimerCancelled {
			t.Errorf("cancelled timer status: got %q, want %q", tm.Status, baton.TimerCancelled)
		}
		if diff := cmp.Diff([]string{"t-future"}, timerIDs(claim(t, db, now.Add(lease), 10))); diff != "" {
			t.Errorf("claim after cancelling (-want +got):\n%s", diff)
		}
		err := db.Update(ctx, func(tx baton.Tx) error { return tx.FinishTimer(ctx, "t-early", baton.TimerFired, now) })
		wantCode(t, "finish a cancelled timer", err, baton.ECONFLICT)
	})
}

func messageIDs(ms []*baton.Message) []string {
	ids := []string{}
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

func testMessages(t *testing.T, open Opener) {
	ctx := context.Background()
	now := msec(t0)
	const lease = time.Minute

	setup := func(t *testing.T) (baton.Store, []*baton.Message) {
		db := open(t)
		msgs := []*baton.Message{
			{ID: "m1", HandoffID: "h1", Kind: baton.MsgAssigned, Channel: baton.ChannelWebhook, RecipientID: "u1", Payload: json.RawMessage(`{"n":1}`), CreatedAt: now.Add(-2 * time.Minute)},
			{ID: "m2", HandoffID: "h1", Kind: baton.MsgReminder, Channel: baton.ChannelWebhook, RecipientID: "u1", Payload: json.RawMessage(`{"n":2}`), CreatedAt: now.Add(-time.Minute)},
			{ID: "m3", HandoffID: "h2", Kind: baton.MsgBreach, Channel: baton.ChannelWebhook, Payload: json.RawMessage(`{"n":3}`), CreatedAt: now, NextAt: now.Add(time.Hour)},
		}
		mustUpdate(t, db, func(tx baton.Tx) error {
			for _, m := range msgs {
				if err := tx.EnqueueMessage(ctx, m); err != nil {
					return err
				}
			}
			return nil
		})
		return db, msgs
	}
	claim := func(t *testing.T, db baton.Store, at time.Time) []string {
		t.Helper()
		var got []*baton.Message
		mustUpdate(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.ClaimMessages(ctx, at, lease, 10)
			return err
		})
		ids := messageIDs(got)
		slices.Sort(ids) // the order of a claim is not promised
		return ids
	}
	settle := func(t *testing.T, db baton.Store, m *baton.Message) {
		t.Helper()
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.SettleMessage(ctx, m) })
	}
	list := func(t *testing.T, db baton.Store, status string, limit int) []*baton.Message {
		t.Helper()
		var got []*baton.Message
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.Messages(ctx, status, limit)
			return err
		})
		return got
	}

	t.Run("EnqueuesPendingDueAtCreation", func(t *testing.T) {
		t.Parallel()
		db, msgs := setup(t)
		if msgs[0].Status != baton.MessagePending || !msgs[0].NextAt.Equal(msgs[0].CreatedAt) {
			t.Errorf("enqueued message: got status %q next %v, want %q and its creation time %v", msgs[0].Status, msgs[0].NextAt, baton.MessagePending, msgs[0].CreatedAt)
		}
		if diff := cmp.Diff(msgs[0], list(t, db, baton.MessagePending, 10)[2]); diff != "" {
			t.Errorf("stored message (-want +got):\n%s", diff)
		}
	})

	t.Run("ClaimsDueMessagesOnceUntilLeaseExpires", func(t *testing.T) {
		t.Parallel()
		db, _ := setup(t)
		if diff := cmp.Diff([]string{"m1", "m2"}, claim(t, db, now)); diff != "" {
			t.Errorf("first claim (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{}, claim(t, db, now.Add(lease/2))); diff != "" {
			t.Errorf("claim within the lease (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"m1", "m2"}, claim(t, db, now.Add(lease))); diff != "" {
			t.Errorf("claim when the lease expired (-want +got):\n%s", diff)
		}
	})

	t.Run("SettlesRetrySentAndFailed", func(t *testing.T) {
		t.Parallel()
		db, msgs := setup(t)
		claim(t, db, now)

		retry := *msgs[0]
		retry.Attempts, retry.NextAt, retry.LastError = 1, now.Add(5*time.Minute), "503 from receiver"
		settle(t, db, &retry)
		sent := *msgs[1]
		sent.Status, sent.Attempts, sent.SentAt = baton.MessageSent, 1, now.Add(time.Second)
		settle(t, db, &sent)

		// The retry waits for its next attempt, lease released or not.
		if diff := cmp.Diff([]string{}, claim(t, db, now.Add(lease))); diff != "" {
			t.Errorf("claim before the retry is due (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"m1"}, claim(t, db, now.Add(5*time.Minute))); diff != "" {
			t.Errorf("claim when the retry is due (-want +got):\n%s", diff)
		}
		failed := retry
		failed.Status, failed.Attempts, failed.LastError = baton.MessageFailed, 2, "410 gone"
		settle(t, db, &failed)
		if diff := cmp.Diff([]string{}, claim(t, db, now.Add(10*time.Minute))); diff != "" {
			t.Errorf("claim after failing (-want +got):\n%s", diff)
		}

		if diff := cmp.Diff([]*baton.Message{&sent}, list(t, db, baton.MessageSent, 10)); diff != "" {
			t.Errorf("sent messages (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]*baton.Message{&failed}, list(t, db, baton.MessageFailed, 10)); diff != "" {
			t.Errorf("failed messages (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"m3"}, messageIDs(list(t, db, baton.MessagePending, 10))); diff != "" {
			t.Errorf("pending messages (-want +got):\n%s", diff)
		}
	})

	t.Run("ListsNewestFirstWithinLimit", func(t *testing.T) {
		t.Parallel()
		db, _ := setup(t)
		if diff := cmp.Diff([]string{"m3", "m2", "m1"}, messageIDs(list(t, db, "", 10))); diff != "" {
			t.Errorf("all messages (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"m3", "m2"}, messageIDs(list(t, db, baton.MessagePending, 2))); diff != "" {
			t.Errorf("two pending messages (-want +got):\n%s", diff)
		}
	})
}

func testPools(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("StartsEmpty", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var got baton.PoolState
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.PoolState(ctx, "team:ae")
			return err
		})
		if diff := cmp.Diff(baton.PoolState{Members: map[string]baton.PoolMember{}}, got); diff != "" {
			t.Errorf("empty pool (-want +got):\n%s", diff)
		}
	})

	t.Run("AccumulatesStateAndLoads", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		for i, u := range []string{"u1", "u2", "u1"} {
			mustUpdate(t, db, func(tx baton.Tx) error {
				return tx.RecordPick(ctx, "team:ae", u, int64(i), int64(10*(i+1)), now.Add(-time.Duration(i)*24*time.Hour))
			})
		}
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.RecordPick(ctx, "team:se", "u3", 7, 8, now) })
		var ae, se baton.PoolState
		var loads map[string]baton.Load
		mustView(t, db, func(tx baton.Tx) (err error) {
			if ae, err = tx.PoolState(ctx, "team:ae"); err != nil {
				return err
			}
			if se, err = tx.PoolState(ctx, "team:se"); err != nil {
				return err
			}
			loads, err = tx.Loads(ctx, []string{"u1", "u2", "u3", "u4"}, now)
			return err
		})
		want := baton.PoolState{VTime: 2, Members: map[string]baton.PoolMember{"u1": {Pass: 30, Assigned: 2}, "u2": {Pass: 20, Assigned: 1}}}
		if diff := cmp.Diff(want, ae); diff != "" {
			t.Errorf("pool team:ae (-want +got):\n%s", diff)
		}
		want = baton.PoolState{VTime: 7, Members: map[string]baton.PoolMember{"u3": {Pass: 8, Assigned: 1}}}
		if diff := cmp.Diff(want, se); diff != "" {
			t.Errorf("pool team:se (-want +got):\n%s", diff)
		}
		wantLoads := map[string]baton.Load{"u1": {Today: 1, Month: 2}, "u2": {Today: 0, Month: 1}, "u3": {Today: 1, Month: 1}}
		if diff := cmp.Diff(wantLoads, loads); diff != "" {
			t.Errorf("loads (-want +got):\n%s", diff)
		}
	})

	t.Run("ReturnsATurn", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.RecordPick(ctx, "team:ae", "u1", 10, 20, now) })
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.ReturnTurn(ctx, "team:ae", "u1", 5, 10) })
		var got baton.PoolState
		var loads map[string]baton.Load
		mustView(t, db, func(tx baton.Tx) (err error) {
			if got, err = tx.PoolState(ctx, "team:ae"); err != nil {
				return err
			}
			loads, err = tx.Loads(ctx, []string{"u1"}, now)
			return err
		})
		want := baton.PoolState{VTime: 5, Members: map[string]baton.PoolMember{"u1": {Pass: 10, Assigned: 0}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("pool after the turn back (-want +got):\n%s", diff)
		}
		if loads["u1"].Today != 1 {
			t.Errorf("got %d assignments today, want the pick still counted for caps", loads["u1"].Today)
		}
		err := db.Update(ctx, func(tx baton.Tx) error { return tx.ReturnTurn(ctx, "team:ae", "u9", 5, 10) })
		wantCode(t, "a stranger's turn", err, baton.ENOTFOUND)
	})
}

func testSettings(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("RoundTripsAndOverwrites", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		wantNoSetting(t, db, "model")
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutSetting(ctx, "model", []byte{0, 1, 2, 0xff}) })
		wantSetting(t, db, "model", "\x00\x01\x02\xff")
		mustUpdate(t, db, put("model", "v2"))
		wantSetting(t, db, "model", "v2")
	})
}

func testTokens(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("FindsByHash", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		tok := &baton.Token{ID: "t1", Name: "ci", Role: baton.TokenAdmin, Hash: baton.HashToken("secret"), CreatedAt: msec(t0)}
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.InsertToken(ctx, tok) })
		var got *baton.Token
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = tx.TokenByHash(ctx, baton.HashToken("secret"))
			return err
		})
		if diff := cmp.Diff(tok, got); diff != "" {
			t.Errorf("token (-want +got):\n%s", diff)
		}
		err := db.View(ctx, func(tx baton.Tx) error {
			_, err := tx.TokenByHash(ctx, baton.HashToken("other"))
			return err
		})
		wantCode(t, "token by unknown hash", err, baton.ENOTFOUND)
	})

	t.Run("RejectsDuplicateHash", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mustUpdate(t, db, func(tx baton.Tx) error {
			return tx.InsertToken(ctx, &baton.Token{ID: "t1", Name: "a", Role: baton.TokenRep, Hash: "h", CreatedAt: t0})
		})
		err := db.Update(ctx, func(tx baton.Tx) error {
			return tx.InsertToken(ctx, &baton.Token{ID: "t2", Name: "b", Role: baton.TokenRep, Hash: "h", CreatedAt: t0})
		})
		if err == nil {
			t.Error("second token with the same hash: got nil error, want one")
		}
	})
}
