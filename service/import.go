package service

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/csvin"
)

// Import bounds. A file beyond them is refused whole, before any row is read
// against the store.
const (
	// MaxImportBytes caps an import file: 5 MiB.
	MaxImportBytes = 5 << 20
	// MaxImportRows caps an import's data rows (the header row not counted).
	MaxImportRows = 10_000
	// MaxImportErrors caps how many row errors an import reports; the
	// message still gives the total.
	MaxImportErrors = 100
	// MaxAliases caps an account's alias domains.
	MaxAliases = 50
)

// ErrUnreadableFile marks an import file that could not be read as a table
// at all: empty, not UTF-8 text, not valid CSV, or beyond MaxImportBytes or
// MaxImportRows. It is always joined with an EINVALID *baton.Error carrying
// the user-facing message, so callers that only look at codes see EINVALID;
// the web edge answers it with 400 rather than 422. It is
// csvin.ErrUnreadable, which the import files are read with.
var ErrUnreadableFile = csvin.ErrUnreadable

// ImportResult counts the rows an import wrote. An existing user or account
// named again is counted as updated even when nothing in it changed.
type ImportResult struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
	// Warnings are rows imported as they are that probably do not do what
	// was meant (a user in a team nothing routes to), in row order.
	Warnings []ImportWarning `json:"warnings,omitempty"`
}

// ImportWarning is a row imported despite a likely mistake.
type ImportWarning struct {
	// Row is the 1-based row number in the file; the header is row 1.
	Row int `json:"row"`
	// Column names the cell the warning is about.
	Column  string `json:"column"`
	Message string `json:"message"`
}

// String writes a warning as a reader expects it: "row 3, column team: …".
func (w ImportWarning) String() string {
	return fmt.Sprintf("row %d, column %s: %s", w.Row, w.Column, w.Message)
}

// importLimits bound an import file.
var importLimits = csvin.Limits{MaxBytes: MaxImportBytes, MaxRows: MaxImportRows, MaxErrors: MaxImportErrors}

// The columns of the two import files.
var (
	userColumns = csvin.Columns{
		Required: []string{"email", "name", "role", "team", "timezone"},
		Optional: []string{"territory", "weight", "capacity", "daily_cap", "monthly_cap", "working_hours",
			"away_from", "away_until", "manager", "backup", "active", "paused", "channels", "slack_id"},
	}
	accountColumns = csvin.Columns{
		Required: []string{"name"},
		Optional: []string{"domain", "aliases", "segment", "employees", "industry", "country", "region",
			"status", "owner", "csm", "opportunity_owner", "renewal_date"},
	}
)

// ImportUsers creates or updates users from a CSV file, keyed by email, all
// in one transaction: either every row is written or none is.
//
// The first row is a header naming the columns, in any order: email, name,
// role, team and timezone are required; territory, weight, capacity,
// daily_cap, monthly_cap, working_hours ("mon-fri 09:00-17:00"), away_from,
// away_until, manager, backup, active (default true) and paused are optional.
// For an existing user, a column the file does not have keeps its current
// value, while an empty cell clears it. away_from and away_until take an RFC
// 3339 time or a date in the user's time zone; a date in away_until means
// "through that day". manager and backup are emails of users in the same
// file (in any order) or already in Baton. Blank rows are skipped.
//
// Every row is checked before anything is written. Errors are returned as
// one EINVALID *baton.Error whose Fields name "row N: column" (the header is
// row 1), at most MaxImportErrors of them. A file that cannot be read as a
// table at all is also EINVALID, joined with ErrUnreadableFile.
func (s *Service) ImportUsers(ctx context.Context, r io.Reader) (ImportResult, error) {
	t, err := csvin.Read(r, userColumns, importLimits)
	if err != nil {
		return ImportResult{}, err
	}
	now := s.clock.Now()
	var res ImportResult
	err = s.store.Update(ctx, func(tx baton.Tx) error {
		res = ImportResult{}
		return s.importUsers(ctx, tx, t, now, &res)
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// ImportAccounts creates or updates accounts from a CSV file, all in one
// transaction: either every row is written or none is.
//
// The header names the columns, in any order: name is required; domain,
// aliases (separated by ';' or '|'), segment, employees, industry, country,
// region, status (prospect or customer, default prospect), owner, csm,
// opportunity_owner (emails of users already in Baton) and renewal_date
// (YYYY-MM-DD; it arms the renewal trigger, see renewal.go) are optional.
// Domains are reduced to the registrable domain, as signals' are; free-mail
// domains are refused.
//
// A row with a domain updates the account with that primary domain; a row
// without one updates the account of the same name (ignoring case) that has
// no domain, or, when the file has no domain column, the one account of that
// name. For an existing account, a column the file does not have keeps its
// current value, while an empty cell clears it. A domain or alias may appear
// once per file and must not belong to an account outside the file; aliases
// may move between accounts in the same file.
//
// Errors are reported as for ImportUsers. A store conflict while writing
// (which the checks should prevent) is returned as the store's error,
// naming the row, and rolls everything back.
func (s *Service) ImportAccounts(ctx context.Context, r io.Reader) (ImportResult, error) {
	t, err := csvin.Read(r, accountColumns, importLimits)
	if err != nil {
		return ImportResult{}, err
	}
	now := s.clock.Now()
	var res ImportResult
	var written []*baton.Account
	err = s.store.Update(ctx, func(tx baton.Tx) error {
		res, written = ImportResult{}, nil
		var err error
		written, err = s.importAccounts(ctx, tx, t, now, &res)
		return err
	})
	if err != nil {
		return ImportResult{}, err
	}
	// Only committed accounts go into the name index; renamed ones are
	// added again so their new name matches before the next rebuild.
	for _, a := range written {
		s.accountAdded(a)
	}
	return res, nil
}

// FormatImportError writes an import error's field as a reader expects it:
// {"row 7: timezone", "…"} as "row 7, column timezone: …".
func FormatImportError(f baton.FieldError) string { return csvin.FormatError(f) }

// rowFailed names the row a store write failed on. An *baton.Error keeps its
// code, with its message and fields prefixed by the row.
func rowFailed(row int, err error) error {
	var e *baton.Error
	if !errors.As(err, &e) || e.Code == baton.EINTERNAL {
		return fmt.Errorf("service: import row %d: %w", row, err)
	}
	out := &baton.Error{Code: e.Code, Message: fmt.Sprintf("row %d: %s; nothing was imported", row, e.Message)}
	for _, f := range e.Fields {
		out.Fields = append(out.Fields, baton.FieldError{Field: fmt.Sprintf("row %d: %s", row, f.Field), Message: f.Message})
	}
	if len(out.Fields) == 0 {
		out.Fields = []baton.FieldError{{Field: fmt.Sprintf("row %d", row), Message: e.Message}}
	}
	return out
}
