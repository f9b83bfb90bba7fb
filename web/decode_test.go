package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzPostSignal posts arbitrary bodies to POST /api/v1/signals through the
// real handler and store: whatever arrives, the answer is a client error or
// a success with a JSON body, never a 5xx or a panic.
func FuzzPostSignal(f *testing.F) {
	s := newStack(f)
	for _, seed := range []string{
		mustJSON(f, exampleSignal("seed-1")),
		mustJSON(f, meetingSignal("seed-2", t0.Add(72*time.Hour))),
		with("seed-3", func(s signal) { s["type"] = "content_download"; s["fields"] = map[string]any{"lead_score": 40} }),
		with("seed-4", func(s signal) { s["account"] = map[string]any{"employees": "many"} }),
		with("seed-5", func(s signal) { s["occurred_at"] = "yesterday" }),
		with("seed-6", func(s signal) {
			s["meeting"] = map[string]any{"starts_at": "2026-13-45T99:00:00Z", "duration": "1w", "timezone": "Local"}
		}),
		with("seed-7", func(s signal) { s["fields"] = map[string]any{"a": []any{1}, "B": nil, "lead_score": 1e308} }),
		`{"external_id":"x","type":"demo_request","contact":{"email":"a@gmail.com"},"sender":"sdr1@t.example"}`,
		`{"external_id":"y","type":"usage_threshold","account":{"domain":"https://user@Example.co.uk:8080/x?y#z"}}`,
		`{"meeting":{"attendees":[{"email":1}]}}`,
		`{"external_id":"\u0000","type":"a"}`,
		`{}`, `null`, `[]`, `"x"`, `{"a":`, `{}}`, strings.Repeat("[", 20000), "",
	} {
		f.Add(seed, "application/json")
	}
	f.Add(`{"external_id":"z"}`, "text/plain")
	f.Add(`{"external_id":"z"}`, "")
	f.Fuzz(func(t *testing.T, body, contentType string) {
		req := httptest.NewRequest("POST", "/api/v1/signals", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+s.rep)
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		checkContract(t, s.web).ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("got %d %s for body %q", rec.Code, rec.Body, body)
		}
		switch rec.Code {
		case http.StatusOK, http.StatusCreated, http.StatusAccepted:
			var res signalReply
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || res.Signal == nil || res.Signal.ID == "" {
				t.Fatalf("got %d with body %s (%v), want the stored signal", rec.Code, rec.Body, err)
			}
			// 201 created a handoff, 202 stored a signal that starts none,
			// 200 is a repeat of either.
			switch {
			case rec.Code == http.StatusCreated && res.Handoff == nil,
				rec.Code == http.StatusAccepted && res.Handoff != nil,
				rec.Code == http.StatusOK && !res.Duplicate:
				t.Fatalf("got %d with handoff %v, duplicate %v", rec.Code, res.Handoff, res.Duplicate)
			}
		case http.StatusBadRequest, http.StatusUnprocessableEntity:
			var e errorReply
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code != "invalid" || e.Error.Message == "" {
				t.Fatalf("got %d with body %s (%v), want an invalid error", rec.Code, rec.Body, err)
			}
		default:
			t.Fatalf("got unexpected status %d %s", rec.Code, rec.Body)
		}
	})
}
