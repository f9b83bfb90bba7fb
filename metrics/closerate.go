package metrics

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/batonhq/baton"
)

// The close-rate report compares each owner's close rate in the days before
// Baton was adopted with the same number of days after.
//
// The close rate of a period is won ÷ held: of the meetings held in the
// period, the share closed won. A no-show is not a meeting held; it is
// counted apart. Before adoption the meetings are the imported history
// (baton.PastMeeting), dated by their held time, closed won when their
// outcome is booked_won (a CRM's "won"). After adoption they are Baton's
// outcome events, dated when the outcome was recorded: a handoff with an
// outcome other than no_show in the period is one meeting held, credited
// to the owner named on its first such event; it is won when a booked_won
// outcome is recorded for it in the period; each no_show outcome is one
// no-show of the owner it names. Outcome events that name no owner are not
// counted.

// CloseRate is one period's meetings for an owner, team or everyone.
type CloseRate struct {
	// Held counts meetings held; Won those of them closed won.
	Held int `json:"held"`
	Won  int `json:"won"`
	// NoShow counts meetings the prospect missed (not in Held).
	NoShow int `json:"no_show"`
	// Rate is Won ÷ Held, rounded to four places; null when nothing was
	// held.
	Rate *float64 `json:"close_rate"`
}

// CloseRateRow compares an owner, a team or everyone before and after.
type CloseRateRow struct {
	// Owner is the owner's email (their id when unknown); empty for a
	// team or the total.
	Owner string `json:"owner,omitempty"`
	Name  string `json:"name,omitempty"`
	// Team is the owner's team on the current roster, or the team of a
	// team row.
	Team   string    `json:"team,omitempty"`
	Before CloseRate `json:"before"`
	After  CloseRate `json:"after"`
	// Difference is After.Rate − Before.Rate (0.05 is five points
	// better); null when either is null.
	Difference *float64 `json:"difference"`
}

// Period is a half-open window [From, To).
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// CloseRateReport is the before-and-after comparison.
type CloseRateReport struct {
	// AdoptedAt is when Baton was adopted; AdoptedFrom says where that
	// came from: "setting", "first_handoff" or "query".
	AdoptedAt   time.Time `json:"adopted_at"`
	AdoptedFrom string    `json:"adopted_from"`
	// Days is each period's length in days.
	Days int `json:"days"`
	// Before ends at adoption; After starts there and ends Days later,
	// or now when that is sooner.
	Before Period `json:"before"`
	After  Period `json:"after"`
	// Owners are the rows by owner, by email; Teams add them up by team,
	// by name; Total adds up every owner row.
	Owners []CloseRateRow `json:"owners"`
	Teams  []CloseRateRow `json:"teams"`
	Total  CloseRateRow   `json:"total"`
}

// CloseRateWindows returns the periods before and after adopted, days long
// each; the after period ends at now when that is sooner (and is empty when
// adopted is after now).
func CloseRateWindows(adopted time.Time, days int, now time.Time) (before, after Period) {
	span := time.Duration(days) * 24 * time.Hour
	before = Period{From: adopted.Add(-span), To: adopted}
	after = Period{From: adopted, To: adopted.Add(span)}
	switch {
	case now.Before(adopted):
		after.To = adopted
	case now.Before(after.To):
		after.To = now
	}
	return before, after
}

// Person is what the report shows of an owner.
type Person struct {
	Email, Name, Team string
}

// CloseRates folds imported meetings and outcome events into a
// CloseRateReport. Feed it with AddPast and Add in any order.
type CloseRates struct {
	// Visible, when set, keeps only the owners it reports true for; nil
	// keeps all.
	Visible func(ownerID string) bool

	before, after Period
	person        func(ownerID string) Person
	owners        map[string]*CloseRateRow
	held          map[string]*afterMeeting // by handoff id
}

// afterMeeting is a handoff's meeting held after adoption.
type afterMeeting struct {
	owner string
	won   bool
}

// NewCloseRates starts a report of the two periods. person describes an
// owner by id; nil, or an empty Email, shows the id.
func NewCloseRates(before, after Period, person func(ownerID string) Person) *CloseRates {
	return &CloseRates{before: before, after: after, person: person,
		owners: map[string]*CloseRateRow{}, held: map[string]*afterMeeting{}}
}

func (c *CloseRates) row(ownerID string) *CloseRateRow {
	r := c.owners[ownerID]
	if r == nil {
		r = &CloseRateRow{Owner: ownerID}
		c.owners[ownerID] = r
	}
	return r
}

