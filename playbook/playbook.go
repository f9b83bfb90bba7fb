// Package playbook loads, validates and compiles a team's rules: handoff
// types, SLA tiers and routing precedence, from one versioned YAML file.
//
// Loading reports every problem it finds, each with file:line:column and what
// was expected, so `baton playbook check` can list them all at once. Rule
// conditions are expr-lang expressions compiled and type-checked at load
// time, against the free fields the playbook declares with their types: a
// typo or a comparison of a number with a string is a load error, never a
// runtime surprise. Conditions run under a budget (see MaxConditionWork and
// the other limits in condition.go), so no playbook can exhaust the server;
// a condition that fails at run time is an "error" step in the trace and
// counted (Playbook.ConditionErrors). A loaded Playbook is immutable, but for
// that count, and safe for concurrent use.
package playbook

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bizhours"
	"github.com/expr-lang/expr/vm"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML returns the default playbook's source, which encodes the
// handoff matrix of the seeds.
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Default returns the compiled default playbook. It panics only if the
// embedded file is broken, which a test prevents.
func Default() *Playbook {
	pb, err := Parse("default.yaml", defaultYAML)
	if err != nil {
		panic(fmt.Sprintf("playbook: embedded default is invalid: %v", err))
	}
	return pb
}

// Routing precedence steps, evaluated in order; the first that yields an
// eligible owner wins.
const (
	StepExistingCustomer = "existing_customer" // the account's CSM (or owner) when it is a customer
	StepOpenOpportunity  = "open_opportunity"  // the owner of the account's open opportunity
	StepNamedAccount     = "named_account"     // the account's named owner
	StepRules            = "rules"             // the first routing rule whose condition holds → its pool
	StepPool             = "pool"              // the receiving team's pool
)

// PrecedenceSteps lists the valid routing steps.
var PrecedenceSteps = []string{StepExistingCustomer, StepOpenOpportunity, StepNamedAccount, StepRules, StepPool}

// Distribution methods within a pool.
const (
	MethodRoundRobin  = "round_robin"  // equal turns, least recently picked first
	MethodWeighted    = "weighted"     // turns in proportion to each user's weight
	MethodLeastLoaded = "least_loaded" // fewest open handoffs first
)

// Methods lists the valid distribution methods.
var Methods = []string{MethodRoundRobin, MethodWeighted, MethodLeastLoaded}

// Playbook is a loaded, validated and compiled playbook.
type Playbook struct {
	Version     int          `yaml:"version"`
	Name        string       `yaml:"name"`
	SignalTypes []SignalType `yaml:"signal_types"`
	// SignalFields declares the free fields of signals that conditions read
	// (fields.NAME), with their types.
	SignalFields []SignalField   `yaml:"fields"`
	Calendars    []Calendar      `yaml:"calendars"`
	Teams        map[string]Team `yaml:"teams"`
	// Templates name the context a handoff carries; "minimum" applies to
	// every type.
	Templates map[string][]Field `yaml:"templates"`
	// Intake is the short form sent to a prospect when a meeting is booked.
	Intake Intake `yaml:"intake"`
	// Briefs sets when the pre-call brief goes to the owner.
	Briefs Briefs `yaml:"briefs"`
	// Prospect is how Baton writes to prospects (prospect.go).
	Prospect     Prospect      `yaml:"prospect"`
	Tiers        []Tier        `yaml:"tiers"`
	HandoffTypes []HandoffType `yaml:"handoff_types"`
	Routing      Routing       `yaml:"routing"`
	// Outcomes say what each outcome of a call starts (outcome.go); every
	// outcome is present after loading, its defaults filled in.
	Outcomes map[string]*Outcome `yaml:"outcomes"`
	// Meetings says what a reschedule does to the owner.
	Meetings Meetings `yaml:"meetings"`
	// Notifications names the channels of each message kind sent to the
	// team (e.g. handoff.assigned: [email, slack]); a kind not named goes
	// by urgency (see package notify).
	Notifications map[string]ChannelList `yaml:"notifications"`
	// Feedback is when repeated rejections escalate and the prospect's
	// post-meeting survey (feedback.go).
	Feedback Feedback `yaml:"feedback"`
	// Renewal sets when an account's renewal date raises renewal_due
	// (renewal.go).
	Renewal Renewal `yaml:"renewal"`
	// Quality is the handoff quality score: a rubric per handoff type and
	// its bands (quality.go).
	Quality Quality `yaml:"quality"`
	// CSProtocol is the sales → customer success handoff protocol
	// (csprotocol.go).
	CSProtocol CSProtocol `yaml:"cs_protocol"`
	// Connectors maps CRM and scheduler webhooks to signals
	// (connectors.go); every entry has a default.
	Connectors Connectors `yaml:"connectors"`

	// Source is the YAML the playbook was loaded from.
	Source []byte `yaml:"-"`

	signalTypes map[string]bool
	tiers       map[string]*Tier
	calendars   map[string]*bizhours.Calendar
	fields      map[string][]Field
	byTrigger   map[string][]*HandoffType
	declared    map[string]string // free field → type
	errs        atomic.Int64      // conditions that failed in live routing
}

