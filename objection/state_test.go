package objection

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestModelJSON(t *testing.T) {
	t.Parallel()

	learned := func(t *testing.T) *Model {
		t.Helper()
		m := NewModel()
		for _, l := range loadLabelled(t, "train.jsonl") {
			if err := m.Observe(l.Profile, l.Raised); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}

	t.Run("RoundTripKeepsPredictions", func(t *testing.T) {
		t.Parallel()
		m := learned(t)
		data, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var got Model // a zero Model must come out ready to use
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatalf("Unmarshal: %v", err)
		}
		again, err := json.Marshal(&got)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, data) {
			t.Errorf("re-marshalled state differs:\ngot  %s\nwant %s", again, data)
		}
		if got.Observations() != m.Observations() {
			t.Errorf("Observations() = %d, want %d", got.Observations(), m.Observations())
		}
		for _, l := range loadLabelled(t, "eval.jsonl") {
			if g, w := got.Predict(l.Profile, numCategories), m.Predict(l.Profile, numCategories); !reflect.DeepEqual(g, w) {
				t.Fatalf("Predict after round trip = %v, want %v", g, w)
			}
		}
	})

	t.Run("StoresOnlyLearnedCounts", func(t *testing.T) {
		t.Parallel()
		data, err := json.Marshal(NewModel())
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"version":1,"calls":0}`; string(data) != want {
			t.Errorf("fresh model marshals to %s, want %s", data, want)
		}
	})

	t.Run("IsDeterministic", func(t *testing.T) {
		t.Parallel()
		a, _ := json.Marshal(learned(t))
		b, _ := json.Marshal(learned(t))
		if !bytes.Equal(a, b) {
			t.Error("two identical models marshal to different bytes")
		}
	})

	t.Run("RejectsBadStateAndChangesNothing", func(t *testing.T) {
		t.Parallel()
		bad := map[string]string{
			"NotJSON":                   `{"version":`,
			"TrailingData":              `{"version":1,"calls":0} {}`,
			"UnknownField":              `{"version":1,"calls":0,"prior":{}}`,
			"OtherVersion":              `{"version":2,"calls":0}`,
			"NegativeCalls":             `{"version":1,"calls":-1}`,
			"UnknownCategory":           `{"version":1,"calls":1,"raised":{"gremlins":1}}`,
			"RaisedMoreThanCalls":       `{"version":1,"calls":1,"raised":{"timing":2}}`,
			"FeatureSeenMoreThanCalls":  `{"version":1,"calls":1,"features":{"segment=smb":{"seen":2}}}`,
			"FeatureRaisedMoreThanSeen": `{"version":1,"calls":3,"raised":{"timing":3},"features":{"segment=smb":{"seen":1,"raised":{"timing":2}}}}`,
			"FeatureRaisedMoreThanAll":  `{"version":1,"calls":3,"raised":{"timing":1},"features":{"segment=smb":{"seen":3,"raised":{"timing":2}}}}`,
			"FractionalCount":           `{"version":1,"calls":1.5}`,
		}
		for name, in := range bad {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				m := learned(t)
				before, _ := json.Marshal(m)
				// Called directly: json.Unmarshal would catch the syntax
				// errors itself before reaching the method.
				if err := m.UnmarshalJSON([]byte(in)); err == nil || !strings.HasPrefix(err.Error(), "objection: ") {
					t.Fatalf("UnmarshalJSON(%s) error = %v, want an objection error", in, err)
				}
				after, _ := json.Marshal(m)
				if !bytes.Equal(before, after) {
					t.Error("a rejected state changed the model")
				}
			})
		}
	})
}
