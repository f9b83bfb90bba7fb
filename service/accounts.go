package service

import (
	"context"
	"fmt"
	"sync"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/match"
)

// MaxNameIndex bounds how many accounts the first build of the name index
// reads from the store; accounts added afterwards are not counted.
const MaxNameIndex = 1_000_000

// nameIndex is the matcher behind the company-name step (see matchAccount).
// It is built from the store on first use and kept current by
// accountAdded, so an account created by one signal is matched by the next
// with the same rules as one that was there at start.
type nameIndex struct {
	mu  sync.RWMutex // read for Match, write for building and Add
	idx *match.Index // nil until the first build
	// pending are the accounts written before the first build, added to
	// it in case the store snapshot it reads from is older than their
	// commit.
	pending []match.Account
}

// nameMatch asks the name index about q, building the index from the store
// on first use (synchronously, so the first signals match as well as later
// ones). The index applies the whole rule set: a lead whose email or
// website is at a company domain no account owns matches only an account
// with the same name, and a similar name must agree word by word.
func (s *Service) nameMatch(ctx context.Context, tx baton.Tx, q match.Query) (match.Match, bool, error) {
	n := &s.names
	n.mu.RLock()
	if n.idx != nil {
		m, ok := n.idx.Match(q)
		n.mu.RUnlock()
		return m, ok, nil
	}
	n.mu.RUnlock()

	n.mu.Lock()
	defer n.mu.Unlock()
	if n.idx == nil {
		accounts, err := tx.Accounts(ctx, MaxNameIndex)
		if err != nil {
			return match.Match{}, false, fmt.Errorf("build account name index: %w", err)
		}
		idx := match.NewIndex(toMatch(accounts), match.Options{})
		for _, a := range n.pending {
			idx.Add(a)
		}
		n.idx, n.pending = idx, nil
	}
	m, ok := n.idx.Match(q)
	return m, ok, nil
}

// accountAdded tells the name index about a new or changed account; a
// changed one replaces what the index knew of it.
func (s *Service) accountAdded(a *baton.Account) {
	n := &s.names
	ma := match.Account{ID: a.ID, Name: a.Name, Domain: a.Domain, Aliases: a.Aliases}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.idx == nil {
		n.pending = append(n.pending, ma)
		return
	}
	n.idx.Add(ma)
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
// an account's alias domains, all looked up in the store, which is exact and
// current; then by company name through the name index, told the domains
// too, so that a lead at a company domain no account owns joins only an
// account of the same name. It returns nil when nothing matches, with the
// domain a new account should get.
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
		if c.domain == "" || c.method == match.MethodEmailDomain && c.domain == accountDomain {
			continue // none, or the account domain, just looked up
		}
		a, err = tx.AccountForDomain(ctx, c.domain)
		if baton.ErrorCode(err) == baton.ENOTFOUND {
			continue
		} else if err != nil {
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
	// No domain matched: the index decides by name, knowing the domains
	// too, so that a lead at a company domain no account owns joins only an
	// account of the same name.
	if name := sig.Account.Name; name != "" {
		m, ok, err := s.nameMatch(ctx, tx, match.Query{Email: sig.Contact.Email, Domain: sig.Account.Domain, Company: name})
		if err != nil {
			return nil, how, "", err
		}
		// The store has just said no account owns these domains; an index
		// that says otherwise is behind it, and the store is right.
		if ok && m.Method == match.MethodCompanyName {
			a, err = tx.Account(ctx, m.AccountID)
			if err == nil {
				return a, baton.Step{Step: "account_match", Subject: a.Name, Result: "matched",
					Reason: fmt.Sprintf("%s: %s (confidence %.2f)", m.Method, m.Detail, m.Confidence)}, "", nil
			} else if baton.ErrorCode(err) != baton.ENOTFOUND {
				return nil, how, "", fmt.Errorf("service: account match: account %s: %w", m.AccountID, err)
			}
		}
	}
	why := "no account with this domain or name: a new account"
	if sig.Contact.Email != "" && emailDomain == "" && accountDomain == "" {
		why = "free-mail address and no matching company name: a new account"
	}
	return nil, baton.Step{Step: "account_match", Result: "skipped", Reason: why}, newDomain, nil
}
