package playbook

import (
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Guard is an equality a rule's condition requires of one string field of
// the environment ("account.region" must be "emea", or one of a list). The
// router checks guards before running a condition: a rule whose guard fails
// cannot match, so its condition is not evaluated. Guards come only from the
// top-level conjuncts of a condition (a && b && …), so skipping is exact.
type Guard struct {
	Path   string
	Values []string
}

// guards extracts the guards of a condition; none when it has no plain
// string equalities at its top level.
func guards(src string) []Guard {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	var out []Guard
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		b, ok := n.(*ast.BinaryNode)
		if !ok {
			return
		}
		switch b.Operator {
		case "&&", "and":
			walk(b.Left)
			walk(b.Right)
		case "==":
			if p, v, ok := pathAndString(b.Left, b.Right); ok {
				out = append(out, Guard{Path: p, Values: []string{v}})
			} else if p, v, ok := pathAndString(b.Right, b.Left); ok {
				out = append(out, Guard{Path: p, Values: []string{v}})
			}
		case "in":
			p, ok := path(b.Left)
			arr, isArr := b.Right.(*ast.ArrayNode)
			if !ok || !isArr || !isGuardPath(p) {
				return
			}
			var vals []string
			for _, e := range arr.Nodes {
				s, ok := e.(*ast.StringNode)
				if !ok {
					return
				}
				vals = append(vals, s.Value)
			}
			out = append(out, Guard{Path: p, Values: vals})
		}
	}
	walk(tree.Node)
	return out
}

func pathAndString(a, b ast.Node) (string, string, bool) {
	p, ok := path(a)
	s, isStr := b.(*ast.StringNode)
	if !ok || !isStr || !isGuardPath(p) {
		return "", "", false
	}
	return p, s.Value, true
}

// path returns "a.b" for the member access a.b.
func path(n ast.Node) (string, bool) {
	m, ok := n.(*ast.MemberNode)
	if !ok || m.Optional || m.Method {
		return "", false
	}
	id, ok1 := m.Node.(*ast.IdentifierNode)
	prop, ok2 := m.Property.(*ast.StringNode)
	if !ok1 || !ok2 {
		return "", false
	}
	return id.Value + "." + prop.Value, true
}

// field is a string field of Env that guards test, resolved from its path
// once when the playbook loads.
type field uint8

const (
	fieldSignalType field = iota
	fieldSignalSource
	fieldSignalCampaign
	fieldAccountName
	fieldAccountDomain
	fieldAccountSegment
	fieldAccountIndustry
	fieldAccountCountry
	fieldAccountRegion
	fieldAccountStatus
	fieldContactEmail
	fieldContactTitle
	fieldContactTimeZone
	numFields
)

// fieldPaths are the string fields a guard may test, by path.
var fieldPaths = map[string]field{
	"signal.type": fieldSignalType, "signal.source": fieldSignalSource, "signal.campaign": fieldSignalCampaign,
	"account.name": fieldAccountName, "account.domain": fieldAccountDomain, "account.segment": fieldAccountSegment,
	"account.industry": fieldAccountIndustry, "account.country": fieldAccountCountry, "account.region": fieldAccountRegion,
	"account.status": fieldAccountStatus, "contact.email": fieldContactEmail, "contact.title": fieldContactTitle,
	"contact.timezone": fieldContactTimeZone,
}

func isGuardPath(p string) bool { _, ok := fieldPaths[p]; return ok }

// get returns the value of field f.
func (e *Env) get(f field) string {
	switch f {
	case fieldSignalType:
		return e.Signal.Type
	case fieldSignalSource:
		return e.Signal.Source
	case fieldSignalCampaign:
		return e.Signal.Campaign
	case fieldAccountName:
		return e.Account.Name
	case fieldAccountDomain:
		return e.Account.Domain
	case fieldAccountSegment:
		return e.Account.Segment
	case fieldAccountIndustry:
		return e.Account.Industry
	case fieldAccountCountry:
		return e.Account.Country
	case fieldAccountRegion:
		return e.Account.Region
	case fieldAccountStatus:
		return e.Account.Status
	case fieldContactEmail:
		return e.Contact.Email
	case fieldContactTitle:
		return e.Contact.Title
	case fieldContactTimeZone:
		return e.Contact.TimeZone
	}
	return ""
}

// Value returns the string field at a guard path, and whether the path is
// one guards use.
func (e *Env) Value(path string) (string, bool) {
	f, ok := fieldPaths[path]
	if !ok {
		return "", false
	}
	return e.get(f), true
}

// check is a guard compiled: its field resolved, its values as given.
type check struct {
	f      field
	values []string
}

// compileGuards resolves the fields of gs; guards on paths that are not
// guard paths are dropped (they never refused anything).
func compileGuards(gs []Guard) []check {
	var out []check
	for _, g := range gs {
		if f, ok := fieldPaths[g.Path]; ok {
			out = append(out, check{f: f, values: g.Values})
		}
	}
	return out
}

// setGuards sets the rule's guards and their compiled form.
func (r *Rule) setGuards(gs []Guard) {
	r.guards, r.checks = gs, compileGuards(gs)
}

// passes reports whether env's value of c's field is one of c's values.
func (c *check) passes(env *Env) bool {
	v := env.get(c.f)
	for _, want := range c.values {
		if v == want {
			return true
		}
	}
	return false
}

// Admits reports whether env passes every guard of the rule (true when it
// has none); false means the condition cannot hold.
func (r *Rule) Admits(env *Env) bool {
	for i := range r.checks {
		if !r.checks[i].passes(env) {
			return false
		}
	}
	return true
}
