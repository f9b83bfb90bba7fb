package playbook

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/expr-lang/expr/vm"
)

// CSProtocol is the sales → customer success handoff protocol: when the
// handoff happens (timing and triggers), the gates it must pass before it is
// sent, the knowledge-transfer meeting, and where it goes when every CSM is
// at capacity. It governs the handoff types it names; a playbook without a
// cs_protocol section runs none of it.
type CSProtocol struct {
	// Types are the handoff types the protocol governs (closed_won and
	// poc_converted in the default playbook). Empty turns the protocol off.
	Types []string `yaml:"types"`
	// Timing is baton.TimingPostClose (default) or baton.TimingPreClose.
	// Pre-close sends a strategic account's handoff on the verbal commit,
	// PreClose.Earliest to PreClose.Latest before the expected close, once
	// the customer success manager approves; every other handoff is sent
	// after the contract is executed.
	Timing string `yaml:"timing"`
	// Strategic is a condition over the signal, account and contact (as in
	// handoff_types.when) marking a strategic account; default
	// DefaultStrategic (enterprise accounts).
	Strategic string `yaml:"strategic"`
	// NotifyWithin is how long after signature customer success must have
	// the handoff (default 24h); EngageWithin how long until customer
	// success engages the customer (default 5d).
	NotifyWithin baton.Duration `yaml:"notify_within"`
	EngageWithin baton.Duration `yaml:"engage_within"`
	// PreClose bounds a pre-close handoff's window before the expected
	// close: not earlier than Earliest (default 7d), not later than
	// Latest (default 5d).
	PreClose PreClose `yaml:"pre_close"`
	// Gates are what must hold before the handoff can be sent.
	Gates CSGates `yaml:"gates"`
	// KT is the knowledge-transfer meeting.
	KT KTSettings `yaml:"kt_meeting"`
	// Leadership is the email of customer success leadership, who receives
	// a handoff when every CSM is at capacity; default the receiving
	// team's manager (a user with role manager on the team, else the
	// members' manager).
	Leadership string `yaml:"leadership"`

	strategic *vm.Program
}

// PreClose is the window of a pre-close handoff, before the expected close.
type PreClose struct {
	Earliest baton.Duration `yaml:"earliest"`
	Latest   baton.Duration `yaml:"latest"`
}

// CSGates are the checks before a handoff is sent to customer success.
type CSGates struct {
	// Contract requires the contract fully executed (default true);
	// an approved pre-close handoff waives it, flagged as pending contract.
	Contract *bool `yaml:"contract"`
	// Payment requires payment received or scheduled (default true);
	// extended terms or a delay request pass, flagged as a risk.
	Payment *bool `yaml:"payment"`
	// DealSummary is the completeness (0-100 %) the handoff's context must
	// reach (default 100: every field of the deal summary).
	DealSummary *int `yaml:"deal_summary"`
}

// KTSettings configure the knowledge-transfer meeting.
type KTSettings struct {
	// HoldAt is the win probability (percent) at which the calendar hold
	// is placed (default 90); a signed contract is 100.
	HoldAt int `yaml:"hold_at"`
	// ConfirmWithin is how long after the close the time must be confirmed
	// (default 24h); HeldWithin how long after the close it must be held
	// (default 48h).
	ConfirmWithin baton.Duration `yaml:"confirm_within"`
	HeldWithin    baton.Duration `yaml:"held_within"`
	// Duration is the meeting's length (default 45m), at least
	// MinDuration (default 30m); StrategicDuration a strategic account's
	// (default 60m). At most MaxKTDuration.
	Duration          baton.Duration `yaml:"duration"`
	MinDuration       baton.Duration `yaml:"min_duration"`
	StrategicDuration baton.Duration `yaml:"strategic_duration"`
	// AgendaBefore is how long before the meeting the agenda is sent
	// (default 24h).
	AgendaBefore baton.Duration `yaml:"agenda_before"`
	// AcceptBy is how long before the meeting a required participant must
	// have accepted; after that it is escalated to their manager (default
	// 24h).
	AcceptBy baton.Duration `yaml:"accept_by"`
	// Agenda is the meeting's agenda; default DefaultKTAgenda (the seven
	// parts of the seed).
	Agenda []baton.KTAgendaItem `yaml:"agenda"`
}

// Protocol defaults and bounds.
const (
	DefaultStrategic = `account.segment == "enterprise"`
	MaxKTDuration    = baton.Duration(4 * time.Hour)
	MaxAgendaItems   = 12
)

