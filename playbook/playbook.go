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
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bizhours"
	"github.com/expr-lang/expr/vm"
	"go.yaml.in/yaml/v4"
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
	Briefs       Briefs        `yaml:"briefs"`
	Tiers        []Tier        `yaml:"tiers"`
	HandoffTypes []HandoffType `yaml:"handoff_types"`
	Routing      Routing       `yaml:"routing"`

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
	At      string         `yaml:"at"`
	After   baton.Duration `yaml:"after"`
	Action  string         `yaml:"action"`
	Channel string         `yaml:"channel"`
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
	// From is the anchor: "created" (default) or "accepted".
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
)

// FieldTypes lists the valid field types.
var FieldTypes = []string{FieldText, FieldNumber, FieldMoneyRange, FieldDate, FieldChoice, FieldPerson, FieldList, FieldLink}

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
}

// Fields returns the context fields of a handoff type: the minimum
// template, the type's template and its required fields, each once.
func (pb *Playbook) Fields(h *HandoffType) []Field { return pb.fields[h.Name] }

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
}

// PoolSpec names a pool: a team's members or a list of users (emails).
type PoolSpec struct {
	Team         string   `yaml:"team"`
	Users        []string `yaml:"users"`
	Method       string   `yaml:"method"`
	WorkingHours *bool    `yaml:"working_hours"`
}

// RulesFor returns the rules that apply to a handoff type, in order.
func (pb *Playbook) RulesFor(handoffType string) []*Rule { return pb.Routing.rulesByType[handoffType] }

// PoolHours reports whether a pool prefers members in working hours.
func (pb *Playbook) PoolHours(spec *PoolSpec) bool {
	if spec != nil && spec.WorkingHours != nil {
		return *spec.WorkingHours
	}
	return pb.Routing.WorkingHours == nil || *pb.Routing.WorkingHours
}

// Problem is one thing wrong with a playbook, at a position in its file.
type Problem struct {
	File    string
	Line    int
	Column  int
	Message string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return fmt.Sprintf("%s: %s", p.File, p.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
}

// Error lists every problem found while loading a playbook.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Load reads and parses a playbook file.
func Load(path string) (*Playbook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("playbook: %w", err)
	}
	return Parse(path, b)
}

// MaxSize bounds a playbook file.
const MaxSize = 1 << 20

// Parse parses and validates a playbook; name is used in error positions.
// The error, if any, is an *Error listing every problem.
func Parse(name string, src []byte) (*Playbook, error) {
	if len(src) > MaxSize {
		return nil, &Error{[]Problem{{File: name, Message: fmt.Sprintf("file is larger than %d bytes", MaxSize)}}}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, &Error{yamlProblems(name, err)}
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, &Error{[]Problem{{File: name, Line: 1, Column: 1, Message: "empty playbook: expected a mapping with version, tiers and handoff_types"}}}
	}
	pb := &Playbook{Source: bytes.Clone(src)}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	// Values of the wrong type and unknown keys leave the rest decoded:
	// validate it too, so one pass reports every problem.
	var problems []Problem
	if err := dec.Decode(pb); err != nil {
		var les *yaml.LoadErrors
		if !errors.As(err, &les) {
			return nil, &Error{yamlProblems(name, err)}
		}
		problems = yamlProblems(name, err)
	}
	decoded := len(problems)
	v := &validator{file: name, pos: positions(&root)}
	pb.validate(v)
	for _, p := range v.problems {
		// A value that could not be decoded is also zero, and may be
		// reported again as missing: once is enough.
		if !slices.ContainsFunc(problems[:decoded], func(q Problem) bool { return q.Line == p.Line && q.Column == p.Column }) {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool {
			if problems[i].Line != problems[j].Line {
				return problems[i].Line < problems[j].Line
			}
			return problems[i].Column < problems[j].Column
		})
		return nil, &Error{problems}
	}
	return pb, nil
}

