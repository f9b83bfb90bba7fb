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

// validateTiers checks the SLA tiers, fills in their defaults and indexes
// them by name.
func (pb *Playbook) validateTiers(v *validator) {
	pb.tiers = map[string]*Tier{}
	if len(pb.Tiers) == 0 {
		v.add("tiers", "at least one tier is required")
	}
	for i := range pb.Tiers {
		t := &pb.Tiers[i]
		p := fmt.Sprintf("tiers[%d]", i)
		if !baton.ValidName(t.Name) {
			v.add(p+".name", "tier name %q: expected lowercase letters, digits and underscores", t.Name)
		} else if pb.tiers[t.Name] != nil {
			v.add(p+".name", "tier %q is defined twice", t.Name)
		}
		pb.tiers[t.Name] = t
		if t.Accept <= 0 {
			v.add(p+".accept", "tier %q: accept must be a positive duration such as 5m or 4h", t.Name)
		}
		if t.FirstTouch < 0 || t.Grace < 0 || t.FixBy < 0 {
			v.add(p, "tier %q: durations must not be negative", t.Name)
		}
		if t.FirstTouch == 0 {
			t.FirstTouch = t.Accept
		} else if t.FirstTouch < t.Accept {
			v.add(p+".first_touch", "tier %q: first_touch (%s) must not be shorter than accept (%s)", t.Name, t.FirstTouch, t.Accept)
		}
		if t.FixBy == 0 {
			t.FixBy = baton.Duration(24 * time.Hour)
		}
		if t.OutcomeBy == 0 {
			t.OutcomeBy = baton.Duration(24 * time.Hour)
		}
		switch t.Clock {
		case "":
			t.Clock = ClockBusiness
		case ClockBusiness, ClockAroundTheClock:
		default:
			v.add(p+".clock", "tier %q: clock must be business or around_the_clock, got %q", t.Name, t.Clock)
		}
		validateLadder(v, p, t)
		validateOutcomeLadder(v, p, t)
	}
	pb.validateNotifications(v)
}

// NotificationKinds lists the message kinds the playbook's notifications
// map may name: the ones sent to people on the team.
var NotificationKinds = []string{baton.MsgAssigned, baton.MsgReminder, baton.MsgBreach, baton.MsgReturned, baton.MsgFixOver,
	baton.MsgJoined, baton.MsgFellBack, baton.MsgReassign, baton.MsgEscalated, baton.MsgActivity, baton.MsgActLate,
	baton.MsgOutcome, baton.MsgPreCall, baton.MsgWeeklyReview,
	baton.MsgRatedLow, baton.MsgRejectionsEscalated,
	baton.MsgCSSent, baton.MsgCSCapacity, baton.MsgCSApproval, baton.MsgCSLate,
	baton.MsgKTInvite, baton.MsgKTAgenda, baton.MsgKTUnaccepted, baton.MsgKTUnconfirmed}

// validateNotifications checks the notifications map: known kinds, known
// channels, at least one channel each.
func (pb *Playbook) validateNotifications(v *validator) {
	for _, kind := range slices.Sorted(maps.Keys(pb.Notifications)) {
		chs, p := pb.Notifications[kind], "notifications."+kind
		if !slices.Contains(NotificationKinds, kind) {
			v.add(p, "unknown message kind %q (expected one of %s)", kind, strings.Join(NotificationKinds, ", "))
		}
		if len(chs) == 0 {
			v.add(p, "%s: name at least one channel (%s)", kind, strings.Join(baton.NotifyChannels, ", "))
		}
		for _, c := range chs {
			if !slices.Contains(baton.NotifyChannels, c) {
				v.add(p, "%s: unknown channel %q (expected one of %s)", kind, c, strings.Join(baton.NotifyChannels, ", "))
			}
		}
	}
}

// validateStepWhen checks when a ladder step st (at sp in the file) fires:
// at a percentage of the clock (what, e.g. "the SLA"), setting its
// Fraction, or after the clock's end (past, e.g. "the deadline"), never
// both. noun names the kind of step in messages; example is an after.
func validateStepWhen(v *validator, sp, tier string, st *LadderStep, noun, what, past, example string) {
	switch {
	case st.At != "" && st.After != 0:
		v.add(sp, "tier %q: %s takes at (a percentage of %s) or after (past %s), not both", tier, noun, what, past)
	case st.At != "":
		pct, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(st.At), "%"), 64)
		if err != nil || !strings.HasSuffix(st.At, "%") || pct <= 0 || pct > 100 {
			v.add(sp+".at", "tier %q: at must be a percentage from 1%% to 100%%, got %q", tier, st.At)
		}
		st.Fraction = pct / 100
	case st.After <= 0:
		v.add(sp, "tier %q: %s needs at (e.g. 50%%) or after (e.g. %s)", tier, noun, example)
	}
}

// validateLadder parses a tier's ladder, filling the default when empty.
func validateLadder(v *validator, p string, t *Tier) {
	if len(t.Ladder) == 0 {
		t.Ladder = []LadderStep{{At: "50%", Action: ActionRemindOwner}, {At: "100%", Action: ActionAlertManager}}
		if t.Grace > 0 {
			t.Ladder = append(t.Ladder, LadderStep{After: t.Grace, Action: ActionReassignBackup}, LadderStep{After: 2 * t.Grace, Action: ActionAlertOps})
		}
	}
	for j := range t.Ladder {
		st := &t.Ladder[j]
		sp := fmt.Sprintf("%s.ladder[%d]", p, j)
		validateStepWhen(v, sp, t.Name, st, "a ladder step", "the SLA", "the deadline", "30m")
		if !slices.Contains(LadderActions, st.Action) {
			v.add(sp+".action", "tier %q: unknown action %q (expected one of %s)", t.Name, st.Action, strings.Join(LadderActions, ", "))
		}
		for _, c := range st.Channel {
			if !slices.Contains(baton.NotifyChannels, c) {
				v.add(sp+".channel", "tier %q: unknown channel %q (expected one of %s)", t.Name, c, strings.Join(baton.NotifyChannels, ", "))
			}
		}
		validateRepeat(v, sp, t, st, j == len(t.Ladder)-1)
	}
}

// validateRepeat parses a ladder step's repeat: only the last rung repeats,
// by default every working day, at most DefaultRepeats times.
func validateRepeat(v *validator, sp string, t *Tier, st *LadderStep, last bool) {
	rep := strings.TrimSpace(st.Repeat)
	if !last {
		if rep != "" || st.Repeats != 0 {
			v.add(sp+".repeat", "tier %q: only the last step of a ladder repeats", t.Name)
		}
		return
	}
	switch {
	case rep == "off":
		st.Every = 0
	case rep == "":
		if st.Action != ActionReassignBackup {
			st.Every = DefaultRepeat
		}
	case st.Action == ActionReassignBackup:
		v.add(sp+".repeat", "tier %q: reassign_backup moves a handoff once and cannot repeat; end the ladder with an alert", t.Name)
	default:
		d, err := baton.ParseDuration(rep)
		if err != nil || baton.Duration(d) < MinRepeat {
			v.add(sp+".repeat", "tier %q: repeat must be a duration of at least %s (e.g. 4h, 1d) or off, got %q", t.Name, MinRepeat, st.Repeat)
		}
		st.Every = baton.Duration(d)
	}
	switch {
	case st.Repeats < 0 || st.Repeats > MaxRepeats:
		v.add(sp+".repeats", "tier %q: repeats must be from 1 to %d, got %d", t.Name, MaxRepeats, st.Repeats)
	case st.Repeats == 0:
		st.Repeats = DefaultRepeats
	}
}
