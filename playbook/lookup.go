package playbook

import (
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bizhours"
)

// Fields returns the context fields of a handoff type: the minimum
// template, the type's template and its required fields, each once.
func (pb *Playbook) Fields(h *HandoffType) []Field { return pb.fields[h.Name] }

// RulesFor returns the rules that apply to a handoff type, in order.
func (pb *Playbook) RulesFor(handoffType string) []*Rule { return pb.Routing.rulesByType[handoffType] }

// PoolHours reports whether a pool prefers members in working hours.
func (pb *Playbook) PoolHours(spec *PoolSpec) bool {
	if spec != nil && spec.WorkingHours != nil {
		return *spec.WorkingHours
	}
	return pb.Routing.WorkingHours == nil || *pb.Routing.WorkingHours
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
