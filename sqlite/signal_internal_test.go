package sqlite

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/google/go-cmp/cmp"
)

// TestReadsSignalsStoredWithTheirIDsInThePayload reads a signal stored the
// way every signal was before signalPayload: the whole signal as JSON.
func TestReadsSignalsStoredWithTheirIDsInThePayload(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "baton.db")
	CopyMigrated(t, path)
	db, err := Open(ctx, path, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	at := time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)
	want := &baton.Signal{ID: "s1", ExternalID: "form-1", Type: baton.SignalDemoRequest, OccurredAt: at, ReceivedAt: at, Source: "website",
		Contact: baton.SignalContact{Email: "ada@example.com", Name: "Ada"}, AccountID: "a1", ContactID: "c1", HandoffID: "h1"}
	err = db.Update(ctx, func(btx baton.Tx) error {
		_, err := btx.(*Tx).exec(ctx, `INSERT INTO signals (id, external_id, type, occurred_at, received_at, account_id, contact_id, handoff_id, payload)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, want.ID, want.ExternalID, want.Type, ms(at), ms(at), want.AccountID, want.ContactID, want.HandoffID, jsonText(want))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got *baton.Signal
	if err := db.View(ctx, func(tx baton.Tx) (err error) {
		got, err = tx.SignalByExternalID(ctx, "form-1")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("signal (-want +got):\n%s", diff)
	}
	if body := signalBody(want); strings.Contains(body, `"s1"`) || strings.Contains(body, `"h1"`) {
		t.Errorf("payload now: got %s, want no ids (their columns hold them)", body)
	}
}

// TestSignalColumnsAreRead guards scanSignal: the signal fields its
// columns hold, not its body (internal/signalbody's tests guard the rest).
func TestSignalColumnsAreRead(t *testing.T) {
	t.Parallel()
	st := reflect.TypeFor[baton.Signal]()
	for i := range st.NumField() {
		f := st.Field(i)
		switch name := jsonName(f); name {
		case "id", "external_id", "type", "account_id", "contact_id", "handoff_id", "occurred_at", "received_at":
			if !strings.Contains(signalCols, name) {
				t.Errorf("signal field %s: got no column %s in signalCols, want it read", f.Name, name)
			}
		}
	}
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// TestSignalBodyLeavesOutTimesItsColumnsHold: a time sent in UTC to the
// millisecond is stored once, in its column; a finer or zoned one stays in
// the body too; either reads back the same, as does a body from before
// that holds both.
func TestSignalBodyLeavesOutTimesItsColumnsHold(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "baton.db")
	CopyMigrated(t, path)
	db, err := Open(ctx, path, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	whole := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name               string
		occurred, received time.Time
		inBody             []string
	}{
		{"WholeUTC", whole, whole.Add(1500 * time.Millisecond), nil},
		{"Nanoseconds", whole, whole.Add(123456789), []string{"r"}},
		{"Zoned", whole.In(paris), whole, []string{"o"}},
		{"Zero", time.Time{}, whole, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := &baton.Signal{ID: "s" + tc.name, ExternalID: "x" + tc.name, Type: baton.SignalDemoRequest,
				OccurredAt: tc.occurred, ReceivedAt: tc.received, Contact: baton.SignalContact{Email: "ada@example.com"}}
			body := signalBody(want)
			for _, k := range []string{"o", "r"} { // occurred and received
				if got := strings.Contains(body, `"`+k+`":`); got != slices.Contains(tc.inBody, k) {
					t.Errorf("body %s: %s in it: got %t, want %t", body, k, got, !got)
				}
			}
			err := db.Update(ctx, func(tx baton.Tx) error { return tx.InsertSignal(ctx, want) })
			if err != nil {
				t.Fatal(err)
			}
			var got *baton.Signal
			if err := db.View(ctx, func(tx baton.Tx) (err error) {
				got, err = tx.Signal(ctx, want.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			offset := func(t time.Time) int { _, off := t.Zone(); return off } // JSON keeps a zone's offset, not its name
			if !got.OccurredAt.Equal(want.OccurredAt) || offset(got.OccurredAt) != offset(want.OccurredAt) ||
				!got.ReceivedAt.Equal(want.ReceivedAt) || offset(got.ReceivedAt) != offset(want.ReceivedAt) {
				t.Errorf("times: got %v, %v, want %v, %v", got.OccurredAt, got.ReceivedAt, want.OccurredAt, want.ReceivedAt)
			}
			got.OccurredAt, got.ReceivedAt, want.OccurredAt, want.ReceivedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("signal (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("BodyFromBefore", func(t *testing.T) {
		// The column is the millisecond, the body the nanosecond.
		at := whole.Add(123456789)
		err := db.Update(ctx, func(btx baton.Tx) error {
			_, err := btx.(*Tx).exec(ctx, `INSERT INTO signals (id, external_id, type, occurred_at, received_at, payload)
				VALUES ('old', 'old', 'demo_request', ?, ?, ?)`, ms(at), ms(at),
				`{"occurred_at":"2026-03-01T09:30:00.123456789Z","received_at":"2026-03-01T09:30:00.123456789Z","contact":{},"account":{}}`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var got *baton.Signal
		if err := db.View(ctx, func(tx baton.Tx) (err error) {
			got, err = tx.Signal(ctx, "old")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !got.OccurredAt.Equal(at) || !got.ReceivedAt.Equal(at) {
			t.Errorf("times: got %v, %v, want %v", got.OccurredAt, got.ReceivedAt, at)
		}
	})
}
