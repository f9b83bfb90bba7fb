package playbook

import (
	"reflect"
	"sort"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// lint walks a condition's syntax tree for what the type checker does not
// catch: free fields not declared or read without a default, functions and
// ranges that could build unbounded values, and names reserved for Baton.
type lint struct {
	src      string
	declared map[string]string
	problems []condProblem
}

func (l *lint) add(n ast.Node, format string, args ...any) {
	l.problems = append(l.problems, problemAt(l.src, n.Location(), format, args...))
}

// walk checks n; nilSafe reports that its parent accepts a missing value
// (the left of ??, either side of == and != and in).
func (l *lint) walk(n ast.Node, nilSafe bool) {
	switch n := n.(type) {
	case nil:
	case *ast.IdentifierNode:
		switch {
		case n.Value == "fields":
			l.add(n, "read a free field by name: fields.NAME")
		case strings.HasPrefix(n.Value, "$"), strings.HasPrefix(n.Value, "__"):
			l.add(n, "%s is not available in conditions", n.Value)
		}
	case *ast.MemberNode:
		if id, ok := n.Node.(*ast.IdentifierNode); ok && id.Value == "fields" {
			name, ok := n.Property.(*ast.StringNode)
			switch {
			case !ok:
				l.add(n, "read a free field by name: fields.NAME")
			case l.declared[name.Value] == "":
				l.add(n, "fields.%s is not declared: add {name: %s, type: …} under fields (%s)", name.Value, name.Value, l.declaredList())
			case !nilSafe:
				l.add(n, "fields.%s may be missing from a signal: give a default, e.g. (fields.%s ?? %s)", name.Value, name.Value, zeroOf(l.declared[name.Value]))
			}
			return
		}
		l.walk(n.Node, false)
		l.walk(n.Property, false)
	case *ast.BinaryNode:
		switch n.Operator {
		case "??":
			// The default may be missing too when the whole may.
			l.walk(n.Left, true)
			l.walk(n.Right, nilSafe)
			return
		case "==", "!=", "in":
			l.walk(n.Left, true)
			l.walk(n.Right, true)
			return
		case "..":
			lo, ok1 := intLiteral(n.Left)
			hi, ok2 := intLiteral(n.Right)
			switch {
			case !ok1 || !ok2:
				l.add(n, "a range needs whole numbers written out, e.g. 1..10")
			case hi-lo+1 > MaxRange:
				l.add(n, "the range %d..%d has %d numbers; at most %d", lo, hi, hi-lo+1, MaxRange)
			}
			return
		}
		l.walk(n.Left, false)
		l.walk(n.Right, false)
	case *ast.UnaryNode:
		l.walk(n.Node, false)
	case *ast.ChainNode:
		l.walk(n.Node, nilSafe)
	case *ast.SliceNode:
		l.walk(n.Node, false)
		l.walk(n.From, false)
		l.walk(n.To, false)
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			if msg, off := disabledBuiltins[id.Value]; off {
				l.add(n, "%s", msg)
			}
		}
		l.walk(n.Callee, false)
		for _, a := range n.Arguments {
			l.walk(a, false)
		}
	case *ast.BuiltinNode:
		if msg, off := disabledBuiltins[n.Name]; off {
			l.add(n, "%s", msg)
		}
		if n.Name == "reduce" && len(n.Arguments) > 1 {
			if p, ok := n.Arguments[1].(*ast.PredicateNode); ok && countAcc(p.Node) > 1 {
				l.add(n, "reduce: use #acc once in the step (each use can double what reduce builds)")
			}
		}
		for _, a := range n.Arguments {
			l.walk(a, false)
		}
	case *ast.PredicateNode:
		l.walk(n.Node, false)
	case *ast.VariableDeclaratorNode:
		l.walk(n.Value, false)
		l.walk(n.Expr, false)
	case *ast.SequenceNode:
		for _, s := range n.Nodes {
			l.walk(s, false)
		}
	case *ast.ConditionalNode:
		l.walk(n.Cond, false)
		l.walk(n.Exp1, nilSafe)
		l.walk(n.Exp2, nilSafe)
	case *ast.ArrayNode:
		for _, e := range n.Nodes {
			l.walk(e, false)
		}
	case *ast.MapNode:
		for _, p := range n.Pairs {
			l.walk(p, false)
		}
	case *ast.PairNode:
		l.walk(n.Key, false)
		l.walk(n.Value, false)
	}
}

func (l *lint) declaredList() string {
	if len(l.declared) == 0 {
		return "none is declared"
	}
	names := make([]string, 0, len(l.declared))
	for n := range l.declared {
		names = append(names, n)
	}
	sort.Strings(names)
	return "declared: " + strings.Join(names, ", ")
}

func zeroOf(typ string) string {
	switch typ {
	case FreeNumber:
		return "0"
	case FreeBool:
		return "false"
	case FreeList:
		return "[]"
	}
	return `""`
}

func intLiteral(n ast.Node) (int, bool) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		return n.Value, true
	case *ast.UnaryNode:
		if i, ok := n.Node.(*ast.IntegerNode); ok && n.Operator == "-" {
			return -i.Value, true
		}
	}
	return 0, false
}

// countAcc counts the uses of #acc in a reduce step, nested steps
// included.
func countAcc(n ast.Node) int {
	c := &accCounter{}
	ast.Walk(&n, c)
	return c.n
}

type accCounter struct{ n int }

func (c *accCounter) Visit(node *ast.Node) {
	if p, ok := (*node).(*ast.PointerNode); ok && p.Name == "acc" {
		c.n++
	}
}

// typedDefaults lets the type checker see through ??: a free field with a
// default of its own kind has the field's type (expr would type it "any"
// unless both sides have the very same type), and a default of another kind
// is an error.
type typedDefaults struct {
	src      string
	problems []condProblem
}

func (t *typedDefaults) Visit(node *ast.Node) {
	b, ok := (*node).(*ast.BinaryNode)
	if !ok || b.Operator != "??" {
		return
	}
	l, r := kindOf(b.Left.Type()), kindOf(b.Right.Type())
	switch {
	case l == "" || r == "":
	case l == r:
		*node = b.Left
	default:
		t.problems = append(t.problems, problemAt(t.src, b.Location(), "?? gives a %s a default that is a %s", l, r))
	}
}

// kindOf names the kind of a type for ?? defaults: number, string, bool or
// list; "" when unknown or another.
func kindOf(t reflect.Type) string {
	if t == nil {
		return ""
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16,
		reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return FreeNumber
	case reflect.String:
		return FreeString
	case reflect.Bool:
		return FreeBool
	case reflect.Slice, reflect.Array:
		return FreeList
	}
	return ""
}
