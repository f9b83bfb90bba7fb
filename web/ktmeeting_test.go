package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

type csReply struct {
	CS *service.CSView `json:"cs"`
}

// TestKTDurationInMinutes: the API writes the meeting's length in minutes
// (kt.duration_minutes), never the stored nanoseconds, and reads it as
// duration_minutes or by its former name, minutes.
func TestKTDurationInMinutes(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	h := s.ingest(t, wonSignal("won-minutes"))
	base := "/api/v1/handoffs/" + h.ID
	kt := func(t *testing.T, r reply) map[string]any {
		t.Helper()
		var body struct {
			CS struct {
				KT map[string]any `json:"kt"`
			} `json:"cs"`
		}
		if err := json.Unmarshal(r.body, &body); err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		return body.CS.KT
	}
	r := s.do(t, "GET", base+"/cs", s.admin, "")
	if r.status != http.StatusOK {
		t.Fatalf("got %s, want 200", r)
	}
	got := kt(t, r)
	if _, ok := got["duration"]; ok || got["duration_minutes"] != float64(45) {
		t.Errorf("got duration %v and duration_minutes %v, want only duration_minutes 45", got["duration"], got["duration_minutes"])
	}
	for i, tc := range []struct {
		name string
		body string
		want float64
	}{
		{"DurationMinutes", `"duration_minutes": 50`, 50},
		{"FormerName", `"minutes": 40`, 40},
		{"DurationMinutesWins", `"duration_minutes": 55, "minutes": 40`, 55},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := t0.Add(time.Duration(26+i) * time.Hour).Format(time.RFC3339)
			r := s.do(t, "POST", base+"/kt/schedule", s.admin, `{"starts_at": "`+start+`", `+tc.body+`}`)
			if r.status != http.StatusOK {
				t.Fatalf("got %s, want 200", r)
			}
			if got := kt(t, r); got["duration_minutes"] != tc.want {
				t.Errorf("got duration_minutes %v, want %v", got["duration_minutes"], tc.want)
			}
		})
	}
	t.Run("TooShortNamesDurationMinutes", func(t *testing.T) {
		start := t0.Add(30 * time.Hour).Format(time.RFC3339)
		wantError(t, s.do(t, "POST", base+"/kt/schedule", s.admin, `{"starts_at": "`+start+`", "duration_minutes": 5}`),
			http.StatusUnprocessableEntity, "invalid", "duration_minutes")
	})
	t.Run("GoClientsReadTheMinutes", func(t *testing.T) {
		if got := call[csReply](t, s, "GET", base+"/cs", s.admin, nil, http.StatusOK).CS; got.KT.Duration != 55*time.Minute {
			t.Errorf("got %s, want 55m", got.KT.Duration)
		}
	})
}

