package baton_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
)

var now = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// validSignal is a demo request with every part filled in.
func validSignal() *baton.Signal {
	return &baton.Signal{
		ExternalID: " web-8841 ",
		Type:       baton.SignalMeetingBooked,
		OccurredAt: now.Add(-time.Minute).In(time.FixedZone("PST", -8*3600)),
		Source:     "website",
		Contact:    baton.SignalContact{Email: " Ana@Acme-Robotics.com ", Name: "Ana Ruiz", TimeZone: "America/Los_Angeles"},
		Account:    baton.SignalAccount{Name: "Acme Robotics", Domain: "acme-robotics.com", Employees: 450},
		Message:    "We need a demo.",
		Fields:     map[string]any{"lead_score": 72.0, "note": "café", "ok": true, "none": nil},
		Meeting: &baton.SignalMeeting{StartsAt: now.Add(72 * time.Hour), TimeZone: "America/Los_Angeles",
			Attendees: []baton.Attendee{{Name: "Ana Ruiz", Email: "ANA@acme-robotics.com"}}},
		Sender: "SDR@yourcompany.example",
	}
}

// fieldNames returns the fields an error names.
func fieldNames(err error) []string {
	e, ok := err.(*baton.Error)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestSignalValidate(t *testing.T) {
	t.Parallel()

	t.Run("NormalisesAValidSignal", func(t *testing.T) {
		t.Parallel()
		s := validSignal()
		if err := s.Validate(now); err != nil {
			t.Fatalf("got %v, want nil", err)
		}
		got := []any{s.ExternalID, s.Contact.Email, s.Sender, s.Meeting.Attendees[0].Email, s.OccurredAt.Location(), s.Meeting.Duration}
		want := []any{"web-8841", "ana@acme-robotics.com", "sdr@yourcompany.example", "ana@acme-robotics.com", time.UTC, baton.Duration(30 * time.Minute)}
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() })); diff != "" {
			t.Errorf("normalised (-want +got):\n%s", diff)
		}
	})

	t.Run("OmittedOccurredAtIsNow", func(t *testing.T) {
		t.Parallel()
		s := validSignal()
		s.OccurredAt = time.Time{}
		if err := s.Validate(now); err != nil || !s.OccurredAt.Equal(now) {
			t.Errorf("got %s, %v; want %s", s.OccurredAt, err, now)
		}
	})

	t.Run("DomainWithoutEmailIsEnough", func(t *testing.T) {
		t.Parallel()
		s := validSignal()
		s.Contact.Email = ""
		if err := s.Validate(now); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	})

	for _, tc := range []struct {
		name   string
		edit   func(*baton.Signal)
		fields []string
	}{
		{"RejectsMissingExternalID", func(s *baton.Signal) { s.ExternalID = "  " }, []string{"external_id"}},
		{"RejectsLongExternalID", func(s *baton.Signal) { s.ExternalID = strings.Repeat("x", baton.MaxExternalIDLen+1) }, []string{"external_id"}},
		{"RejectsControlCharsInExternalID", func(s *baton.Signal) { s.ExternalID = "a\x00b" }, []string{"external_id"}},
		{"RejectsInvalidUTF8ExternalID", func(s *baton.Signal) { s.ExternalID = "u\xff\xfe1" }, []string{"external_id"}},
		{"RejectsMissingType", func(s *baton.Signal) { s.Type = "" }, []string{"type"}},
		{"RejectsBadType", func(s *baton.Signal) { s.Type = "Demo Request" }, []string{"type"}},
		{"RejectsOccurredAtInTheFuture", func(s *baton.Signal) { s.OccurredAt = now.Add(25 * time.Hour) }, []string{"occurred_at"}},
		{"RejectsOccurredAtBefore2000", func(s *baton.Signal) { s.OccurredAt = time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC) }, []string{"occurred_at"}},
		{"RejectsBadEmail", func(s *baton.Signal) { s.Contact.Email = "ana at acme" }, []string{"contact.email"}},
		{"RejectsInvalidUTF8Email", func(s *baton.Signal) { s.Contact.Email = "an\xffa@acme.com" }, []string{"contact.email"}},
		{"RejectsNoEmailAndNoDomain", func(s *baton.Signal) { s.Contact.Email, s.Account.Domain = "", "" }, []string{"contact.email"}},
		{"RejectsBadContactTimeZone", func(s *baton.Signal) { s.Contact.TimeZone = "Mars/Olympus" }, []string{"contact.timezone"}},
		{"RejectsInvalidUTF8Name", func(s *baton.Signal) { s.Contact.Name = "An\xc3a" }, []string{"contact.name"}},
		{"RejectsLongMessage", func(s *baton.Signal) { s.Message = strings.Repeat("x", baton.MaxMessageLen+1) }, []string{"message"}},
		{"RejectsNegativeEmployees", func(s *baton.Signal) { s.Account.Employees = -1 }, []string{"account.employees"}},
		{"RejectsBadSender", func(s *baton.Signal) { s.Sender = "nobody" }, []string{"sender"}},
		{"RejectsTooManyFields", func(s *baton.Signal) {
			s.Fields = map[string]any{}
			for i := range baton.MaxFields + 1 {
				s.Fields[strings.Repeat("f", i+1)] = 1.0
			}
		}, []string{"fields"}},
		{"RejectsBadFieldKey", func(s *baton.Signal) { s.Fields = map[string]any{"Lead Score": 1.0} }, []string{"fields.Lead Score"}},
		{"RejectsNestedFieldValue", func(s *baton.Signal) { s.Fields = map[string]any{"list": []any{1.0}} }, []string{"fields.list"}},
		{"RejectsInvalidUTF8FieldValue", func(s *baton.Signal) { s.Fields = map[string]any{"note": "caf\xe9"} }, []string{"fields.note"}},
		{"RejectsLongFieldValue", func(s *baton.Signal) { s.Fields = map[string]any{"note": strings.Repeat("x", 1001)} }, []string{"fields.note"}},
		{"RejectsMeetingWithoutStart", func(s *baton.Signal) { s.Meeting.StartsAt = time.Time{} }, []string{"meeting.starts_at"}},
		{"RejectsMeetingFarAway", func(s *baton.Signal) { s.Meeting.StartsAt = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC) }, []string{"meeting.starts_at"}},
		{"RejectsMeetingWithoutTimeZone", func(s *baton.Signal) { s.Meeting.TimeZone = "" }, []string{"meeting.timezone"}},
		{"RejectsShortMeeting", func(s *baton.Signal) { s.Meeting.Duration = baton.Duration(time.Minute) }, []string{"meeting.duration"}},
		{"RejectsBadAttendeeEmail", func(s *baton.Signal) { s.Meeting.Attendees[0].Email = "x" }, []string{"meeting.attendees[0].email"}},
		{"ReportsEveryBadFieldAtOnce", func(s *baton.Signal) { s.ExternalID, s.Type, s.Sender = "", "", "x" }, []string{"external_id", "type", "sender"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := validSignal()
			tc.edit(s)
			err := s.Validate(now)
			if code := baton.ErrorCode(err); code != baton.EINVALID {
				t.Fatalf("got %v (code %q), want %q", err, code, baton.EINVALID)
			}
			if diff := cmp.Diff(tc.fields, fieldNames(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}
