package postgres

import (
	"strings"

	"github.com/batonhq/baton"
)

// filterWhere adds the handoff list's narrower filters (tier, source and
// search) to a WHERE clause.
//
// Search is an ILIKE '%term%' over the account's name and the contact's name
// and email. It never scans handoffs row by row: the matching accounts and
// contacts are found first (a scan of those tables, which are smaller than
// the handoffs), then their handoffs through the account_id and contact_id
// indexes, and only those are sorted for the page. The term is bounded
// (baton.MaxSearchLen) and its wildcards are escaped, so it matches as
// typed.
//
// Source is the source of the signal that started the handoff, read from
// the stored signal by primary key for each candidate row.
func filterWhere(f baton.HandoffFilter, where []string, args []any) ([]string, []any, error) {
	if f.Tier != "" {
		where, args = append(where, "tier = ?"), append(args, f.Tier)
	}
	if f.Source != "" {
		where = append(where, "EXISTS (SELECT 1 FROM signals s WHERE s.id = handoffs.signal_id AND s.payload::jsonb ->> 'source' = ?)")
		args = append(args, f.Source)
	}
	if term := strings.TrimSpace(f.Search); term != "" {
		if len(term) > baton.MaxSearchLen {
			return nil, nil, &baton.Error{Code: baton.EINVALID, Message: "search too long",
				Fields: []baton.FieldError{{Field: "q", Message: "must be at most 100 bytes"}}}
		}
		like := "%" + escapeLike(term) + "%"
		where = append(where, `(account_id IN (SELECT id FROM accounts WHERE name ILIKE ? ESCAPE '\')
			OR contact_id IN (SELECT id FROM contacts WHERE name ILIKE ? ESCAPE '\' OR email ILIKE ? ESCAPE '\'))`)
		args = append(args, like, like, like)
	}
	return where, args, nil
}

// escapeLike makes s match itself in a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
