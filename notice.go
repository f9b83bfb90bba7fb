package baton

import "time"

// Notice is the payload of a notification to someone on the revenue team:
// one JSON document, written to the outbox with the state change that
// caused it. Webhooks receive it as the event's data; the email and Slack
// channels render it (package notify) when they deliver it, in the
// recipient's own time zone.
type Notice struct {
	// Kind is the message kind (MsgAssigned, MsgBreach, …).
	Kind string `json:"kind"`
	// At is when the notice was raised.
	At time.Time `json:"at"`
	// Text is a one-line summary in plain words, with times in UTC.
	Text string `json:"text"`
	// Urgent marks a notice that wants chat rather than email: a hot
	// handoff, a breach or an escalation.
	Urgent bool `json:"urgent,omitempty"`
	// Handoff is the handoff the notice is about; zero for a weekly review.
	Handoff NoticeHandoff `json:"handoff,omitzero"`
	// Lead is the buyer: who they are and where they work.
	Lead NoticeLead `json:"lead,omitzero"`
	// Why says, in one line, why the handoff went to its owner: the
	// deciding step of the routing trace.
	Why string `json:"why,omitempty"`
	// Completeness is the share of the handoff's context that is filled
	// in (0-100); Missing names the fields still blank, by label.
	Completeness int      `json:"completeness,omitempty"`
	Missing      []string `json:"missing,omitempty"`
	// Deadline is the clock the recipient is up against, if any.
	Deadline *NoticeDeadline `json:"deadline,omitempty"`
	// URL opens the handoff (PublicURL + /handoffs/{id}), or the dashboard
	// for a weekly review.
	URL string `json:"url"`
	// Recipient is who the notice is for: a user, or the fallback team.
	Recipient NoticeRecipient `json:"recipient"`

	// LateBy is how far past its deadline the handoff is (breach,
	// escalation), 0 when not late.
	LateBy Duration `json:"late_by,omitempty"`
	// TimeLeft is how long is left before the deadline (reminder), 0 when
	// none or past.
	TimeLeft Duration `json:"time_left,omitempty"`
	// Gaps are what the receiver said is missing or wrong (returned).
	Gaps []string `json:"gaps,omitempty"`
	// Meeting is the handoff's meeting (outcome overdue, pre-call).
	Meeting *NoticeMeeting `json:"meeting,omitempty"`
	// Review is the weekly missed-handoff review (MsgWeeklyReview).
	Review *NoticeReview `json:"review,omitempty"`
	// Reason says why an escalation of the customer success protocol was
	// raised (cs.capacity, cs.not_sent, kt.unconfirmed, kt.unaccepted).
	Reason string `json:"reason,omitempty"`
	// Risks are the risks flagged on a handoff sent to customer success
	// (cs.handoff_sent).
	Risks []string `json:"risks,omitempty"`
	// KT is the knowledge-transfer meeting a kt.* notice is about.
	KT *NoticeKT `json:"kt,omitempty"`
}

// NoticeHandoff is what a notice says about its handoff.
type NoticeHandoff struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	TypeLabel  string    `json:"type_label,omitempty"`
	State      State     `json:"state"`
	Tier       string    `json:"tier"`
	TierLabel  string    `json:"tier_label,omitempty"`
	OwnerID    string    `json:"owner_id,omitempty"`
	OwnerName  string    `json:"owner_name,omitempty"`
	BackupID   string    `json:"backup_id,omitempty"`
	AccountID  string    `json:"account_id,omitempty"`
	ContactID  string    `json:"contact_id,omitempty"`
	AcceptBy   time.Time `json:"accept_by,omitzero"`
	FirstTouch time.Time `json:"first_touch_by,omitzero"`
	FixBy      time.Time `json:"fix_by,omitzero"`
	Breached   bool      `json:"breached"`
	Generation int       `json:"generation"`
}

// NoticeLead is the buyer a notice is about.
type NoticeLead struct {
	Name    string `json:"name,omitempty"`
	Title   string `json:"title,omitempty"`
	Company string `json:"company,omitempty"`
	Email   string `json:"email,omitempty"`
}

// NoticeDeadline is a deadline: what is due (Label, e.g. "accept by"),
// the instant, and the recipient's IANA zone to show it in.
type NoticeDeadline struct {
	Label    string    `json:"label"`
	At       time.Time `json:"at"`
	TimeZone string    `json:"timezone,omitempty"`
}

// NoticeRecipient is who a notice is for; Team is set instead of the user
// fields when it goes to the fallback team.
type NoticeRecipient struct {
	ID       string `json:"id,omitempty"`
	Email    string `json:"email,omitempty"`
	Name     string `json:"name,omitempty"`
	Role     string `json:"role,omitempty"`
	TimeZone string `json:"timezone,omitempty"`
	Team     string `json:"team,omitempty"`
}

// NoticeMeeting is a meeting a notice refers to.
type NoticeMeeting struct {
	ID       string    `json:"id"`
	StartsAt time.Time `json:"starts_at"`
	TimeZone string    `json:"timezone,omitempty"`
	Type     string    `json:"type,omitempty"`
}

// NoticeReview is the top of a weekly missed-handoff review.
type NoticeReview struct {
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Handoffs int       `json:"handoffs"`
	Breached int       `json:"breached"`
	// Lines are the review's top lines, worst first, e.g.
	// "hot_lead: 3 of 12 breached (25%)".
	Lines []string `json:"lines,omitempty"`
}
