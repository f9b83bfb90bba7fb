package service

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bizhours"
	"github.com/batonhq/baton/match"
	"github.com/batonhq/baton/playbook"
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
// the web edge answers it with 400 rather than 422.
var ErrUnreadableFile = errors.New("service: unreadable import file")

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

// routedTeams lists the teams the playbook names: its teams, each handoff
// type's sender and receiving team, the fallback team and the teams of its
// routing rules' pools.
func routedTeams(pb *playbook.Playbook) []string {
	var teams []string
	for name := range pb.Teams {
		teams = append(teams, name)
	}
	for _, ht := range pb.HandoffTypes {
		teams = append(teams, ht.From, ht.To)
	}
	teams = append(teams, pb.Routing.FallbackTeam)
	for _, r := range pb.Routing.Rules {
		teams = append(teams, r.To.Team)
	}
	slices.Sort(teams)
	return slices.DeleteFunc(slices.Compact(teams), func(t string) bool { return t == "" })
}

// teamWarnings warns about users who can own handoffs (anyone but managers
// and admins, who are alerted rather than routed to) in a team that the
// playbook never routes to: they are imported but will get no handoffs.
func teamWarnings(pb *playbook.Playbook, rows []*userRow) []ImportWarning {
	teams := routedTeams(pb)
	var out []ImportWarning
	for _, ur := range rows {
		u := ur.u
		if u.Role == baton.RoleManager || u.Role == baton.RoleAdmin || slices.Contains(teams, u.Team) {
			continue
		}
		if _, has := ur.rec.cell("team"); !has {
			continue
		}
		out = append(out, ImportWarning{Row: ur.rec.row, Column: "team", Message: fmt.Sprintf(
			"%s is not a team of the playbook nor of a routing rule, so %s will get no handoffs (the playbook's teams: %s)",
			quote(u.Team), u.Email, strings.Join(teams, ", "))})
	}
	return out
}

// importColumns is the set of columns an import accepts.
type importColumns struct {
	required, optional []string
}

