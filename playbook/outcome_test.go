package playbook_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// outcomeSummary is what an outcome rule does, in one comparable line.
type outcomeSummary struct {
	Closes, Recycle bool
	Message         string
	Escalate        int
	Next            string
	Tasks           string
	Reason          string
}

func summarise(o *playbook.Outcome) outcomeSummary {
	var tasks []string
	for _, a := range o.Tasks {
		tasks = append(tasks, a.Name+"/"+a.Owner+"/"+a.Within.String())
	}
	return outcomeSummary{Closes: o.Closing(), Recycle: o.Recycling(), Message: o.Message, Escalate: o.Escalation(), Next: o.Next,
		Tasks: strings.Join(tasks, ","), Reason: o.Reason}
}

var seedOutcomes = map[string]outcomeSummary{
	baton.OutcomeNoShow:        {Message: "rebook", Escalate: 2, Next: "none", Tasks: "rebook/owner/1d"},
	baton.OutcomeInterested:    {Message: "none", Next: "none", Tasks: "follow_up/owner/2d"},
	baton.OutcomeProposal:      {Message: "none", Next: "none", Tasks: "proposal/owner/2d"},
	baton.OutcomeWon:           {Closes: true, Message: "none", Next: "contract_signed"},
	baton.OutcomeNotInterested: {Closes: true, Recycle: true, Message: "none", Next: "none", Reason: "not interested"},
	baton.OutcomeDisqualified:  {Closes: true, Recycle: true, Message: "none", Next: "none", Reason: "disqualified"},
}

func TestOutcomeRules(t *testing.T) {
	t.Parallel()
	const base = "version: 1\ntiers: [{name: standard, accept: 1d}]\nhandoff_types:\n" +
		"  - {name: meeting_set, from: sdr, to: ae, triggers: [meeting_booked], tier: standard}\n" +
		"  - {name: closed_won, from: ae, to: cs, triggers: [contract_signed], tier: standard}\n"

	t.Run("DefaultPlaybookFollowsTheSeeds", func(t *testing.T) {
		t.Parallel()
		pb := playbook.Default()
		for _, name := range baton.Outcomes {
			if diff := cmp.Diff(seedOutcomes[name], summarise(pb.OutcomeRule(name))); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		}
		if got := pb.Meetings.Reschedule; got != playbook.RescheduleKeepOwner {
			t.Errorf("reschedule: got %q, want keep_owner", got)
		}
		won := pb.OutcomeRule(baton.OutcomeWon)
		for typ, want := range map[string]string{"meeting_set": "contract_signed", "hot_lead": "", "closed_won": ""} {
			if got := pb.NextFor(won, typ); got != want {
				t.Errorf("won on %s raises %q, want %q", typ, got, want)
			}
		}
		if !pb.ReturnsTurn("") {
			t.Error("no-shows do not give the turn back by default")
		}
	})

	t.Run("LeftOutTheSeedsApply", func(t *testing.T) {
		t.Parallel()
		pb, err := playbook.Parse("p.yaml", []byte(base))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range baton.Outcomes {
			if diff := cmp.Diff(seedOutcomes[name], summarise(pb.OutcomeRule(name))); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		}
		// Without next_types, a won anywhere but on closed_won raises it.
		if got := pb.NextFor(pb.OutcomeRule(baton.OutcomeWon), "meeting_set"); got != "contract_signed" {
			t.Errorf("won on meeting_set raises %q, want contract_signed", got)
		}
		tier := pb.Tier("standard")
		if len(tier.OutcomeLadder) != 2 || tier.OutcomeLadder[0].Fraction != 0.5 || tier.OutcomeLadder[1].Action != playbook.ActionAlertManager || tier.OutcomeDueStep() != 1 {
			t.Errorf("outcome ladder: got %+v, want remind at 50%%, alert the manager at 100%%", tier.OutcomeLadder)
		}
	})

	t.Run("SettingsOverrideOneFieldAtATime", func(t *testing.T) {
		t.Parallel()
		src := base + "outcomes:\n  no_show: {closes: true, tasks: []}\n  not_interested: {closes: false}\n" +
			"  proposal_requested: {tasks: [{name: proposal, within: 3d, owner: sender}], escalate_after: 0}\n" +
			"routing:\n  return_turn_on_no_show: false\n  rules: [{name: big, when: 'account.employees > 1000', to: {team: ae, return_turn_on_no_show: true}}]\n" +
			"meetings: {reschedule: reroute}\n"
		pb, err := playbook.Parse("p.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]outcomeSummary{
			// A closing no-show still rebooks and escalates, with no task.
			baton.OutcomeNoShow: {Closes: true, Message: "rebook", Escalate: 2, Next: "none"},
			// Kept open, not_interested no longer recycles by default.
			baton.OutcomeNotInterested: {Message: "none", Next: "none", Reason: "not interested"},
			baton.OutcomeProposal:      {Message: "none", Next: "none", Tasks: "proposal/sender/3d"},
		}
		for name, w := range want {
			if diff := cmp.Diff(w, summarise(pb.OutcomeRule(name))); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		}
		if pb.ReturnsTurn("") || !pb.ReturnsTurn("big") {
			t.Errorf("turn back: got team %v, rule %v; want false, true", pb.ReturnsTurn(""), pb.ReturnsTurn("big"))
		}
		if pb.Meetings.Reschedule != playbook.RescheduleReroute {
			t.Errorf("reschedule: got %q, want reroute", pb.Meetings.Reschedule)
		}
	})

	t.Run("NoTypeTakesTheSignal", func(t *testing.T) {
		t.Parallel()
		src := "version: 1\ntiers: [{name: standard, accept: 1d}]\nhandoff_types:\n  - {name: meeting_set, from: sdr, to: ae, triggers: [meeting_booked], tier: standard}\n"
		pb, err := playbook.Parse("p.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if got := pb.OutcomeRule(baton.OutcomeWon).Next; got != "none" {
			t.Errorf("default next with no closed-won type: got %q, want none", got)
		}
		_, err = playbook.Parse("p.yaml", []byte(src+"outcomes:\n  booked_won: {next: contract_signed}\n"))
		if err == nil || !strings.Contains(err.Error(), "p.yaml:6:22: outcome \"booked_won\": no handoff type is triggered by contract_signed") {
			t.Errorf("got %v, want the explicit next refused at 6:22", err)
		}
	})

	t.Run("OutcomeLadderSteps", func(t *testing.T) {
		t.Parallel()
		src := strings.Replace(base, "accept: 1d}", "accept: 1d, outcome_by: 4h, outcome_ladder: [{at: 25%, action: remind_owner}, {after: 2h, action: alert_ops}]}", 1)
		pb, err := playbook.Parse("p.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		tier := pb.Tier("standard")
		if got := tier.OutcomeDueStep(); got != 1 || time.Duration(tier.OutcomeLadder[1].After) != 2*time.Hour {
			t.Errorf("got due step %d of %+v, want 1 (after 2h)", got, tier.OutcomeLadder)
		}
	})
}
