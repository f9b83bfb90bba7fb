package postgres

import (
	"reflect"
	"strings"
	"testing"

	"github.com/batonhq/baton"
)

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