// The columns of the two import files.
var (
	userColumns = importColumns{
		required: []string{"email", "name", "role", "team", "timezone"},
		optional: []string{"territory", "weight", "capacity", "daily_cap", "monthly_cap", "working_hours",
			"away_from", "away_until", "manager", "backup", "active", "paused"},
	}
	accountColumns = importColumns{
		required: []string{"name"},
		optional: []string{"domain", "aliases", "segment", "employees", "industry", "country", "region",
			"status", "owner", "csm", "opportunity_owner"},
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
	t, err := readTable(r, userColumns)
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
// region, status (prospect or customer, default prospect), owner, csm and
// opportunity_owner (emails of users already in Baton) are optional.
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
	t, err := readTable(r, accountColumns)
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

// table is an import file read whole: its columns and its non-blank data
// rows, with the errors found in its shape.
type table struct {
	index map[string]int // column name -> cell index
	rows  []record
	errs  importErrors
}

// record is one data row.
type record struct {
	row   int // 1-based row number in the file; the header is row 1
	cells []string
	index map[string]int
}

// cell returns the trimmed value of col and whether the file has col.
func (r record) cell(col string) (string, bool) {
	i, ok := r.index[col]
	if !ok {
		return "", false
	}
	return r.cells[i], true
}

// unreadable returns an EINVALID error joined with ErrUnreadableFile.
func unreadable(format string, args ...any) error {
	return fmt.Errorf("%w: %w", ErrUnreadableFile, baton.Errorf(baton.EINVALID, format, args...))
}

// readTable reads a CSV file with a header row naming cols. Shape errors
// (an unknown, missing or repeated column; a row with the wrong number of
// cells) are returned as an EINVALID error when they concern the header,
// else kept in the table's errs, so the rows' own errors join them.
func readTable(r io.Reader, cols importColumns) (*table, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("service: read import file: %w", err)
	}
	if len(data) > MaxImportBytes {
		return nil, unreadable("the file is larger than %d bytes (5 MiB): split it", MaxImportBytes)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // spreadsheets' byte-order mark
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, unreadable("the file is not UTF-8 text: save it as CSV (UTF-8)")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // a short or long row is a row error, not the end
	header, err := cr.Read()
	if err == io.EOF {
		return nil, unreadable("the file is empty: expected a header row such as %s", strings.Join(cols.required, ","))
	} else if err != nil {
		return nil, unreadable("the file is not valid CSV: %v", err)
	}

	t := &table{index: make(map[string]int, len(header))}
	known := slices.Concat(cols.required, cols.optional)
	var herrs importErrors
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch _, seen := t.index[name]; {
		case name == "":
			herrs.add(1, "", "column %d has no name", i+1)
		case !slices.Contains(known, name):
			herrs.add(1, clip(strings.TrimSpace(h)), "is not a known column (known columns: %s)", strings.Join(known, ", "))
		case seen:
			herrs.add(1, name, "appears more than once")
		default:
			t.index[name] = i
		}
	}
	for _, c := range cols.required {
		if _, ok := t.index[c]; !ok {
			herrs.add(1, c, "is a required column and is missing")
		}
	}
	if err := herrs.err(); err != nil {
		return nil, err
	}

	for row := 2; ; row++ {
		cells, err := cr.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, unreadable("the file is not valid CSV: %v", err)
		}
		if row-1 > MaxImportRows {
			return nil, unreadable("the file has more than %d rows: split it", MaxImportRows)
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if !slices.ContainsFunc(cells, func(c string) bool { return c != "" }) {
			continue // a spreadsheet's empty row
		}
		if len(cells) != len(header) {
			t.errs.add(row, "", "has %d cells; the header has %d", len(cells), len(header))
			continue
		}
		t.rows = append(t.rows, record{row: row, cells: cells, index: t.index})
	}
	return t, nil
}

// importErrors collects row errors.
type importErrors struct {
	list []rowError
}

type rowError struct {
	row      int
	col, msg string
}

// add records an error at row and column col ("" for the whole row).
func (e *importErrors) add(row int, col, format string, args ...any) {
	e.list = append(e.list, rowError{row: row, col: col, msg: fmt.Sprintf(format, args...)})
}

// value records that col's value raw is wrong: msg is prefixed with the
// quoted value when there is one ("\"Mars/Base\" is not an IANA time zone").
func (e *importErrors) value(row int, col, raw, msg string) {
	if raw != "" {
		msg = quote(raw) + " " + msg
	}
	e.list = append(e.list, rowError{row: row, col: col, msg: msg})
}

// err returns nil when there are no errors, else one EINVALID *baton.Error
// with the first MaxImportErrors of them in row order.
func (e *importErrors) err() error {
	if len(e.list) == 0 {
		return nil
	}
	slices.SortStableFunc(e.list, func(a, b rowError) int { return a.row - b.row })
	n := len(e.list)
	shown := e.list[:min(n, MaxImportErrors)]
	fields := make([]baton.FieldError, len(shown))
	for i, re := range shown {
		f := fmt.Sprintf("row %d", re.row)
		if re.col != "" {
			f += ": " + re.col
		}
		fields[i] = baton.FieldError{Field: f, Message: re.msg}
	}
	var msg string
	switch {
	case n == 1:
		msg = FormatImportError(fields[0]) + "; nothing was imported"
	case n > len(shown):
		msg = fmt.Sprintf("the file has %d errors (the first %d are listed); nothing was imported", n, len(shown))
	default:
		msg = fmt.Sprintf("the file has %d errors; nothing was imported", n)
	}
	return &baton.Error{Code: baton.EINVALID, Message: msg, Fields: fields}
}

// FormatImportError writes an import error's field as a reader expects it:
// {"row 7: timezone", "…"} as "row 7, column timezone: …".
func FormatImportError(f baton.FieldError) string {
	if row, col, ok := strings.Cut(f.Field, ": "); ok {
		return fmt.Sprintf("%s, column %s: %s", row, col, f.Message)
	}
	return f.Field + ": " + f.Message
}

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

// quote quotes a cell for a message, clipped so a huge cell cannot make a
// huge error.
func quote(s string) string { return strconv.Quote(clip(s)) }

func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// cellParser reads one record's typed cells, recording errors. Each method
// leaves dst alone when the file has no such column.
type cellParser struct {
	rec  record
	errs *importErrors
}

// text reads a string of at most max bytes; 0 leaves the bound to the
// domain's Validate.
func (p cellParser) text(col string, dst *string, max int) {
	v, ok := p.rec.cell(col)
	if !ok {
		return
	}
	if max > 0 && len(v) > max {
		p.errs.add(p.rec.row, col, "must be at most %d bytes", max)
		return
	}
	*dst = v
}

func (p cellParser) lower(col string, dst *string, max int) {
	p.text(col, dst, max)
	*dst = strings.ToLower(*dst)
}

func (p cellParser) number(col string, dst *int) {
	v, ok := p.rec.cell(col)
	if !ok {
		return
	}
	if v == "" {
		*dst = 0
		return
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.errs.value(p.rec.row, col, v, "is not a whole number")
		return
	}
	*dst = n
}

func (p cellParser) boolean(col string, dst *bool, def bool) {
	v, ok := p.rec.cell(col)
	if !ok {
		return
	}
	switch strings.ToLower(v) {
	case "":
		*dst = def
	case "true", "t", "yes", "y", "1":
		*dst = true
	case "false", "f", "no", "n", "0":
		*dst = false
	default:
		p.errs.value(p.rec.row, col, v, "must be true or false")
	}
}

// email reads a column holding a user's email; has reports whether the file
// has the column.
func (p cellParser) email(col string) (email string, has bool) {
	v, ok := p.rec.cell(col)
	if !ok || v == "" {
		return "", ok
	}
	v = strings.ToLower(v)
	if !baton.ValidEmail(v) {
		p.errs.value(p.rec.row, col, v, "is not an email address")
		return "", true
	}
	return v, true
}

// time reads a time: RFC 3339, or a date at the start of that day in loc
// (the day after, for endOfDay, so a date reads as "through that day").
func (p cellParser) time(col string, dst *time.Time, loc *time.Location, endOfDay bool) {
	v, ok := p.rec.cell(col)
	if !ok {
		return
	}
	if v == "" {
		*dst = time.Time{}
		return
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		*dst = t.UTC()
		return
	}
	d, err := time.ParseInLocation(time.DateOnly, v, loc)
	if err != nil {
		p.errs.value(p.rec.row, col, v, "is not a time: use a date (2026-12-24) or an RFC 3339 time (2026-12-24T09:00:00Z)")
		return
	}
	if endOfDay {
		d = d.AddDate(0, 0, 1)
	}
	*dst = d.UTC()
}

// userRow is one parsed row of a users file.
type userRow struct {
	rec             record
	u               *baton.User
	created         bool
	manager, backup string // emails
	hasManager      bool
	hasBackup       bool
}

func (s *Service) importUsers(ctx context.Context, tx baton.Tx, t *table, now time.Time, res *ImportResult) error {
	existing, err := tx.Users(ctx)
	if err != nil {
		return err
	}
	known := make(map[string]*baton.User, len(existing))
	for _, u := range existing {
		known[u.Email] = u
	}
	errs := importErrors{list: slices.Clone(t.errs.list)} // t stays as read
	rows := make([]*userRow, 0, len(t.rows))
	inFile := make(map[string]*userRow, len(t.rows))
	for _, rec := range t.rows {
		ur := parseUser(rec, known, &errs)
		if baton.ValidEmail(ur.u.Email) {
			if first, dup := inFile[ur.u.Email]; dup {
				errs.value(rec.row, "email", ur.u.Email, fmt.Sprintf("is also in row %d", first.rec.row))
				continue
			}
			inFile[ur.u.Email] = ur
		}
		if ur.created {
			ur.u.ID, ur.u.CreatedAt = newID(), now
		}
		rows = append(rows, ur)
	}
	// References resolve once every row is known, so a manager may come
	// later in the file than the people they manage.
	for _, ur := range rows {
		for _, ref := range []struct {
			col   string
			email string
			has   bool
			dst   *string
		}{{"manager", ur.manager, ur.hasManager, &ur.u.ManagerID}, {"backup", ur.backup, ur.hasBackup, &ur.u.BackupID}} {
			switch other := inFile[ref.email]; {
			case !ref.has:
				// No such column: an existing user keeps theirs.
			case ref.email == "":
				*ref.dst = ""
			case ref.email == ur.u.Email:
				errs.value(ur.rec.row, ref.col, ref.email, "is this row's own user")
			case other != nil:
				*ref.dst = other.u.ID
			case known[ref.email] != nil:
				*ref.dst = known[ref.email].ID
			default:
				errs.value(ur.rec.row, ref.col, ref.email, "is not a user in this file or in Baton")
			}
		}
	}
	if err := errs.err(); err != nil {
		return err
	}
	for _, ur := range rows {
		if ur.u.Weight == 0 {
			ur.u.Weight = 1 // as PutUser: 0 reads as 1
		}
		ur.u.UpdatedAt = now
		if err := tx.PutUser(ctx, ur.u); err != nil {
			return rowFailed(ur.rec.row, err)
		}
		if ur.created {
			res.Created++
		} else {
			res.Updated++
		}
	}
	if len(rows) == 0 {
		return nil
	}
	res.Warnings = teamWarnings(s.Playbook(), rows)
	return s.bumpRoster(ctx, tx)
}

// parseUser reads one users row over the existing user of that email, if
// any, and checks it as PutUser does; references are left to the caller.
func parseUser(rec record, known map[string]*baton.User, errs *importErrors) *userRow {
	email, _ := rec.cell("email")
	u := baton.User{Active: true}
	prev, found := known[strings.ToLower(email)]
	if found {
		u = *prev
	}
	ur := &userRow{rec: rec, u: &u, created: !found}
	p := cellParser{rec: rec, errs: errs}
	row := rec.row
	// User.Validate bounds these.
	p.text("email", &u.Email, 0)
	p.text("name", &u.Name, 0)
	p.lower("role", &u.Role, 0)
	p.text("team", &u.Team, 0)
	p.text("territory", &u.Territory, 0)
	p.text("timezone", &u.TimeZone, 0)
	p.number("weight", &u.Weight)
	p.number("capacity", &u.Capacity)
	p.number("daily_cap", &u.DailyCap)
	p.number("monthly_cap", &u.MonthlyCap)
	p.text("working_hours", &u.WorkingHours, baton.MaxShortText)
	p.boolean("active", &u.Active, true)
	p.boolean("paused", &u.Paused, false)
	ur.manager, ur.hasManager = p.email("manager")
	ur.backup, ur.hasBackup = p.email("backup")

	zone := time.UTC
	if baton.ValidTimeZone(u.TimeZone) {
		zone, _ = time.LoadLocation(u.TimeZone)
		if u.WorkingHours != "" {
			if _, err := bizhours.ParseCalendar(u.WorkingHours, u.TimeZone, nil); err != nil {
				errs.value(row, "working_hours", u.WorkingHours, fmt.Sprintf("is not a working week: %v", err))
			}
		}
	}
	p.time("away_from", &u.AwayFrom, zone, false)
	p.time("away_until", &u.AwayUntil, zone, true)
	if !u.AwayFrom.IsZero() && u.AwayUntil.IsZero() {
		errs.add(row, "away_until", "is required when away_from is set")
	}

	var verr *baton.Error
	if errors.As(u.Validate(), &verr) {
		for _, f := range verr.Fields {
			raw, _ := rec.cell(f.Field)
			errs.value(row, f.Field, raw, f.Message)
		}
	}
	return ur
}

// accountRow is one parsed row of an accounts file.
type accountRow struct {
	rec  record
	a    *baton.Account
	prev *baton.Account // nil for a new account
	// claims are the domains the account will hold: primary and aliases.
	claims []string
}

func (s *Service) importAccounts(ctx context.Context, tx baton.Tx, t *table, now time.Time, res *ImportResult) ([]*baton.Account, error) {
	users, err := tx.Users(ctx)
	if err != nil {
		return nil, err
	}
	userIDs := make(map[string]string, len(users))
	for _, u := range users {
		userIDs[u.Email] = u.ID
	}
	errs := importErrors{list: slices.Clone(t.errs.list)}
	_, hasDomainCol := t.index["domain"]

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

	rows := make([]*accountRow, 0, len(t.rows))
	claimed := map[string]int{}         // domain -> row claiming it
	nameRows := map[string]int{}        // lowercase name -> row, for rows without a domain
	matched := map[string]*accountRow{} // existing account id -> its row
	for _, rec := range t.rows {
		row := rec.row
		p := cellParser{rec: rec, errs: &errs}
		name, _ := rec.cell("name")
		domain := ""
		if raw, _ := rec.cell("domain"); raw != "" {
			if domain = companyDomain(raw); domain == "" {
				errs.value(row, "domain", raw, "is not a company domain such as acme.com")
			}
		}

		var prev *baton.Account
		switch raw, _ := rec.cell("domain"); {
		case domain != "":
			a, err := tx.AccountByDomain(ctx, domain)
			if err == nil {
				prev = a
			} else if baton.ErrorCode(err) != baton.ENOTFOUND {
				return nil, err
			}
		case raw == "" && name != "":
			if first, dup := nameRows[strings.ToLower(name)]; dup {
				errs.value(row, "name", name, fmt.Sprintf("is also in row %d (rows without a domain are matched by name)", first))
				continue
			}
			nameRows[strings.ToLower(name)] = row
			same, err := named(name)
			if err != nil {
				return nil, err
			}
			if len(same) > 1 {
				errs.value(row, "name", name, fmt.Sprintf("matches %d accounts: give the domain to say which", len(same)))
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
		if _, ok := rec.cell("domain"); ok {
			a.Domain = domain
		}
		p.text("name", &a.Name, baton.MaxShortText)
		if a.Name == "" {
			errs.add(row, "name", "is required")
		}
		if raw, ok := rec.cell("aliases"); ok {
			a.Aliases = nil
			parts := strings.FieldsFunc(raw, func(r rune) bool { return r == ';' || r == '|' })
			for _, part := range parts {
				part = strings.TrimSpace(part)
				d := companyDomain(part)
				switch {
				case part == "":
				case d == "":
					errs.value(row, "aliases", part, "is not a company domain such as acme.com")
				case d != a.Domain && !slices.Contains(a.Aliases, d):
					a.Aliases = append(a.Aliases, d)
				}
			}
			if len(a.Aliases) > MaxAliases {
				errs.add(row, "aliases", "has %d domains; at most %d are allowed", len(a.Aliases), MaxAliases)
			}
		}
		if _, ok := rec.cell("segment"); ok {
			p.lower("segment", &a.Segment, 20)
			switch a.Segment {
			case "", baton.SegmentSMB, baton.SegmentMidMarket, baton.SegmentEnterprise:
			default:
				errs.value(row, "segment", a.Segment, "must be smb, mid_market or enterprise")
			}
		}
		p.number("employees", &a.Employees)
		if a.Employees < 0 || a.Employees > 10_000_000 {
			errs.add(row, "employees", "must be between 0 and 10000000")
		}
		if a.Segment == "" {
			a.Segment = baton.SegmentFor(a.Employees)
		}
		p.text("industry", &a.Industry, baton.MaxShortText)
		p.text("country", &a.Country, 60)
		p.text("region", &a.Region, 60)
		if _, ok := rec.cell("status"); ok {
			p.lower("status", &a.Status, 20)
			switch a.Status {
			case "":
				a.Status = baton.AccountProspect
			case baton.AccountProspect, baton.AccountCustomer:
			default:
				errs.value(row, "status", a.Status, "must be prospect or customer")
			}
		}
		for _, ref := range []struct {
			col string
			dst *string
		}{{"owner", &a.OwnerID}, {"csm", &a.CSMID}, {"opportunity_owner", &a.OpportunityOwnerID}} {
			email, has := p.email(ref.col)
			switch id, ok := userIDs[email]; {
			case !has:
			case email == "":
				*ref.dst = ""
			case ok:
				*ref.dst = id
			default:
				errs.value(row, ref.col, email, "is not a user in Baton (import users first)")
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
				errs.value(row, col, d, fmt.Sprintf("is also in row %d", first))
				continue
			}
			claimed[d] = row
			ar.claims = append(ar.claims, d)
		}
		if prev != nil {
			if first, dup := matched[prev.ID]; dup {
				errs.add(row, "", "updates the same account as row %d", first.rec.row)
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
			errs.value(ar.rec.row, col, d, fmt.Sprintf("already belongs to account %s", quote(other.Name)))
		}
	}
	if err := errs.err(); err != nil {
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
			return nil, rowFailed(ar.rec.row, err)
		}
	}
	written := make([]*baton.Account, 0, len(rows))
	for _, ar := range rows {
		ar.a.UpdatedAt = now
		if err := tx.PutAccount(ctx, ar.a); err != nil {
			return nil, rowFailed(ar.rec.row, err)
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
