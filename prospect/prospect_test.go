package prospect_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/email"
	"github.com/batonhq/baton/prospect"
)

func TestReminderAt(t *testing.T) {
	t.Parallel()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	w := prospect.Window{From: 8 * time.Hour, To: 20 * time.Hour}
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, tokyo) }
	for _, tc := range []struct {
		name  string
		start time.Time
		lead  time.Duration
		now   time.Time
		want  time.Time // zero: none
	}{
		{"InsideWindowIsNominal", at(27, 9), 24 * time.Hour, now, at(26, 9)},
		{"WindowEdgesCount", at(27, 20), 24 * time.Hour, now, at(26, 20)},
		{"BeforeWindowMovesToPreviousEvening", at(27, 7), 24 * time.Hour, now, at(25, 20)},
		{"AfterWindowMovesToSameEvening", at(27, 22), 24 * time.Hour, now, at(26, 20)},
		{"OneHourBeforeEarlyMeetingIsDropped", at(27, 7), time.Hour, now, time.Time{}},
		{"OneHourBeforeLateMeetingMovesToWindowEnd", at(27, 21), time.Hour, now, at(27, 20)},
		{"PastEveningFallsToNextMorning", at(27, 22), 24 * time.Hour, at(26, 21).UTC(), at(27, 8)},
		{"MorningAfterNominalWhenHalfLeadRemains", at(27, 8).Add(30 * time.Minute), time.Hour, now, at(27, 8)},
		{"NoneWhenLessThanHalfLeadRemains", at(27, 8).Add(20 * time.Minute), time.Hour, now, time.Time{}},
		{"MorningAfterWhenEveningPassed", at(28, 7), 30 * time.Hour, at(26, 21).UTC(), at(27, 8)},
		{"NoneWhenNearerThanLead", at(27, 9), 24 * time.Hour, at(26, 10).UTC(), time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := prospect.ReminderAt(tc.start.UTC(), tc.lead, tokyo, w, tc.now)
			if ok != !tc.want.IsZero() || (ok && !got.Equal(tc.want)) {
				t.Errorf("got %v (%t), want %v", got.In(tokyo), ok, tc.want)
			}
		})
	}
}

const ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"

func TestRender(t *testing.T) {
	t.Parallel()
	base := prospect.Payload{Audience: prospect.AudienceProspect, To: prospect.Recipient{ContactID: "c1", Email: "ana@acme.test", Name: "Ana Ruiz"},
		Subject: "Hi", Text: "text", HTML: "<p>html</p>", Unsubscribe: &email.Unsubscribe{URL: "https://acme.test/u?contact=c1"}}
	render := func(t *testing.T, kind string, inv *prospect.Invite) email.Message {
		t.Helper()
		p := base
		p.Kind, p.Invite = kind, inv
		b, _ := json.Marshal(p)
		m, err := prospect.Render(b)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	t.Run("ConfirmationHasInviteAndNoUnsubscribe", func(t *testing.T) {
		m := render(t, baton.MsgProspectConfirmation, &prospect.Invite{Method: "REQUEST", ICS: ics})
		if m.Unsubscribe != nil || len(m.Attachments) != 1 || m.Attachments[0].ContentType != "text/calendar; charset=utf-8; method=REQUEST" {
			t.Errorf("got unsubscribe %v attachments %+v, want none and one REQUEST invite", m.Unsubscribe, m.Attachments)
		}
		if m.To != `"Ana Ruiz" <ana@acme.test>` || m.HTML == "" {
			t.Errorf("got to %q html %q", m.To, m.HTML)
		}
	})
	t.Run("ReminderHasUnsubscribe", func(t *testing.T) {
		if m := render(t, baton.MsgProspectReminder, nil); m.Unsubscribe == nil {
			t.Error("got no List-Unsubscribe on a reminder, want one")
		}
	})
	t.Run("RejectsMismatchedMethod", func(t *testing.T) {
		p := base
		p.Kind, p.Invite = baton.MsgProspectCancellation, &prospect.Invite{Method: "CANCEL", ICS: ics}
		b, _ := json.Marshal(p)
		if _, err := prospect.Render(b); err == nil {
			t.Error("got no error for a CANCEL part holding METHOD:REQUEST")
		}
	})
	t.Run("RejectsOtherKinds", func(t *testing.T) {
		if _, err := prospect.Render([]byte(`{"kind":"handoff.assigned"}`)); err == nil {
			t.Error("got no error for a team notification")
		}
	})
}
