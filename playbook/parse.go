package playbook

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"
)

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
	// Values of the wrong type and unknown keys leave the rest decoded:
	// validate it too, so one pass reports every problem.
	var problems []Problem
	if err := dec.Decode(pb); err != nil {
		var les *yaml.LoadErrors
		if !errors.As(err, &les) {
			return nil, &Error{yamlProblems(name, err)}
		}
		problems = yamlProblems(name, err)
	}
	decoded := len(problems)
	v := &validator{file: name, pos: positions(&root)}
	pb.validate(v)
	for _, p := range v.problems {
		// A value that could not be decoded is also zero, and may be
		// reported again as missing: once is enough.
		if !slices.ContainsFunc(problems[:decoded], func(q Problem) bool { return q.Line == p.Line && q.Column == p.Column }) {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool {
			if problems[i].Line != problems[j].Line {
				return problems[i].Line < problems[j].Line
			}
			return problems[i].Column < problems[j].Column
		})
		return nil, &Error{problems}
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

// ChannelList is a list of notification channels; in YAML a single name
// ("slack") or a list ([slack, email]).
type ChannelList []string

// UnmarshalYAML reads a channel name or a list of them.
func (c *ChannelList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if n.Value == "" {
			*c = nil
			return nil
		}
		*c = ChannelList{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*c = list
	return nil
}
