package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/csvin"
	"github.com/batonhq/baton/match"
)

// accountRow is one parsed row of an accounts file.
type accountRow struct {
	rec  csvin.Record
	a    *baton.Account
	prev *baton.Account // nil for a new account
	// claims are the domains the account will hold: primary and aliases.
	claims []string
}

func (s *Service) importAccounts(ctx context.Context, tx baton.Tx, t *csvin.Table, now time.Time, res *ImportResult) ([]*baton.Account, error) {
	users, err := tx.Users(ctx)
	if err != nil {
		return nil, err
	}
	userIDs := make(map[string]string, len(users))
	for _, u := range users {
		userIDs[u.Email] = u.ID
	}
	errs := t.Errors()
	hasDomainCol := t.Has("domain")

	// byName finds accounts by lowercase name, loaded once and only when a
	// row has no domain to key on.
	var byName map[string][]*baton.Account
	named := func(name string) ([]*baton.Account, error) {
		if byName == nil {
			all, err := tx.Accounts(ctx, MaxNameIndex)
			if err != nil {
				return nil, err
			}
			byName = make(map[string][]*baton.Account, len(all))
			for _, a := range all {
				k := strings.ToLower(a.Name)
				byName[k] = append(byName[k], a)
			}
		}
		var out []*baton.Account
		for _, a := range byName[strings.ToLower(name)] {
			if !hasDomainCol || a.Domain == "" {
				out = append(out, a)
			}
		}
		return out, nil
	}

	rows := make([]*accountRow, 0, len(t.Rows))
	claimed := map[string]int{}         // domain -> row claiming it
	nameRows := map[string]int{}        // lowercase name -> row, for rows without a domain
	matched := map[string]*accountRow{} // existing account id -> its row
	for _, rec := range t.Rows {
		row := rec.Row
		p := rec.Cells(&errs)
		name, _ := rec.Cell("name")
		domain := ""
		if raw, _ := rec.Cell("domain"); raw != "" {
			if domain = companyDomain(raw); domain == "" {
				errs.Value(row, "domain", raw, "is not a company domain such as acme.com")
			}
		}

		var prev *baton.Account
		switch raw, _ := rec.Cell("domain"); {
		case domain != "":
			a, err := tx.AccountByDomain(ctx, domain)
			if err == nil {
				prev = a
			} else if baton.ErrorCode(err) != baton.ENOTFOUND {
				return nil, fmt.Errorf("service: import accounts: row %d: domain %s: %w", row, domain, err)
			}
		case raw == "" && name != "":
			if first, dup := nameRows[strings.ToLower(name)]; dup {
				errs.Value(row, "name", name, fmt.Sprintf("is also in row %d (rows without a domain are matched by name)", first))
				continue
			}
			nameRows[strings.ToLower(name)] = row
			same, err := named(name)
			if err != nil {
				return nil, err
			}
			if len(same) > 1 {
				errs.Value(row, "name", name, fmt.Sprintf("matches %d accounts: give the domain to say which", len(same)))
				continue
			} else if len(same) == 1 {
				prev = same[0]
			}
		}

		a := baton.Account{Status: baton.AccountProspect}
		if prev != nil {
			a = *prev
			a.Aliases = slices.Clone(prev.Aliases)
		}
		if _, ok := rec.Cell("domain"); ok {
			a.Domain = domain
		}
		p.Text("name", &a.Name, baton.MaxShortText)
		if a.Name == "" {
			errs.Add(row, "name", "is required")
		}
		if raw, ok := rec.Cell("aliases"); ok {
			a.Aliases = nil
			parts := strings.FieldsFunc(raw, func(r rune) bool { return r == ';' || r == '|' })
			for _, part := range parts {
				part = strings.TrimSpace(part)
				d := companyDomain(part)
				switch {
				case part == "":
				case d == "":
					errs.Value(row, "aliases", part, "is not a company domain such as acme.com")
				case d != a.Domain && !slices.Contains(a.Aliases, d):
					a.Aliases = append(a.Aliases, d)
				}
			}
			if len(a.Aliases) > MaxAliases {
				errs.Add(row, "aliases", "has %d domains; at most %d are allowed", len(a.Aliases), MaxAliases)
			}
		}
		if _, ok := rec.Cell("segment"); ok {
			p.Lower("segment", &a.Segment, 20)
			switch a.Segment {
			case "", baton.SegmentSMB, baton.SegmentMidMarket, baton.SegmentEnterprise:
			default:
				errs.Value(row, "segment", a.Segment, "must be smb, mid_market or enterprise")
			}
		}
		p.Int("employees", &a.Employees)
		if a.Employees < 0 || a.Employees > 10_000_000 {
			errs.Add(row, "employees", "must be between 0 and 10000000")
		}
		if a.Segment == "" {
			a.Segment = baton.SegmentFor(a.Employees)
		}
		p.Text("industry", &a.Industry, baton.MaxShortText)
		p.Text("country", &a.Country, 60)
		p.Text("region", &a.Region, 60)
		if _, ok := rec.Cell("status"); ok {
			p.Lower("status", &a.Status, 20)
			switch a.Status {
			case "":
				a.Status = baton.AccountProspect
			case baton.AccountProspect, baton.AccountCustomer:
			default:
				errs.Value(row, "status", a.Status, "must be prospect or customer")
			}
		}
		if raw, ok := rec.Cell("renewal_date"); ok {
			if a.RenewalDate = strings.TrimSpace(raw); a.RenewalDate != "" && !baton.ValidDate(a.RenewalDate) {
				errs.Value(row, "renewal_date", raw, "must be a date like 2027-03-31")
			}
		}
		for _, ref := range []struct {
			col string
			dst *string
		}{{"owner", &a.OwnerID}, {"csm", &a.CSMID}, {"opportunity_owner", &a.OpportunityOwnerID}} {
			email, has := p.Email(ref.col)
			switch id, ok := userIDs[email]; {
			case !has:
			case email == "":
				*ref.dst = ""
			case ok:
				*ref.dst = id
			default:
				errs.Value(row, ref.col, email, "is not a user in Baton (import users first)")
			}
		}

		ar := &accountRow{rec: rec, a: &a, prev: prev}
		for i, d := range append([]string{a.Domain}, a.Aliases...) {
			if d == "" {
				continue
			}
			col := "aliases"
			if i == 0 {
				col = "domain"
			}
			if first, dup := claimed[d]; dup {
				errs.Value(row, col, d, fmt.Sprintf("is also in row %d", first))
				continue
			}
			claimed[d] = row
			ar.claims = append(ar.claims, d)
		}
		if prev != nil {
			if first, dup := matched[prev.ID]; dup {
				errs.Add(row, "", "updates the same account as row %d", first.rec.Row)
				continue
			}
			matched[prev.ID] = ar
		} else {
			a.ID, a.CreatedAt = newID(), now
		}
		rows = append(rows, ar)
	}

	// A domain may move between accounts of this file, never away from an
	// account the file does not name.
	for _, ar := range rows {
		for _, d := range ar.claims {
			owner, err := tx.AccountIDByDomain(ctx, d)
			if baton.ErrorCode(err) == baton.ENOTFOUND || owner == ar.a.ID || matched[owner] != nil {
				continue
			} else if err != nil {
				return nil, err
			}
			other, err := tx.Account(ctx, owner)
			if err != nil {
				return nil, err
			}
			col := "aliases"
			if d == ar.a.Domain {
				col = "domain"
			}
			errs.Value(ar.rec.Row, col, d, fmt.Sprintf("already belongs to account %s", csvin.Quote(other.Name)))
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}

	// First release the aliases that move away, so that no write meets a
	// domain still held by an account written later.
	for _, ar := range rows {
		if ar.prev == nil {
			continue
		}
		keep := slices.DeleteFunc(slices.Clone(ar.prev.Aliases), func(d string) bool { return !slices.Contains(ar.claims, d) })
		if len(keep) == len(ar.prev.Aliases) {
			continue
		}
		released := *ar.prev
		released.Aliases = keep
		if err := tx.PutAccount(ctx, &released); err != nil {
			return nil, rowFailed(ar.rec.Row, err)
		}
	}
	written := make([]*baton.Account, 0, len(rows))
	pb := s.Playbook()
	for _, ar := range rows {
		ar.a.UpdatedAt = now
		if err := tx.PutAccount(ctx, ar.a); err != nil {
			return nil, rowFailed(ar.rec.Row, err)
		}
		if err := s.armRenewal(ctx, tx, pb, ar.a, now); err != nil {
			return nil, rowFailed(ar.rec.Row, err)
		}
		if ar.prev == nil {
			res.Created++
		} else {
			res.Updated++
		}
		written = append(written, ar.a)
	}
	return written, nil
}

// companyDomain reduces a domain, URL or email address to the registrable
// domain signals are matched on; "" when it is none, or a free-mail
// provider's, which says nothing about a company.
func companyDomain(s string) string {
	d := match.NormalizeDomain(s)
	if match.IsFreeMail(d) {
		return ""
	}
	return d
}
