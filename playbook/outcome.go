package playbook

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// Outcome is what recording one outcome of a call starts: the playbook's
// outcomes: key, by outcome (baton.Outcomes). Every field has a default
// (DefaultOutcome); a field left out keeps it.
//
//	outcomes:
//	  no_show:
//	    closes: false
//	    message: rebook
//	    tasks: [{name: rebook, label: Rebook the missed meeting, within: 1d}]
//	    escalate_after: 2
//	  booked_won:
//	    next: contract_signed
//	    next_types: [meeting_set]
//	  not_interested: {recycle: true, reason: not interested}
type Outcome struct {
	// Closes completes the handoff when the outcome is recorded; false
	// keeps it actioned with the same owner, and a later outcome may be
	// recorded (after the rebooked meeting, say). Default: false for
	// no_show, interested_not_closed and proposal_requested, true for the
	// others.
	Closes *bool `yaml:"closes"`
	// Tasks are follow-up activities for the handoff's people, each with
	// its reminder at half time and its deadline (the owner's manager is
	// alerted when it passes), counted from the outcome. Left out, the
	// outcome's defaults; [] creates none. A task's from is not allowed:
	// tasks start when the outcome is recorded.
	Tasks []Activity `yaml:"tasks"`
	// Message is what the prospect gets: "rebook" sends the offer to book
	// again (the prospect no_show template), "none" nothing. Default:
	// rebook for no_show, none for the others.
	Message string `yaml:"message"`
	// EscalateAfter alerts the owner's manager the Nth time this outcome
	// is recorded on one handoff (and every time after); 0 never. Default
	// 2 for no_show, 0 for the others; at most 10.
	EscalateAfter *int `yaml:"escalate_after"`
	// Next is the signal type the outcome raises, carrying the handoff's
	// account, contact, source and context, with the owner as sender: the
	// playbook routes it like any signal, and the handoff it opens is
	// linked to this one. "none" raises nothing. Default: contract_signed
	// for booked_won (when a handoff type takes it), none for the others.
	// A handoff of a type the signal itself triggers never raises it.
	Next string `yaml:"next"`
	// NextTypes limits Next to handoffs of these types (a won deal on the
	// AE's meeting_set, not a meeting the SDR booked); empty: every type.
	NextTypes []string `yaml:"next_types"`
	// Recycle sends the lead back to nurture: a recycled event with the
	// reason, crediting the lead's source. Default: true for
	// not_interested and disqualified. Only a closing outcome recycles.
	Recycle *bool `yaml:"recycle"`
	// Reason is the recycle reason when the owner gives none. Default: the
	// outcome's name in words.
	Reason string `yaml:"reason"`
}

// Outcome messages to the prospect.
const (
	OutcomeMessageRebook = "rebook"
	OutcomeMessageNone   = "none"
)

// MaxEscalateAfter bounds Outcome.EscalateAfter.
const MaxEscalateAfter = 10

// Closing reports whether the outcome completes the handoff.
func (o *Outcome) Closing() bool { return o != nil && o.Closes != nil && *o.Closes }

// Recycling reports whether the outcome sends the lead back to nurture.
func (o *Outcome) Recycling() bool { return o != nil && o.Recycle != nil && *o.Recycle }

// Escalation returns the count of this outcome on one handoff at which the
// owner's manager is alerted; 0 never.
func (o *Outcome) Escalation() int {
	if o == nil || o.EscalateAfter == nil {
		return 0
	}
	return *o.EscalateAfter
}

// NextFor returns the signal type an outcome on a handoff of type typ
// raises, "" when none.
func (pb *Playbook) NextFor(o *Outcome, typ string) string {
	if o == nil || o.Next == "" || o.Next == "none" {
		return ""
	}
	if len(o.NextTypes) > 0 && !slices.Contains(o.NextTypes, typ) {
		return ""
	}
	for _, h := range pb.byTrigger[o.Next] {
		if h.Name == typ {
			return "" // a closed-won handoff's won does not open another
		}
	}
	return o.Next
}

// OutcomeRule returns what an outcome starts, defaults filled in; nil for
// an unknown outcome.
func (pb *Playbook) OutcomeRule(outcome string) *Outcome { return pb.Outcomes[outcome] }