// SignalType declares a signal type beyond the built-in ones.
type SignalType struct {
	Name  string `yaml:"name"`
	Label string `yaml:"label"`
}

// Tier is an SLA tier by buyer intent.
type Tier struct {
	Name  string `yaml:"name"`
	Label string `yaml:"label"`
	// Accept is the time from assignment to acceptance (required).
	Accept baton.Duration `yaml:"accept"`
	// FirstTouch is the time from assignment to first touch; defaults to Accept.
	FirstTouch baton.Duration `yaml:"first_touch"`
	// Grace is how long after an accept breach the handoff moves to the
	// backup owner; 0 never reassigns automatically.
	Grace baton.Duration `yaml:"grace"`
	// FixBy is how long a sender has to fix a rejected handoff; default 24h.
	FixBy baton.Duration `yaml:"fix_by"`
	// Clock is "business" (default: SLA time counts only the receiving
	// team's calendar) or "around_the_clock".
	Clock string `yaml:"clock"`
	// OutcomeBy is how long after a meeting ends its outcome is due
	// (default 1d).
	OutcomeBy baton.Duration `yaml:"outcome_by"`
	// Ladder is the escalation ladder of the accept clock. Empty gives the
	// default: remind the owner at 50%, alert the manager at 100%, move to
	// the backup Grace after the deadline, alert the ops lead 2×Grace after.
	Ladder []LadderStep `yaml:"ladder"`
	// OutcomeLadder escalates the outcome clock of a meeting that ended
	// without an outcome: steps at a fraction of OutcomeBy ("50%") or past
	// it ("after: 4h"), each remind_owner, alert_manager or alert_ops; the
	// first at or past 100% records the outcome overdue. They do not
	// repeat. Empty gives the default: remind the owner at 50%, alert the
	// manager at 100%.
	OutcomeLadder []LadderStep `yaml:"outcome_ladder"`
}

// Clocks.
const (
	ClockBusiness       = "business"
	ClockAroundTheClock = "around_the_clock"
)

// Ladder actions.
const (
	ActionRemindOwner    = "remind_owner"
	ActionAlertManager   = "alert_manager"
	ActionReassignBackup = "reassign_backup"
	ActionAlertOps       = "alert_ops"
	ActionRaisePriority  = "raise_priority"
)

// LadderActions lists the valid ladder actions.
var LadderActions = []string{ActionRemindOwner, ActionAlertManager, ActionReassignBackup, ActionAlertOps, ActionRaisePriority}

// LadderStep is one rung of an escalation ladder: at a fraction of the
// accept SLA ("50%") or an offset past its deadline ("after: 30m").
type LadderStep struct {
	At     string         `yaml:"at"`
	After  baton.Duration `yaml:"after"`
	Action string         `yaml:"action"`
	// Channel names the channels of the step's message, a name or a list
	// ([slack, email]); empty follows Notifications, then urgency.
	Channel ChannelList `yaml:"channel"`
	// Repeat is how often the last rung repeats while the handoff is still
	// not accepted: a duration of the tier's SLA time ("4h"; "1d" is one
	// working day on a business clock) or "off". Only the last step takes
	// it. Default: DefaultRepeat, except for reassign_backup (never
	// repeats). Each repeat waits for its recipient's next working minute.
	Repeat string `yaml:"repeat"`
	// Repeats caps how many times the last rung repeats; default
	// DefaultRepeats, at most MaxRepeats.
	Repeats int `yaml:"repeats"`

	// Fraction is At parsed (0.5 for "50%"); 0 when the step uses After.
	Fraction float64 `yaml:"-"`
	// Every is Repeat parsed; 0 when the step does not repeat.
	Every baton.Duration `yaml:"-"`
}

// Repeats of a ladder's last rung.
const (
	// DefaultRepeat is how often the last rung repeats unless its step
	// says otherwise: every working day (24 h on an around-the-clock tier).
	DefaultRepeat = baton.Duration(24 * time.Hour)
	// DefaultRepeats is how many times the last rung repeats by default.
	DefaultRepeats = 5
	// MaxRepeats is the most repeats a step may ask for.
	MaxRepeats = 100
	// MinRepeat is the shortest repeat interval.
	MinRepeat = baton.Duration(time.Minute)
)

