package baton

import (
	"context"
	"time"
)

// Store is Baton's durable state. Update runs fn in a write transaction; the
// store may run several callers' functions in one transaction (group commit),
// each isolated by a savepoint, so fn must not block on anything but the Tx.
// When Update returns nil, fn's writes are durable. View runs fn in a
// read-only snapshot.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx is what the service may read and write within one transaction. Methods
// returning a single item return an ENOTFOUND *Error when it does not exist;
// no method returns (nil, nil).
type Tx interface {
	// Signals.
	Signal(ctx context.Context, id string) (*Signal, error)
	SignalByExternalID(ctx context.Context, externalID string) (*Signal, error)
	InsertSignal(ctx context.Context, s *Signal) error
	SignalsBetween(ctx context.Context, from, to time.Time, limit int) ([]*Signal, error)

	// Accounts and contacts.
	Account(ctx context.Context, id string) (*Account, error)
	AccountByDomain(ctx context.Context, domain string) (*Account, error)
	Accounts(ctx context.Context, limit int) ([]*Account, error)
	PutAccount(ctx context.Context, a *Account) error
	Contact(ctx context.Context, id string) (*Contact, error)
	ContactByEmail(ctx context.Context, email string) (*Contact, error)
	PutContact(ctx context.Context, c *Contact) error

	// Users.
	User(ctx context.Context, id string) (*User, error)
	UserByEmail(ctx context.Context, email string) (*User, error)
	Users(ctx context.Context) ([]*User, error)
	PutUser(ctx context.Context, u *User) error

	// Handoffs and their log.
	Handoff(ctx context.Context, id string) (*Handoff, error)
	// OpenHandoffFor returns the newest open handoff of typ for the contact
	// created at or after since, or ENOTFOUND.
	OpenHandoffFor(ctx context.Context, contactID, typ string, since time.Time) (*Handoff, error)
	// OpenHandoffForAccount is OpenHandoffFor keyed by account.
	OpenHandoffForAccount(ctx context.Context, accountID, typ string, since time.Time) (*Handoff, error)
	Handoffs(ctx context.Context, f HandoffFilter) (list []*Handoff, next string, err error)
	InsertHandoff(ctx context.Context, h *Handoff) error
	UpdateHandoff(ctx context.Context, h *Handoff) error
	AppendEvent(ctx context.Context, e *Event) error
	// AppendEvents is AppendEvent for several events in one statement: each
	// is appended in the order given and gets its Seq.
	AppendEvents(ctx context.Context, es ...*Event) error
	Events(ctx context.Context, handoffID string) ([]*Event, error)
	// EventsBetween streams events with at in [from, to) to fn, in order.
	EventsBetween(ctx context.Context, from, to time.Time, fn func(*Event) error) error
	// NoShows counts a contact's handoffs, other than except, whose outcome
	// was a no-show.
	NoShows(ctx context.Context, contactID, except string) (int, error)

	// Meetings.
	Meeting(ctx context.Context, id string) (*Meeting, error)
	InsertMeeting(ctx context.Context, m *Meeting) error
	UpdateMeeting(ctx context.Context, m *Meeting) error

	// Prospect intake forms.
	InsertIntake(ctx context.Context, in *Intake) error
	// IntakeByHash finds a form by its token's hash (HashToken), or ENOTFOUND.
	IntakeByHash(ctx context.Context, hash string) (*Intake, error)
	// IntakeForHandoff returns a handoff's newest form, or ENOTFOUND.
	IntakeForHandoff(ctx context.Context, handoffID string) (*Intake, error)
	// UpdateIntake writes a form's answers, posts and answered time, or
	// returns ENOTFOUND.
	UpdateIntake(ctx context.Context, in *Intake) error

	// Feedback (feedback.go). InsertSurvey returns ECONFLICT when the
	// handoff has a survey already; Survey and SurveyForHandoff ENOTFOUND.
	// AnswerSurvey records the only answer: ECONFLICT when it is answered
	// already, ENOTFOUND for an unknown id. Rejections lists the rejections
	// people made of the handoffs senderID sent, at or after since, oldest
	// first, at most limit.
	InsertSurvey(ctx context.Context, s *Survey) error
	Survey(ctx context.Context, id string) (*Survey, error)
	SurveyForHandoff(ctx context.Context, handoffID string) (*Survey, error)
	AnswerSurvey(ctx context.Context, id string, score int, comment string, at time.Time) error
	Rejections(ctx context.Context, senderID string, since time.Time, limit int) ([]Rejection, error)

	// Timers.
	// InsertTimers stores pending timers in one statement.
	InsertTimers(ctx context.Context, ts ...*Timer) error
	// CancelTimers cancels the handoff's pending timers of the given kinds
	// (all kinds when none are given).
	CancelTimers(ctx context.Context, handoffID string, kinds ...string) error
	// ClaimTimers leases up to limit pending timers due at or before now, in
	// due order, for lease; a timer whose lease expired can be claimed again.
	// A store shared by several nodes holds a handoff's timers back while
	// another of its timers is leased, so its steps fire in due order.
	ClaimTimers(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*Timer, error)
	// Timer returns one timer.
	Timer(ctx context.Context, id string) (*Timer, error)
	// FinishTimer marks a timer fired (or cancelled, when moot) at now.
	FinishTimer(ctx context.Context, id, status string, now time.Time) error
	PendingTimers(ctx context.Context, handoffID string) ([]*Timer, error)
	// PauseTimers sets a handoff's pending timers of the given kinds aside;
	// PausedTimers lists them; RearmTimer makes one pending again at a new
	// due time.
	PauseTimers(ctx context.Context, handoffID string, kinds ...string) error
	PausedTimers(ctx context.Context, handoffID string) ([]*Timer, error)
	RearmTimer(ctx context.Context, id string, due time.Time) error
	// CancelTimersRef cancels the pending timers of an activity.
	CancelTimersRef(ctx context.Context, ref string) error
	// ArmTimer makes timer t.ID pending at t.DueAt: it inserts it, or
	// re-arms it when it was pending, paused or cancelled; a timer that
	// already fired stays fired (each id fires once).
	ArmTimer(ctx context.Context, t *Timer) error
	// RenewingAccounts lists up to limit accounts whose renewal date is on
	// or after from (YYYY-MM-DD), by renewal date.
	RenewingAccounts(ctx context.Context, from string, limit int) ([]*Account, error)

	// Activities.
	InsertActivities(ctx context.Context, as ...*Activity) error
	Activities(ctx context.Context, handoffID string) ([]*Activity, error)
	Activity(ctx context.Context, id string) (*Activity, error)
	UpdateActivity(ctx context.Context, a *Activity) error

	// Outbound messages.
	EnqueueMessage(ctx context.Context, m *Message) error
	// EnqueueMessages is EnqueueMessage for several messages in one
	// statement.
	EnqueueMessages(ctx context.Context, ms ...*Message) error
	ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*Message, error)
	// SettleMessage records a delivery attempt's result.
	SettleMessage(ctx context.Context, m *Message) error
	Messages(ctx context.Context, status string, limit int) ([]*Message, error)
	// MessagesAbout lists, like Messages, the messages addressed to one of
	// userIDs or about a handoff one of them owns, backs up or sent.
	MessagesAbout(ctx context.Context, status string, userIDs []string, limit int) ([]*Message, error)
	// Message returns one message, or ENOTFOUND.
	Message(ctx context.Context, id string) (*Message, error)
	// MessagesPage lists messages with a status (all when empty), newest
	// first, skipping offset of them.
	MessagesPage(ctx context.Context, status string, offset, limit int) ([]*Message, error)
	// MessageCounts counts messages by status.
	MessageCounts(ctx context.Context) (map[string]int, error)
	// RetryMessage makes a failed message pending again, due at now, with
	// its attempts reset; ENOTFOUND when no such message, ECONFLICT when it
	// is not failed.
	RetryMessage(ctx context.Context, id string, now time.Time) error

	// Routing fairness state, updated in the same transaction as the pick.
	PoolState(ctx context.Context, pool string) (PoolState, error)
	// RecordPick stores a pick: the pool's new virtual time, the member's
	// new pass, and one more assignment for the member on now's UTC day.
	RecordPick(ctx context.Context, pool, userID string, vtime, pass int64, now time.Time) error
	// ReturnTurn gives a pool member a turn back (a no-show): it sets the
	// member's pass and the pool's virtual time and uncounts the pick;
	// ENOTFOUND when the user has no standing in the pool.
	ReturnTurn(ctx context.Context, pool, userID string, vtime, pass int64) error
	// Loads returns open handoffs, assignments today (UTC) and in the last
	// 30 days for each of the users.
	Loads(ctx context.Context, userIDs []string, now time.Time) (map[string]Load, error)
	// AccountIDByDomain finds the account owning a domain (primary or alias).
	AccountIDByDomain(ctx context.Context, domain string) (string, error)
	// AccountForDomain is AccountIDByDomain and Account in one statement:
	// the account owning a domain (primary or alias), or ENOTFOUND.
	AccountForDomain(ctx context.Context, domain string) (*Account, error)

	// API tokens.
	InsertToken(ctx context.Context, t *Token) error
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	Token(ctx context.Context, id string) (*Token, error)
	// Tokens lists a user's tokens (everyone's when userID is empty),
	// oldest first.
	Tokens(ctx context.Context, userID string) ([]*Token, error)
	// UpdateToken writes a token's last-used and revoked times.
	UpdateToken(ctx context.Context, t *Token) error

	// Sign-in. PasswordHash returns ENOTFOUND when the user has none.
	PasswordHash(ctx context.Context, userID string) (string, error)
	PutPasswordHash(ctx context.Context, userID, hash string, now time.Time) error
	InsertSession(ctx context.Context, s *Session) error
	// SessionByHash finds a session by its id's hash, or ENOTFOUND.
	SessionByHash(ctx context.Context, hash string) (*Session, error)
	TouchSession(ctx context.Context, hash string, seen time.Time) error
	DeleteSession(ctx context.Context, hash string) error
	// DeleteSessions signs a user out everywhere, returning how many
	// sessions ended.
	DeleteSessions(ctx context.Context, userID string) (int, error)
	InsertLink(ctx context.Context, l *Link) error
	// LinkByHash finds a one-time link by its code's hash, or ENOTFOUND.
	LinkByHash(ctx context.Context, hash string) (*Link, error)
	// UseLink marks a link used at now, or returns ECONFLICT when it was
	// used already.
	UseLink(ctx context.Context, hash string, now time.Time) error
	// RecordSignInFailure counts a failed sign-in under key at at and
	// forgets key's failures before forget; SignInFailures counts key's
	// failures at or after since; ClearSignInFailures forgets them all.
	RecordSignInFailure(ctx context.Context, key string, at, forget time.Time) error
	SignInFailures(ctx context.Context, key string, since time.Time) (int, error)
	ClearSignInFailures(ctx context.Context, key string) error

	// Published playbooks. InsertPlaybookVersion stores v with the next
	// version number (set on v); PlaybookVersions lists them newest first;
	// PlaybookVersion returns one by number, or ENOTFOUND.
	InsertPlaybookVersion(ctx context.Context, v *PlaybookVersion) error
	PlaybookVersions(ctx context.Context, limit int) ([]*PlaybookVersion, error)
	PlaybookVersion(ctx context.Context, version int) (*PlaybookVersion, error)
	// Prospect deliverability and show rate (see package prospect).
	// MarkContactBounced records that mail to a contact bounced at at; an
	// earlier mark is kept.
	MarkContactBounced(ctx context.Context, contactID string, at time.Time) error
	// ReserveProspectSend counts one more prospect email handed to the
	// relay from mailbox on day's UTC date, unless capacity are counted
	// already; false means the day is full and nothing was counted.
	ReserveProspectSend(ctx context.Context, mailbox string, day time.Time, capacity int) (bool, error)
	// RecordProspectBounce counts one bounce of mail from mailbox on day's
	// UTC date.
	RecordProspectBounce(ctx context.Context, mailbox string, day time.Time) error
	// ProspectSendDays returns the counts of every mailbox and UTC date
	// with from <= date < to, oldest first.
	ProspectSendDays(ctx context.Context, from, to time.Time) ([]ProspectSendDay, error)
	// MeetingOutcomes streams the held and no-show meetings starting in
	// [from, to) to fn, in start order.
	MeetingOutcomes(ctx context.Context, from, to time.Time, fn func(MeetingOutcome) error) error

	// Key-value settings (e.g. the learned objection model).
	Setting(ctx context.Context, key string) ([]byte, error)
	PutSetting(ctx context.Context, key string, value []byte) error

	// Meetings from before Baton (see PastMeeting). PastMeetingByKey
	// returns the meeting with that Key, or ENOTFOUND; PutPastMeeting
	// inserts or replaces one by ID (ECONFLICT when another has its Key);
	// PastMeetings streams those held in [from, to) to fn, in HeldAt order.
	PastMeetingByKey(ctx context.Context, key string) (*PastMeeting, error)
	PutPastMeeting(ctx context.Context, m *PastMeeting) error
	PastMeetings(ctx context.Context, from, to time.Time, fn func(*PastMeeting) error) error
	// OutcomeEvents streams the outcome events with at in [from, to) to fn,
	// in log order. FirstHandoffAt returns when the first handoff was
	// created, or ENOTFOUND when there is none.
	OutcomeEvents(ctx context.Context, from, to time.Time, fn func(*Event) error) error
	FirstHandoffAt(ctx context.Context) (time.Time, error)

	// The sales → customer success protocol (CSHandoff). CSHandoff returns
	// a handoff's protocol state, or ENOTFOUND; PutCSHandoff inserts or
	// replaces it.
	CSHandoff(ctx context.Context, handoffID string) (*CSHandoff, error)
	PutCSHandoff(ctx context.Context, c *CSHandoff) error
	// CRM write-back (package crm). CRMConnector returns a connector's
	// state, or ENOTFOUND when it was never broken; PutCRMConnector writes
	// it. CRMDelivery returns what a message created in the CRM, or
	// ENOTFOUND; InsertCRMDelivery records it (a second record of one
	// message is ignored); CRMDeliveries lists a connector's newest, at
	// most limit. ReleaseCRMMessages makes the pending messages of a
	// connector (on its channel, CRMChannelPrefix + name) due at now;
	// CRMMessageCounts counts them by status.
	CRMConnector(ctx context.Context, name string) (*CRMConnector, error)
	PutCRMConnector(ctx context.Context, c *CRMConnector) error
	CRMDelivery(ctx context.Context, messageID string) (*CRMDelivery, error)
	InsertCRMDelivery(ctx context.Context, d *CRMDelivery) error
	CRMDeliveries(ctx context.Context, connector string, limit int) ([]*CRMDelivery, error)
	ReleaseCRMMessages(ctx context.Context, connector string, now time.Time) (int, error)
	CRMMessageCounts(ctx context.Context, connector string) (map[string]int, error)

	// Retention (see worker.Retention and retention.go). Each call works
	// through at most limit rows, so it holds the writer briefly, and may
	// run on several nodes at once: a row one deletes, another finds gone.
	// PurgeTimers deletes the finished (fired or cancelled) timers, among
	// the limit timers after the id after in id order, that fell due and
	// finished before before; it returns how many it deleted and the last
	// id it looked at, "" when no timer was left after after.
	PurgeTimers(ctx context.Context, before time.Time, after string, limit int) (deleted int, next string, err error)
	// PurgeMessages deletes, among the limit messages after the id after in
	// id order, those sent before before and those failed (for good) that
	// were created and last tried before before; pending messages stay, and
	// so do sent prospect reminders, which the show-rate report reads
	// (MeetingOutcomes). It returns how many it deleted and the last id it
	// looked at, "" when no message was left after after.
	PurgeMessages(ctx context.Context, before time.Time, after string, limit int) (deleted int, next string, err error)
	// ClearSignalBodies replaces the stored body of up to limit signals
	// received before before with what Baton keeps of it
	// (Signal.WithoutBody), oldest first, carrying on from where its last
	// call stopped; it returns how many it looked at. The signal rows, with
	// their external ids and handoffs, stay.
	ClearSignalBodies(ctx context.Context, before time.Time, limit int) (int, error)
}

