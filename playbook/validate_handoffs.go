package playbook

import (
	"fmt"
	"slices"
	"strings"

	"github.com/batonhq/baton"
)

// validateHandoffTypes checks the handoff types and indexes them by the
// signal types that trigger them.
func (pb *Playbook) validateHandoffTypes(v *validator) {
	pb.byTrigger = map[string][]*HandoffType{}
	seen := map[string]bool{}
	if len(pb.HandoffTypes) == 0 {
		v.add("handoff_types", "at least one handoff type is required")
	}
	for i := range pb.HandoffTypes {
		pb.validateHandoffType(v, i, seen)
	}
}

// validateHandoffType checks handoff type i; seen holds the names of the
// types before it.
func (pb *Playbook) validateHandoffType(v *validator, i int, seen map[string]bool) {
	h := &pb.HandoffTypes[i]
	p := fmt.Sprintf("handoff_types[%d]", i)
	if !baton.ValidName(h.Name) {
		v.add(p+".name", "handoff type name %q: expected lowercase letters, digits and underscores", h.Name)
	} else if seen[h.Name] {
		v.add(p+".name", "handoff type %q is defined twice", h.Name)
	}
	seen[h.Name] = true
	if h.Label == "" {
		h.Label = h.Name
	}
	for _, f := range []struct{ key, val string }{{"from", h.From}, {"to", h.To}} {
		if !baton.ValidName(f.val) {
			v.add(p+"."+f.key, "handoff type %q: %s team %q: expected a team name such as sdr, ae, se, cs", h.Name, f.key, f.val)
		}
	}
	if len(h.Triggers) == 0 {
		v.add(p+".triggers", "handoff type %q: at least one trigger signal type is required", h.Name)
	}
	for j, tr := range h.Triggers {
		if !pb.signalTypes[tr] {
			v.add(fmt.Sprintf("%s.triggers[%d]", p, j), "handoff type %q: unknown signal type %q (built-in: %s; or declare it under signal_types)", h.Name, tr, strings.Join(baton.BuiltinSignalTypes, ", "))
			continue
		}
		pb.byTrigger[tr] = append(pb.byTrigger[tr], h)
	}
	if h.tier = pb.tiers[h.Tier]; h.tier == nil {
		v.add(p+".tier", "handoff type %q: unknown tier %q (defined: %s)", h.Name, h.Tier, strings.Join(pb.tierNames(), ", "))
	}
	if h.SLA < 0 || h.FirstTouch < 0 || h.BeforeMeeting < 0 {
		v.add(p, "handoff type %q: durations must not be negative", h.Name)
	}
	if h.Coalesce != nil && *h.Coalesce < 0 {
		v.add(p+".coalesce", "handoff type %q: coalesce must not be negative", h.Name)
	}
	for j, f := range h.Required {
		if !baton.ValidName(f) {
			v.add(fmt.Sprintf("%s.required[%d]", p, j), "handoff type %q: field name %q: expected lowercase letters, digits and underscores", h.Name, f)
		}
	}
	validSteps(v, p+".precedence", h.Precedence)
	if h.When != "" {
		h.when = pb.condition(v, p+".when", fmt.Sprintf("handoff type %q: condition", h.Name), h.When)
	}
	for j := range h.TierRules {
		tr := &h.TierRules[j]
		tp := fmt.Sprintf("%s.tier_rules[%d]", p, j)
		if tr.tier = pb.tiers[tr.Tier]; tr.tier == nil {
			v.add(tp+".tier", "handoff type %q: unknown tier %q", h.Name, tr.Tier)
		}
		tr.when = pb.condition(v, tp+".when", fmt.Sprintf("handoff type %q: tier rule", h.Name), tr.When)
	}
	validateActivities(v, p, h)
}

// validateActivities checks a handoff type's follow-up activities and fills
// in their defaults; p is the type's path.
func validateActivities(v *validator, p string, h *HandoffType) {
	validateActivityList(v, p+".activities", fmt.Sprintf("handoff type %q", h.Name), h.Activities, map[string]bool{})
	for j := range h.Activities {
		a := &h.Activities[j]
		ap := fmt.Sprintf("%s.activities[%d]", p, j)
		if a.From == "" {
			a.From = "created"
		} else if a.From != "created" && a.From != "accepted" {
			v.add(ap+".from", "activity %q: from must be created or accepted", a.Name)
		}
	}
}

// validateActivityList checks a list of activities (a handoff type's or an
// outcome's tasks) at path, filling their label and owner; what names
// their holder in messages, seen the names already taken.
func validateActivityList(v *validator, path, what string, list []Activity, seen map[string]bool) {
	for j := range list {
		a := &list[j]
		ap := fmt.Sprintf("%s[%d]", path, j)
		if !baton.ValidName(a.Name) || seen[a.Name] {
			v.add(ap+".name", "%s: activity name %q must be unique lowercase letters, digits and underscores", what, a.Name)
		}
		seen[a.Name] = true
		if a.Label == "" {
			a.Label = a.Name
		}
		if a.Owner == "" {
			a.Owner = "owner"
		} else if !slices.Contains([]string{"owner", "sender", "backup", "manager"}, a.Owner) {
			v.add(ap+".owner", "activity %q: owner must be owner, sender, backup or manager", a.Name)
		}
		if a.Within <= 0 {
			v.add(ap+".within", "activity %q: within must be a positive duration", a.Name)
		}
	}
}