// TestCSProtocolAPI: each protocol action has its endpoint; a failing gate
// is a 422 naming each missing item.
func TestCSProtocolAPI(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	sig := wonSignal("won-cs")
	sig["fields"] = map[string]any{"contract_status": "customer_signed"}
	h := s.ingest(t, sig)
	base := "/api/v1/handoffs/" + h.ID

	got := call[csReply](t, s, "GET", base+"/cs", s.admin, nil, http.StatusOK).CS
	if got.Timing != baton.TimingPostClose || got.KT.Status != baton.KTHold || len(got.Gates) != 3 {
		t.Fatalf("got timing %s, meeting %q, %d gates; want post_close, a hold, three gates", got.Timing, got.KT.Status, len(got.Gates))
	}

	e := call[errorReply](t, s, "POST", base+"/cs/send", s.admin, nil, http.StatusUnprocessableEntity)
	named := map[string]bool{}
	for _, f := range e.Error.Fields {
		named[f.Field] = true
	}
	for _, f := range []string{"gates.contract", "gates.payment", "gates.deal_summary", "context.stakeholders"} {
		if !named[f] {
			t.Errorf("got fields %v, want %s named", e.Error.Fields, f)
		}
	}
	call[errorReply](t, s, "POST", base+"/cs/gates", s.admin, map[string]any{"payment": "wired"}, http.StatusUnprocessableEntity)
	got = call[csReply](t, s, "POST", base+"/cs/gates", s.admin, map[string]any{"contract_executed": true, "payment": "scheduled"}, http.StatusOK).CS
	if !got.ContractExecuted || got.Payment != baton.PaymentScheduled {
		t.Errorf("got executed %v, payment %q", got.ContractExecuted, got.Payment)
	}
	call[errorReply](t, s, "POST", base+"/cs/approve", s.admin, nil, http.StatusConflict)

	start := t0.Add(30 * time.Hour)
	got = call[csReply](t, s, "POST", base+"/kt/schedule", s.admin, map[string]any{"starts_at": start}, http.StatusOK).CS
	if got.KT.Status != baton.KTConfirmed || !got.KT.StartsAt.Equal(start) {
		t.Errorf("got %s at %s, want confirmed at %s", got.KT.Status, got.KT.StartsAt, start)
	}
	call[errorReply](t, s, "POST", base+"/kt/accept", s.rep, nil, http.StatusForbidden)
	owner := got.KT.Participants[0].UserID
	got = call[csReply](t, s, "POST", base+"/kt/record", s.admin, map[string]any{
		"attended": []string{owner}, "covered": []string{"customer_overview", "questions"}, "cs_questions_answered": true,
		"notes_url": "https://notes.example/kt", "action_items": []map[string]any{{"what": "Kickoff", "owner": owner, "due": "2026-11-30"}}}, http.StatusOK).CS
	if got.KT.Status != baton.KTHeld || len(got.KT.ActionItems) != 1 {
		t.Errorf("got %s with %d action items, want held with one", got.KT.Status, len(got.KT.ActionItems))
	}
	call[errorReply](t, s, "POST", base+"/kt/dance", s.admin, nil, http.StatusNotFound)

	other := s.ingest(t, exampleSignal("not-cs"))
	call[errorReply](t, s, "GET", "/api/v1/handoffs/"+other.ID+"/cs", s.admin, nil, http.StatusNotFound)
}

// TestHandoffPageKTSection: the handoff page shows the protocol with its
// gates and the meeting's agenda, and its forms work without JavaScript.
func TestHandoffPageKTSection(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	h := s.ingest(t, wonSignal("won-kt-page"))
	ops := s.signIn(t, "ops@t.example")
	page := "/handoffs/" + h.ID
	r := ops.get(page)
	wantIn(t, r, `<section id="kt" aria-labelledby="kt-h">`, "✗ <strong>Payment received or scheduled</strong>", "Customer overview</strong> (5 min)",
		"Questions and next steps</strong> (5 min)", `action="`+page+`/kt/schedule"`, `action="`+page+`/cs/send"`)
	if other := s.ingest(t, exampleSignal("page-not-cs")); strings.Contains(string(ops.get("/handoffs/"+other.ID).body), `id="kt"`) {
		t.Error("a demo request's page shows the protocol")
	}

	r = ops.post(page+"/cs/send", url.Values{})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("send: got %d, want 422", r.status)
	}
	wantIn(t, r, "the handoff cannot be sent to customer success")

	r = ops.post(page+"/kt/schedule", url.Values{"starts_at": {"tomorrow"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("schedule: got %d, want 422", r.status)
	}
	wantIn(t, r, `<p class="error" id="kt-start-err">must be a date and time</p>`)

	r = ops.post(page+"/cs/payment", url.Values{"payment": {"extended_terms"}, "payment_note": {"net 90"}})
	wantIn(t, r, "Payment recorded.", "payment terms extended beyond standard")

	r = ops.post(page+"/kt/schedule", url.Values{"starts_at": {t0.Add(30 * time.Hour).In(time.UTC).Format("2006-01-02T15:04")}, "duration_minutes": {"45"}})
	wantIn(t, r, "Knowledge-transfer meeting confirmed")
}