func yamlProblems(name string, err error) []Problem {
	var les *yaml.LoadErrors
	if errors.As(err, &les) && len(les.Errors) > 0 {
		out := make([]Problem, 0, len(les.Errors))
		for _, le := range les.Errors {
			out = append(out, Problem{File: name, Line: le.Mark.Line, Column: le.Mark.Column, Message: cleanYAML(le.Message)})
		}
		return out
	}
	var le *yaml.LoadError
	if errors.As(err, &le) {
		return []Problem{{File: name, Line: le.Mark.Line, Column: le.Mark.Column, Message: cleanYAML(le.Message)}}
	}
	return []Problem{{File: name, Message: err.Error()}}
}

func cleanYAML(msg string) string {
	msg = strings.ReplaceAll(msg, "playbook.", "")
	msg = strings.ReplaceAll(msg, "baton.", "")
	return msg
}

// validator collects problems, resolving field paths to file positions.
type validator struct {
	file     string
	pos      map[string][2]int
	problems []Problem
}

// add records a problem at path ("handoff_types[2].tier"); when the path has
// no position, its nearest parent's is used.
func (v *validator) add(path, format string, args ...any) {
	p := path
	for {
		if lc, ok := v.pos[p]; ok {
			v.problems = append(v.problems, Problem{File: v.file, Line: lc[0], Column: lc[1], Message: fmt.Sprintf(format, args...)})
			return
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	v.problems = append(v.problems, Problem{File: v.file, Line: 1, Column: 1, Message: fmt.Sprintf(format, args...)})
}

// positions maps each field path of a YAML document to its line and column
// (of the value; of the key for mapping entries).
func positions(root *yaml.Node) map[string][2]int {
	out := map[string][2]int{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, val := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				out[p] = [2]int{val.Line, val.Column}
				walk(val, p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				out[p] = [2]int{c.Line, c.Column}
				walk(c, p)
			}
		}
	}
	walk(root, "")
	if len(root.Content) > 0 {
		out[""] = [2]int{root.Content[0].Line, root.Content[0].Column}
	}
	return out
}

// validate checks pb section by section, filling in defaults and building
// the indexes the playbook is queried by; v collects the problems.
func (pb *Playbook) validate(v *validator) {
	if pb.Version != 1 {
		v.add("version", "version must be 1, got %d", pb.Version)
	}
	pb.validateSignalTypes(v)
	pb.validateSignalFields(v)
	pb.validateCalendars(v)
	pb.validateTiers(v)
	pb.validateRouting(v)
	pb.validateHandoffTypes(v)
	pb.validateTeams(v)
	pb.validateTemplates(v)
	pb.validateRules(v)
	pb.validateBriefs(v)
	pb.validateIntake(v)
}

// validateSignalTypes checks the declared signal types and indexes them
// with the built-in ones.
func (pb *Playbook) validateSignalTypes(v *validator) {
	pb.signalTypes = map[string]bool{}
	for _, s := range baton.BuiltinSignalTypes {
		pb.signalTypes[s] = true
	}
	for i, st := range pb.SignalTypes {
		p := fmt.Sprintf("signal_types[%d].name", i)
		switch {
		case !baton.ValidName(st.Name):
			v.add(p, "signal type name %q: expected lowercase letters, digits and underscores", st.Name)
		case pb.signalTypes[st.Name]:
			v.add(p, "signal type %q is already defined (built-in or repeated)", st.Name)
		}
		pb.signalTypes[st.Name] = true
	}
}

// validateTiers checks the SLA tiers, fills in their defaults and indexes
// them by name.
func (pb *Playbook) validateTiers(v *validator) {
	pb.tiers = map[string]*Tier{}
	if len(pb.Tiers) == 0 {
		v.add("tiers", "at least one tier is required")
	}
	for i := range pb.Tiers {
		t := &pb.Tiers[i]
		p := fmt.Sprintf("tiers[%d]", i)
		if !baton.ValidName(t.Name) {
			v.add(p+".name", "tier name %q: expected lowercase letters, digits and underscores", t.Name)
		} else if pb.tiers[t.Name] != nil {
			v.add(p+".name", "tier %q is defined twice", t.Name)
		}
		pb.tiers[t.Name] = t
		if t.Accept <= 0 {
			v.add(p+".accept", "tier %q: accept must be a positive duration such as 5m or 4h", t.Name)
		}
		if t.FirstTouch < 0 || t.Grace < 0 || t.FixBy < 0 {
			v.add(p, "tier %q: durations must not be negative", t.Name)
		}
		if t.FirstTouch == 0 {
			t.FirstTouch = t.Accept
		} else if t.FirstTouch < t.Accept {
			v.add(p+".first_touch", "tier %q: first_touch (%s) must not be shorter than accept (%s)", t.Name, t.FirstTouch, t.Accept)
		}
		if t.FixBy == 0 {
			t.FixBy = baton.Duration(24 * time.Hour)
		}
		if t.OutcomeBy == 0 {
			t.OutcomeBy = baton.Duration(24 * time.Hour)
		}
		switch t.Clock {
		case "":
			t.Clock = ClockBusiness
		case ClockBusiness, ClockAroundTheClock:
		default:
			v.add(p+".clock", "tier %q: clock must be business or around_the_clock, got %q", t.Name, t.Clock)
		}
		validateLadder(v, p, t)
	}
}

// validateRouting checks the routing settings and fills in their defaults;
// the rules are validateRules'.
func (pb *Playbook) validateRouting(v *validator) {
	r := &pb.Routing
	validSteps(v, "routing.precedence", r.Precedence)
	if len(r.Precedence) == 0 {
		r.Precedence = []string{StepExistingCustomer, StepOpenOpportunity, StepNamedAccount, StepRules, StepPool}
	}
	if r.FallbackTeam == "" {
		r.FallbackTeam = "ops"
	} else if !baton.ValidName(r.FallbackTeam) {
		v.add("routing.fallback_team", "team %q: expected lowercase letters, digits and underscores", r.FallbackTeam)
	}
	if r.Coalesce == 0 {
		r.Coalesce = baton.Duration(72 * time.Hour)
	} else if r.Coalesce < 0 {
		v.add("routing.coalesce", "coalesce must not be negative")
	}
	switch r.CoalesceBy {
	case "":
		r.CoalesceBy = "contact"
	case "contact", "account":
	default:
		v.add("routing.coalesce_by", "coalesce_by must be contact or account, got %q", r.CoalesceBy)
	}
	if r.Method == "" {
		r.Method = MethodRoundRobin
	} else if !slices.Contains(Methods, r.Method) {
		v.add("routing.method", "unknown method %q (expected one of %s)", r.Method, strings.Join(Methods, ", "))
	}
}

// validateHandoffTypes checks the handoff types and indexes them by the
// signal types that trigger them.
func (pb *Playbook) validateHandoffTypes(v *validator) {
	pb.byTrigger = map[string][]*HandoffType{}
	seen := map[string]bool{}
	if len(pb.HandoffTypes) == 0 {
		v.add("handoff_types", "at least one handoff type is required")
	}
	for i := range pb.HandoffTypes {
		pb.validateHandoffType(v, i, seen)
	}
}

// validateHandoffType checks handoff type i; seen holds the names of the
// types before it.
func (pb *Playbook) validateHandoffType(v *validator, i int, seen map[string]bool) {
	h := &pb.HandoffTypes[i]
	p := fmt.Sprintf("handoff_types[%d]", i)
	if !baton.ValidName(h.Name) {
		v.add(p+".name", "handoff type name %q: expected lowercase letters, digits and underscores", h.Name)
	} else if seen[h.Name] {
		v.add(p+".name", "handoff type %q is defined twice", h.Name)
	}
	seen[h.Name] = true
	if h.Label == "" {
		h.Label = h.Name
	}
	for _, f := range []struct{ key, val string }{{"from", h.From}, {"to", h.To}} {
		if !baton.ValidName(f.val) {
			v.add(p+"."+f.key, "handoff type %q: %s team %q: expected a team name such as sdr, ae, se, cs", h.Name, f.key, f.val)
		}
	}
	if len(h.Triggers) == 0 {
		v.add(p+".triggers", "handoff type %q: at least one trigger signal type is required", h.Name)
	}
	for j, tr := range h.Triggers {
		if !pb.signalTypes[tr] {
			v.add(fmt.Sprintf("%s.triggers[%d]", p, j), "handoff type %q: unknown signal type %q (built-in: %s; or declare it under signal_types)", h.Name, tr, strings.Join(baton.BuiltinSignalTypes, ", "))
			continue
		}
		pb.byTrigger[tr] = append(pb.byTrigger[tr], h)
	}
	if h.tier = pb.tiers[h.Tier]; h.tier == nil {
		v.add(p+".tier", "handoff type %q: unknown tier %q (defined: %s)", h.Name, h.Tier, strings.Join(pb.tierNames(), ", "))
	}
	if h.SLA < 0 || h.FirstTouch < 0 || h.BeforeMeeting < 0 {
		v.add(p, "handoff type %q: durations must not be negative", h.Name)
	}
	if h.Coalesce != nil && *h.Coalesce < 0 {
		v.add(p+".coalesce", "handoff type %q: coalesce must not be negative", h.Name)
	}
	for j, f := range h.Required {
		if !baton.ValidName(f) {
			v.add(fmt.Sprintf("%s.required[%d]", p, j), "handoff type %q: field name %q: expected lowercase letters, digits and underscores", h.Name, f)
		}
	}
	validSteps(v, p+".precedence", h.Precedence)
	if h.When != "" {
		h.when = pb.condition(v, p+".when", fmt.Sprintf("handoff type %q: condition", h.Name), h.When)
	}
	for j := range h.TierRules {
		tr := &h.TierRules[j]
		tp := fmt.Sprintf("%s.tier_rules[%d]", p, j)
		if tr.tier = pb.tiers[tr.Tier]; tr.tier == nil {
			v.add(tp+".tier", "handoff type %q: unknown tier %q", h.Name, tr.Tier)
		}
		tr.when = pb.condition(v, tp+".when", fmt.Sprintf("handoff type %q: tier rule", h.Name), tr.When)
	}
	validateActivities(v, p, h)
}

// validateActivities checks a handoff type's follow-up activities and fills
// in their defaults; p is the type's path.
func validateActivities(v *validator, p string, h *HandoffType) {
	seenAct := map[string]bool{}
	for j := range h.Activities {
		a := &h.Activities[j]
		ap := fmt.Sprintf("%s.activities[%d]", p, j)
		if !baton.ValidName(a.Name) || seenAct[a.Name] {
			v.add(ap+".name", "handoff type %q: activity name %q must be unique lowercase letters, digits and underscores", h.Name, a.Name)
		}
		seenAct[a.Name] = true
		if a.Label == "" {
			a.Label = a.Name
		}
		if a.Owner == "" {
			a.Owner = "owner"
		} else if !slices.Contains([]string{"owner", "sender", "backup", "manager"}, a.Owner) {
			v.add(ap+".owner", "activity %q: owner must be owner, sender, backup or manager", a.Name)
		}
		if a.From == "" {
			a.From = "created"
		} else if a.From != "created" && a.From != "accepted" {
			v.add(ap+".from", "activity %q: from must be created or accepted", a.Name)
		}
		if a.Within <= 0 {
			v.add(ap+".within", "activity %q: within must be a positive duration", a.Name)
		}
	}
}

// validateTeams checks the teams' names, calendars and ops leads.
func (pb *Playbook) validateTeams(v *validator) {
	for name, team := range pb.Teams {
		if !baton.ValidName(name) {
			v.add("teams."+name, "team name %q: expected lowercase letters, digits and underscores", name)
		}
		if team.Calendar != "" && pb.calendars[team.Calendar] == nil {
			v.add("teams."+name+".calendar", "team %q: unknown calendar %q", name, team.Calendar)
		}
		if team.OpsLead != "" && !baton.ValidEmail(strings.ToLower(team.OpsLead)) {
			v.add("teams."+name+".ops_lead", "team %q: ops_lead must be an email", name)
		}
	}
}

// validateBriefs checks when the pre-call brief is sent.
func (pb *Playbook) validateBriefs(v *validator) {
	if pb.Briefs.PreCall == 0 {
		pb.Briefs.PreCall = baton.Duration(30 * time.Minute)
	} else if pb.Briefs.PreCall < 0 || pb.Briefs.PreCall > baton.Duration(7*24*time.Hour) {
		v.add("briefs.pre_call", "pre_call must be between 1m and 7d")
	}
}

// validateIntake checks the prospect intake form: its expiry and at most
// MaxIntakeQuestions questions, each about a template field.
func (pb *Playbook) validateIntake(v *validator) {

}

// validateTemplates checks the templates and resolves each type's fields.
func (pb *Playbook) validateTemplates(v *validator) {
	for name, fields := range pb.Templates {
		seen := map[string]bool{}
		for i := range fields {
			f := &fields[i]
			p := fmt.Sprintf("templates.%s[%d]", name, i)
			if !baton.ValidName(f.Name) || seen[f.Name] {
				v.add(p+".name", "template %q: field name %q must be unique lowercase letters, digits and underscores", name, f.Name)
			}
			seen[f.Name] = true
			if f.Label == "" {
				f.Label = f.Name
			}
			if f.Type == "" {
				f.Type = FieldText
			} else if !slices.Contains(FieldTypes, f.Type) {
				v.add(p+".type", "template %q: field %q: unknown type %q (expected one of %s)", name, f.Name, f.Type, strings.Join(FieldTypes, ", "))
			}
			if f.Type == FieldChoice && len(f.Options) == 0 {
				v.add(p+".options", "template %q: choice field %q needs options", name, f.Name)
			}
			if f.Auto != "" && !slices.Contains(AutoKeys, f.Auto) {
				v.add(p+".auto", "template %q: field %q: unknown auto %q (expected one of %s)", name, f.Name, f.Auto, strings.Join(AutoKeys, ", "))
			}
		}
	}
	pb.fields = map[string][]Field{}
	for i := range pb.HandoffTypes {
		h := &pb.HandoffTypes[i]
		p := fmt.Sprintf("handoff_types[%d]", i)
		var out []Field
		seen := map[string]bool{}
		add := func(fs []Field) {
			for _, f := range fs {
				if !seen[f.Name] {
					seen[f.Name] = true
					out = append(out, f)
				}
			}
		}
		add(pb.Templates["minimum"])
		if h.Template != "" {
			t, ok := pb.Templates[h.Template]
			if !ok {
				v.add(p+".template", "handoff type %q: unknown template %q", h.Name, h.Template)
			}
			add(t)
		}
		for _, r := range h.Required {
			add([]Field{{Name: r, Label: strings.ReplaceAll(r, "_", " "), Type: FieldText}})
		}
		if h.Gate < 0 || h.Gate > 100 {
			v.add(p+".gate", "handoff type %q: gate must be a percentage from 0 to 100", h.Name)
		}
		pb.fields[h.Name] = out
	}
}

// validateCalendars parses the named calendars; the first is the default.
func (pb *Playbook) validateCalendars(v *validator) {
	pb.calendars = map[string]*bizhours.Calendar{}
	for i := range pb.Calendars {
		c := &pb.Calendars[i]
		p := fmt.Sprintf("calendars[%d]", i)
		if !baton.ValidName(c.Name) || pb.calendars[c.Name] != nil {
			v.add(p+".name", "calendar name %q must be unique lowercase letters, digits and underscores", c.Name)
			continue
		}
		var holidays []bizhours.Date
		for j, d := range c.Holidays {
			t, err := time.Parse(time.DateOnly, d)
			if err != nil {
				v.add(fmt.Sprintf("%s.holidays[%d]", p, j), "calendar %q: holiday %q: expected YYYY-MM-DD", c.Name, d)
				continue
			}
			holidays = append(holidays, bizhours.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()})
		}
		cal, err := bizhours.ParseCalendar(c.Hours, c.TimeZone, holidays)
		if err != nil {
			v.add(p+".hours", "calendar %q: %v", c.Name, err)
			continue
		}
		c.cal = cal
		pb.calendars[c.Name] = cal
	}
}

