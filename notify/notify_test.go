package notify_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/notify"
	"github.com/batonhq/baton/playbook"
	"github.com/google/go-cmp/cmp"
)

var at = time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC) // 14:00 CET

func notice(kind string) baton.Notice {
	return baton.Notice{Kind: kind, At: at, Text: "summary of " + kind, Urgent: true,
		Handoff: baton.NoticeHandoff{ID: "h1", Type: "hot_lead", TypeLabel: "Hot lead", State: baton.StateAssigned, Tier: "hot", TierLabel: "Hot (5 minutes)",
			AcceptBy: at.Add(5 * time.Minute)},
		Lead:     baton.NoticeLead{Name: "Leo Silva", Title: "CEO", Company: "Sunrise <Hospitality> & Co"},
		Why:      "team pool: round robin, next in turn",
		Missing:  []string{"Budget", "Timeline"},
		Deadline: &baton.NoticeDeadline{Label: "accept by", At: at.Add(5 * time.Minute), TimeZone: "Europe/Berlin"},
		URL:      "https://baton.test/handoffs/h1",
		LateBy:   baton.Duration(12 * time.Minute), TimeLeft: baton.Duration(3 * time.Minute),
		Gaps:    []string{"no budget", "wrong contact"},
		Meeting: &baton.NoticeMeeting{ID: "m1", StartsAt: at.Add(-2 * time.Hour), TimeZone: "America/New_York"},
	}
}

var to = notify.Recipient{Name: "Daniel Weber", Email: "daniel@acme.test", SlackID: "U123", TimeZone: "Europe/Berlin", Now: at,
	AcceptURL: "https://baton.test/act/tok"}

// TestRenderEachKindAndChannel checks what every kind must say on email
// and Slack: the lead and company, the deadline in the reader's zone, the
// links, and the kind's own facts.
func TestRenderEachKindAndChannel(t *testing.T) {
	t.Parallel()
	common := []string{"Leo Silva", "Sunrise"}
	tests := []struct {
		kind string
		want []string // in the email's text, HTML and Slack blocks
	}{
		{baton.MsgAssigned, []string{"New hot lead", "CEO", "Accept by 14:05 CET (in 5 min)", "Why you", "round robin", "Budget, Timeline"}},
		{baton.MsgReminder, []string{"Reminder", "3 min left", "14:05 CET"}},
		{baton.MsgBreach, []string{"SLA breached", "12 min late"}},
		{baton.MsgEscalated, []string{"Escalation", "12 min past its deadline"}},
		{baton.MsgReturned, []string{"Returned", "no budget; wrong contact"}},
		{baton.MsgFixOver, []string{"Fix overdue", "no budget"}},
		{baton.MsgOutcome, []string{"Outcome overdue", "12:00 CET (2 h ago)"}},
		{baton.MsgJoined, []string{"summary of " + baton.MsgJoined}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			t.Parallel()
			n := notice(tt.kind)
			mail, err := notify.Render(n, to, baton.ChannelEmail)
			if err != nil {
				t.Fatal(err)
			}
			if mail.Subject == "" || !strings.Contains(mail.Subject, "Leo Silva") {
				t.Errorf("subject %q: want the lead's name", mail.Subject)
			}
			for _, w := range append(common, tt.want...) {
				if !strings.Contains(mail.Text, w) {
					t.Errorf("email text lacks %q:\n%s", w, mail.Text)
				}
				if !strings.Contains(mail.HTML, strings.ReplaceAll(strings.ReplaceAll(w, "<", "&lt;"), "&", "&amp;")) && !strings.Contains(mail.HTML, w) {
					t.Errorf("email HTML lacks %q", w)
				}
			}
			for _, link := range []string{to.AcceptURL, n.URL} {
				if !strings.Contains(mail.Text, link) || !strings.Contains(mail.HTML, `href="`+link+`"`) {
					t.Errorf("email lacks link %s", link)
				}
			}
			if strings.Contains(mail.HTML, "<Hospitality>") {
				t.Error("HTML shows the company unescaped")
			}
			if strings.Contains(mail.HTML, "<style") || strings.Contains(mail.HTML, "<link") {
				t.Error("HTML uses a stylesheet; want inline styles only")
			}

			sl, err := notify.Render(n, to, baton.ChannelSlack)
			if err != nil {
				t.Fatal(err)
			}
			blocks, _ := json.Marshal(sl.Blocks)
			js := string(blocks)
			for _, w := range append(common, tt.want...) {
				if !strings.Contains(js, w) {
					t.Errorf("Slack blocks lack %q: %s", w, js)
				}
			}
			if !strings.Contains(js, "Sunrise \\u0026lt;Hospitality\\u0026gt; \\u0026amp; Co") {
				t.Errorf("Slack blocks do not escape the company for mrkdwn: %s", js)
			}
			for _, btn := range []string{`"url":"` + to.AcceptURL + `"`, `"url":"` + n.URL + `"`, `"text":"Accept"`, `"text":"Open"`} {
				if !strings.Contains(js, btn) {
					t.Errorf("Slack blocks lack %s", btn)
				}
			}
			if sl.Text == "" || !strings.Contains(sl.Text, "Leo Silva") {
				t.Errorf("Slack fallback %q: want the lead", sl.Text)
			}
		})
	}
}

