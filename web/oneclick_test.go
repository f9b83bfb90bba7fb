package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// acceptPath returns the one-click Accept path of a handoff for its owner.
func acceptPath(t *testing.T, s *stack, h *service.HandoffView) string {
	t.Helper()
	u, err := s.svc.ActionURL(context.Background(), h.Handoff.OwnerID, h.Handoff.ID, h.Handoff.Generation, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, tok, _ := strings.Cut(u, "/act/")
	return "/act/" + tok
}

func TestOneClickAccept(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	h := s.ingest(t, exampleSignal("oc1"))
	path := acceptPath(t, s, h)
	form := []string{"Content-Type", "application/x-www-form-urlencoded", "Origin", s.srv.URL}

	t.Run("GetShowsAConfirmationAndChangesNothing", func(t *testing.T) {
		r := s.do(t, "GET", path, "", "")
		if r.status != 200 || !strings.Contains(string(r.body), `<form method="post">`) || !strings.Contains(string(r.body), "Accept as") {
			t.Fatalf("got %s, want the confirmation form", r)
		}
		if got := s.handoff(t, h.Handoff.ID).Handoff.State; got != baton.StateAssigned {
			t.Errorf("got state %s after GET, want assigned", got)
		}
	})
	t.Run("PostAcceptsAsTheOwner", func(t *testing.T) {
		r := s.do(t, "POST", path, "", "x=1", form...)
		if r.status != 200 || !strings.Contains(string(r.body), "Accepted") {
			t.Fatalf("got %s, want accepted", r)
		}
		v := s.handoff(t, h.Handoff.ID)
		if v.Handoff.State != baton.StateAccepted {
			t.Fatalf("got state %s, want accepted", v.Handoff.State)
		}
		for _, ev := range v.Events {
			if ev.Kind == baton.EventAccepted && ev.Actor != baton.ActorUserPrefix+h.Handoff.OwnerID {
				t.Errorf("got actor %q, want the owner", ev.Actor)
			}
		}
	})
	t.Run("ReplayDoesNothing", func(t *testing.T) {
		r := s.do(t, "POST", path, "", "x=1", form...)
		if r.status != 410 || !strings.Contains(string(r.body), "used already") {
			t.Errorf("got %s, want 410 used already", r)
		}
	})
	t.Run("ExpiredDoesNothing", func(t *testing.T) {
		h2 := s.ingest(t, exampleSignal("oc2"))
		p2 := acceptPath(t, s, h2)
		s.clock.Add(service.OneClickTTL + time.Minute)
		r := s.do(t, "POST", p2, "", "x=1", form...)
		if r.status != 410 || !strings.Contains(string(r.body), "expired") {
			t.Errorf("got %s, want 410 expired", r)
		}
		if got := s.handoff(t, h2.Handoff.ID).Handoff.State; got != baton.StateAssigned {
			t.Errorf("got state %s, want assigned", got)
		}
	})
	t.Run("UnknownTokenIs404", func(t *testing.T) {
		if r := s.do(t, "GET", "/act/nope.nope", "", ""); r.status != 404 {
			t.Errorf("got %s, want 404", r)
		}
	})
}
