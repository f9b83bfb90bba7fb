package quality

import "time"

// Row is a handoff's score as the store keeps it for the reports: enough to
// group, filter and count without reading the handoff's log again. The
// store keeps one per handoff, rewritten when its inputs change.
type Row struct {
	HandoffID string
	Type      string
	// CreatedAt is when the handoff was created: reports group by its
	// month (UTC).
	CreatedAt time.Time
	OwnerID   string
	BackupID  string
	SenderID  string
	// FromTeam is the sending team of the handoff type (the team of a
	// handoff without a sender).
	FromTeam    string
	Score       int
	Band        string
	Remediation bool
	// Lost names the items that lost points for good (Score.Lost).
	Lost []string
	// Pending counts the items still pending (0 for a final score).
	Pending int
	// Rubric is the fingerprint of the rubric and bands scored against;
	// a row with another fingerprint than the playbook's is rescored.
	Rubric   string
	ScoredAt time.Time
}

// RowOf turns a score of handoff fields into a stored row.
func RowOf(s Score, createdAt time.Time, owner, backup, sender, fromTeam, rubric string) Row {
	return Row{HandoffID: s.HandoffID, Type: s.Type, CreatedAt: createdAt, OwnerID: owner, BackupID: backup, SenderID: sender,
		FromTeam: fromTeam, Score: s.Score, Band: s.Band, Remediation: s.Remediation, Lost: s.Lost(), Pending: s.Pending(),
		Rubric: rubric, ScoredAt: s.At}
}

// Percent is n of total as a whole percentage, rounded to the nearest
// (half up): 2 of 7 is 29. It is 0 when total is 0.
func Percent(n, total int) int {
	if total <= 0 {
		return 0
	}
	return (200*n + total) / (2 * total)
}
