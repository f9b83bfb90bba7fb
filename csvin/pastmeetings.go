package csvin

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// PastMeetingColumns are the columns of a file of meetings from before
// Baton: owner and outcome are required, and the held time comes from
// held_at or, under its other common name, meeting_date (one of the two).
var PastMeetingColumns = Columns{
	Required: []string{"owner", "outcome"},
	Optional: []string{"held_at", "meeting_date", "status", "source", "account", "deal_value", "external_id"},
}

// MaxDealValue caps a past meeting's deal value.
const MaxDealValue = 1e12

// earliestHeld is the earliest held time a past meeting may have: anything
// before is a typo (0026 for 2026) or a spreadsheet's zero date.
var earliestHeld = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Owner is a user a past meeting names, as the caller of ReadPastMeetings
// resolves an email: their id, and the time zone a bare date is read in.
type Owner struct {
	ID       string
	Location *time.Location
}

// PastMeetingRow is one meeting read from a file, with its row number.
type PastMeetingRow struct {
	// Row is the 1-based row number in the file; the header is row 1.
	Row     int
	Meeting baton.PastMeeting
}

// pastOutcomes maps the words a CRM export uses for a meeting's result,
// normalised by outcomeWord, to a status and one of baton.Outcomes.
var pastOutcomes = map[string][2]string{
	"held": {baton.MeetingHeld, ""}, "attended": {baton.MeetingHeld, ""}, "completed": {baton.MeetingHeld, ""},

	"no_show": {baton.MeetingNoShow, baton.OutcomeNoShow}, "noshow": {baton.MeetingNoShow, baton.OutcomeNoShow},
	"did_not_show": {baton.MeetingNoShow, baton.OutcomeNoShow}, "missed": {baton.MeetingNoShow, baton.OutcomeNoShow},

	"booked_won": {baton.MeetingHeld, baton.OutcomeWon}, "won": {baton.MeetingHeld, baton.OutcomeWon},
	"closed_won": {baton.MeetingHeld, baton.OutcomeWon}, "win": {baton.MeetingHeld, baton.OutcomeWon},
	"deal_won": {baton.MeetingHeld, baton.OutcomeWon},

	"not_interested": {baton.MeetingHeld, baton.OutcomeNotInterested}, "lost": {baton.MeetingHeld, baton.OutcomeNotInterested},
	"closed_lost": {baton.MeetingHeld, baton.OutcomeNotInterested}, "deal_lost": {baton.MeetingHeld, baton.OutcomeNotInterested},

	"disqualified": {baton.MeetingHeld, baton.OutcomeDisqualified}, "dq": {baton.MeetingHeld, baton.OutcomeDisqualified},
	"unqualified": {baton.MeetingHeld, baton.OutcomeDisqualified}, "not_qualified": {baton.MeetingHeld, baton.OutcomeDisqualified},

	"interested_not_closed": {baton.MeetingHeld, baton.OutcomeInterested}, "interested": {baton.MeetingHeld, baton.OutcomeInterested},
	"open": {baton.MeetingHeld, baton.OutcomeInterested}, "in_progress": {baton.MeetingHeld, baton.OutcomeInterested},
	"follow_up": {baton.MeetingHeld, baton.OutcomeInterested},

	"proposal_requested": {baton.MeetingHeld, baton.OutcomeProposal}, "proposal": {baton.MeetingHeld, baton.OutcomeProposal},
	"proposal_sent": {baton.MeetingHeld, baton.OutcomeProposal},
}

// outcomeWords is the message listing what an outcome cell may say.
const outcomeWords = "must be held, no_show or a result: won (closed_won, booked_won), lost (closed_lost, not_interested), " +
	"interested_not_closed (open), proposal_requested (proposal), disqualified"