// validateTemplates checks the templates and resolves each type's fields.
func (pb *Playbook) validateTemplates(v *validator) {
	for name, fields := range pb.Templates {
		seen := map[string]bool{}
		for i := range fields {
			f := &fields[i]
			p := fmt.Sprintf("templates.%s[%d]", name, i)
			if !baton.ValidName(f.Name) || seen[f.Name] {
				v.add(p+".name", "template %q: field name %q must be unique lowercase letters, digits and underscores", name, f.Name)
			}
			seen[f.Name] = true
			if f.Label == "" {
				f.Label = f.Name
			}
			if f.Type == "" {
				f.Type = FieldText
			} else if !slices.Contains(FieldTypes, f.Type) {
				v.add(p+".type", "template %q: field %q: unknown type %q (expected one of %s)", name, f.Name, f.Type, strings.Join(FieldTypes, ", "))
			}
			if f.Type == FieldChoice && len(f.Options) == 0 {
				v.add(p+".options", "template %q: choice field %q needs options", name, f.Name)
			}
			if f.Auto != "" && !slices.Contains(AutoKeys, f.Auto) {
				v.add(p+".auto", "template %q: field %q: unknown auto %q (expected one of %s)", name, f.Name, f.Auto, strings.Join(AutoKeys, ", "))
			}
			validateColumns(v, p, name, f)
		}
		for i, f := range fields {
			if f.Formerly != "" && (!baton.ValidName(f.Formerly) || seen[f.Formerly]) {
				v.add(fmt.Sprintf("templates.%s[%d].formerly", name, i), "template %q: field %q: formerly %q must be a field name no other field of the template has", name, f.Name, f.Formerly)
			}
		}
	}
	pb.fields = map[string][]Field{}
	for i := range pb.HandoffTypes {
		h := &pb.HandoffTypes[i]
		p := fmt.Sprintf("handoff_types[%d]", i)
		var out []Field
		seen := map[string]bool{}
		add := func(fs []Field) {
			for _, f := range fs {
				if !seen[f.Name] {
					seen[f.Name] = true
					out = append(out, f)
				}
			}
		}
		add(pb.Templates["minimum"])
		if h.Template != "" {
			t, ok := pb.Templates[h.Template]
			if !ok {
				v.add(p+".template", "handoff type %q: unknown template %q", h.Name, h.Template)
			}
			add(t)
		}
		for _, r := range h.Required {
			add([]Field{{Name: r, Label: strings.ReplaceAll(r, "_", " "), Type: FieldText}})
		}
		if h.Gate < 0 || h.Gate > 100 {
			v.add(p+".gate", "handoff type %q: gate must be a percentage from 0 to 100", h.Name)
		}
		pb.fields[h.Name] = out
	}
}

// validateColumns checks the columns of field f of template name at path
// p: a table needs 1 to MaxColumns uniquely named, typed columns (a choice
// with options); other types take none. It fills in labels and types.
func validateColumns(v *validator, p, name string, f *Field) {
	if f.Type != FieldTable {
		if len(f.Columns) > 0 {
			v.add(p+".columns", "template %q: field %q: only a table field has columns", name, f.Name)
		}
		return
	}
	if f.Auto != "" {
		v.add(p+".auto", "template %q: table field %q cannot be auto", name, f.Name)
	}
	if len(f.Columns) == 0 || len(f.Columns) > MaxColumns {
		v.add(p+".type", "template %q: table field %q needs 1 to %d columns, has %d", name, f.Name, MaxColumns, len(f.Columns))
	}
	seen := map[string]bool{}
	for j := range f.Columns {
		c := &f.Columns[j]
		cp := fmt.Sprintf("%s.columns[%d]", p, j)
		if !baton.ValidName(c.Name) || seen[c.Name] {
			v.add(cp+".name", "template %q: table %q: column name %q must be unique lowercase letters, digits and underscores", name, f.Name, c.Name)
		}
		seen[c.Name] = true
		if c.Label == "" {
			c.Label = strings.ReplaceAll(c.Name, "_", " ")
		}
		if c.Type == "" {
			c.Type = FieldText
		} else if !slices.Contains(ColumnTypes, c.Type) {
			v.add(cp+".type", "template %q: table %q: column %q: unknown type %q (expected one of %s)", name, f.Name, c.Name, c.Type, strings.Join(ColumnTypes, ", "))
		}
		switch {
		case c.Type == FieldChoice && len(c.Options) == 0:
			v.add(cp+".options", "template %q: table %q: choice column %q needs options", name, f.Name, c.Name)
		case c.Type != FieldChoice && len(c.Options) > 0:
			v.add(cp+".options", "template %q: table %q: column %q: only a choice column has options", name, f.Name, c.Name)
		}
		opts := map[string]bool{}
		for k, o := range c.Options {
			if strings.TrimSpace(o) == "" || opts[strings.ToLower(o)] {
				v.add(fmt.Sprintf("%s.options[%d]", cp, k), "template %q: table %q: column %q: option %q must be unique and not blank", name, f.Name, c.Name, o)
			}
			opts[strings.ToLower(o)] = true
		}
	}
}