// Calendar is a named business-hours calendar.
type Calendar struct {
	Name     string   `yaml:"name"`
	TimeZone string   `yaml:"timezone"`
	Hours    string   `yaml:"hours"`
	Holidays []string `yaml:"holidays"`

	cal *bizhours.Calendar
}

// Team holds a team's settings.
type Team struct {
	// Calendar names the team's business-hours calendar.
	Calendar string `yaml:"calendar"`
	// OpsLead is the email of who the ladder's alert_ops step alerts.
	OpsLead string `yaml:"ops_lead"`
	// SharedQueue lets every member see the handoffs of every other
	// member (the deal desk's approval queue); default false.
	SharedQueue bool `yaml:"shared_queue"`
}

// Activity is a follow-up task a handoff type creates, with its own clock.
type Activity struct {
	Name  string `yaml:"name"`
	Label string `yaml:"label"`
	// Owner is who does it: "owner" (default), "sender", "backup" or
	// "manager" (the owner's).
	Owner string `yaml:"owner"`
	// Within is the SLA from the anchor event.
	Within baton.Duration `yaml:"within"`
	// From is the anchor: "created" (default) or "accepted"; an
	// outcome's tasks start when the outcome is recorded ("outcome", set
	// by loading).
	From string `yaml:"from"`
}

// Intake is the prospect intake form: at most MaxIntakeQuestions
// questions, framed as preparation for the call, each filling a context
// field of the handoff.
type Intake struct {
	// Title and Intro frame the form ("Help us prepare for your call").
	Title string `yaml:"title"`
	Intro string `yaml:"intro"`
	// Expires is how long a link lives after it is created, at most until
	// the meeting starts (default 7d).
	Expires   baton.Duration   `yaml:"expires"`
	Questions []IntakeQuestion `yaml:"questions"`
}

// IntakeQuestion asks the prospect for one context field.
type IntakeQuestion struct {
	Field    string `yaml:"field"`
	Question string `yaml:"question"`
	Help     string `yaml:"help"`
}

// MaxIntakeQuestions bounds the intake form.
const MaxIntakeQuestions = 7

// Briefs configures the pre-call notification.
type Briefs struct {
	// PreCall is how long before a meeting the owner gets the brief
	// (default 30m); a meeting booked later than that gets it at once.
	PreCall baton.Duration `yaml:"pre_call"`
	// TypicalDeal is the team's usual deal size; a budget far outside it
	// (a third or three times) is flagged in briefs. 0 turns the flag off.
	TypicalDeal float64 `yaml:"typical_deal"`
}

// Field types.
const (
	FieldText       = "text"
	FieldNumber     = "number"
	FieldMoneyRange = "money_range"
	FieldDate       = "date"
	FieldChoice     = "choice"
	FieldPerson     = "person"
	FieldList       = "list"
	FieldLink       = "link"
	// FieldTable is a table: its value is a list of rows, each an object
	// keyed by the names of the field's Columns.
	FieldTable = "table"
	// ColumnBool is a table column holding true or false.
	ColumnBool = "bool"
)

// FieldTypes lists the valid field types.
var FieldTypes = []string{FieldText, FieldNumber, FieldMoneyRange, FieldDate, FieldChoice, FieldPerson, FieldList, FieldLink, FieldTable}

// ColumnTypes lists the valid types of a table's columns.
var ColumnTypes = []string{FieldText, FieldDate, FieldChoice, FieldPerson, ColumnBool, FieldNumber}

// MaxColumns bounds a table field's columns.
const MaxColumns = 12

// AutoKeys are the facts Baton fills in itself (Field.Auto).
var AutoKeys = []string{"buyer", "account_status", "contact_info", "source", "intent_signal", "problem", "stage", "owner_backup", "sla_deadline", "meeting"}

// Field is one piece of context a handoff must carry.
type Field struct {
	Name    string   `yaml:"name"`
	Label   string   `yaml:"label"`
	Type    string   `yaml:"type"`
	Section string   `yaml:"section"`
	Options []string `yaml:"options"`
	// Auto fills the field from what Baton knows (AutoKeys); a person may
	// still override it.
	Auto string `yaml:"auto"`
	// Columns are a table field's columns (type table only).
	Columns []Column `yaml:"columns"`
	// Formerly is the name the field had before (a list that became a
	// table, say): a handoff that still holds a value under that name and
	// none under this one shows and counts the old value as this field's,
	// until the field is saved.
	Formerly string `yaml:"formerly"`
}

// Column is one column of a table field.
type Column struct {
	Name  string `yaml:"name"`
	Label string `yaml:"label"`
	// Type is one of ColumnTypes; default text.
	Type    string   `yaml:"type"`
	Options []string `yaml:"options"`
	// Required columns must be set in a row for the table to count as
	// filled in (completeness); a row may still be saved without them.
	Required bool `yaml:"required"`
}

