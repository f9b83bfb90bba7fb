package playbook_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// ladderYAML is a playbook whose warm tier has the given ladder lines.
func ladderYAML(lines string) string {
	return `version: 1
tiers:
  - name: warm
    accept: 4h
    grace: 1h
    ladder:
` + lines + `handoff_types:
  - {name: x, from: a, to: b, triggers: [demo_request], tier: warm}
`
}

func TestLadderRepeat(t *testing.T) {
	t.Parallel()
	t.Run("LastRungRepeatsEveryWorkingDayByDefault", func(t *testing.T) {
		t.Parallel()
		pb, err := playbook.Parse("t.yaml", []byte(`version: 1
tiers:
  - {name: warm, accept: 4h, grace: 1h}
  - {name: plain, accept: 4h}
handoff_types:
  - {name: x, from: a, to: b, triggers: [demo_request], tier: warm}
`))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"warm", "plain"} {
			ladder := pb.Tier(name).Ladder
			for i, st := range ladder[:len(ladder)-1] {
				if st.Every != 0 {
					t.Errorf("%s step %d (%s): got repeat %s, want none before the last rung", name, i, st.Action, st.Every)
				}
			}
			last := ladder[len(ladder)-1]
			if last.Every != playbook.DefaultRepeat || last.Repeats != playbook.DefaultRepeats {
				t.Errorf("%s last rung %s: got every %s ×%d, want %s ×%d", name, last.Action, last.Every, last.Repeats, playbook.DefaultRepeat, playbook.DefaultRepeats)
			}
		}
	})
	t.Run("DefaultPlaybookRepeatsHotOpsAlertEvery4h", func(t *testing.T) {
		t.Parallel()
		ladder := playbook.Default().Tier("hot").Ladder
		last := ladder[len(ladder)-1]
		if last.Action != playbook.ActionAlertOps || time.Duration(last.Every) != 4*time.Hour {
			t.Errorf("got last rung %s every %s, want alert_ops every 4h", last.Action, last.Every)
		}
	})
	tests := []struct {
		name  string
		lines string
		every baton.Duration
		times int
		err   string // a substring of the error; "" parses
	}{
		{"ExplicitIntervalAndCap", "      - {at: 50%, action: remind_owner}\n      - {after: 1h, action: alert_ops, repeat: 4h, repeats: 3}\n", baton.Duration(4 * time.Hour), 3, ""},
		{"Off", "      - {at: 100%, action: alert_manager, repeat: off}\n", 0, playbook.DefaultRepeats, ""},
		{"ReassignLastDoesNotRepeat", "      - {at: 100%, action: alert_manager}\n      - {after: 1h, action: reassign_backup}\n", 0, playbook.DefaultRepeats, ""},
		{"OnlyTheLastStep", "      - {at: 50%, action: remind_owner, repeat: 1h}\n      - {at: 100%, action: alert_manager}\n", 0, 0, "only the last step of a ladder repeats"},
		{"ReassignCannotRepeat", "      - {after: 1h, action: reassign_backup, repeat: 1h}\n", 0, 0, "cannot repeat"},
		{"BadInterval", "      - {at: 100%, action: alert_manager, repeat: often}\n", 0, 0, "repeat must be a duration"},
		{"TooShort", "      - {at: 100%, action: alert_manager, repeat: 10s}\n", 0, 0, "at least 1m"},
		{"NegativeCap", "      - {at: 100%, action: alert_manager, repeats: -1}\n", 0, 0, "repeats must be from 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pb, err := playbook.Parse("t.yaml", []byte(ladderYAML(tt.lines)))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ladder := pb.Tier("warm").Ladder
			last := ladder[len(ladder)-1]
			if last.Every != tt.every || (tt.every > 0 && last.Repeats != tt.times) {
				t.Errorf("got every %s ×%d, want %s ×%d", last.Every, last.Repeats, tt.every, tt.times)
			}
		})
	}
}
