package notify

import (
	"slices"

	"github.com/batonhq/baton"
)

// Choice is what decides where a notice goes.
type Choice struct {
	// Step are the channels the ladder step that raised the notice names
	// (playbook: channel on a ladder step); they win over everything.
	Step []string
	// ByKind are the channels the playbook's notifications map names for
	// the notice's kind; they apply when Step is empty.
	ByKind []string
	// Urgent picks the channels when neither Step nor ByKind names any:
	// chat first for an urgent notice (Slack, then email), email for the
	// rest.
	Urgent bool
	// Prefs are the recipient's own channels (User.Channels): they filter
	// the choice; when the choice and Prefs share none, Prefs win (the
	// person said where to reach them). Empty accepts the choice.
	Prefs []string
	// HasEmail and HasSlack say whether the recipient can be reached by
	// email (an address) and Slack (a member id).
	HasEmail, HasSlack bool
	// Available are the channels Baton can deliver on (configured at
	// start); nil means the webhook only.
	Available []string
}

// Choose returns the channels a notice goes out on, each once, in order:
// the configured or urgency-chosen channels, filtered by the recipient's
// preferences, by what can reach them and by what is available. When
// nothing is left it falls back to the webhook.
func Choose(c Choice) []string {
	want := c.Step
	if len(want) == 0 {
		want = c.ByKind
	}
	if len(want) == 0 {
		want = []string{baton.ChannelEmail}
		if c.Urgent {
			want = []string{baton.ChannelSlack, baton.ChannelEmail}
		}
	}
	if len(c.Prefs) > 0 {
		var both []string
		for _, ch := range want {
			if slices.Contains(c.Prefs, ch) {
				both = append(both, ch)
			}
		}
		if len(both) == 0 {
			both = c.Prefs
		}
		want = both
	}
	avail := c.Available
	if avail == nil {
		avail = []string{baton.ChannelWebhook}
	}
	var out []string
	for _, ch := range want {
		switch {
		case slices.Contains(out, ch), !slices.Contains(avail, ch):
		case ch == baton.ChannelEmail && !c.HasEmail:
		case ch == baton.ChannelSlack && !c.HasSlack:
		default:
			out = append(out, ch)
		}
	}
	if len(out) == 0 {
		out = []string{baton.ChannelWebhook}
	}
	return out
}

// Urgent reports whether a notice of kind on a handoff of tier wants chat:
// a hot handoff, a breach or an escalation.
func Urgent(kind, tier string) bool {
	switch kind {
	case baton.MsgBreach, baton.MsgEscalated:
		return true
	case baton.MsgAssigned, baton.MsgReminder, baton.MsgReassign, baton.MsgJoined, baton.MsgFellBack:
		return tier == "hot"
	}
	return false
}