// validateLadder parses a tier's ladder, filling the default when empty.
func validateLadder(v *validator, p string, t *Tier) {
	if len(t.Ladder) == 0 {
		t.Ladder = []LadderStep{{At: "50%", Action: ActionRemindOwner}, {At: "100%", Action: ActionAlertManager}}
		if t.Grace > 0 {
			t.Ladder = append(t.Ladder, LadderStep{After: t.Grace, Action: ActionReassignBackup}, LadderStep{After: 2 * t.Grace, Action: ActionAlertOps})
		}
	}
	for j := range t.Ladder {
		st := &t.Ladder[j]
		sp := fmt.Sprintf("%s.ladder[%d]", p, j)
		switch {
		case st.At != "" && st.After != 0:
			v.add(sp, "tier %q: a ladder step takes at (a percentage of the SLA) or after (past the deadline), not both", t.Name)
		case st.At != "":
			pct, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(st.At), "%"), 64)
			if err != nil || !strings.HasSuffix(st.At, "%") || pct <= 0 || pct > 100 {
				v.add(sp+".at", "tier %q: at must be a percentage from 1%% to 100%%, got %q", t.Name, st.At)
			}
			st.Fraction = pct / 100
		case st.After <= 0:
			v.add(sp, "tier %q: a ladder step needs at (e.g. 50%%) or after (e.g. 30m)", t.Name)
		}
		if !slices.Contains(LadderActions, st.Action) {
			v.add(sp+".action", "tier %q: unknown action %q (expected one of %s)", t.Name, st.Action, strings.Join(LadderActions, ", "))
		}
		if st.Channel == "" {
			st.Channel = baton.ChannelWebhook
		} else if st.Channel != baton.ChannelWebhook {
			v.add(sp+".channel", "tier %q: unknown channel %q (expected webhook)", t.Name, st.Channel)
		}
		validateRepeat(v, sp, t, st, j == len(t.Ladder)-1)
	}
}

