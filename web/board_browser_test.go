package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/browsertest"
)

// TestBoardInABrowser has a manager sign in and reassign a handoff from
// the board in headless Chromium, and checks the board and the dashboard
// at a phone's and a desktop's width: neither scrolls sideways and both
// pass the accessibility smoke check.
func TestBoardInABrowser(t *testing.T) {
	t.Parallel()
	b := browser.Browser(t)
	s := newStack(t)
	const pw = "correct-horse-battery"
	if err := s.svc.SetPassword(context.Background(), "mgr@t.example", pw); err != nil {
		t.Fatal(err)
	}
	// A few days of handoffs, so the charts have something to draw.
	var first string
	for i, name := range []string{"Acme Robotics", "Globex", "Initech", "Umbrella", "Hooli", "Soylent"} {
		sig := exampleSignal("b" + strconv.Itoa(i))
		sig["account"] = map[string]any{"name": name, "domain": strings.ToLower(name[:4]) + ".example"}
		h := s.ingest(t, sig)
		if first == "" {
			first = h.ID
		}
		s.clock.Add(time.Duration(5+7*i) * time.Minute)
		if i%2 == 0 {
			s.act(t, s.manager, h.ID, "accept", nil)
			s.clock.Add(time.Duration(20+9*i) * time.Minute)
			s.act(t, s.manager, h.ID, "touch", nil)
		}
		s.clock.Add(26 * time.Hour)
	}
	target := s.users["sdr3"]
	if s.handoff(t, first).OwnerID == target.ID {
		target = s.users["sdr2"]
	}

	for _, v := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run(v.Name, func(t *testing.T) {
			p := b.NewPage(t, v)
			p.Navigate(s.srv.URL + "/login?next=%2Fboard")
			p.SendKeys("#email", "mgr@t.example")
			p.SendKeys("#password", pw)
			if got := p.Submit("#password"); got != http.StatusOK {
				t.Fatalf("got status %d after signing in, want 200", got)
			}
			if got, want := p.Location(), s.srv.URL+"/board"; got != want {
				t.Fatalf("got location %q, want %q", got, want)
			}
			p.WaitVisible("table.bd-list")
			p.Keep("board")
			p.NoHorizontalScroll(t)
			p.Accessible(t)

			if v.Name == browsertest.Desktop.Name {
				row := "#h-" + first
				p.Click(row + " details summary")
				p.SetValue(row+" input[name=to]", target.Email)
				p.SendKeys(row+" form[action$=reassign] input[name=reason]", "Sam is at a conference")
				if got := p.Submit(row + " form[action$=reassign] input[name=reason]"); got != http.StatusOK {
					t.Fatalf("got status %d after reassigning, want 200", got)
				}
				if got := p.Text(".flash"); got != "Reassigned the handoff to "+target.Name+"." {
					t.Errorf("got flash %q, want the reassignment confirmed", got)
				}
				if got := s.handoff(t, first).OwnerID; got != target.ID {
					t.Errorf("got owner %s, want %s", got, target.ID)
				}
			}

			if got := p.Navigate(s.srv.URL + "/dashboard?range=7"); got != http.StatusOK {
				t.Fatalf("got status %d for the dashboard, want 200", got)
			}
			p.WaitVisible("svg.chart")
			p.Keep("dashboard")
			p.NoHorizontalScroll(t)
			p.Accessible(t)
		})
	}
}
