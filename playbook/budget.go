package playbook

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// chargeFunc is the name of the metering function the run-time compile
// wraps around costly operands: __charge($env, value, weight).
const chargeFunc = "__charge"

// meter wraps every operand whose cost grows with its size in a charge to
// the evaluation's budget: strings, lists and maps passed to functions, the
// operands of +, contains and matches, comparisons of two computed values,
// and the list a loop runs over (weighted by the size of the loop's body).
// Comparisons with a literal cost at most the literal's length and are left
// alone, so common conditions run at full speed.
type meter struct{}

func (meter) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && id.Value == chargeFunc {
			return
		}
		for i := range n.Arguments {
			chargeNode(&n.Arguments[i], 0)
		}
		// The result too: replace, split or toJSON may build more than they
		// read.
		if sized(n.Type()) {
			chargeNode(node, 0)
		}
	case *ast.BuiltinNode:
		weight := 0
		for _, a := range n.Arguments[1:] {
			if p, ok := a.(*ast.PredicateNode); ok {
				weight = 8 * max(1, nodeCount(p.Node))
			}
		}
		if _, loop := loops[n.Name]; loop && weight == 0 {
			weight = 8
		}
		for i := range n.Arguments {
			if i == 0 && weight > 0 {
				chargeNode(&n.Arguments[i], weight)
			} else {
				chargeNode(&n.Arguments[i], 0)
			}
		}
	case *ast.BinaryNode:
		switch n.Operator {
		case "+", "contains", "matches":
			chargeNode(&n.Left, 0)
			chargeNode(&n.Right, 0)
		case "in":
			if !literal(n.Right) {
				chargeNode(&n.Right, 0)
			}
		case "==", "!=", "<", ">", "<=", ">=", "startsWith", "endsWith":
			if !literal(n.Left) && !literal(n.Right) {
				chargeNode(&n.Left, 0)
				chargeNode(&n.Right, 0)
			}
		}
	}
}

// loops are the builtins that run over their first argument.
var loops = map[string]bool{"all": true, "none": true, "any": true, "one": true, "filter": true, "map": true, "count": true, "sum": true,
	"find": true, "findIndex": true, "findLast": true, "findLastIndex": true, "groupBy": true, "sortBy": true, "reduce": true}

// chargeNode wraps *node in a charge, unless it is a literal, a predicate
// or a value of fixed size.
func chargeNode(node *ast.Node, weight int) {
	n := *node
	if n == nil || literal(n) || !sized(n.Type()) {
		return
	}
	if _, ok := n.(*ast.PredicateNode); ok {
		return
	}
	call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: chargeFunc},
		Arguments: []ast.Node{&ast.IdentifierNode{Value: "$env"}, n, &ast.IntegerNode{Value: weight}}}
	ast.Patch(node, call)
}

// sized reports whether values of type t can be large: strings, lists,
// maps and anything not known until run time.
func sized(t reflect.Type) bool {
	if t == nil {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Slice, reflect.Array, reflect.Map, reflect.Interface, reflect.Struct, reflect.Pointer:
		return true
	}
	return false
}

// literal reports whether n is written out in the condition (so its size is
// bounded by MaxConditionBytes).
func literal(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.StringNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NilNode, *ast.ConstantNode:
		return true
	case *ast.ArrayNode:
		for _, e := range n.Nodes {
			if !literal(e) {
				return false
			}
		}
		return true
	}
	return false
}

func nodeCount(n ast.Node) int {
	c := &counter{}
	ast.Walk(&n, c)
	return c.n
}

type counter struct{ n int }

func (c *counter) Visit(*ast.Node) { c.n++ }

// ErrBudget is the error of an evaluation that ran out of its budget
// (MaxConditionWork or maxConditionMemory).
var ErrBudget = errors.New("the condition needs more work than a condition may do")

// charge is __charge($env, value, weight): it adds the value's cost to the
// evaluation's budget and returns the value. Weight 0 charges its size (bytes
// of strings, elements of lists and maps, deeply); a positive weight charges
// that much per element, for the loop about to run over it.
func charge(params ...any) (any, error) {
	if len(params) != 3 {
		return nil, fmt.Errorf("%s: got %d arguments, want 3", chargeFunc, len(params))
	}
	env, _ := params[0].(*Env)
	v := params[1]
	w, _ := params[2].(int)
	if env == nil {
		return v, nil
	}
	if err := env.spend(v, w); err != nil {
		return nil, err
	}
	return v, nil
}

// replace is strings.ReplaceAll that refuses to build a string larger than
// an evaluation's budget (an empty old string inserts new between every
// character).
func replace(params ...any) (any, error) {
	if len(params) != 3 {
		return nil, fmt.Errorf("replace: got %d arguments, want 3", len(params))
	}
	s, ok1 := params[0].(string)
	old, ok2 := params[1].(string)
	repl, ok3 := params[2].(string)
	if !ok1 || !ok2 || !ok3 {
		return nil, fmt.Errorf("replace: want three strings, got %T, %T and %T", params[0], params[1], params[2])
	}
	if n := strings.Count(s, old); len(repl) > len(old) && len(s)+n*(len(repl)-len(old)) > MaxConditionWork {
		return nil, ErrBudget
	}
	return strings.ReplaceAll(s, old, repl), nil
}

// spend charges v with weight w to the current evaluation.
func (e *Env) spend(v any, w int) error {
	if e.ctx != nil {
		if err := e.ctx.Err(); err != nil {
			return err
		}
	}
	limit := MaxConditionWork - e.spent
	var cost int
	if w > 0 {
		cost = length(v)
		if cost > limit/w {
			return ErrBudget
		}
		cost *= w
	} else if cost = size(v, limit); cost > limit {
		return ErrBudget
	}
	e.spent += cost
	return nil
}

// length is the number of elements of a list or map, or 1.
func length(v any) int {
	switch v := v.(type) {
	case []any:
		return len(v)
	case []string:
		return len(v)
	case map[string]any:
		return len(v)
	case string, nil:
		return 1
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.String:
		return rv.Len()
	}
	return 1
}

// size is the cost of reading v whole: its bytes, elements and entries,
// counted until the count passes limit.
func size(v any, limit int) int {
	switch v := v.(type) {
	case string:
		return 1 + len(v)
	case []string:
		n := 1 + len(v)
		for _, s := range v {
			if n += len(s); n > limit {
				break
			}
		}
		return n
	case []any:
		n := 1 + len(v)
		for _, e := range v {
			if n += size(e, limit-n); n > limit {
				break
			}
		}
		return n
	case map[string]any:
		n := 1 + len(v)
		for k, e := range v {
			if n += len(k) + size(e, limit-n); n > limit {
				break
			}
		}
		return n
	case nil, bool, int, float64:
		return 1
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return 1 + rv.Len()
	case reflect.Slice, reflect.Array:
		n := 1 + rv.Len()
		for i := 0; i < rv.Len() && n <= limit; i++ {
			n += size(rv.Index(i).Interface(), limit-n)
		}
		return n
	case reflect.Map:
		n := 1 + rv.Len()
		it := rv.MapRange()
		for it.Next() && n <= limit {
			n += size(it.Key().Interface(), limit-n) + size(it.Value().Interface(), limit-n)
		}
		return n
	}
	// Structs (Env's parts) and times: their size is fixed.
	return 16
}
