package playbook

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/batonhq/baton"
	"github.com/expr-lang/expr"
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