// DefaultKTAgenda is the seed's seven-part agenda of the knowledge-transfer
// meeting.
func DefaultKTAgenda() []baton.KTAgendaItem {
	return []baton.KTAgendaItem{
		{Name: "customer_overview", Label: "Customer overview", Minutes: 5,
			Points: []string{"Company background and context", "Why this deal, why now", "How they found us"}},
		{Name: "stakeholders", Label: "Stakeholder deep-dive", Minutes: 10,
			Points: []string{"Walk through the stakeholder map", "Relationship dynamics and politics", "Communication preferences", "Who to engage when and how"}},
		{Name: "objectives", Label: "Business objectives and success", Minutes: 10,
			Points: []string{"Problems being solved", "Success criteria and metrics", "ROI expectations", "What makes the champion successful"}},
		{Name: "commitments", Label: "Scope, commitments and expectations", Minutes: 10,
			Points: []string{"What was sold and what was promised", "Special commitments or customizations", "Verbal commitments or gray areas", "Pricing, discounts or special terms"}},
		{Name: "implementation", Label: "Implementation context", Minutes: 5,
			Points: []string{"Timeline expectations", "Technical requirements", "Customer resources and availability", "Dependencies and risks"}},
		{Name: "risks", Label: "Risk factors and concerns", Minutes: 5,
			Points: []string{"Objections raised and how addressed", "Concerns that remain", "Red flags or churn risk indicators", "Proactive mitigation strategies"}},
		{Name: "questions", Label: "Questions and next steps", Minutes: 5,
			Points: []string{"CS asks clarifying questions", "Agree on the customer introduction approach", "Set the timeline for kickoff", "Assign action items"}},
	}
}

// Governs reports whether the protocol runs for handoff type name.
func (c *CSProtocol) Governs(name string) bool { return slices.Contains(c.Types, name) }

// IsStrategic reports whether env's account is strategic.
func (c *CSProtocol) IsStrategic(env *Env) (bool, error) {
	if c.strategic == nil {
		return false, nil
	}
	return eval(c.strategic, env)
}

// GateContract, GatePayment and GateDealSummary are the gates in force.
func (c *CSProtocol) GateContract() bool { return c.Gates.Contract == nil || *c.Gates.Contract }

// GatePayment reports whether the payment gate is in force.
func (c *CSProtocol) GatePayment() bool { return c.Gates.Payment == nil || *c.Gates.Payment }

// GateDealSummary is the completeness the deal summary must reach; 0 turns
// the gate off.
func (c *CSProtocol) GateDealSummary() int {
	if c.Gates.DealSummary == nil {
		return 100
	}
	return *c.Gates.DealSummary
}

// DurationFor is the meeting's length for a strategic account or not.
func (k *KTSettings) DurationFor(strategic bool) time.Duration {
	if strategic {
		return time.Duration(k.StrategicDuration)
	}
	return time.Duration(k.Duration)
}