func TestRenderSlackBlocksShape(t *testing.T) {
	t.Parallel()
	r, err := notify.Render(notice(baton.MsgAssigned), to, baton.ChannelSlack)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range r.Blocks {
		got = append(got, b.Type)
	}
	if diff := cmp.Diff([]string{"section", "context", "actions"}, got); diff != "" {
		t.Errorf("blocks (-want +got):\n%s", diff)
	}
	if n := len(r.Blocks[0].Fields); n != 3 {
		t.Errorf("got %d fields, want type, tier and deadline", n)
	}
}

func TestRenderWithoutAcceptLinkHasOnlyOpen(t *testing.T) {
	t.Parallel()
	r2 := to
	r2.AcceptURL = ""
	r, err := notify.Render(notice(baton.MsgBreach), r2, baton.ChannelEmail)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.Text, "Accept:") || strings.Contains(r.HTML, ">Accept<") {
		t.Errorf("got an Accept link without one: %s", r.Text)
	}
}

func TestRenderWebhookIsTheNotice(t *testing.T) {
	t.Parallel()
	n := notice(baton.MsgAssigned)
	r, err := notify.Render(n, to, baton.ChannelWebhook)
	if err != nil {
		t.Fatal(err)
	}
	var back baton.Notice
	if err := json.Unmarshal(r.Data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(n, back); diff != "" {
		t.Errorf("webhook data (-want +got):\n%s", diff)
	}
	if _, err := notify.Render(n, to, "pager"); baton.ErrorCode(err) != baton.EINVALID {
		t.Errorf("unknown channel: got %v, want EINVALID", err)
	}
}

func TestRenderWeeklyReview(t *testing.T) {
	t.Parallel()
	n := baton.Notice{Kind: baton.MsgWeeklyReview, At: at, URL: "https://baton.test/dashboard",
		Review: &baton.NoticeReview{From: at.Add(-7 * 24 * time.Hour), To: at, Handoffs: 40, Breached: 3, Lines: []string{"type hot_lead: 3 of 12 breached (25%)"}}}
	for _, ch := range []string{baton.ChannelEmail, baton.ChannelSlack} {
		r, err := notify.Render(n, to, ch)
		if err != nil {
			t.Fatal(err)
		}
		all := r.Subject + r.Text + r.HTML
		b, _ := json.Marshal(r.Blocks)
		all += string(b)
		for _, w := range []string{"3 of 40", "hot_lead: 3 of 12", "https://baton.test/dashboard"} {
			if !strings.Contains(all, w) {
				t.Errorf("%s: lacks %q", ch, w)
			}
		}
	}
}

func TestWhen(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"SoonToday", at.Add(5 * time.Minute), "14:05 CET (in 5 min)"},
		{"PastToday", at.Add(-90 * time.Minute), "12:30 CET (1 h 30 min ago)"},
		{"AnotherDay", at.Add(3 * 24 * time.Hour), "Thu 26 Nov 14:00 CET (in 3 days)"},
		{"Now", at, "14:00 CET (now)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := notify.When(tt.t, at, berlin); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestChoose(t *testing.T) {
	t.Parallel()
	all := []string{baton.ChannelSlack, baton.ChannelEmail, baton.ChannelWebhook}
	reach := func(c notify.Choice) notify.Choice { c.HasEmail, c.HasSlack = true, true; return c }
	tests := []struct {
		name string
		in   notify.Choice
		want []string
	}{
		{"UrgentGoesToSlackThenEmail", reach(notify.Choice{Urgent: true, Available: all}), []string{"slack", "email"}},
		{"NotUrgentGoesByEmail", reach(notify.Choice{Available: all}), []string{"email"}},
		{"PlaybookKindWinsOverUrgency", reach(notify.Choice{Urgent: true, ByKind: []string{"email"}, Available: all}), []string{"email"}},
		{"LadderStepWinsOverPlaybook", reach(notify.Choice{Step: []string{"slack"}, ByKind: []string{"email"}, Available: all}), []string{"slack"}},
		{"PreferencesFilter", reach(notify.Choice{Urgent: true, Prefs: []string{"email"}, Available: all}), []string{"email"}},
		{"PreferencesWinWhenNothingShared", reach(notify.Choice{Prefs: []string{"slack"}, Available: all}), []string{"slack"}},
		{"NoSlackIDNoSlack", notify.Choice{Urgent: true, HasEmail: true, Available: all}, []string{"email"}},
		{"UnconfiguredChannelDropped", reach(notify.Choice{Urgent: true, Available: []string{"email"}}), []string{"email"}},
		{"NothingConfiguredFallsBackToWebhook", reach(notify.Choice{Urgent: true}), []string{"webhook"}},
		{"TeamWithoutAddressFallsBackToWebhook", notify.Choice{Urgent: true, Available: all}, []string{"webhook"}},
		{"WebhookByPreference", reach(notify.Choice{Prefs: []string{"webhook"}, Available: all}), []string{"webhook"}},
		{"DuplicatesOnce", reach(notify.Choice{Step: []string{"email", "email"}, Available: all}), []string{"email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, notify.Choose(tt.in)); diff != "" {
				t.Errorf("channels (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUrgent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind, tier string
		want       bool
	}{
		{baton.MsgAssigned, "hot", true},
		{baton.MsgAssigned, "warm", false},
		{baton.MsgBreach, "nurture", true},
		{baton.MsgEscalated, "standard", true},
		{baton.MsgOutcome, "hot", false},
	}
	for _, tt := range tests {
		if got := notify.Urgent(tt.kind, tt.tier); got != tt.want {
			t.Errorf("Urgent(%s, %s): got %v, want %v", tt.kind, tt.tier, got, tt.want)
		}
	}
}

// csNotice is a notice of the sales → customer success protocol about
// the closed-won handoff of Sunrise, its meeting on Thursday 26 November
// at 15:00 UTC (16:00 in Berlin).
func csNotice(kind string) baton.Notice {
	n := notice(kind)
	n.Urgent, n.Why, n.Deadline, n.Gaps, n.Meeting, n.LateBy, n.TimeLeft = false, "team pool: round robin", nil, nil, nil, 0, 0
	n.Handoff.Type, n.Handoff.TypeLabel, n.Handoff.Tier, n.Handoff.TierLabel = "closed_won", "Closed won → CS", "standard", "Standard"
	n.Lead = baton.NoticeLead{Name: "Leo Silva", Title: "CEO", Company: "Sunrise Hospitality"}
	n.KT = &baton.NoticeKT{StartsAt: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC), DurationMinutes: 45}
	return n
}

// TestRenderCSProtocol: the knowledge-transfer and customer success
// notices read as messages of their own, naming the account, the meeting
// in the reader's zone, and what the reader is asked to do; never the
// routing's "why you", which is about the owner.
func TestRenderCSProtocol(t *testing.T) {
	t.Parallel()
	when := "Thu 26 Nov 16:00 CET (in 3 days), 45 minutes"
	tests := []struct {
		name, kind string
		edit       func(*baton.Notice)
		subject    string
		want       []string // in the email's text and HTML, and Slack's blocks
	}{
		{"InviteToTheHold", baton.MsgKTInvite, func(n *baton.Notice) {
			n.KT.Change, n.KT.Role, n.KT.Required = "hold", "sales engineer", true
		}, "Invitation: knowledge-transfer meeting for Sunrise Hospitality, Thu 26 Nov 16:00 CET",
			[]string{"You are invited to the knowledge-transfer meeting for Sunrise Hospitality.", "When: " + when + ".",
				"calendar hold", "You attend as the sales engineer; your attendance is required."}},
		{"InviteToTheConfirmedTime", baton.MsgKTInvite, func(n *baton.Notice) {
			n.KT.Change, n.KT.Role = "confirmed", "implementation specialist"
		}, "Confirmed: knowledge-transfer meeting for Sunrise Hospitality, Thu 26 Nov 16:00 CET",
			[]string{"is confirmed: please accept it", "your attendance is recommended"}},
		{"UnacceptedNamesWho", baton.MsgKTUnaccepted, func(n *baton.Notice) {
			n.KT.Participant, n.KT.Declined = "Ana Ruiz (account executive)", true
		}, "Escalation: Ana Ruiz declined the knowledge-transfer meeting for Sunrise Hospitality",
			[]string{"Ana Ruiz (account executive), whose attendance is required, declined the knowledge-transfer meeting", "When: " + when}},
		{"UnconfirmedSaysWhy", baton.MsgKTUnconfirmed, func(n *baton.Notice) {
			n.Reason = "the knowledge-transfer meeting's time was not confirmed within 24 h of the close"
		}, "Confirm the knowledge-transfer meeting for Sunrise Hospitality",
			[]string{"The knowledge-transfer meeting's time was not confirmed within 24 h of the close.", "Proposed: " + when}},
		{"CapacityNamesAccountAndReason", baton.MsgCSCapacity, func(n *baton.Notice) {
			n.KT, n.Reason = nil, "every CSM is at capacity: escalated to customer success leadership to shift the timeline or add resources"
		}, "Capacity escalation: Sunrise Hospitality",
			[]string{"the customer success handoff of Sunrise Hospitality has no CSM with room", "Reason: Every CSM is at capacity", "reassign the handoff to a CSM"}},
		{"ApprovalAsksTheManager", baton.MsgCSApproval, func(n *baton.Notice) { n.KT = nil },
			"Approval needed: pre-close handoff of Sunrise Hospitality", []string{"waits for your approval"}},
		{"SentListsRisks", baton.MsgCSSent, func(n *baton.Notice) {
			n.KT, n.Risks = nil, []string{"payment terms extended beyond standard"}
		}, "Handed to customer success: Sunrise Hospitality", []string{"gates passed", "Risks flagged: payment terms extended beyond standard."}},
		{"NotSentShowsTheDeadline", baton.MsgCSLate, func(n *baton.Notice) {
			n.KT, n.Reason = nil, "not sent to customer success within 24 h of signature"
			n.Deadline = &baton.NoticeDeadline{Label: "send to customer success by", At: at.Add(-3 * time.Hour)}
		}, "Not sent to customer success: Sunrise Hospitality",
			[]string{"was not sent to customer success in time", "Send to customer success by 11:00 CET (3 h ago)", "Reason: Not sent to customer success within 24 h of signature."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := csNotice(tt.kind)
			tt.edit(&n)
			mail, err := notify.Render(n, to, baton.ChannelEmail)
			if err != nil {
				t.Fatal(err)
			}
			if mail.Subject != tt.subject {
				t.Errorf("got subject %q, want %q", mail.Subject, tt.subject)
			}
			sl, err := notify.Render(n, to, baton.ChannelSlack)
			if err != nil {
				t.Fatal(err)
			}
			blocks, _ := json.Marshal(sl.Blocks)
			for _, w := range append([]string{"Hi Daniel,", "Sunrise Hospitality"}, tt.want...) {
				if !strings.Contains(mail.Text, w) {
					t.Errorf("email text lacks %q:\n%s", w, mail.Text)
				}
				if !strings.Contains(mail.HTML, strings.ReplaceAll(w, "'", "&#39;")) {
					t.Errorf("email HTML lacks %q:\n%s", w, mail.HTML)
				}
				if w != "Hi Daniel," && !strings.Contains(string(blocks), w) {
					t.Errorf("Slack blocks lack %q:\n%s", w, blocks)
				}
			}
			if os.Getenv("BATON_SHOW_EMAIL") != "" {
				t.Logf("Subject: %s\n\n%s\nSlack: %s", mail.Subject, mail.Text, blocks)
			}
			if tt.kind != baton.MsgCSSent && (strings.Contains(mail.Text, to.AcceptURL) || strings.Contains(sl.Text+string(blocks), to.AcceptURL)) {
				t.Errorf("the message carries the handoff's Accept link, which is not what it asks:\n%s", mail.Text)
			}
			for _, not := range []string{"Why you", "round robin", n.Text} {
				if strings.Contains(mail.Text, not) {
					t.Errorf("email text says %q:\n%s", not, mail.Text)
				}
			}
		})
	}
}

// TestRenderKTAgenda: the agenda email lists the meeting's seven parts in
// order, each with its minutes and points, and who attends.
func TestRenderKTAgenda(t *testing.T) {
	t.Parallel()
	n := csNotice(baton.MsgKTAgenda)
	n.KT.Agenda = playbook.DefaultKTAgenda()
	n.KT.RequiredPeople = []string{"Ana Ruiz (account executive)", "Cy Stone (customer success manager)"}
	n.KT.Recommended = []string{"Sam Lee (sales engineer)"}
	if len(n.KT.Agenda) != 7 {
		t.Fatalf("got %d parts in the default agenda, want 7", len(n.KT.Agenda))
	}
	mail, err := notify.Render(n, to, baton.ChannelEmail)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Agenda: knowledge-transfer meeting for Sunrise Hospitality, Thu 26 Nov 16:00 CET"; mail.Subject != want {
		t.Errorf("got subject %q, want %q", mail.Subject, want)
	}
	for _, w := range []string{"The agenda of the knowledge-transfer meeting for Sunrise Hospitality.", "When: Thu 26 Nov 16:00 CET (in 3 days), 45 minutes.",
		"Required: Ana Ruiz (account executive), Cy Stone (customer success manager).", "Recommended: Sam Lee (sales engineer).",
		"Read the deal summary before the meeting"} {
		if !strings.Contains(mail.Text, w) {
			t.Errorf("email text lacks %q:\n%s", w, mail.Text)
		}
	}
	// Each part on its own numbered line, its points below it.
	last := -1
	for i, a := range n.KT.Agenda {
		line := fmt.Sprintf("\n%d. %s (%d min)\n", i+1, a.Label, a.Minutes)
		at := strings.Index(mail.Text, line)
		if at <= last {
			t.Errorf("email text lacks %q after the part before:\n%s", line, mail.Text)
		}
		last = at
		for _, p := range a.Points {
			if !strings.Contains(mail.Text, "   - "+p+"\n") {
				t.Errorf("email text lacks point %q of %s", p, a.Label)
			}
		}
	}
	_, list, _ := strings.Cut(mail.HTML, "<ol")
	list, _, _ = strings.Cut(list, "</ol>")
	if got := strings.Count(list, "<strong>"); got != 7 {
		t.Errorf("got %d parts in the HTML's list, want 7:\n%s", got, list)
	}
	if !strings.Contains(list, "<strong>"+n.KT.Agenda[0].Label+"</strong>") || !strings.Contains(list, "<li>"+n.KT.Agenda[0].Points[0]+"</li>") {
		t.Errorf("the HTML list lacks the first part and its points:\n%s", list)
	}
	if os.Getenv("BATON_SHOW_EMAIL") != "" {
		t.Logf("Subject: %s\n\n%s\n\n%s", mail.Subject, mail.Text, mail.HTML)
	}
}
