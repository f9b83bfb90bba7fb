package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeWritesBackToHubSpot runs `baton serve` with a HubSpot token and
// a local HubSpot, posts a signal naming contact 101, and waits for the
// brief to arrive as a note on it.
func TestServeWritesBackToHubSpot(t *testing.T) {
	t.Parallel()
	notes := make(chan map[string]any, 4)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		if r.Header.Get("Authorization") != "Bearer pat-e2e" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"status":"error","message":"Authentication credentials not found.","category":"INVALID_AUTHENTICATION"}`)
			return
		}
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/crm/v3/objects/notes":
			var body map[string]any
			_ = json.NewDecoder(r.Body).Decode(&body)
			notes <- body
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"id":"9001","properties":{},"archived":false}`)
		case r.Method == http.MethodGet && r.URL.Path == "/crm/v3/owners/":
			io.WriteString(w, `{"results":[]}`)
		default:
			io.WriteString(w, `{"id":"101","properties":{},"archived":false}`)
		}
	}))
	t.Cleanup(hs.Close)

	db := filepath.Join(t.TempDir(), "b.db")
	token := createToken(t, db)
	s := start(t, db, "BATON_HUBSPOT_TOKEN=pat-e2e", "BATON_HUBSPOT_API_URL="+hs.URL, "BATON_CRM_WRITEBACK=note")
	st, err := post(s.url+"/api/v1/signals", token, map[string]any{"external_id": "hs-e2e-1", "type": "demo_request", "source": "hubspot",
		"contact": map[string]any{"email": "buyer@acme.com"}, "fields": map[string]any{"crm_id": "101"}})
	if err != nil || st >= 300 {
		t.Fatalf("post signal: got %d (%v), want 2xx", st, err)
	}
	select {
	case body := <-notes:
		props, _ := body["properties"].(map[string]any)
		if text, _ := props["hs_note_body"].(string); !strings.Contains(text, "CRM brief") || !strings.Contains(text, s.url+"/handoffs/") {
			t.Errorf("got note body %q, want the brief and the handoff's link", text)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no note reached HubSpot within 30s")
	}
}
