package playbook

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/batonhq/baton"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/types"
	"github.com/expr-lang/expr/vm"
)

// Limits on conditions. A condition is checked against the first three when
// the playbook loads; the last two bound every evaluation, so no playbook can
// exhaust the server's memory or keep a CPU busy.
const (
	// MaxConditionBytes bounds the source of one condition.
	MaxConditionBytes = 2000
	// MaxConditionNodes bounds the syntax tree of one condition (operators,
	// names and literals).
	MaxConditionNodes = 300
	// MaxRange bounds a range literal (1..100); its ends must be written out.
	MaxRange = 1000
	// MaxConditionWork bounds what one evaluation may do, in units of about
	// one byte scanned or built, or one step of a loop body.
	MaxConditionWork = 1 << 20
	// maxConditionMemory is the VM's own budget: elements of the arrays,
	// ranges and maps one evaluation may create.
	maxConditionMemory = 100_000
)

// Free field types (SignalField.Type).
const (
	FreeNumber = "number" // a JSON number; a float64 in conditions
	FreeString = "string"
	FreeBool   = "bool"
	FreeList   = "list" // a list of strings
)

// FreeTypes lists the valid free field types.
var FreeTypes = []string{FreeNumber, FreeString, FreeBool, FreeList}

// SignalField declares a free field of signals (`fields.NAME` in
// conditions) and its type, so conditions type-check when the playbook loads.
type SignalField struct {
	Name string `yaml:"name"`
	Type string `yaml:"type"`
}

// ResultError is the trace result of a condition that could not be
// evaluated; the step's Subject names the handoff type or rule and its
// Reason the error.
const ResultError = "error"

// ErrorSteps counts the condition errors in a trace.
func ErrorSteps(trace []baton.Step) int {
	n := 0
	for _, s := range trace {
		if s.Result == ResultError {
			n++
		}
	}
	return n
}

// disabledBuiltins are expr builtins whose output can be many times larger
// than their input.
var disabledBuiltins = map[string]string{
	"repeat": "repeat is not available in conditions",
	"join":   "join is not available in conditions",
}

// condProblem is one thing wrong with a condition, at a 1-based line and
// 0-based column of its source.
type condProblem struct {
	line, col int
	msg       string
}

func problemAt(src string, loc file.Location, format string, args ...any) condProblem {
	fe := (&file.Error{Location: loc}).Bind(file.NewSource(src))
	return condProblem{line: fe.Line, col: fe.Column, msg: fmt.Sprintf(format, args...)}
}

func problemOf(err error) condProblem {
	var fe *file.Error
	if errors.As(err, &fe) {
		return condProblem{line: max(fe.Line, 1), col: fe.Column, msg: fe.Message}
	}
	return condProblem{line: 1, msg: err.Error()}
}

// compileCondition checks a condition against the declared free fields and
// compiles it for Eval. It returns every problem it can find: those of its
// own checks (limits, undeclared fields, unavailable functions) and the first
// type error.
func compileCondition(src string, declared map[string]string) (*vm.Program, []condProblem) {
	if len(src) > MaxConditionBytes {
		return nil, []condProblem{{line: 1, msg: fmt.Sprintf("the condition is %d bytes long; at most %d", len(src), MaxConditionBytes)}}
	}
	cfg := conf.CreateNew()
	cfg.MaxNodes = MaxConditionNodes
	tree, err := parser.ParseWithConfig(src, cfg)
	if err != nil {
		msg := problemOf(err)
		if strings.Contains(msg.msg, "exceeds maximum allowed nodes") {
			msg.msg = fmt.Sprintf("the condition is too complex: at most %d names, operators and literals", MaxConditionNodes)
		}
		return nil, []condProblem{msg}
	}
	l := &lint{src: src, declared: declared}
	l.walk(tree.Node, false)
	problems := l.problems

	// Type-check against the declared types; a default given with ?? takes
	// the field's type, so (fields.score ?? 0) >= "sixty" is an error.
	tc := &typedDefaults{src: src}
	opts := []expr.Option{expr.Env(checkEnv(declared)), expr.AsBool(), expr.MaxNodes(MaxConditionNodes), expr.Optimize(false), expr.Patch(tc)}
	for name := range disabledBuiltins {
		opts = append(opts, expr.DisableBuiltin(name))
	}
	if _, err := expr.Compile(src, opts...); err != nil {
		// The type checker stops at its first error; it is new unless one
		// of the checks above reported the same place (a function that is
		// not available).
		p := problemOf(err)
		if !slices.ContainsFunc(problems, func(q condProblem) bool { return q.line == p.line && q.col == p.col }) {
			problems = append(problems, p)
		}
	}
	problems = append(problems, tc.problems...)
	if len(problems) > 0 {
		return nil, problems
	}
	prog, err := expr.Compile(src, runOptions...)
	if err != nil {
		return nil, []condProblem{problemOf(err)}
	}
	return prog, nil
}

// runOptions compile a checked condition for Eval: against Env, with every
// costly operation metered.
var runOptions = func() []expr.Option {
	opts := []expr.Option{expr.Env(Env{}), expr.AsBool(), expr.MaxNodes(MaxConditionNodes),
		expr.Function(chargeFunc, charge), expr.Function("replace", replace, new(func(string, string, string) string)), expr.Patch(meter{})}
	for name := range disabledBuiltins {
		opts = append(opts, expr.DisableBuiltin(name))
	}
	return opts
}()

// checkEnv is what the type checker sees: Env, with the declared free
// fields typed and the others unknown.
func checkEnv(declared map[string]string) map[string]any {
	fields := types.Map{types.Extra: types.Any}
	for name, typ := range declared {
		switch typ {
		case FreeNumber:
			fields[name] = types.Float64
		case FreeString:
			fields[name] = types.String
		case FreeBool:
			fields[name] = types.Bool
		case FreeList:
			fields[name] = types.Array(types.String)
		}
	}
	return map[string]any{"signal": SignalEnv{}, "account": AccountEnv{}, "contact": ContactEnv{}, "fields": fields}
}

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

// SetContext makes the conditions evaluated over e stop, with ctx's error,
// once ctx is done.
func (e *Env) SetContext(ctx context.Context) { e.ctx = ctx }

// Failures returns how many condition evaluations over e failed.
func (e *Env) Failures() int { return e.failures }

var machines = sync.Pool{New: func() any { return &vm.VM{MemoryBudget: maxConditionMemory} }}

// eval runs a compiled condition over env under the evaluation budget. An
// error is one line, naming the column of the condition where it happened.
func eval(prog *vm.Program, env *Env) (bool, error) {
	if env.ctx != nil {
		if err := env.ctx.Err(); err != nil {
			env.failures++
			return false, err
		}
	}
	env.spent = 0
	m := machines.Get().(*vm.VM)
	m.MemoryBudget = maxConditionMemory
	out, err := m.Run(prog, env)
	machines.Put(m)
	if err != nil {
		env.failures++
		var fe *file.Error
		switch {
		case errors.Is(err, ErrBudget), errors.As(err, &fe) && fe.Message == "memory budget exceeded":
			return false, fmt.Errorf("%w (column %d)", ErrBudget, columnOf(err))
		case errors.As(err, &fe):
			return false, fmt.Errorf("%s (column %d)", fe.Message, fe.Column+1)
		}
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		env.failures++
		return false, fmt.Errorf("the condition gave %T, want true or false", out)
	}
	return b, nil
}

func columnOf(err error) int {
	var fe *file.Error
	if errors.As(err, &fe) {
		return fe.Column + 1
	}
	return 0
}