// DefaultOutcome returns the defaults of an outcome, from the seeds: a
// no-show is rebooked (a message to the prospect, a task for the owner,
// the manager alerted at the second no-show), an interested prospect gets a
// follow-up within 2 days, a proposal is due in 2 business days, a won deal
// raises contract_signed (the closed-won handoff to customer success), and
// the not interested and disqualified go back to nurture. Only no-show,
// interested and proposal keep the handoff open.
func DefaultOutcome(outcome string) Outcome {
	f, t := false, true
	zero, two := 0, 2
	day := baton.Duration(24 * time.Hour)
	switch outcome {
	case baton.OutcomeNoShow:
		return Outcome{Closes: &f, Message: OutcomeMessageRebook, EscalateAfter: &two, Recycle: &f, Next: "none",
			Tasks: []Activity{{Name: "rebook", Label: "Rebook the missed meeting", Owner: "owner", Within: day}}}
	case baton.OutcomeInterested:
		return Outcome{Closes: &f, Message: OutcomeMessageNone, EscalateAfter: &zero, Recycle: &f, Next: "none",
			Tasks: []Activity{{Name: "follow_up", Label: "Follow up on the meeting", Owner: "owner", Within: 2 * day}}}
	case baton.OutcomeProposal:
		return Outcome{Closes: &f, Message: OutcomeMessageNone, EscalateAfter: &zero, Recycle: &f, Next: "none",
			Tasks: []Activity{{Name: "proposal", Label: "Send the proposal", Owner: "owner", Within: 2 * day}}}
	case baton.OutcomeWon:
		return Outcome{Closes: &t, Message: OutcomeMessageNone, EscalateAfter: &zero, Recycle: &f, Next: baton.SignalContractSigned, Tasks: []Activity{}}
	case baton.OutcomeNotInterested, baton.OutcomeDisqualified:
		return Outcome{Closes: &t, Message: OutcomeMessageNone, EscalateAfter: &zero, Recycle: &t, Next: "none", Tasks: []Activity{},
			Reason: strings.ReplaceAll(outcome, "_", " ")}
	}
	return Outcome{Closes: &t, Message: OutcomeMessageNone, EscalateAfter: &zero, Recycle: &f, Next: "none", Tasks: []Activity{}}
}

// validateOutcomes checks the outcomes section and fills every outcome's
// defaults; it runs after the handoff types are known.
func (pb *Playbook) validateOutcomes(v *validator) {
	for _, name := range slices.Sorted(maps.Keys(pb.Outcomes)) {
		if !slices.Contains(baton.Outcomes, name) {
			v.add("outcomes."+name, "unknown outcome %q (expected one of %s)", name, strings.Join(baton.Outcomes, ", "))
		}
	}
	typeActivities := map[string]string{} // activity name → handoff type
	for _, h := range pb.HandoffTypes {
		for _, a := range h.Activities {
			typeActivities[a.Name] = h.Name
		}
	}
	if pb.Outcomes == nil {
		pb.Outcomes = map[string]*Outcome{}
	}
	for _, name := range baton.Outcomes {
		o, p := pb.Outcomes[name], "outcomes."+name
		if o == nil {
			o = &Outcome{}
			pb.Outcomes[name] = o
		}
		def := DefaultOutcome(name)
		if o.Closes == nil {
			o.Closes = def.Closes
		}
		recycleSet := o.Recycle != nil
		if o.Recycle == nil {
			// A default recycle follows the default close: an outcome
			// made to keep the handoff open does not recycle it.
			r := def.Recycling() && o.Closing()
			o.Recycle = &r
		}
		if o.EscalateAfter == nil {
			o.EscalateAfter = def.EscalateAfter
		} else if *o.EscalateAfter < 0 || *o.EscalateAfter > MaxEscalateAfter {
			v.add(p+".escalate_after", "outcome %q: escalate_after must be from 0 (never) to %d, got %d", name, MaxEscalateAfter, *o.EscalateAfter)
		}
		switch o.Message {
		case "":
			o.Message = def.Message
		case OutcomeMessageRebook, OutcomeMessageNone:
		default:
			v.add(p+".message", "outcome %q: message must be rebook or none, got %q", name, o.Message)
		}
		if o.Reason == "" {
			o.Reason = def.Reason
		} else if len(o.Reason) > baton.MaxShortText {
			v.add(p+".reason", "outcome %q: reason must be at most %d bytes", name, baton.MaxShortText)
		}
		if recycleSet && o.Recycling() && !o.Closing() {
			v.add(p+".recycle", "outcome %q: only an outcome that closes the handoff (closes: true) can recycle the lead", name)
		}
		if o.Recycling() && o.Reason == "" {
			o.Reason = strings.ReplaceAll(name, "_", " ")
		}
		pb.validateOutcomeNext(v, p, name, o, def)
		if o.Tasks == nil {
			o.Tasks = def.Tasks
			continue
		}
		for j := range o.Tasks {
			a := &o.Tasks[j]
			tp := fmt.Sprintf("%s.tasks[%d]", p, j)
			if a.From != "" {
				v.add(tp+".from", "outcome %q: task %q starts when the outcome is recorded; from is not allowed", name, a.Name)
			}
			if typ, ok := typeActivities[a.Name]; ok {
				v.add(tp+".name", "outcome %q: task %q has the name of an activity of handoff type %q; name it differently", name, a.Name, typ)
			}
		}
		validateActivityList(v, p+".tasks", "outcome "+strconv.Quote(name), o.Tasks, map[string]bool{})
		for j := range o.Tasks {
			o.Tasks[j].From = "outcome"
		}
	}
}

