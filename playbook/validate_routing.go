package playbook

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/expr-lang/expr/vm"
)

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
			rule.setGuards(guards(rule.When))
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
	for _, rules := range r.rulesByType {
		indexRules(rules)
	}
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