// validateRepeat parses a ladder step's repeat: only the last rung repeats,
// by default every working day, at most DefaultRepeats times.
func validateRepeat(v *validator, sp string, t *Tier, st *LadderStep, last bool) {
	rep := strings.TrimSpace(st.Repeat)
	if !last {
		if rep != "" || st.Repeats != 0 {
			v.add(sp+".repeat", "tier %q: only the last step of a ladder repeats", t.Name)
		}
		return
	}
	switch {
	case rep == "off":
		st.Every = 0
	case rep == "":
		if st.Action != ActionReassignBackup {
			st.Every = DefaultRepeat
		}
	case st.Action == ActionReassignBackup:
		v.add(sp+".repeat", "tier %q: reassign_backup moves a handoff once and cannot repeat; end the ladder with an alert", t.Name)
	default:
		d, err := baton.ParseDuration(rep)
		if err != nil || baton.Duration(d) < MinRepeat {
			v.add(sp+".repeat", "tier %q: repeat must be a duration of at least %s (e.g. 4h, 1d) or off, got %q", t.Name, MinRepeat, st.Repeat)
		}
		st.Every = baton.Duration(d)
	}
	switch {
	case st.Repeats < 0 || st.Repeats > MaxRepeats:
		v.add(sp+".repeats", "tier %q: repeats must be from 1 to %d, got %d", t.Name, MaxRepeats, st.Repeats)
	case st.Repeats == 0:
		st.Repeats = DefaultRepeats
	}
}

