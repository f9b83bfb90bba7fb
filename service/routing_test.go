package service_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
)

func TestAccountMatching(t *testing.T) {
	t.Parallel()
	e := setup(t)
	acme, err := e.svc.PutAccount(e.ctx, &baton.Account{Name: "Acme Robotics, Inc.", Domain: "acme-robotics.com", Aliases: []string{"acme.co.uk"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, email, domain, company string
		want                         bool
		method                       string
	}{
		{"ByAccountDomain", "x@other.example", "www.ACME-robotics.com", "", true, "account_domain"},
		{"ByEmailDomain", "ana@acme-robotics.com", "", "", true, "email_domain"},
		{"BySubdomainOfEmail", "ana@eu.acme-robotics.com", "", "", true, "email_domain"},
		{"ByAlias", "ana@acme.co.uk", "", "", true, "domain_alias"},
		{"FreeMailByCompanyName", "ana.r@gmail.com", "", "ACME Robotics", true, "company_name"},
		{"FreeMailUnknownCompany", "ana.q@gmail.com", "", "Acme Foods", false, ""},
		{"FreeMailNeverByDomain", "someone@gmail.com", "", "", false, ""},
	} {
		sig := demoRequest(tc.name)
		sig.Contact.Email, sig.Account = tc.email, baton.SignalAccount{Domain: tc.domain, Name: tc.company}
		h := e.ingest(t, sig)
		got := h.AccountID == acme.ID
		if got != tc.want {
			t.Errorf("%s: matched=%v, want %v (trace %+v)", tc.name, got, tc.want, h.Trace[0])
			continue
		}
		if step := h.Trace[0]; step.Step != "account_match" || (tc.want && !strings.HasPrefix(step.Reason, tc.method)) {
			t.Errorf("%s: got first trace step %+v, want account_match by %s", tc.name, step, tc.method)
		}
	}
	// A gmail account is never created for gmail.com.
	res, err := e.svc.Ingest(e.ctx, &baton.Signal{ExternalID: "g", Type: baton.SignalDemoRequest, Contact: baton.SignalContact{Email: "z@gmail.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Handoff.AccountID != "" {
		t.Errorf("free-mail signal without a company: got account %s, want none", res.Handoff.AccountID)
	}
}

func TestCoalesceByAccount(t *testing.T) {
	t.Parallel()
	e := setup(t)
	src := strings.Replace(string(playbook.DefaultYAML()), "  coalesce_by: contact\n", "  coalesce_by: account\n", 1)
	pb, err := playbook.Parse("account.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	e.svc.SetPlaybook(pb)
	first := e.ingest(t, demoRequest("one"))
	res, err := e.svc.Ingest(e.ctx, demoRequest("two")) // another person at the same company
	if err != nil {
		t.Fatal(err)
	}
	if !res.Joined || res.Handoff.ID != first.ID {
		t.Errorf("got joined=%v handoff %s, want the colleague's signal to join %s", res.Joined, res.Handoff.ID, first.ID)
	}
}

// TestRoundRobinAcrossRestartAndConcurrency posts signals from 16 concurrent
// clients, restarts the store and service, posts more, and checks that every
// SDR's share stays within one of every other's. Each round posts 103
// signals to five SDRs, so the shares cannot all be equal (it posted 333:
// three times the race-instrumented work for the same check).
func TestRoundRobinAcrossRestartAndConcurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rr.db")
	counts := map[string]int{}
	var sdrs []string
	post := func(svc *service.Service, from, n int) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for c := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := from + c; i < from+n; i += 16 {
					res, err := svc.Ingest(ctx, &baton.Signal{ExternalID: fmt.Sprint("rr-", i), Type: baton.SignalDemoRequest,
						Contact: baton.SignalContact{Email: fmt.Sprintf("b%d@c%d.example", i, i)}})
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					counts[res.Handoff.OwnerID]++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
	check := func(when string) {
		lo, hi := 1<<30, 0
		for _, id := range sdrs {
			lo, hi = min(lo, counts[id]), max(hi, counts[id])
		}
		if hi-lo > 1 {
			t.Errorf("%s: shares %v spread %d..%d, want within 1", when, counts, lo, hi)
		}
	}
	for round := range 2 {
		// The first round's file starts as a copy of a migrated store.
		db := batontest.OpenStore(t, path, sqlite.Options{Synchronous: "NORMAL"})
		svc := service.New(db, batontest.NewClock(t0), playbook.Default(), nil)
		if round == 0 {
			for i := range 5 {
				u, err := svc.PutUser(ctx, &baton.User{Email: fmt.Sprintf("sdr%d@t.example", i), Name: "S", Role: baton.RoleSDR, Team: "sdr",
					TimeZone: "UTC", WorkingHours: "24x7", Active: true})
				if err != nil {
					t.Fatal(err)
				}
				sdrs = append(sdrs, u.ID)
			}
		}
		post(svc, round*1000, 103)
		check(fmt.Sprintf("round %d", round))
		db.Close()
	}
}