// outcomeWord normalises a cell for pastOutcomes: lower case, with runs of
// spaces, hyphens, slashes and underscores as one underscore ("Closed -
// Won" reads as "closed_won"), apostrophes dropped.
func outcomeWord(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch r {
		case ' ', '-', '/', '_', '\t':
			sep = b.Len() > 0
			continue
		case '\'', '’':
			continue
		}
		if sep {
			b.WriteByte('_')
			sep = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// PastOutcome reads an outcome cell: the meeting's status (baton.MeetingHeld
// or baton.MeetingNoShow) and its outcome, one of baton.Outcomes or "" for
// "held", with no result said. ok is false for a word it does not know.
func PastOutcome(cell string) (status, outcome string, ok bool) {
	so, ok := pastOutcomes[outcomeWord(cell)]
	return so[0], so[1], ok
}

// ReadPastMeetings reads a file of meetings from before Baton, one a row,
// whole: every error is collected, and none means every row is returned.
//
// The header names owner (a user's email), outcome, and held_at or
// meeting_date; status (held or no_show), source, account, deal_value and
// external_id are optional. outcome takes Baton's outcomes and the words
// CRMs use for them (see PastOutcome): won and closed_won are booked_won,
// lost and closed_lost are not_interested; an empty outcome needs a status.
// held_at takes an RFC 3339 time or a date, read at the start of that day
// in the owner's time zone; it may not be after now (a zero now checks
// nothing) nor before 2000. deal_value is a non-negative number; a leading
// currency sign and thousands separators are ignored.
//
// owner resolves an email to a user; an email it does not know is an error.
// Each meeting's Key is "ext:" and its external_id or, without one, "auto:"
// and the owner's email, held time and account in lower case; two rows
// with one key are an error naming the first. IDs and import times are left
// for the caller to set.
//
// Errors are those of Read, and the rows' as one EINVALID *baton.Error
// whose Fields name "row N: column", at most lim.MaxErrors of them.
func ReadPastMeetings(r io.Reader, lim Limits, now time.Time, owner func(email string) (Owner, bool)) ([]PastMeetingRow, error) {
	t, err := Read(r, PastMeetingColumns, lim)
	if err != nil {
		return nil, err
	}
	heldCol := "held_at"
	var herrs Errors
	switch {
	case t.Has("held_at") && t.Has("meeting_date"):
		herrs.Add(1, "meeting_date", "give held_at or meeting_date, not both")
	case t.Has("meeting_date"):
		heldCol = "meeting_date"
	case !t.Has("held_at"):
		herrs.Add(1, "held_at", "is a required column and is missing (or meeting_date)")
	}
	if err := herrs.Err(); err != nil {
		return nil, err
	}

	errs := t.Errors()
	out := make([]PastMeetingRow, 0, len(t.Rows))
	keys := make(map[string]int, len(t.Rows)) // key -> first row
	for _, rec := range t.Rows {
		row, before := rec.Row, errs.Len()
		p := rec.Cells(&errs)
		var m baton.PastMeeting

		loc := time.UTC
		email, _ := p.Email("owner")
		switch raw, _ := rec.Cell("owner"); {
		case raw == "":
			errs.Add(row, "owner", "is required")
		case email == "":
			// Email recorded the error.
		default:
			o, ok := owner(email)
			if !ok {
				errs.Value(row, "owner", email, "is not a user in Baton (import users first)")
				break
			}
			m.OwnerID = o.ID
			if o.Location != nil {
				loc = o.Location
			}
		}

		p.Time(heldCol, &m.HeldAt, loc, false)
		switch raw, _ := rec.Cell(heldCol); {
		case raw == "":
			errs.Add(row, heldCol, "is required")
		case m.HeldAt.IsZero():
			// Time recorded the error.
		case m.HeldAt.Before(earliestHeld):
			errs.Value(row, heldCol, raw, "is before 2000")
		case !now.IsZero() && m.HeldAt.After(now):
			errs.Value(row, heldCol, raw, "is in the future: import meetings that have happened")
		}

		pastStatus(rec, &errs, &m)

		p.Text("source", &m.Source, baton.MaxShortText)
		p.Text("account", &m.Account, baton.MaxShortText)
		p.Text("external_id", &m.ExternalID, baton.MaxShortText)
		if raw, _ := rec.Cell("deal_value"); raw != "" {
			v, ok := dealValue(raw)
			if !ok {
				errs.Value(row, "deal_value", raw, fmt.Sprintf("is not an amount between 0 and %.0f", float64(MaxDealValue)))
			}
			m.DealValue = v
		}
		if errs.Len() > before {
			continue
		}

		if m.ExternalID != "" {
			m.Key = "ext:" + m.ExternalID
			if first, dup := keys[m.Key]; dup {
				errs.Value(row, "external_id", m.ExternalID, fmt.Sprintf("is also in row %d", first))
				continue
			}
		} else {
			m.Key = "auto:" + email + "|" + m.HeldAt.Format(time.RFC3339) + "|" + strings.ToLower(m.Account)
			if first, dup := keys[m.Key]; dup {
				errs.Add(row, "", "repeats row %d (the same owner, held time and account): give each an external_id", first)
				continue
			}
		}
		keys[m.Key] = row
		out = append(out, PastMeetingRow{Row: row, Meeting: m})
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// pastStatus reads a row's outcome and status cells into m, recording
// errors: the outcome says held or no-show with its result, and a status,
// when given, must agree with it.
func pastStatus(rec Record, errs *Errors, m *baton.PastMeeting) {
	row := rec.Row
	rawOutcome, _ := rec.Cell("outcome")
	rawStatus, _ := rec.Cell("status")
	status := ""
	switch w := outcomeWord(rawStatus); w {
	case "":
	case "held", "attended", "showed", "completed":
		status = baton.MeetingHeld
	case "no_show", "noshow", "did_not_show", "missed":
		status = baton.MeetingNoShow
	default:
		errs.Value(row, "status", rawStatus, "must be held or no_show")
		return
	}
	if rawOutcome == "" {
		switch status {
		case "":
			errs.Add(row, "outcome", "is required (or a status of held or no_show)")
		case baton.MeetingNoShow:
			m.Status, m.Outcome = status, baton.OutcomeNoShow
		default:
			m.Status = status
		}
		return
	}
	st, outcome, ok := PastOutcome(rawOutcome)
	switch {
	case !ok:
		errs.Value(row, "outcome", rawOutcome, outcomeWords)
	case status != "" && status != st && st == baton.MeetingNoShow:
		errs.Value(row, "outcome", rawOutcome, "is a no-show, but the status says held")
	case status != "" && status != st:
		errs.Value(row, "outcome", rawOutcome, "is the result of a meeting held, but the status says no_show")
	default:
		m.Status, m.Outcome = st, outcome
	}
}

// dealValue reads an amount such as 50000, 50,000.00, $50,000 or 5E+04; false
// for anything else, a negative amount or one over MaxDealValue.
func dealValue(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	for _, sign := range []string{"$", "€", "£", "¥"} {
		s = strings.TrimSpace(strings.TrimPrefix(s, sign))
	}
	if s == "" || strings.ContainsAny(s, "xXpP_") { // no hex floats or Go's digit separators
		return 0, false
	}
	if strings.Contains(s, ",") {
		// Thousands separators: groups of three digits before any point.
		whole, frac, hasFrac := strings.Cut(s, ".")
		groups := strings.Split(whole, ",")
		for i, g := range groups {
			if (i > 0 && len(g) != 3) || (i == 0 && (len(g) == 0 || len(g) > 3)) {
				return 0, false
			}
		}
		s = strings.Join(groups, "")
		if hasFrac {
			s += "." + frac
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > MaxDealValue {
		return 0, false
	}
	return v, true
}
