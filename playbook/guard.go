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

// guardPaths are the string fields a guard may test; see Env.Value.
var guardPaths = map[string]bool{
	"signal.type": true, "signal.source": true, "signal.campaign": true,
	"account.name": true, "account.domain": true, "account.segment": true, "account.industry": true,
	"account.country": true, "account.region": true, "account.status": true,
	"contact.email": true, "contact.title": true, "contact.timezone": true,
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
			if !ok || !isArr || !guardPaths[p] {
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
	if !ok || !isStr || !guardPaths[p] {
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

// Value returns the string field at a guard path, and whether the path is
// one guards use.
func (e *Env) Value(path string) (string, bool) {
	switch path {
	case "signal.type":
		return e.Signal.Type, true
	case "signal.source":
		return e.Signal.Source, true
	case "signal.campaign":
		return e.Signal.Campaign, true
	case "account.name":
		return e.Account.Name, true
	case "account.domain":
		return e.Account.Domain, true
	case "account.segment":
		return e.Account.Segment, true
	case "account.industry":
		return e.Account.Industry, true
	case "account.country":
		return e.Account.Country, true
	case "account.region":
		return e.Account.Region, true
	case "account.status":
		return e.Account.Status, true
	case "contact.email":
		return e.Contact.Email, true
	case "contact.title":
		return e.Contact.Title, true
	case "contact.timezone":
		return e.Contact.TimeZone, true
	}
	return "", false
}

// Admits reports whether env passes every guard of the rule (true when it
// has none); false means the condition cannot hold.
func (r *Rule) Admits(env *Env) bool {
	for _, g := range r.guards {
		v, ok := env.Value(g.Path)
		if !ok {
			continue
		}
		hit := false
		for _, want := range g.Values {
			if v == want {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return true
}
