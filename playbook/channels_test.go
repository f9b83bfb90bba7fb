package playbook_test

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/playbook"
	"github.com/google/go-cmp/cmp"
)

func TestNotificationChannels(t *testing.T) {
	t.Parallel()
	base := string(playbook.DefaultYAML())
	edit := func(ladder, extra string) []byte {
		s := strings.Replace(base, "- {at: 50%, action: remind_owner}", ladder, 1)
		return []byte(s + "\n" + extra)
	}
	t.Run("LadderStepTakesAListOrAName", func(t *testing.T) {
		pb, err := playbook.Parse("p.yaml", edit("- {at: 50%, action: remind_owner, channel: [slack, email]}", ""))
		if err != nil {
			t.Fatal(err)
		}
		got := pb.Tiers[0].Ladder[0].Channel
		if diff := cmp.Diff(playbook.ChannelList{"slack", "email"}, got); diff != "" {
			t.Errorf("channels (-want +got):\n%s", diff)
		}
		pb, err = playbook.Parse("p.yaml", edit("- {at: 50%, action: remind_owner, channel: slack}", ""))
		if err != nil {
			t.Fatal(err)
		}
		if got := pb.Tiers[0].Ladder[0].Channel; len(got) != 1 || got[0] != "slack" {
			t.Errorf("got %v, want [slack]", got)
		}
	})
	t.Run("NotificationsMapByKind", func(t *testing.T) {
		pb, err := playbook.Parse("p.yaml", edit("- {at: 50%, action: remind_owner}", "notifications:\n  handoff.assigned: [email, slack]\n"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(playbook.ChannelList{"email", "slack"}, pb.Notifications["handoff.assigned"]); diff != "" {
			t.Errorf("channels (-want +got):\n%s", diff)
		}
	})
	t.Run("RoutesTheCustomerSuccessProtocolsMessages", func(t *testing.T) {
		kinds := []string{"cs.handoff_sent", "cs.capacity", "cs.pre_close_approval", "cs.not_sent",
			"kt.invite", "kt.agenda", "kt.unaccepted", "kt.unconfirmed"}
		extra := "notifications:\n"
		for _, k := range kinds {
			extra += "  " + k + ": [slack]\n"
		}
		pb, err := playbook.Parse("p.yaml", edit("- {at: 50%, action: remind_owner}", extra))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range kinds {
			if diff := cmp.Diff(playbook.ChannelList{"slack"}, pb.Notifications[k]); diff != "" {
				t.Errorf("%s: channels (-want +got):\n%s", k, diff)
			}
		}
	})
	t.Run("RejectsUnknownChannelsAndKinds", func(t *testing.T) {
		for _, src := range [][]byte{
			edit("- {at: 50%, action: remind_owner, channel: pager}", ""),
			edit("- {at: 50%, action: remind_owner}", "notifications:\n  handoff.assigned: [fax]\n"),
			edit("- {at: 50%, action: remind_owner}", "notifications:\n  handoff.nope: [email]\n"),
		} {
			if _, err := playbook.Parse("p.yaml", src); err == nil {
				t.Errorf("got no error for:\n%s", src[len(src)-80:])
			}
		}
	})
}
