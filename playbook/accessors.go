package playbook

import (
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
)

// accessor reads one field of Env without reflection: a condition's
// `account.region` runs as a call of get on the environment instead of
// expr's reflective field lookup, and `fields.NAME` as a map read.
type accessor struct {
	path string
	// typ is the field's type for the checker, as a function of the
	// environment (new(func(any) string)).
	typ any
	get func(e *Env) any
}

// accessors are the fields of SignalEnv, AccountEnv and ContactEnv.
// TestAccessorsCoverEnv checks them against the structs' expr tags.
var accessors = []accessor{
	{"signal.type", new(func(any) string), func(e *Env) any { return e.Signal.Type }},
	{"signal.source", new(func(any) string), func(e *Env) any { return e.Signal.Source }},
	{"signal.campaign", new(func(any) string), func(e *Env) any { return e.Signal.Campaign }},
	{"signal.message", new(func(any) string), func(e *Env) any { return e.Signal.Message }},
	{"signal.has_meeting", new(func(any) bool), func(e *Env) any { return e.Signal.HasMeeting }},
	{"account.name", new(func(any) string), func(e *Env) any { return e.Account.Name }},
	{"account.domain", new(func(any) string), func(e *Env) any { return e.Account.Domain }},
	{"account.segment", new(func(any) string), func(e *Env) any { return e.Account.Segment }},
	{"account.employees", new(func(any) int), func(e *Env) any { return e.Account.Employees }},
	{"account.industry", new(func(any) string), func(e *Env) any { return e.Account.Industry }},
	{"account.country", new(func(any) string), func(e *Env) any { return e.Account.Country }},
	{"account.region", new(func(any) string), func(e *Env) any { return e.Account.Region }},
	{"account.status", new(func(any) string), func(e *Env) any { return e.Account.Status }},
	{"account.customer", new(func(any) bool), func(e *Env) any { return e.Account.Customer }},
	{"account.named", new(func(any) bool), func(e *Env) any { return e.Account.Named }},
	{"contact.email", new(func(any) string), func(e *Env) any { return e.Contact.Email }},
	{"contact.title", new(func(any) string), func(e *Env) any { return e.Contact.Title }},
	{"contact.timezone", new(func(any) string), func(e *Env) any { return e.Contact.TimeZone }},
}

// accessorFunc names the function that reads a field (accessorFunc +
// path); fieldsFunc reads a free field. Conditions cannot call them: the
// checking compile does not declare them, so a condition naming one is
// refused when the playbook loads.
const (
	accessorFunc = "$get "
	fieldsFunc   = "$field"
)

// accessorPaths maps a path to its accessor.
var accessorPaths = func() map[string]*accessor {
	m := make(map[string]*accessor, len(accessors))
	for i := range accessors {
		m[accessors[i].path] = &accessors[i]
	}
	return m
}()

// accessorOptions declare the accessors' functions and the patch that
// calls them, for the running compile.
func accessorOptions() []expr.Option {
	opts := make([]expr.Option, 0, len(accessors)+2)
	for i := range accessors {
		get := accessors[i].get
		opts = append(opts, expr.Function(accessorFunc+accessors[i].path, func(args ...any) (any, error) {
			return get(args[0].(*Env)), nil
		}, accessors[i].typ))
	}
	opts = append(opts, expr.Function(fieldsFunc, func(args ...any) (any, error) {
		return args[0].(*Env).Fields[args[1].(string)], nil
	}, new(func(any, string) any)))
	return append(opts, expr.Patch(direct{}))
}

// direct rewrites each plain access to a field of the environment
// (`account.region`, `fields.lead_score`, `fields["lead_score"]`) into a
// call of its accessor on the environment. Other accesses (optional ones,
// a whole struct, a method) are left to expr.
type direct struct{}

// Visit implements ast.Visitor.
func (direct) Visit(node *ast.Node) {
	m, ok := (*node).(*ast.MemberNode)
	if !ok || m.Optional || m.Method {
		return
	}
	id, ok1 := m.Node.(*ast.IdentifierNode)
	prop, ok2 := m.Property.(*ast.StringNode)
	if !ok1 || !ok2 {
		return
	}
	env := &ast.IdentifierNode{Value: "$env"}
	var call *ast.CallNode
	if id.Value == "fields" {
		call = &ast.CallNode{Callee: &ast.IdentifierNode{Value: fieldsFunc}, Arguments: []ast.Node{env, &ast.StringNode{Value: prop.Value}}}
	} else if a := accessorPaths[id.Value+"."+prop.Value]; a != nil {
		call = &ast.CallNode{Callee: &ast.IdentifierNode{Value: accessorFunc + a.path}, Arguments: []ast.Node{env}}
	} else {
		return
	}
	ast.Patch(node, call)
}
