package service_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton"
)

// companySignal is a demo request from email at the company name and
// website given (either may be empty).
func companySignal(id, email, company, website string) *baton.Signal {
	sig := demoRequest(id)
	sig.Contact.Email = email
	sig.Account = baton.SignalAccount{Name: company, Domain: website, Employees: 450}
	return sig
}

// existingAccount makes an account the way each test needs it: already in
// the store when the name index is first built ("AtStart"), or created by a
// signal after the index was built ("ByASignal"), which only the index's
// incremental updates can know. It returns the account's ID.
type existingAccount func(t *testing.T, e *env, name, domain string) string

var existingAccounts = []struct {
	name string
	make existingAccount
}{
	{"AtStart", func(t *testing.T, e *env, name, domain string) string {
		a, err := e.svc.PutAccount(e.ctx, &baton.Account{Name: name, Domain: domain})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}},
	{"ByASignal", func(t *testing.T, e *env, name, domain string) string {
		// A free-mail lead with a name nobody has builds the index first.
		e.ingest(t, companySignal("warm-up", "kim@gmail.com", "Zyxwv Quorra Holdings", ""))
		h := e.ingest(t, companySignal("creator", "lee@"+domain, name, domain))
		if h.Trace[0].Result != "skipped" || h.AccountID == "" {
			t.Fatalf("signal from %s: got first step %+v account %q, want a new account", domain, h.Trace[0], h.AccountID)
		}
		return h.AccountID
	}},
}

func TestAccountMatchByName(t *testing.T) {
	t.Parallel()
	for _, ex := range existingAccounts {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			tests := []struct {
				name                 string
				account, accountAt   string
				lead                 *baton.Signal
				join                 bool
				reasonHas            []string // when joining
				newAccountDomainWant string   // when not joining
			}{
				{
					name:    "LeadAtItsOwnDomainDoesNotJoinASimilarName",
					account: "Northwind Logistics", accountAt: "northwindlogistics.com",
					lead:                 companySignal("l1", "ana@northwindtravel.com", "Northwind Travel", "northwindtravel.com"),
					newAccountDomainWant: "northwindtravel.com",
				},
				{
					name:    "FreeMailLeadDoesNotJoinASimilarName",
					account: "Northwind Logistics", accountAt: "northwindlogistics.com",
					lead: companySignal("l2", "ana.travel@gmail.com", "Northwind Travel", ""),
				},
				{
					// 0.95 similar as whole names, which alone was once
					// enough, but "Harborside" is not "Harborview".
					name:    "FreeMailLeadDoesNotJoinANameWithAnotherWord",
					account: "Harborview Medical Billing", accountAt: "harborviewbilling.com",
					lead: companySignal("l7", "sam.lee@outlook.com", "Harborside Medical Billing", ""),
				},
				{
					name:    "LeadAtAnUnownedDomainJoinsTheSameName",
					account: "Acme Robotics, Inc.", accountAt: "acmerobotics.com",
					lead: companySignal("l3", "ana@acme-robotics.io", "Acme Robotics Inc", "acme-robotics.io"),
					join: true,
					reasonHas: []string{"company_name: ", "acme-robotics.io belongs to no account, so only the same name matches",
						"(confidence 1.00)"},
				},
				{
					name:    "LeadAtAnUnownedDomainDoesNotJoinATypo",
					account: "Acme Robotics, Inc.", accountAt: "acmerobotics.com",
					lead:                 companySignal("l4", "ana@acme-robotics.io", "Acme Robotcs", "acme-robotics.io"),
					newAccountDomainWant: "acme-robotics.io",
				},
				{
					name:    "FreeMailLeadJoinsATransliteratedName",
					account: "Müller Präzisionstechnik GmbH", accountAt: "mueller-praezision.de",
					lead:      companySignal("l5", "jonas.weber@gmx.de", "Mueller Praezisionstechnik", ""),
					join:      true,
					reasonHas: []string{"company_name: ", "same as account name", "(confidence 1.00)"},
				},
				{
					name:    "FreeMailLeadJoinsATypo",
					account: "Müller Präzisionstechnik GmbH", accountAt: "mueller-praezision.de",
					lead: companySignal("l6", "jonas.weber@gmx.de", "Mueller Prazisionstechnik", ""),
					join: true,
				},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					e := setup(t)
					id := ex.make(t, e, tt.account, tt.accountAt)
					h := e.ingest(t, tt.lead)
					step := h.Trace[0]
					if tt.join {
						if h.AccountID != id {
							t.Fatalf("got account %q (first step %+v), want %q %s", h.AccountID, step, id, tt.account)
						}
						if step.Step != "account_match" || step.Result != "matched" {
							t.Errorf("got first step %+v, want account_match matched", step)
						}
						for _, s := range tt.reasonHas {
							if !strings.Contains(step.Reason, s) {
								t.Errorf("got reason %q, want it to say %q", step.Reason, s)
							}
						}
						return
					}
					if h.AccountID == id {
						t.Fatalf("got %s's account (first step %+v), want a new account", tt.account, step)
					}
					if step.Result != "skipped" || h.AccountID == "" {
						t.Errorf("got first step %+v account %q, want a new account", step, h.AccountID)
					}
					var a *baton.Account
					err := e.db.View(e.ctx, func(tx baton.Tx) error {
						var err error
						a, err = tx.Account(e.ctx, h.AccountID)
						return err
					})
					if err != nil {
						t.Fatal(err)
					}
					if a.Name != tt.lead.Account.Name || a.Domain != tt.newAccountDomainWant {
						t.Errorf("got new account %q at %q, want %q at %q", a.Name, a.Domain, tt.lead.Account.Name, tt.newAccountDomainWant)
					}
				})
			}
		})
	}
}

// TestAccountMatchConcurrent creates accounts and matches leads to them
// from several goroutines at once: the name index is read and added to
// under its lock (run with -race).
func TestAccountMatchConcurrent(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const workers, each = 4, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				name := fmt.Sprintf("Quillon %s %s Freight", []string{"Amber", "Birch", "Cedar", "Dune"}[w],
					[]string{"Falcon", "Heron", "Osprey", "Pelican", "Raven"}[i])
				domain := fmt.Sprintf("quillon-%d-%d.com", w, i)
				created, err := e.svc.Ingest(e.ctx, companySignal(fmt.Sprintf("c%d-%d", w, i), "ops@"+domain, name, domain))
				if err != nil {
					errs <- err
					return
				}
				lead, err := e.svc.Ingest(e.ctx, companySignal(fmt.Sprintf("m%d-%d", w, i), fmt.Sprintf("q%d.%d@gmail.com", w, i), name, ""))
				if err != nil {
					errs <- err
					return
				}
				if got, want := lead.Handoff.AccountID, created.Handoff.AccountID; got != want {
					errs <- fmt.Errorf("free-mail lead for %q: got account %q, want %q (%+v)", name, got, want, lead.Handoff.Trace[0])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
