package signalbody

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/google/go-cmp/cmp"
)

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(n).UTC()
}

var at = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

// full is a signal with every body field set.
var full = baton.Signal{OccurredAt: at, ReceivedAt: at.Add(123456789), Source: "website", Campaign: "q4-webinar",
	Contact: baton.SignalContact{Email: "ada@acme.example", Name: "Ada Ruiz", Title: "VP Operations", Phone: "+1 415 555 0000", TimeZone: "America/Los_Angeles"},
	Account: baton.SignalAccount{Name: "Acme", Domain: "acme.example", Employees: 40, Industry: "manufacturing", Country: "US", Region: "na"},
	Message: "We need to replace our spreadsheet routing.",
	Meeting: &baton.SignalMeeting{StartsAt: at.Add(48 * time.Hour), Duration: baton.Duration(30 * time.Minute), TimeZone: "Europe/Paris",
		Agenda: "demo", Type: "discovery", Attendees: []baton.Attendee{{Name: "Lee", Email: "lee@acme.example", Title: "CFO"}}},
	Fields: map[string]any{"lead_score": 80.0, "product": "routing"}, Sender: "hubspot"}

// TestBodyHoldsEverySignalField: a field added to baton.Signal must be in
// the body (or a column), or it would be lost on the way through a store.
func TestBodyHoldsEverySignalField(t *testing.T) {
	t.Parallel()
	columns := map[string]bool{"ID": true, "ExternalID": true, "Type": true, "AccountID": true, "ContactID": true, "HandoffID": true}
	bt := reflect.TypeFor[body]()
	st := reflect.TypeFor[baton.Signal]()
	for i := range st.NumField() {
		f := st.Field(i)
		if columns[f.Name] {
			continue
		}
		bf, ok := bt.FieldByName(f.Name)
		if !ok || !bf.Type.ConvertibleTo(f.Type) {
			t.Errorf("signal field %s (%v): not in the body", f.Name, f.Type)
		}
	}
	// And every field set above comes back.
	sv := reflect.ValueOf(full)
	for i := range st.NumField() {
		if f := st.Field(i); !columns[f.Name] && sv.Field(i).IsZero() {
			t.Errorf("test signal: set %s", f.Name)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	zoned := full
	zoned.OccurredAt = at.In(paris)
	for _, tc := range []struct {
		name string
		in   baton.Signal
	}{
		{"Full", full},
		{"Zoned", zoned},
		{"Bare", baton.Signal{OccurredAt: at, ReceivedAt: at, Contact: baton.SignalContact{Email: "a@b.example"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stored := Encode(&tc.in, ms, fromMS)
			if !strings.HasPrefix(stored, `{"v":3,`) || !strings.Contains(stored, `"source"`) && tc.in.Source != "" {
				t.Errorf("stored: %s, want version 3 with its source under \"source\"", stored)
			}
			got, err := Decode(stored, fromMS(ms(tc.in.OccurredAt)), fromMS(ms(tc.in.ReceivedAt)))
			if err != nil {
				t.Fatal(err)
			}
			if !got.OccurredAt.Equal(tc.in.OccurredAt) || !got.ReceivedAt.Equal(tc.in.ReceivedAt) {
				t.Errorf("times: got %v, %v, want %v, %v", got.OccurredAt, got.ReceivedAt, tc.in.OccurredAt, tc.in.ReceivedAt)
			}
			want := tc.in
			got.OccurredAt, got.ReceivedAt, want.OccurredAt, want.ReceivedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestOlderVersionsRead reads the bodies stores wrote before: the whole
// signal, then all but the columns with baton.Signal's keys.
func TestOlderVersionsRead(t *testing.T) {
	t.Parallel()
	whole := full
	whole.ID, whole.ExternalID, whole.Type, whole.HandoffID = "s1", "form-1", baton.SignalDemoRequest, "h1"
	v1, err := json.Marshal(whole)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := json.Marshal(struct {
		OccurredAt time.Time            `json:"occurred_at,omitzero"`
		ReceivedAt time.Time            `json:"received_at,omitzero"`
		Source     string               `json:"source,omitempty"`
		Campaign   string               `json:"campaign,omitempty"`
		Contact    baton.SignalContact  `json:"contact"`
		Account    baton.SignalAccount  `json:"account"`
		Message    string               `json:"message,omitempty"`
		Meeting    *baton.SignalMeeting `json:"meeting,omitempty"`
		Fields     map[string]any       `json:"fields,omitempty"`
		Sender     string               `json:"sender,omitempty"`
	}{time.Time{}, full.ReceivedAt, full.Source, full.Campaign, full.Contact, full.Account, full.Message, full.Meeting, full.Fields, full.Sender})
	if err != nil {
		t.Fatal(err)
	}
	for _, stored := range []string{string(v1), string(v2)} {
		got, err := Decode(stored, at, fromMS(ms(full.ReceivedAt)))
		if err != nil {
			t.Fatal(err)
		}
		got.ID, got.ExternalID, got.Type, got.HandoffID = "", "", "", ""
		if diff := cmp.Diff(full, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", stored, diff)
		}
	}
	// Version 3 is shorter than version 2 by its keys.
	if v3 := Encode(&full, ms, fromMS); len(v3) > len(v2)-60 {
		t.Errorf("version 3: %d bytes (%s), want at least 60 fewer than version 2's %d", len(v3), v3, len(v2))
	}
}

func BenchmarkEncode(b *testing.B) {
	s := full
	s.Meeting = nil
	b.ReportAllocs()
	for b.Loop() {
		Encode(&s, ms, fromMS)
	}
}

func BenchmarkDecode(b *testing.B) {
	s := full
	s.Meeting = nil
	stored := Encode(&s, ms, fromMS)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(stored, at, at); err != nil {
			b.Fatal(err)
		}
	}
}

// v2 is version 2's struct, for the benchmarks' comparison.
type v2 struct {
	OccurredAt time.Time            `json:"occurred_at,omitzero"`
	ReceivedAt time.Time            `json:"received_at,omitzero"`
	Source     string               `json:"source,omitempty"`
	Campaign   string               `json:"campaign,omitempty"`
	Contact    baton.SignalContact  `json:"contact"`
	Account    baton.SignalAccount  `json:"account"`
	Message    string               `json:"message,omitempty"`
	Meeting    *baton.SignalMeeting `json:"meeting,omitempty"`
	Fields     map[string]any       `json:"fields,omitempty"`
	Sender     string               `json:"sender,omitempty"`
}

func BenchmarkEncodeVersion2(b *testing.B) {
	s := full
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(v2{time.Time{}, s.ReceivedAt, s.Source, s.Campaign, s.Contact, s.Account, s.Message, nil, s.Fields, s.Sender}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeVersion2(b *testing.B) {
	s := full
	stored, err := json.Marshal(v2{time.Time{}, s.ReceivedAt, s.Source, s.Campaign, s.Contact, s.Account, s.Message, nil, s.Fields, s.Sender})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(string(stored), at, at); err != nil {
			b.Fatal(err)
		}
	}
}
