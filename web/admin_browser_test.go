package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/browsertest"
)

// TestAdminInABrowser drives the RevOps pages in headless Chromium: an
// admin saves a playbook with an error, sees where it is and jumps to the
// line, fixes it and publishes, and the next signal routes by the new rule
// with no restart. Every admin page fits a phone's width with no sideways
// scroll and passes the accessibility smoke check.
func TestAdminInABrowser(t *testing.T) {
	t.Parallel()
	b := browser.Browser(t)
	s := newStack(t)
	const pw = "otto-ops-password"
	if err := s.svc.SetPassword(context.Background(), "ops@t.example", pw); err != nil {
		t.Fatal(err)
	}
	s.ingest(t, exampleSignal("seen")) // a signal for the simulation
	// A failed message, for the outbox's first tab.
	claimed, err := s.svc.ClaimMessages(context.Background(), time.Minute, 1)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("got %d messages (%v), want 1", len(claimed), err)
	}
	claimed[0].Status, claimed[0].Attempts, claimed[0].LastError = baton.MessageFailed, 8, "webhook answered 502 Bad Gateway"
	if err := s.svc.SettleMessage(context.Background(), claimed[0]); err != nil {
		t.Fatal(err)
	}
	signIn := func(t *testing.T, p *browsertest.Page) {
		t.Helper()
		if got := p.Navigate(s.srv.URL + "/login"); got != http.StatusOK {
			t.Fatalf("got status %d for the sign-in page, want 200", got)
		}
		p.SendKeys("#email", "ops@t.example")
		p.SendKeys("#password", pw)
		if got := p.Submit("#password"); got != http.StatusOK {
			t.Fatalf("got status %d after signing in, want 200", got)
		}
	}

	t.Run("PublishAfterFixingAnError", func(t *testing.T) {
		p := b.NewPage(t, browsertest.Desktop)
		signIn(t, p)
		if got := p.Navigate(s.srv.URL + "/admin/playbook"); got != http.StatusOK {
			t.Fatalf("got status %d, want 200", got)
		}
		src, line := brokenRule(t)
		p.SetValue("#yaml", src)
		if got := p.ClickNavigate("#publish"); got != http.StatusUnprocessableEntity {
			t.Fatalf("got status %d publishing a playbook with an error, want 422", got)
		}
		problems := p.Text(".problems")
		if want := strconv.Itoa(line) + ":"; !strings.HasPrefix(problems, want) || !strings.Contains(problems, "domian") {
			t.Errorf("got problems %q, want one at line %d naming the typo", problems, line)
		}
		p.Click(".problems a")
		if got := browsertest.Eval[string](p, "location.hash"); got != "#L"+strconv.Itoa(line) {
			t.Errorf("got hash %q after following the problem, want #L%d", got, line)
		}
		if got := browsertest.Eval[string](p, "document.querySelector('li:target')?.textContent ?? ''"); !strings.Contains(got, "account.domian") {
			t.Errorf("got the targeted line %q, want the broken line", got)
		}
		p.Keep("playbook-problems")
		p.Accessible(t)
		if list, _ := s.svc.PlaybookVersions(context.Background()); len(list) != 0 {
			t.Fatalf("got %d versions, want nothing published", len(list))
		}

		p.SetValue("#yaml", ruleYAML(t, "sdr3@t.example"))
		if got := p.ClickNavigate("#simulate"); got != http.StatusOK {
			t.Fatalf("got status %d simulating, want 200", got)
		}
		if got := p.Text("#sim-h"); got != "Simulation over the last 7 days" {
			t.Errorf("got %q, want the simulation", got)
		}
		p.Keep("playbook-simulated")
		p.SetValue("#note", "Acme to Sid")
		if got := p.ClickNavigate("#publish"); got != http.StatusOK {
			t.Fatalf("got status %d after publishing, want 200", got)
		}
		if got := p.Text("[role=status]"); !strings.Contains(got, "Version 1 is published") {
			t.Errorf("got notice %q, want version 1 published", got)
		}
		h := s.ingest(t, exampleSignal("next"))
		if h.OwnerID != s.users["sdr3"].ID {
			t.Errorf("got owner %s for the next signal, want sdr3 by the new rule", h.OwnerID)
		}
		p.Keep("playbook-published")
	})

	pages := []string{"/admin/team", "/admin/team/" + s.users["sdr2"].ID, "/admin/tokens", "/account/tokens", "/admin/playbook", "/admin/outbox"}
	for _, v := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run("PagesFit/"+v.Name, func(t *testing.T) {
			p := b.NewPage(t, v)
			signIn(t, p)
			for _, path := range pages {
				if got := p.Navigate(s.srv.URL + path); got != http.StatusOK {
					t.Fatalf("%s: got status %d, want 200", path, got)
				}
				p.NoHorizontalScroll(t)
				p.Accessible(t)
				name := strings.ReplaceAll(strings.Trim(path, "/"), "/", "-")
				if strings.HasPrefix(path, "/admin/team/") {
					name = "admin-user"
				}
				p.Keep(name)
			}
		})
	}
}
