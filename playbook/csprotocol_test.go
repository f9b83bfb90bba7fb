package playbook_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// TestCSProtocolDefaults: the default playbook runs the protocol for the
// closed-won and POC handoffs with the seed's numbers.
func TestCSProtocolDefaults(t *testing.T) {
	t.Parallel()
	c := playbook.Default().CSProtocol
	if !c.Governs("closed_won") || !c.Governs("poc_converted") || c.Governs("hot_lead") {
		t.Errorf("got types %v, want closed_won and poc_converted", c.Types)
	}
	for _, d := range []struct {
		name      string
		got, want time.Duration
	}{
		{"notify_within", time.Duration(c.NotifyWithin), 24 * time.Hour},
		{"engage_within", time.Duration(c.EngageWithin), 5 * 24 * time.Hour},
		{"pre_close.earliest", time.Duration(c.PreClose.Earliest), 7 * 24 * time.Hour},
		{"pre_close.latest", time.Duration(c.PreClose.Latest), 5 * 24 * time.Hour},
		{"confirm_within", time.Duration(c.KT.ConfirmWithin), 24 * time.Hour},
		{"held_within", time.Duration(c.KT.HeldWithin), 48 * time.Hour},
		{"duration", time.Duration(c.KT.Duration), 45 * time.Minute},
		{"min_duration", time.Duration(c.KT.MinDuration), 30 * time.Minute},
		{"strategic_duration", time.Duration(c.KT.StrategicDuration), 60 * time.Minute},
		{"agenda_before", time.Duration(c.KT.AgendaBefore), 24 * time.Hour},
	} {
		if d.got != d.want {
			t.Errorf("%s: got %s, want %s", d.name, d.got, d.want)
		}
	}
	if c.Timing != baton.TimingPostClose || c.KT.HoldAt != 90 || len(c.KT.Agenda) != 7 || !c.GateContract() || !c.GatePayment() || c.GateDealSummary() != 100 {
		t.Errorf("got timing %s, hold at %d, %d agenda items, gates %v %v %d", c.Timing, c.KT.HoldAt, len(c.KT.Agenda), c.GateContract(), c.GatePayment(), c.GateDealSummary())
	}
	minutes := 0
	for _, a := range c.KT.Agenda {
		minutes += a.Minutes
	}
	if minutes != 50 {
		t.Errorf("got %d agenda minutes, want the seed's 50", minutes)
	}
}

// TestCSProtocolValidation: a cs_protocol section gets its defaults and
// each mistake a message at its line and column.
func TestCSProtocolValidation(t *testing.T) {
	t.Parallel()
	const base = "version: 1\nsignal_types: [{name: verbal_commit}]\ntiers: [{name: s, accept: 1d}]\nhandoff_types: [{name: won, from: ae, to: cs, triggers: [contract_signed, verbal_commit], tier: s}]\n"
	for _, tc := range []struct {
		name, yaml string
		problem    string
		check      func(t *testing.T, c playbook.CSProtocol)
	}{
		{"AbsentRunsNothing", "", "", func(t *testing.T, c playbook.CSProtocol) {
			if c.Governs("won") {
				t.Error("a playbook without cs_protocol governs won")
			}
		}},
		{"DefaultsFilledIn", "cs_protocol: {types: [won]}\n", "", func(t *testing.T, c playbook.CSProtocol) {
			if !c.Governs("won") || c.Timing != baton.TimingPostClose || c.KT.Duration != baton.Duration(45*time.Minute) || c.Strategic != playbook.DefaultStrategic {
				t.Errorf("got %+v", c)
			}
		}},
		{"PreCloseAndOwnAgenda", "cs_protocol:\n  types: [won]\n  timing: pre_close\n  kt_meeting:\n    agenda: [{name: intro, minutes: 10}, {name: risks, label: Risks, minutes: 20}]\n", "", func(t *testing.T, c playbook.CSProtocol) {
			if c.Timing != baton.TimingPreClose || len(c.KT.Agenda) != 2 || c.KT.Agenda[0].Label != "intro" {
				t.Errorf("got timing %s, agenda %+v", c.Timing, c.KT.Agenda)
			}
		}},
		{"UnknownType", "cs_protocol:\n  types: [lost]\n", "t.yaml:6:11: cs_protocol: unknown handoff type \"lost\"", nil},
		{"UnknownTiming", "cs_protocol:\n  types: [won]\n  timing: someday\n", "t.yaml:7:11: cs_protocol timing \"someday\": expected post_close or pre_close", nil},
		{"BadStrategicCondition", "cs_protocol:\n  types: [won]\n  strategic: account.size > 10\n", "cs_protocol: strategic", nil},
		{"ShortMeeting", "cs_protocol:\n  types: [won]\n  kt_meeting: {duration: 20m}\n", "cs_protocol kt_meeting duration 20m is shorter than min_duration 30m", nil},
		{"WindowBackwards", "cs_protocol:\n  types: [won]\n  pre_close: {earliest: 3d, latest: 5d}\n", "earliest (3d) must be longer before the close than latest (5d)", nil},
		{"HoldAtOver100", "cs_protocol:\n  types: [won]\n  kt_meeting: {hold_at: 120}\n", "hold_at 120: expected a probability between 1 and 100", nil},
		{"DealSummaryGateOver100", "cs_protocol:\n  types: [won]\n  gates: {deal_summary: 101}\n", "deal_summary 101: expected a completeness between 0 and 100", nil},
		{"ConfirmAfterHeld", "cs_protocol:\n  types: [won]\n  kt_meeting: {confirm_within: 3d}\n", "confirm_within 3d is longer than held_within 2d", nil},
		{"AgendaItemTwice", "cs_protocol:\n  types: [won]\n  kt_meeting:\n    agenda: [{name: a, minutes: 5}, {name: a, minutes: 0}]\n", "agenda item \"a\" is listed twice", nil},
		{"LeadershipNotAnEmail", "cs_protocol:\n  types: [won]\n  leadership: cara\n", "cs_protocol leadership must be an email", nil},
		{"UnknownKey", "cs_protocol:\n  typos: [won]\n", "t.yaml:6:3:", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pb, err := playbook.Parse("t.yaml", []byte(base+tc.yaml))
			if tc.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tc.problem) {
					t.Fatalf("got %v, want a problem containing %q", err, tc.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, pb.CSProtocol)
		})
	}
}
