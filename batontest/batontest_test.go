package batontest_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
)

func TestClock(t *testing.T) {
	t.Parallel()
	c := batontest.NewClock(batontest.T0)
	c.Add(90 * time.Minute)
	if got, want := c.Now(), batontest.T0.Add(90*time.Minute); !got.Equal(want) {
		t.Errorf("after Add: got %v, want %v", got, want)
	}
	later := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	c.Set(later)
	if got := c.Now(); !got.Equal(later) {
		t.Errorf("after Set: got %v, want %v", got, later)
	}
}

func TestStoreIsFreshPerTest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := batontest.Store(t)
	err := db.Update(ctx, func(tx baton.Tx) error {
		return tx.PutUser(ctx, &baton.User{ID: "u1", Email: "a@t.example", Name: "A", Role: baton.RoleSDR, Team: "sdr", TimeZone: "UTC", Active: true, Weight: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	other := batontest.Store(t)
	var n int
	err = other.View(ctx, func(tx baton.Tx) error {
		users, err := tx.Users(ctx)
		n = len(users)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("got %d users in a second store, want 0", n)
	}
}

func TestTeam(t *testing.T) {
	t.Parallel()
	t.Run("AllByDefault", func(t *testing.T) {
		t.Parallel()
		var got []string
		for _, u := range batontest.TeamUsers() {
			got = append(got, u.Email)
		}
		want := []string{"mgr@t.example", "ops@t.example", "sdr1@t.example", "sdr2@t.example", "sdr3@t.example", "ae1@t.example", "ae2@t.example"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("team (-want +got):\n%s", diff)
		}
	})

	t.Run("OnlyThoseNamedInTeamOrder", func(t *testing.T) {
		t.Parallel()
		var got []string
		for _, u := range batontest.TeamUsers("sdr2", "mgr") {
			got = append(got, u.Email)
		}
		if diff := cmp.Diff([]string{"mgr@t.example", "sdr2@t.example"}, got); diff != "" {
			t.Errorf("team (-want +got):\n%s", diff)
		}
	})

	t.Run("SeedsInOrderByLocalPart", func(t *testing.T) {
		t.Parallel()
		var order []string
		put := func(_ context.Context, u *baton.User) (*baton.User, error) {
			order = append(order, u.Email)
			out := *u
			out.ID = "id-" + u.Email
			return &out, nil
		}
		users := batontest.Team(t, put, batontest.TeamUsers("mgr", "sdr1")...)
		if diff := cmp.Diff([]string{"mgr@t.example", "sdr1@t.example"}, order); diff != "" {
			t.Errorf("put order (-want +got):\n%s", diff)
		}
		if got := users["sdr1"]; got == nil || got.ID != "id-sdr1@t.example" || !got.Active || got.ManagerID != "mgr@t.example" {
			t.Errorf("got sdr1 %+v, want the stored active user reporting to mgr", got)
		}
	})
}