// Column returns the column of a table field named name, if any.
func (f Field) Column(name string) (Column, bool) {
	for _, c := range f.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// TierRule raises (or lowers) a handoff's tier when its condition holds.
type TierRule struct {
	When string `yaml:"when"`
	Tier string `yaml:"tier"`

	when *vm.Program
	tier *Tier
}

// HandoffType is one row of the handoff matrix.
type HandoffType struct {
	Name  string `yaml:"name"`
	Label string `yaml:"label"`
	From  string `yaml:"from"`
	To    string `yaml:"to"`
	// Triggers are the signal types that start this type of handoff.
	Triggers []string `yaml:"triggers"`
	// When is an optional expr condition over the signal, account and
	// contact (see Env); the type applies only when it is true.
	When string `yaml:"when"`
	Tier string `yaml:"tier"`
	// SLA overrides the tier's accept time; FirstTouch its first-touch time.
	SLA        baton.Duration `yaml:"sla"`
	FirstTouch baton.Duration `yaml:"first_touch"`
	// BeforeMeeting, when set and the signal carries a meeting, makes the
	// deadlines fall this long before the meeting starts (e.g. the meeting-set
	// brief due 24 h before), never earlier than MinLead after assignment.
	BeforeMeeting baton.Duration `yaml:"before_meeting"`
	// Template names the type's context template (beside "minimum").
	Template string `yaml:"template"`
	// Required lists further text fields the receiver needs.
	Required []string `yaml:"required"`
	// Gate is the completeness (0-100 %) below which the sender cannot
	// submit: the handoff stays returned until the context is filled.
	Gate          int    `yaml:"gate"`
	SuccessMetric string `yaml:"success_metric"`
	// Precedence overrides the playbook's routing precedence for this type.
	Precedence []string `yaml:"precedence"`
	// Coalesce is the window in which a new signal from the same contact
	// joins an open handoff of this type instead of opening another; "0s"
	// turns coalescing off; empty uses routing.coalesce.
	Coalesce *baton.Duration `yaml:"coalesce"`
	// TierRules pick another tier when their condition holds, first match
	// wins (a target account's pricing inquiry is hot).
	TierRules []TierRule `yaml:"tier_rules"`
	// Activities are follow-up tasks with their own clocks.
	Activities []Activity `yaml:"activities"`
	// Approval makes the receiver decide the handoff: approve, reject with
	// a reason, or return it to the sender with the changes needed (the
	// deal desk); default false.
	Approval bool `yaml:"approval"`

	when *vm.Program
	tier *Tier
}

// Routing holds the playbook-wide routing settings.
type Routing struct {
	Precedence []string `yaml:"precedence"`
	// FallbackTeam receives signals no step could place; ops is alerted.
	FallbackTeam string `yaml:"fallback_team"`
	// Coalesce is the default coalescing window (default 72h).
	Coalesce baton.Duration `yaml:"coalesce"`
	// CoalesceBy is what makes two signals the same buyer: "contact"
	// (default) or "account".
	CoalesceBy string `yaml:"coalesce_by"`
	// Method is the distribution of the receiving team's pool (default
	// round_robin).
	Method string `yaml:"method"`
	// WorkingHours prefers pool members inside their working hours (default
	// true); when none is, the pick ignores hours and says so in the trace.
	WorkingHours *bool `yaml:"working_hours"`
	// ReturnTurnOnNoShow gives an owner picked by turn their turn back
	// when the prospect does not show (default true), once per
	// assignment; a rule's pool may say otherwise.
	ReturnTurnOnNoShow *bool `yaml:"return_turn_on_no_show"`
	// Rules are evaluated in order by the "rules" step; the first whose
	// condition holds sends the handoff to its pool.
	Rules []Rule `yaml:"rules"`

	rulesByType map[string][]*Rule
}

// Rule sends matching handoffs to a pool.
type Rule struct {
	Name string `yaml:"name"`
	// When is an expr condition over Env (required).
	When string `yaml:"when"`
	// Types limits the rule to these handoff types; empty means all.
	Types []string `yaml:"types"`
	To    PoolSpec `yaml:"to"`

	when   *vm.Program
	guards []Guard
	checks []check
	// heads are the indexes of the rule lists this rule begins; see Admit.
	heads []*ruleIndex
}

// PoolSpec names a pool: a team's members or a list of users (emails).
type PoolSpec struct {
	Team         string   `yaml:"team"`
	Users        []string `yaml:"users"`
	Method       string   `yaml:"method"`
	WorkingHours *bool    `yaml:"working_hours"`
	// ReturnTurnOnNoShow overrides the routing section's for this pool.
	ReturnTurnOnNoShow *bool `yaml:"return_turn_on_no_show"`
}
