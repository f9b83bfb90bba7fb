package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bizhours"
	"github.com/batonhq/baton/csvin"
	"github.com/batonhq/baton/playbook"
)

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
		if _, has := ur.rec.Cell("team"); !has {
			continue
		}
		out = append(out, ImportWarning{Row: ur.rec.Row, Column: "team", Message: fmt.Sprintf(
			"%s is not a team of the playbook nor of a routing rule, so %s will get no handoffs (the playbook's teams: %s)",
			csvin.Quote(u.Team), u.Email, strings.Join(teams, ", "))})
	}
	return out
}

// userRow is one parsed row of a users file.
type userRow struct {
	rec             csvin.Record
	u               *baton.User
	created         bool
	manager, backup string // emails
	hasManager      bool
	hasBackup       bool
}

func (s *Service) importUsers(ctx context.Context, tx baton.Tx, t *csvin.Table, now time.Time, res *ImportResult) error {
	existing, err := tx.Users(ctx)
	if err != nil {
		return err
	}
	known := make(map[string]*baton.User, len(existing))
	for _, u := range existing {
		known[u.Email] = u
	}
	errs := t.Errors() // t stays as read
	rows := make([]*userRow, 0, len(t.Rows))
	inFile := make(map[string]*userRow, len(t.Rows))
	for _, rec := range t.Rows {
		ur := parseUser(rec, known, &errs)
		if baton.ValidEmail(ur.u.Email) {
			if first, dup := inFile[ur.u.Email]; dup {
				errs.Value(rec.Row, "email", ur.u.Email, fmt.Sprintf("is also in row %d", first.rec.Row))
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
				errs.Value(ur.rec.Row, ref.col, ref.email, "is this row's own user")
			case other != nil:
				*ref.dst = other.u.ID
			case known[ref.email] != nil:
				*ref.dst = known[ref.email].ID
			default:
				errs.Value(ur.rec.Row, ref.col, ref.email, "is not a user in this file or in Baton")
			}
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	for _, ur := range rows {
		if ur.u.Weight == 0 {
			ur.u.Weight = 1 // as PutUser: 0 reads as 1
		}
		ur.u.UpdatedAt = now
		if err := tx.PutUser(ctx, ur.u); err != nil {
			return rowFailed(ur.rec.Row, err)
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
func parseUser(rec csvin.Record, known map[string]*baton.User, errs *csvin.Errors) *userRow {
	email, _ := rec.Cell("email")
	u := baton.User{Active: true}
	prev, found := known[strings.ToLower(email)]
	if found {
		u = *prev
	}
	ur := &userRow{rec: rec, u: &u, created: !found}
	p := rec.Cells(errs)
	row := rec.Row
	// User.Validate bounds these.
	p.Text("email", &u.Email, 0)
	p.Text("name", &u.Name, 0)
	p.Lower("role", &u.Role, 0)
	p.Text("team", &u.Team, 0)
	p.Text("territory", &u.Territory, 0)
	p.Text("timezone", &u.TimeZone, 0)
	p.Int("weight", &u.Weight)
	p.Int("capacity", &u.Capacity)
	p.Int("daily_cap", &u.DailyCap)
	p.Int("monthly_cap", &u.MonthlyCap)
	p.Text("working_hours", &u.WorkingHours, baton.MaxShortText)
	p.Bool("active", &u.Active, true)
	p.Bool("paused", &u.Paused, false)
	p.Text("slack_id", &u.SlackID, 0)
	if raw, has := rec.Cell("channels"); has {
		u.Channels = splitChannels(raw)
	}
	ur.manager, ur.hasManager = p.Email("manager")
	ur.backup, ur.hasBackup = p.Email("backup")

	zone := time.UTC
	if baton.ValidTimeZone(u.TimeZone) {
		zone, _ = time.LoadLocation(u.TimeZone)
		if u.WorkingHours != "" {
			if _, err := bizhours.ParseCalendar(u.WorkingHours, u.TimeZone, nil); err != nil {
				errs.Value(row, "working_hours", u.WorkingHours, fmt.Sprintf("is not a working week: %v", err))
			}
		}
	}
	p.Time("away_from", &u.AwayFrom, zone, false)
	p.Time("away_until", &u.AwayUntil, zone, true)
	if !u.AwayFrom.IsZero() && u.AwayUntil.IsZero() {
		errs.Add(row, "away_until", "is required when away_from is set")
	}

	var verr *baton.Error
	if errors.As(u.Validate(), &verr) {
		for _, f := range verr.Fields {
			raw, _ := rec.Cell(f.Field)
			errs.Value(row, f.Field, raw, f.Message)
		}
	}
	return ur
}

// splitChannels reads a users file's channels cell: names separated by
// ';' (or ','), blanks dropped, lowercased. User.Validate checks them.
func splitChannels(raw string) []string {
	var out []string
	for _, c := range strings.FieldsFunc(raw, func(r rune) bool { return r == ';' || r == ',' }) {
		if c = strings.ToLower(strings.TrimSpace(c)); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