// validateCSProtocol checks the cs_protocol section and fills in its
// defaults.
func (pb *Playbook) validateCSProtocol(v *validator) {
	c := &pb.CSProtocol
	for i, name := range c.Types {
		if pb.HandoffType(name) == nil {
			v.add(fmt.Sprintf("cs_protocol.types[%d]", i), "cs_protocol: unknown handoff type %q", name)
		}
	}
	switch c.Timing {
	case "":
		c.Timing = baton.TimingPostClose
	case baton.TimingPostClose, baton.TimingPreClose:
	default:
		v.add("cs_protocol.timing", "cs_protocol timing %q: expected %s or %s", c.Timing, baton.TimingPostClose, baton.TimingPreClose)
	}
	if c.Strategic == "" {
		c.Strategic = DefaultStrategic
	}
	c.strategic = pb.condition(v, "cs_protocol.strategic", "cs_protocol: strategic", c.Strategic)
	day := baton.Duration(24 * time.Hour)
	durations := []struct {
		path string
		d    *baton.Duration
		def  baton.Duration
		min  baton.Duration
		max  baton.Duration
	}{
		{"cs_protocol.notify_within", &c.NotifyWithin, day, baton.Duration(time.Hour), 30 * day},
		{"cs_protocol.engage_within", &c.EngageWithin, 5 * day, baton.Duration(time.Hour), 90 * day},
		{"cs_protocol.pre_close.earliest", &c.PreClose.Earliest, 7 * day, day, 90 * day},
		{"cs_protocol.pre_close.latest", &c.PreClose.Latest, 5 * day, 0, 90 * day},
		{"cs_protocol.kt_meeting.confirm_within", &c.KT.ConfirmWithin, day, baton.Duration(time.Hour), 30 * day},
		{"cs_protocol.kt_meeting.held_within", &c.KT.HeldWithin, 2 * day, baton.Duration(time.Hour), 30 * day},
		{"cs_protocol.kt_meeting.min_duration", &c.KT.MinDuration, baton.Duration(30 * time.Minute), baton.Duration(5 * time.Minute), MaxKTDuration},
		{"cs_protocol.kt_meeting.duration", &c.KT.Duration, baton.Duration(45 * time.Minute), baton.Duration(5 * time.Minute), MaxKTDuration},
		{"cs_protocol.kt_meeting.strategic_duration", &c.KT.StrategicDuration, baton.Duration(60 * time.Minute), baton.Duration(5 * time.Minute), MaxKTDuration},
		{"cs_protocol.kt_meeting.agenda_before", &c.KT.AgendaBefore, day, baton.Duration(time.Hour), 7 * day},
		{"cs_protocol.kt_meeting.accept_by", &c.KT.AcceptBy, day, 0, 7 * day},
	}
	for _, d := range durations {
		switch {
		case *d.d == 0:
			*d.d = d.def
		case *d.d < d.min || *d.d > d.max:
			v.add(d.path, "%s %s: expected between %s and %s (default %s)", d.path, *d.d, d.min, d.max, d.def)
		}
	}
	if c.PreClose.Latest >= c.PreClose.Earliest {
		v.add("cs_protocol.pre_close", "cs_protocol pre_close: earliest (%s) must be longer before the close than latest (%s)", c.PreClose.Earliest, c.PreClose.Latest)
	}
	if c.KT.Duration < c.KT.MinDuration {
		v.add("cs_protocol.kt_meeting.duration", "cs_protocol kt_meeting duration %s is shorter than min_duration %s", c.KT.Duration, c.KT.MinDuration)
	}
	if c.KT.StrategicDuration < c.KT.MinDuration {
		v.add("cs_protocol.kt_meeting.strategic_duration", "cs_protocol kt_meeting strategic_duration %s is shorter than min_duration %s", c.KT.StrategicDuration, c.KT.MinDuration)
	}
	if c.KT.ConfirmWithin > c.KT.HeldWithin {
		v.add("cs_protocol.kt_meeting.confirm_within", "cs_protocol kt_meeting confirm_within %s is longer than held_within %s", c.KT.ConfirmWithin, c.KT.HeldWithin)
	}
	switch h := c.KT.HoldAt; {
	case h == 0:
		c.KT.HoldAt = 90
	case h < 1 || h > 100:
		v.add("cs_protocol.kt_meeting.hold_at", "cs_protocol kt_meeting hold_at %d: expected a probability between 1 and 100 (percent)", h)
	}
	if g := c.Gates.DealSummary; g != nil && (*g < 0 || *g > 100) {
		v.add("cs_protocol.gates.deal_summary", "cs_protocol gates deal_summary %d: expected a completeness between 0 and 100 (percent)", *g)
	}
	if c.Leadership != "" && !baton.ValidEmail(strings.ToLower(c.Leadership)) {
		v.add("cs_protocol.leadership", "cs_protocol leadership must be an email")
	}
	c.Leadership = strings.ToLower(c.Leadership)
	if len(c.KT.Agenda) == 0 {
		c.KT.Agenda = DefaultKTAgenda()
		return
	}
	if len(c.KT.Agenda) > MaxAgendaItems {
		v.add("cs_protocol.kt_meeting.agenda", "cs_protocol kt_meeting agenda has %d items; at most %d", len(c.KT.Agenda), MaxAgendaItems)
	}
	seen := map[string]bool{}
	for i := range c.KT.Agenda {
		a := &c.KT.Agenda[i]
		p := fmt.Sprintf("cs_protocol.kt_meeting.agenda[%d]", i)
		switch {
		case !baton.ValidName(a.Name):
			v.add(p+".name", "agenda item name %q: expected lowercase letters, digits and underscores", a.Name)
		case seen[a.Name]:
			v.add(p+".name", "agenda item %q is listed twice", a.Name)
		}
		seen[a.Name] = true
		if a.Label == "" {
			a.Label = a.Name
		}
		if a.Minutes < 1 || a.Minutes > 240 {
			v.add(p+".minutes", "agenda item %q: minutes %d: expected between 1 and 240", a.Name, a.Minutes)
		}
	}
}
