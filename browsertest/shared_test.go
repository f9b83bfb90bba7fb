package browsertest

import (
	"net/http"
	"testing"
)

// TestShared: every test that asks gets the one browser, each with pages
// of its own, and Close shuts it down leaving no process behind.
func TestShared(t *testing.T) {
	var s Shared
	if err := s.Close(); err != nil {
		t.Fatalf("close before use: got %v, want nil", err)
	}
	srv := site(t)
	var first *Browser
	t.Run("StartsOnFirstUse", func(t *testing.T) {
		first = s.Browser(t)
		p := first.NewPage(t, Desktop)
		if got := p.Navigate(srv.URL + "/form"); got != http.StatusOK {
			t.Fatalf("got status %d, want 200", got)
		}
	})
	if first == nil {
		t.Fatal("no browser from the first test")
	}
	t.Run("LaterTestsGetTheSameBrowser", func(t *testing.T) {
		if b := s.Browser(t); b != first {
			t.Fatalf("got another browser, want the first")
		}
		p := first.NewPage(t, Phone)
		if got := p.Navigate(srv.URL + "/form"); got != http.StatusOK {
			t.Fatalf("got status %d, want 200", got)
		}
	})
	if err := s.Close(); err != nil {
		t.Fatalf("close: got %v, want nil", err)
	}
	if left := first.leftovers(0); len(left) > 0 {
		t.Errorf("got %d browser processes after Close, want none: %v", len(left), left)
	}
}