// CalendarFor returns the business-hours calendar of a team: its own, else
// the playbook's first, else Monday to Friday 09:00-17:00 UTC.
func (pb *Playbook) CalendarFor(team string) *bizhours.Calendar {
	if t, ok := pb.Teams[team]; ok && t.Calendar != "" {
		return pb.calendars[t.Calendar]
	}
	if len(pb.Calendars) > 0 {
		return pb.Calendars[0].cal
	}
	return defaultCalendar
}

var defaultCalendar, _ = bizhours.ParseCalendar("mon-fri 09:00-17:00", "UTC", nil)

// OpsLead returns the ops lead email of a team, or of the fallback team.
func (pb *Playbook) OpsLead(team string) string {
	if t, ok := pb.Teams[team]; ok && t.OpsLead != "" {
		return strings.ToLower(t.OpsLead)
	}
	return strings.ToLower(pb.Teams[pb.Routing.FallbackTeam].OpsLead)
}

// TierFor returns the tier of a handoff of type h: the first tier rule
// whose condition holds, else the type's tier; and the trace steps of the
// rule that raised it and of any rule whose condition failed.
func (pb *Playbook) TierFor(h *HandoffType, env *Env) (*Tier, []baton.Step) {
	var trace []baton.Step
	for i := range h.TierRules {
		tr := &h.TierRules[i]
		if tr.when == nil {
			continue
		}
		ok, err := eval(tr.when, env)
		if err != nil {
			trace = append(trace, baton.Step{Step: "tier", Subject: h.Name, Result: ResultError, Reason: fmt.Sprintf("tier rule %q (to %s) could not be evaluated: %v", tr.When, tr.Tier, err)})
			continue
		}
		if ok {
			return tr.tier, append(trace, baton.Step{Step: "tier", Subject: tr.Tier, Result: "matched", Reason: fmt.Sprintf("tier %s because %s", tr.Tier, tr.When)})
		}
	}
	return h.tier, trace
}

