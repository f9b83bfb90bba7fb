// Package playbook loads, validates and compiles a team's rules: handoff
// types, SLA tiers and routing precedence, from one versioned YAML file.
//
// Loading reports every problem it finds, each with file:line:column and what
// was expected, so `baton playbook check` can list them all at once. Rule
// conditions are expr-lang expressions compiled and type-checked at load
// time: a typo is a load error, never a runtime surprise. A loaded Playbook is
// immutable and safe for concurrent use.
package playbook

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
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
	Version      int           `yaml:"version"`
	Name         string        `yaml:"name"`
	SignalTypes  []SignalType  `yaml:"signal_types"`
	Tiers        []Tier        `yaml:"tiers"`
	HandoffTypes []HandoffType `yaml:"handoff_types"`
	Routing      Routing       `yaml:"routing"`

	// Source is the YAML the playbook was loaded from.
	Source []byte `yaml:"-"`

	signalTypes map[string]bool
	tiers       map[string]*Tier
	byTrigger   map[string][]*HandoffType
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
	// Required lists the context fields the receiver needs.
	Required      []string `yaml:"required"`
	SuccessMetric string   `yaml:"success_metric"`
	// Precedence overrides the playbook's routing precedence for this type.
	Precedence []string `yaml:"precedence"`
	// Coalesce is the window in which a new signal from the same contact
	// joins an open handoff of this type instead of opening another; "0s"
	// turns coalescing off; empty uses routing.coalesce.
	Coalesce *baton.Duration `yaml:"coalesce"`

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

	when *vm.Program
}

// PoolSpec names a pool: a team's members or a list of users (emails).
type PoolSpec struct {
	Team         string   `yaml:"team"`
	Users        []string `yaml:"users"`
	Method       string   `yaml:"method"`
	WorkingHours *bool    `yaml:"working_hours"`
}

// Program returns the rule's compiled condition.
func (r *Rule) Program() *vm.Program { return r.when }

// RulesFor returns the rules that apply to a handoff type, in order.
func (pb *Playbook) RulesFor(handoffType string) []*Rule { return pb.Routing.rulesByType[handoffType] }

// PoolHours reports whether a pool prefers members in working hours.
func (pb *Playbook) PoolHours(spec *PoolSpec) bool {
	if spec != nil && spec.WorkingHours != nil {
		return *spec.WorkingHours
	}
	return pb.Routing.WorkingHours == nil || *pb.Routing.WorkingHours
}

// MinLead is the shortest deadline a handoff is ever given after assignment.
const MinLead = 30 * time.Minute

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
	if err := dec.Decode(pb); err != nil {
		return nil, &Error{yamlProblems(name, err)}
	}
	v := &validator{file: name, pos: positions(&root)}
	pb.validate(v)
	if len(v.problems) > 0 {
		sort.SliceStable(v.problems, func(i, j int) bool { return v.problems[i].Line < v.problems[j].Line })
		return nil, &Error{v.problems}
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

func (pb *Playbook) validate(v *validator) {
	if pb.Version != 1 {
		v.add("version", "version must be 1, got %d", pb.Version)
	}
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
	}

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

	pb.byTrigger = map[string][]*HandoffType{}
	seen := map[string]bool{}
	if len(pb.HandoffTypes) == 0 {
		v.add("handoff_types", "at least one handoff type is required")
	}
	for i := range pb.HandoffTypes {
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
			prog, err := Compile(h.When)
			if err != nil {
				line, col, msg := exprPosition(err)
				lc := v.pos[p+".when"]
				// Block scalars (|) start on the next line.
				v.problems = append(v.problems, Problem{File: v.file, Line: lc[0] + line - 1, Column: lc[1] + col, Message: fmt.Sprintf("handoff type %q: condition: %s", h.Name, msg)})
			}
			h.when = prog
		}
	}
	pb.validateRules(v)
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
		} else if prog, err := Compile(rule.When); err != nil {
			line, col, msg := exprPosition(err)
			lc := v.pos[p+".when"]
			v.problems = append(v.problems, Problem{File: v.file, Line: lc[0] + line - 1, Column: lc[1] + col, Message: fmt.Sprintf("rule %q: condition: %s", rule.Name, msg)})
		} else {
			rule.when = prog
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

func exprPosition(err error) (line, col int, msg string) {
	var fe *file.Error
	if errors.As(err, &fe) {
		return max(fe.Line, 1), fe.Column, fe.Message
	}
	return 1, 0, err.Error()
}

// Compile compiles a condition against Env; the result must be a boolean.
func Compile(src string) (*vm.Program, error) {
	return expr.Compile(src, expr.Env(Env{}), expr.AsBool())
}

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
		out, err := expr.Run(h.when, env)
		switch {
		case err != nil:
			trace = append(trace, baton.Step{Step: "handoff_type", Subject: h.Name, Result: "skipped", Reason: fmt.Sprintf("condition %q could not be evaluated: %v", h.When, err)})
		case out == true:
			trace = append(trace, baton.Step{Step: "handoff_type", Subject: h.Name, Result: "matched", Reason: fmt.Sprintf("triggered by %s and %s", env.Signal.Type, h.When)})
			return h, trace
		default:
			trace = append(trace, baton.Step{Step: "handoff_type", Subject: h.Name, Result: "skipped", Reason: fmt.Sprintf("condition %s is false", h.When)})
		}
	}
	return nil, trace
}

// Deadlines computes a handoff's accept-by and first-touch-by instants for an
// assignment at now, and an optional meeting start.
func (h *HandoffType) Deadlines(now time.Time, meetingStart time.Time) (acceptBy, touchBy time.Time) {
	accept, touch := time.Duration(h.tier.Accept), time.Duration(h.tier.FirstTouch)
	if h.SLA > 0 {
		accept = time.Duration(h.SLA)
		touch = max(touch, accept)
	}
	if h.FirstTouch > 0 {
		touch = time.Duration(h.FirstTouch)
	}
	acceptBy, touchBy = now.Add(accept), now.Add(touch)
	if h.BeforeMeeting > 0 && !meetingStart.IsZero() {
		due := meetingStart.Add(-time.Duration(h.BeforeMeeting))
		if lead := meetingStart.Sub(now) / 2; due.Before(now.Add(min(MinLead, lead))) {
			due = now.Add(max(min(MinLead, lead), time.Minute))
		}
		acceptBy, touchBy = due, due
	}
	return acceptBy, touchBy
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