func (c *CloseRates) visible(ownerID string) bool {
	return ownerID != "" && (c.Visible == nil || c.Visible(ownerID))
}

// AddPast folds one imported meeting; those held outside the period before
// adoption are ignored (after adoption the log is the truth).
func (c *CloseRates) AddPast(m *baton.PastMeeting) {
	if m.HeldAt.Before(c.before.From) || !m.HeldAt.Before(c.before.To) || !c.visible(m.OwnerID) {
		return
	}
	r := c.row(m.OwnerID)
	switch m.Status {
	case baton.MeetingNoShow:
		r.Before.NoShow++
	case baton.MeetingHeld:
		r.Before.Held++
		if m.Won() {
			r.Before.Won++
		}
	}
}

// Add folds one event; only outcome events in the period after adoption
// count. It returns an error, and folds nothing, when an outcome's payload
// does not decode.
func (c *CloseRates) Add(e *baton.Event) error {
	if e.Kind != baton.EventOutcome || e.At.Before(c.after.From) || !e.At.Before(c.after.To) || e.OwnerID == "" {
		return nil
	}
	d, err := baton.DecodeEventData[baton.OutcomeData](e)
	if err != nil {
		return fmt.Errorf("metrics: close rate: handoff %s: %w", e.HandoffID, err)
	}
	if d.Outcome == baton.OutcomeNoShow {
		if c.visible(e.OwnerID) {
			c.row(e.OwnerID).After.NoShow++
		}
		return nil
	}
	m := c.held[e.HandoffID]
	if m == nil {
		m = &afterMeeting{owner: e.OwnerID}
		c.held[e.HandoffID] = m
	}
	m.won = m.won || d.Outcome == baton.OutcomeWon
	return nil
}

// Report returns the comparison so far, without its adoption fields (the
// caller's to set). It may be called again after more is folded.
func (c *CloseRates) Report() CloseRateReport {
	rows := make(map[string]*CloseRateRow, len(c.owners))
	for id, r := range c.owners {
		cp := *r
		rows[id] = &cp
	}
	for _, m := range c.held {
		if !c.visible(m.owner) {
			continue
		}
		r := rows[m.owner]
		if r == nil {
			r = &CloseRateRow{Owner: m.owner}
			rows[m.owner] = r
		}
		r.After.Held++
		if m.won {
			r.After.Won++
		}
	}

	rep := CloseRateReport{Before: c.before, After: c.after, Owners: []CloseRateRow{}, Teams: []CloseRateRow{}}
	teams := map[string]*CloseRateRow{}
	for id, r := range rows {
		row := *r
		p := Person{}
		if c.person != nil {
			p = c.person(id)
		}
		if p.Email != "" {
			row.Owner = p.Email
		}
		row.Name, row.Team = p.Name, p.Team
		row.finish()
		rep.Owners = append(rep.Owners, row)

		t := teams[p.Team]
		if t == nil {
			t = &CloseRateRow{Team: p.Team}
			teams[p.Team] = t
		}
		t.add(r)
		rep.Total.add(r)
	}
	for _, t := range teams {
		t.finish()
		rep.Teams = append(rep.Teams, *t)
	}
	rep.Total.finish()
	slices.SortFunc(rep.Owners, func(a, b CloseRateRow) int { return cmp.Compare(a.Owner, b.Owner) })
	slices.SortFunc(rep.Teams, func(a, b CloseRateRow) int { return cmp.Compare(a.Team, b.Team) })
	return rep
}

// add adds o's counts to r.
func (r *CloseRateRow) add(o *CloseRateRow) {
	r.Before.Held += o.Before.Held
	r.Before.Won += o.Before.Won
	r.Before.NoShow += o.Before.NoShow
	r.After.Held += o.After.Held
	r.After.Won += o.After.Won
	r.After.NoShow += o.After.NoShow
}

// finish computes r's rates and their difference from its counts.
func (r *CloseRateRow) finish() {
	r.Before.Rate, r.After.Rate, r.Difference = closeRateOf(r.Before), closeRateOf(r.After), nil
	if r.Before.Rate != nil && r.After.Rate != nil {
		d := round(float64(r.After.Won)/float64(r.After.Held) - float64(r.Before.Won)/float64(r.Before.Held))
		r.Difference = &d
	}
}

// closeRateOf returns won ÷ held, nil when nothing was held.
func closeRateOf(c CloseRate) *float64 {
	if c.Held == 0 {
		return nil
	}
	f := round(float64(c.Won) / float64(c.Held))
	return &f
}