// validateRules checks and compiles the routing rules; it runs after the
// handoff types are known.
func (pb *Playbook) validateRules(v *validator) {
	r := &pb.Routing
	r.rulesByType = map[string][]*Rule{}
	names := map[string]bool{}
	for i := range r.Rules {
		rule := &r.Rules[i]
		p := fmt.Sprintf("routing.rules[%d]", i)
		if !baton.ValidName(rule.Name) {
			v.add(p+".name", "rule name %q: expected lowercase letters, digits and underscores", rule.Name)
		} else if names[rule.Name] {
			v.add(p+".name", "rule %q is defined twice", rule.Name)
		}
		names[rule.Name] = true
		if strings.TrimSpace(rule.When) == "" {
			v.add(p, "rule %q: when is required", rule.Name)
		} else if rule.when = pb.condition(v, p+".when", fmt.Sprintf("rule %q: condition", rule.Name), rule.When); rule.when != nil {
			rule.guards = guards(rule.When)
		}
		for j, t := range rule.Types {
			if pb.HandoffType(t) == nil {
				v.add(fmt.Sprintf("%s.types[%d]", p, j), "rule %q: unknown handoff type %q", rule.Name, t)
			}
		}
		to := &rule.To
		switch {
		case to.Team == "" && len(to.Users) == 0:
			v.add(p+".to", "rule %q: to needs a team or users", rule.Name)
		case to.Team != "" && len(to.Users) > 0:
			v.add(p+".to", "rule %q: to takes a team or users, not both", rule.Name)
		case to.Team != "" && !baton.ValidName(to.Team):
			v.add(p+".to.team", "rule %q: team %q: expected lowercase letters, digits and underscores", rule.Name, to.Team)
		}
		for j, u := range to.Users {
			if !baton.ValidEmail(strings.ToLower(u)) {
				v.add(fmt.Sprintf("%s.to.users[%d]", p, j), "rule %q: %q is not an email address", rule.Name, u)
			}
		}
		if to.Method == "" {
			to.Method = r.Method
		} else if !slices.Contains(Methods, to.Method) {
			v.add(p+".to.method", "rule %q: unknown method %q (expected one of %s)", rule.Name, to.Method, strings.Join(Methods, ", "))
		}
	}
	for i := range pb.HandoffTypes {
		name := pb.HandoffTypes[i].Name
		for j := range r.Rules {
			if rule := &r.Rules[j]; len(rule.Types) == 0 || slices.Contains(rule.Types, name) {
				r.rulesByType[name] = append(r.rulesByType[name], rule)
			}
		}
	}
}

