package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/crm"
	"github.com/batonhq/baton/crm/hubspot"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/worker"
)

func TestCRMPage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStack(t)
	admin := s.signInAdmin(t, "ops")

	t.Run("SaysNothingIsWrittenWithoutACRM", func(t *testing.T) {
		st, page := admin.get(t, "/admin/crm")
		if st != http.StatusOK || !strings.Contains(page, "No CRM is configured") {
			t.Errorf("got %d %.300s, want the page saying no CRM is configured", st, page)
		}
	})

	// HubSpot refuses the token: the first write marks the connector broken.
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"status":"error","message":"Authentication credentials not found.","correlationId":"c1","category":"INVALID_AUTHENTICATION"}`)
	}))
	t.Cleanup(hs.Close)
	s.svc.SetCRM(service.CRMConfig{Connectors: []string{crm.HubSpot}, Actions: []string{crm.ActionLink}})
	if _, err := s.svc.Ingest(ctx, &baton.Signal{ExternalID: "hs-1", Type: baton.SignalDemoRequest, Source: "hubspot",
		Contact: baton.SignalContact{Email: "buyer@acme.com"}, Fields: map[string]any{"crm_id": "101"}}); err != nil {
		t.Fatal(err)
	}
	ob := &worker.Outbox{Service: s.svc, Channels: map[string]worker.Deliverer{crm.Channel(crm.HubSpot): &crm.Deliverer{
		Ledger: s.svc, CRM: &hubspot.Client{Token: "pat-revoked", BaseURL: hs.URL, HTTPClient: hs.Client()}}}}
	if _, err := ob.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}

	t.Run("ShowsABrokenConnectorWithItsReasonAndTheFix", func(t *testing.T) {
		st, page := admin.get(t, "/admin/crm")
		if st != http.StatusOK {
			t.Fatalf("got %d, want 200", st)
		}
		for _, want := range []string{"broken", "401 INVALID_AUTHENTICATION", "pending messages (1) wait", `action="/admin/crm/hubspot/fix"`, `href="/admin/crm" aria-current="page"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
	})
	t.Run("ARepMayNotSeeOrFixIt", func(t *testing.T) {
		rep := s.signInAdmin(t, "sdr2")
		if st, _ := rep.get(t, "/admin/crm"); st != http.StatusForbidden {
			t.Errorf("GET: got %d, want 403", st)
		}
		if st, _, _ := rep.post(t, "/admin/crm/hubspot/fix", nil); st != http.StatusForbidden {
			t.Errorf("POST: got %d, want 403", st)
		}
		if broken, _ := s.svc.CRMBroken(ctx, crm.HubSpot); !broken {
			t.Error("a rep's post fixed the connector")
		}
	})
	t.Run("MarkFixedMakesItWorkAgain", func(t *testing.T) {
		st, _, loc := admin.post(t, "/admin/crm/hubspot/fix", nil)
		if st != http.StatusSeeOther || loc != "/admin/crm?released=1" {
			t.Fatalf("got %d to %q, want 303 back to the page", st, loc)
		}
		if broken, err := s.svc.CRMBroken(ctx, crm.HubSpot); err != nil || broken {
			t.Fatalf("got broken %v (%v), want fixed", broken, err)
		}
		_, page := admin.get(t, loc)
		for _, want := range []string{"working", "Marked fixed"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
	})
	t.Run("AnUnknownConnectorIs404", func(t *testing.T) {
		if st, _, _ := admin.post(t, "/admin/crm/pipedrive/fix", nil); st != http.StatusNotFound {
			t.Errorf("got %d, want 404", st)
		}
	})
}