// CRMChannelPrefix starts the outbox channel of every CRM connector
// ("crm:hubspot"); the store indexes those channels alone.
const CRMChannelPrefix = "crm:"

// CRMConnector is the state of one CRM write-back connector (hubspot,
// salesforce): working, or broken since the CRM refused its credentials.
type CRMConnector struct {
	Name string `json:"name"`
	// Broken reports that the CRM answered 401 or 403: nothing is sent to
	// it until an admin marks it fixed.
	Broken   bool      `json:"broken"`
	Reason   string    `json:"reason,omitempty"`
	BrokenAt time.Time `json:"broken_at,omitzero"`
	// FixedAt is when an admin last marked it fixed, and FixedBy who.
	FixedAt   time.Time `json:"fixed_at,omitzero"`
	FixedBy   string    `json:"fixed_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CRMDelivery records that an outbox message was written to a CRM, so a
// redelivery of the message (a lost acknowledgement, an expired lease)
// writes nothing twice: the CRMs take no idempotency key.
type CRMDelivery struct {
	MessageID string `json:"message_id"`
	Connector string `json:"connector"`
	// Action is owner, note, task or link.
	Action   string `json:"action"`
	RecordID string `json:"record_id"`
	// RemoteID is the id the CRM gave what was created (a note, a task);
	// empty for an update.
	RemoteID    string    `json:"remote_id,omitempty"`
	HandoffID   string    `json:"handoff_id,omitempty"`
	DeliveredAt time.Time `json:"delivered_at"`
}

// PoolState is a routing pool's fairness state: its virtual time and each
// member's pass (see package routing).
type PoolState struct {
	VTime   int64
	Members map[string]PoolMember
}

// PoolMember is one user's standing in a pool.
type PoolMember struct {
	Pass     int64
	Assigned int64
}

// Load is how much a user already holds, for caps and least-loaded routing.
type Load struct {
	Open, Today, Month int
}

// PlaybookVersion is one published playbook: its YAML, who published it and
// when. Versions count publications from 1; the newest is in force.
type PlaybookVersion struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	YAML    string `json:"yaml"`
	// AuthorID is the user who published it; empty for one given at
	// start-up with --playbook.
	AuthorID  string    `json:"author_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// Note says why: free text, or "rollback to version N".
	Note string `json:"note,omitempty"`
}

// ProspectSendDay is one sending mailbox's prospect email on one UTC date.
type ProspectSendDay struct {
	// Day is the UTC date, as 2006-01-02.
	Day     string `json:"day"`
	Mailbox string `json:"mailbox"`
	// Sent counts emails handed to the relay (an attempt that failed and
	// was retried counts again); Bounced counts permanent refusals of the
	// recipient.
	Sent    int `json:"sent"`
	Bounced int `json:"bounced"`
}

// MeetingOutcome is a settled meeting as the show-rate report reads it.
type MeetingOutcome struct {
	MeetingID string
	HandoffID string
	StartsAt  time.Time
	// Status is MeetingHeld or MeetingNoShow.
	Status string
	// Source is the source of the signal that opened the handoff.
	Source string
	// Reminded reports that at least one reminder reached the relay.
	Reminded bool
}