func validSteps(v *validator, path string, steps []string) {
	for j, s := range steps {
		if !slices.Contains(PrecedenceSteps, s) {
			v.add(fmt.Sprintf("%s[%d]", path, j), "unknown routing step %q (expected one of %s)", s, strings.Join(PrecedenceSteps, ", "))
		}
	}
}

func (pb *Playbook) tierNames() []string {
	names := make([]string, 0, len(pb.Tiers))
	for _, t := range pb.Tiers {
		names = append(names, t.Name)
	}
	return names
}

// condition compiles the condition src found at path, reporting each of its
// problems at its place in the file after what ("rule \"x\": condition").
func (pb *Playbook) condition(v *validator, path, what, src string) *vm.Program {
	prog, problems := compileCondition(src, pb.declared)
	lc := v.pos[path]
	for _, p := range problems {
		v.problems = append(v.problems, Problem{File: v.file, Line: lc[0] + p.line - 1, Column: lc[1] + p.col, Message: what + ": " + p.msg})
	}
	return prog
}

// validateSignalFields checks the declared free fields.
func (pb *Playbook) validateSignalFields(v *validator) {
	pb.declared = map[string]string{}
	for i, f := range pb.SignalFields {
		p := fmt.Sprintf("fields[%d]", i)
		ok := true
		switch {
		case !baton.ValidName(f.Name):
			v.add(p+".name", "field name %q: expected lowercase letters, digits and underscores", f.Name)
			ok = false
		case pb.declared[f.Name] != "":
			v.add(p+".name", "field %q is declared twice", f.Name)
			ok = false
		}
		if !slices.Contains(FreeTypes, f.Type) {
			v.add(p+".type", "field %q: type must be one of %s, got %q", f.Name, strings.Join(FreeTypes, ", "), f.Type)
			ok = false
		}
		if ok {
			pb.declared[f.Name] = f.Type
		}
	}
}

