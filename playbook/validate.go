package playbook

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bizhours"
)

// validate checks pb section by section, filling in defaults and building
// the indexes the playbook is queried by; v collects the problems.
func (pb *Playbook) validate(v *validator) {
	if pb.Version != 1 {
		v.add("version", "version must be 1, got %d", pb.Version)
	}
	pb.validateSignalTypes(v)
	pb.validateSignalFields(v)
	pb.validateCalendars(v)
	pb.validateTiers(v)
	pb.validateRouting(v)
	pb.validateHandoffTypes(v)
	pb.validateTeams(v)
	pb.validateTemplates(v)
	pb.validateRules(v)
	pb.validateBriefs(v)
	pb.validateIntake(v)
	pb.validateProspect(v)
	pb.validateOutcomes(v)
	pb.validateMeetings(v)
	pb.validateFeedback(v)
	pb.validateRenewal(v)
	pb.validateQuality(v)
	pb.validateCSProtocol(v)
	pb.validateConnectors(v)
}

// validateSignalTypes checks the declared signal types and indexes them
// with the built-in ones.
func (pb *Playbook) validateSignalTypes(v *validator) {
	pb.signalTypes = map[string]bool{}
	for _, s := range baton.BuiltinSignalTypes {
		pb.signalTypes[s] = true
	}
	for i, st := range pb.SignalTypes {
		p := fmt.Sprintf("signal_types[%d].name", i)
		switch {
		case !baton.ValidName(st.Name):
			v.add(p, "signal type name %q: expected lowercase letters, digits and underscores", st.Name)
		case pb.signalTypes[st.Name]:
			v.add(p, "signal type %q is already defined (built-in or repeated)", st.Name)
		}
		pb.signalTypes[st.Name] = true
	}
}

// validateTeams checks the teams' names, calendars and ops leads.
func (pb *Playbook) validateTeams(v *validator) {
	for name, team := range pb.Teams {
		if !baton.ValidName(name) {
			v.add("teams."+name, "team name %q: expected lowercase letters, digits and underscores", name)
		}
		if team.Calendar != "" && pb.calendars[team.Calendar] == nil {
			v.add("teams."+name+".calendar", "team %q: unknown calendar %q", name, team.Calendar)
		}
		if team.OpsLead != "" && !baton.ValidEmail(strings.ToLower(team.OpsLead)) {
			v.add("teams."+name+".ops_lead", "team %q: ops_lead must be an email", name)
		}
	}
}

// validateBriefs checks when the pre-call brief is sent.
func (pb *Playbook) validateBriefs(v *validator) {
	if pb.Briefs.PreCall == 0 {
		pb.Briefs.PreCall = baton.Duration(30 * time.Minute)
	} else if pb.Briefs.PreCall < 0 || pb.Briefs.PreCall > baton.Duration(7*24*time.Hour) {
		v.add("briefs.pre_call", "pre_call must be between 1m and 7d")
	}
}

// validateIntake checks the prospect intake form: its expiry and at most
// MaxIntakeQuestions questions, each about a template field.
func (pb *Playbook) validateIntake(v *validator) {

}

// validateCalendars parses the named calendars; the first is the default.
func (pb *Playbook) validateCalendars(v *validator) {
	pb.calendars = map[string]*bizhours.Calendar{}
	for i := range pb.Calendars {
		c := &pb.Calendars[i]
		p := fmt.Sprintf("calendars[%d]", i)
		if !baton.ValidName(c.Name) || pb.calendars[c.Name] != nil {
			v.add(p+".name", "calendar name %q must be unique lowercase letters, digits and underscores", c.Name)
			continue
		}
		var holidays []bizhours.Date
		for j, d := range c.Holidays {
			t, err := time.Parse(time.DateOnly, d)
			if err != nil {
				v.add(fmt.Sprintf("%s.holidays[%d]", p, j), "calendar %q: holiday %q: expected YYYY-MM-DD", c.Name, d)
				continue
			}
			holidays = append(holidays, bizhours.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()})
		}
		cal, err := bizhours.ParseCalendar(c.Hours, c.TimeZone, holidays)
		if err != nil {
			v.add(p+".hours", "calendar %q: %v", c.Name, err)
			continue
		}
		c.cal = cal
		pb.calendars[c.Name] = cal
	}
}

func validSteps(v *validator, path string, steps []string) {
	for j, s := range steps {
		if !slices.Contains(PrecedenceSteps, s) {
			v.add(fmt.Sprintf("%s[%d]", path, j), "unknown routing step %q (expected one of %s)", s, strings.Join(PrecedenceSteps, ", "))
		}
	}
}

func (pb *Playbook) tierNames() []string {
	names := make([]string, 0, len(pb.Tiers))
	for _, t := range pb.Tiers {
		names = append(names, t.Name)
	}
	return names
}

// validateSignalFields checks the declared free fields.
func (pb *Playbook) validateSignalFields(v *validator) {
	pb.declared = map[string]string{}
	for i, f := range pb.SignalFields {
		p := fmt.Sprintf("fields[%d]", i)
		ok := true
		switch {
		case !baton.ValidName(f.Name):
			v.add(p+".name", "field name %q: expected lowercase letters, digits and underscores", f.Name)
			ok = false
		case pb.declared[f.Name] != "":
			v.add(p+".name", "field %q is declared twice", f.Name)
			ok = false
		}
		if !slices.Contains(FreeTypes, f.Type) {
			v.add(p+".type", "field %q: type must be one of %s, got %q", f.Name, strings.Join(FreeTypes, ", "), f.Type)
			ok = false
		}
		if ok {
			pb.declared[f.Name] = f.Type
		}
	}
}
