package postgres

import (
	"reflect"
	"strings"
	"testing"

	"github.com/batonhq/baton"
)

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