// Eval reports whether the rule's condition holds for env, evaluated under
// the condition limits. An error (the condition failed, ran out of budget or
// env's context ended) means the rule cannot be applied.
func (r *Rule) Eval(env *Env) (bool, error) {
	if r.when == nil {
		return false, fmt.Errorf("rule %q has no compiled condition", r.Name)
	}
	return eval(r.when, env)
}

// Tally adds the conditions that failed over env to the playbook's count of
// run-time condition errors; call it once per routed signal.
func (pb *Playbook) Tally(env *Env) { pb.errs.Add(int64(env.failures)) }

// ConditionErrors returns how many condition evaluations failed at run time
// since the playbook was loaded, as tallied by Tally.
func (pb *Playbook) ConditionErrors() int64 { return pb.errs.Load() }

// KnownSignalType reports whether the playbook knows signal type t.
func (pb *Playbook) KnownSignalType(t string) bool { return pb.signalTypes[t] }

// Tier returns a tier by name, or nil.
func (pb *Playbook) Tier(name string) *Tier { return pb.tiers[name] }

// HandoffType returns a handoff type by name, or nil.
func (pb *Playbook) HandoffType(name string) *HandoffType {
	for i := range pb.HandoffTypes {
		if pb.HandoffTypes[i].Name == name {
			return &pb.HandoffTypes[i]
		}
	}
	return nil
}

// TierOf returns the handoff type's tier.
func (h *HandoffType) TierOf() *Tier { return h.tier }

// Match returns the first handoff type, in file order, triggered by the
// signal whose condition holds, and a trace of what was considered. It
// returns nil when the signal starts no handoff.
func (pb *Playbook) Match(env *Env) (*HandoffType, []baton.Step) {
	var trace []baton.Step
	cands := pb.byTrigger[env.Signal.Type]
	if len(cands) == 0 {
		return nil, []baton.Step{{Step: "handoff_type", Result: "skipped", Reason: fmt.Sprintf("no handoff type is triggered by %s", env.Signal.Type)}}
	}
	for _, h := range cands {
		if h.when == nil {
			trace = append(trace, baton.Step{Step: "handoff_type", Subject: h.Name, Result: "matched", Reason: fmt.Sprintf("triggered by %s", env.Signal.Type)})
			return h, trace
		}
		ok, err := eval(h.when, env)
		switch {
		case err != nil:
			trace = append(trace, baton.Step{Step: "handoff_type", Subject: h.Name, Result: ResultError, Reason: fmt.Sprintf("condition %q could not be evaluated: %v", h.When, err)})
		case ok:
			trace = append(trace, baton.Step{Step: "handoff_type", Subject: h.Name, Result: "matched", Reason: fmt.Sprintf("triggered by %s and %s", env.Signal.Type, h.When)})
			return h, trace
		default:
			trace = append(trace, baton.Step{Step: "handoff_type", Subject: h.Name, Result: "skipped", Reason: fmt.Sprintf("condition %s is false", h.When)})
		}
	}
	return nil, trace
}

// CoalesceWindow is how long an open handoff of this type absorbs new
// signals from the same contact; 0 means never.
func (pb *Playbook) CoalesceWindow(h *HandoffType) time.Duration {
	if h.Coalesce != nil {
		return time.Duration(*h.Coalesce)
	}
	return time.Duration(pb.Routing.Coalesce)
}

// PrecedenceFor returns the routing steps for a handoff type.
func (pb *Playbook) PrecedenceFor(h *HandoffType) []string {
	if len(h.Precedence) > 0 {
		return h.Precedence
	}
	return pb.Routing.Precedence
}
