package sqlite

import (
	"context"
	"path/filepath"
	"reflect"
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

// TestSignalPayloadHoldsEveryFieldBesideTheColumns guards signalPayload: a
// field added to baton.Signal must be stored in the payload (or a column),
// or it would be lost on the way through the store.
func TestSignalPayloadHoldsEveryFieldBesideTheColumns(t *testing.T) {
	t.Parallel()
	columns := map[string]bool{"id": true, "external_id": true, "type": true, "account_id": true, "contact_id": true, "handoff_id": true}
	stored := map[string]reflect.Type{}
	pt := reflect.TypeFor[signalPayload]()
	for i := range pt.NumField() {
		stored[jsonName(pt.Field(i))] = pt.Field(i).Type
	}
	st := reflect.TypeFor[baton.Signal]()
	for i := range st.NumField() {
		f := st.Field(i)
		name := jsonName(f)
		if columns[name] {
			if !strings.Contains(signalCols, name) {
				t.Errorf("signal field %s: got no column %s in signalCols, want it read", f.Name, name)
			}
			continue
		}
		if typ, ok := stored[name]; !ok || typ != f.Type {
			t.Errorf("signal field %s (%s): got payload field of type %v, want %v", f.Name, name, typ, f.Type)
		}
	}
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}
