package service

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/match"
)

// MaxNameIndex bounds how many accounts the company-name index holds.
const MaxNameIndex = 1_000_000

// nameIndex finds accounts by company name. It is built from the store in
// the background; accounts created since the last build sit in recent and
// are compared one by one until the next build folds them in.
type nameIndex struct {
	mu       sync.Mutex
	idx      *match.Index
	recent   []match.Account
	building bool
	built    bool
}

// rebuildAfter is how many recent accounts trigger a background rebuild.
const rebuildAfter = 2000

// names returns the index, building it on first use (synchronously, so the
// first signals match as well as later ones).
func (s *Service) nameMatch(ctx context.Context, tx baton.Tx, company string) (match.Match, bool, error) {
	n := &s.names
	n.mu.Lock()
	if !n.built {
		accounts, err := tx.Accounts(ctx, MaxNameIndex)
		if err != nil {
			n.mu.Unlock()
			return match.Match{}, false, err
		}
		n.idx, n.built = match.NewIndex(toMatch(accounts), match.Options{}), true
	}
	idx, recent := n.idx, n.recent
	n.mu.Unlock()

	best, ok := idx.Match(match.Query{Company: company})
	for _, a := range recent {
		if sim := match.Similarity(company, a.Name); sim >= match.DefaultNameThreshold && (!ok || sim > best.Confidence) {
			best, ok = match.Match{AccountID: a.ID, Method: match.MethodCompanyName, Confidence: sim,
				Detail: fmt.Sprintf("company name %q is like %q", company, a.Name)}, true
		}
	}
	return best, ok, nil
}

// accountAdded tells the name index about a new account.
func (s *Service) accountAdded(a *baton.Account) {
	n := &s.names
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.built {
		return // the first build reads it from the store
	}
	n.recent = append(n.recent, match.Account{ID: a.ID, Name: a.Name, Domain: a.Domain, Aliases: a.Aliases})
	if len(n.recent) >= rebuildAfter && !n.building {
		n.building = true
		go s.rebuildNames()
	}
}

func (s *Service) rebuildNames() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var accounts []*baton.Account
	err := s.store.View(ctx, func(tx baton.Tx) error {
		var err error
		accounts, err = tx.Accounts(ctx, MaxNameIndex)
		return err
	})
	n := &s.names
	idx := match.NewIndex(toMatch(accounts), match.Options{})
	n.mu.Lock()
	defer n.mu.Unlock()
	n.building = false
	if err != nil {
		s.log.Error("rebuild account name index", "err", err)
		return
	}
	// Keep recent accounts the snapshot may not have seen.
	seen := make(map[string]bool, len(accounts))
	for _, a := range accounts {
		seen[a.ID] = true
	}
	var keep []match.Account
	for _, a := range n.recent {
		if !seen[a.ID] {
			keep = append(keep, a)
		}
	}
	n.idx, n.recent = idx, keep
}

func toMatch(accounts []*baton.Account) []match.Account {
	out := make([]match.Account, len(accounts))
	for i, a := range accounts {
		out[i] = match.Account{ID: a.ID, Name: a.Name, Domain: a.Domain, Aliases: a.Aliases}
	}
	return out
}

// matchAccount finds the signal's account: by the account domain it gave,
// by the contact's email domain (never a free-mail one), by either through
// an account's alias domains, then by company name. It returns nil when
// nothing matches, with the domain a new account should get.
func (s *Service) matchAccount(ctx context.Context, tx baton.Tx, sig *baton.Signal) (a *baton.Account, how baton.Step, newDomain string, err error) {
	accountDomain := match.NormalizeDomain(sig.Account.Domain)
	emailDomain := ""
	if sig.Contact.Email != "" {
		if d := match.NormalizeDomain(sig.Contact.Email); !match.IsFreeMail(d) {
			emailDomain = d
		}
	}
	for _, c := range []struct{ domain, method, what string }{
		{accountDomain, match.MethodAccountDomain, "account domain"},
		{emailDomain, match.MethodEmailDomain, "contact email domain"},
	} {
		if c.domain == "" {
			continue
		}
		id, err := tx.AccountIDByDomain(ctx, c.domain)
		if baton.ErrorCode(err) == baton.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, how, "", err
		}
		if a, err = tx.Account(ctx, id); err != nil {
			return nil, how, "", err
		}
		method := c.method
		if a.Domain != c.domain {
			method = match.MethodDomainAlias
		}
		return a, baton.Step{Step: "account_match", Subject: a.Name, Result: "matched",
			Reason: fmt.Sprintf("%s: %s %s (confidence 1.00)", method, c.what, c.domain)}, "", nil
	}
	newDomain = accountDomain
	if newDomain == "" {
		newDomain = emailDomain
	}
	if name := sig.Account.Name; name != "" && newDomain == "" {
		m, ok, err := s.nameMatch(ctx, tx, name)
		if err != nil {
			return nil, how, "", err
		}
		if ok {
			a, err = tx.Account(ctx, m.AccountID)
			if err == nil {
				return a, baton.Step{Step: "account_match", Subject: a.Name, Result: "matched",
					Reason: fmt.Sprintf("%s: %s (confidence %.2f)", m.Method, m.Detail, m.Confidence)}, "", nil
			} else if baton.ErrorCode(err) != baton.ENOTFOUND {
				return nil, how, "", err
			}
		}
	}
	why := "no account with this domain or name: a new account"
	if sig.Contact.Email != "" && emailDomain == "" && accountDomain == "" {
		why = "free-mail address and no matching company name: a new account"
	}
	return nil, baton.Step{Step: "account_match", Result: "skipped", Reason: why}, newDomain, nil
}