// validateOutcomeNext checks the signal an outcome raises and the types
// it is raised for.
func (pb *Playbook) validateOutcomeNext(v *validator, p, name string, o *Outcome, def Outcome) {
	switch {
	case o.Next == "" && def.Next != "none" && len(pb.byTrigger[def.Next]) > 0:
		o.Next = def.Next
	case o.Next == "":
		o.Next = "none"
	case o.Next == "none":
	case !pb.signalTypes[o.Next]:
		v.add(p+".next", "outcome %q: unknown signal type %q (built-in: %s; or declare it under signal_types)", name, o.Next, strings.Join(baton.BuiltinSignalTypes, ", "))
	case len(pb.byTrigger[o.Next]) == 0:
		v.add(p+".next", "outcome %q: no handoff type is triggered by %s, so it would open nothing", name, o.Next)
	}
	for j, t := range o.NextTypes {
		if pb.HandoffType(t) == nil {
			v.add(fmt.Sprintf("%s.next_types[%d]", p, j), "outcome %q: unknown handoff type %q", name, t)
		}
	}
	if len(o.NextTypes) > 0 && o.Next == "none" {
		v.add(p+".next_types", "outcome %q: next_types needs next (the signal to raise)", name)
	}
}

// Meetings holds what happens to booked meetings.
type Meetings struct {
	// Reschedule is what a reschedule does to the handoff's owner:
	// "keep_owner" (default) or "reroute" (routed afresh, like a
	// reassignment without a target: the current owner is not picked).
	Reschedule string `yaml:"reschedule"`
}

// Meeting reschedule policies.
const (
	RescheduleKeepOwner = "keep_owner"
	RescheduleReroute   = "reroute"
)

// validateMeetings checks the meetings section and fills its defaults.
func (pb *Playbook) validateMeetings(v *validator) {
	switch pb.Meetings.Reschedule {
	case "":
		pb.Meetings.Reschedule = RescheduleKeepOwner
	case RescheduleKeepOwner, RescheduleReroute:
	default:
		v.add("meetings.reschedule", "meetings: reschedule must be keep_owner or reroute, got %q", pb.Meetings.Reschedule)
	}
}

// ReturnsTurn reports whether a no-show gives the owner their turn back
// in a routing pool (routing.PoolKey or routing.RuleKey): the rule's
// return_turn_on_no_show, else the routing section's (default true).
func (pb *Playbook) ReturnsTurn(rule string) bool {
	if rule != "" {
		for i := range pb.Routing.Rules {
			if r := &pb.Routing.Rules[i]; r.Name == rule && r.To.ReturnTurnOnNoShow != nil {
				return *r.To.ReturnTurnOnNoShow
			}
		}
	}
	return pb.Routing.ReturnTurnOnNoShow == nil || *pb.Routing.ReturnTurnOnNoShow
}

// PoolMethod returns the distribution method of a rule's pool, or of the
// team pools when rule is "".
func (pb *Playbook) PoolMethod(rule string) string {
	for i := range pb.Routing.Rules {
		if r := &pb.Routing.Rules[i]; rule != "" && r.Name == rule {
			return r.To.Method
		}
	}
	return pb.Routing.Method
}

// OutcomeLadderActions lists the actions an outcome ladder may take.
var OutcomeLadderActions = []string{ActionRemindOwner, ActionAlertManager, ActionAlertOps}

// validateOutcomeLadder parses a tier's outcome ladder, filling the
// default when empty: remind the owner at 50% of outcome_by, alert the
// manager at 100%.
func validateOutcomeLadder(v *validator, p string, t *Tier) {
	if len(t.OutcomeLadder) == 0 {
		t.OutcomeLadder = []LadderStep{{At: "50%", Action: ActionRemindOwner}, {At: "100%", Action: ActionAlertManager}}
	}
	for j := range t.OutcomeLadder {
		st := &t.OutcomeLadder[j]
		sp := fmt.Sprintf("%s.outcome_ladder[%d]", p, j)
		validateStepWhen(v, sp, t.Name, st, "an outcome ladder step", "outcome_by", "it", "4h")
		if !slices.Contains(OutcomeLadderActions, st.Action) {
			v.add(sp+".action", "tier %q: outcome ladder action %q: expected one of %s", t.Name, st.Action, strings.Join(OutcomeLadderActions, ", "))
		}
		if st.Repeat != "" || st.Repeats != 0 {
			v.add(sp+".repeat", "tier %q: outcome ladder steps do not repeat", t.Name)
		}
		for _, c := range st.Channel {
			if !slices.Contains(baton.NotifyChannels, c) {
				v.add(sp+".channel", "tier %q: unknown channel %q (expected one of %s)", t.Name, c, strings.Join(baton.NotifyChannels, ", "))
			}
		}
	}
}

// OutcomeDueStep returns the index of the first rung of a tier's outcome
// ladder that fires at or after the outcome's deadline (the one that
// records it overdue), or -1 when every rung is a reminder before it.
func (t *Tier) OutcomeDueStep() int {
	for i, st := range t.OutcomeLadder {
		if st.Fraction >= 1 || st.Fraction == 0 {
			return i
		}
	}
	return -1
}
