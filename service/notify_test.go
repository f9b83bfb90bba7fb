package service_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// reachable gives every user a Slack member id and lets Baton deliver on
// email and Slack.
func (e *env) reachable(t *testing.T) {
	t.Helper()
	e.svc.SetChannels(baton.ChannelEmail, baton.ChannelSlack)
	for name, u := range e.users {
		u.SlackID = "U" + strings.ToUpper(name)
		got, err := e.svc.PutUser(e.ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		e.users[name] = got
	}
}

func TestAssignmentNotice(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.reachable(t)
	e.svc.SetPublicURL("https://baton.test")
	h := e.ingest(t, demoRequest("n1"))
	msgs := e.messages(t, baton.MsgAssigned)
	t.Run("OneRowPerChannelUrgentFirst", func(t *testing.T) {
		if len(msgs) != 2 {
			t.Fatalf("got %d messages, want slack and email", len(msgs))
		}
		chans := map[string]bool{msgs[0].Channel: true, msgs[1].Channel: true}
		if !chans[baton.ChannelSlack] || !chans[baton.ChannelEmail] || msgs[0].ID == msgs[1].ID {
			t.Errorf("got channels %v ids %s %s, want slack and email with distinct ids", chans, msgs[0].ID, msgs[1].ID)
		}
	})
	t.Run("PayloadSaysWhoWhyAndWhen", func(t *testing.T) {
		var n baton.Notice
		if err := json.Unmarshal(msgs[0].Payload, &n); err != nil {
			t.Fatal(err)
		}
		owner := e.users["sdr1"]
		for _, u := range e.users {
			if u.ID == h.OwnerID {
				owner = u
			}
		}
		if n.Lead.Name != "Ana Ruiz" || n.Lead.Company != "Acme Robotics" {
			t.Errorf("got lead %+v, want Ana Ruiz at Acme Robotics", n.Lead)
		}
		if n.Why == "" || n.Handoff.TypeLabel == "" || n.Handoff.Tier == "" {
			t.Errorf("got why %q type label %q tier %q, want all", n.Why, n.Handoff.TypeLabel, n.Handoff.Tier)
		}
		if n.Deadline == nil || !n.Deadline.At.Equal(h.AcceptBy) || n.Deadline.TimeZone != owner.TimeZone || n.Deadline.Label != "accept by" {
			t.Errorf("got deadline %+v, want accept by %s in %s", n.Deadline, h.AcceptBy, owner.TimeZone)
		}
		if want := "https://baton.test/handoffs/" + h.ID; n.URL != want {
			t.Errorf("got url %q, want %q", n.URL, want)
		}
		if n.Recipient.ID != h.OwnerID || !n.Urgent {
			t.Errorf("got recipient %q urgent %v, want the owner, urgent", n.Recipient.ID, n.Urgent)
		}
	})
}

func TestNotificationChannels(t *testing.T) {
	t.Parallel()
	t.Run("WebhookOnlyByDefault", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.ingest(t, demoRequest("c1"))
		msgs := e.messages(t, baton.MsgAssigned)
		if len(msgs) != 1 || msgs[0].Channel != baton.ChannelWebhook {
			t.Fatalf("got %d messages (first on %q), want one webhook", len(msgs), msgs[0].Channel)
		}
	})
	t.Run("PreferenceFilters", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.reachable(t)
		for name, u := range e.users {
			u.Channels = []string{baton.ChannelEmail}
			got, err := e.svc.PutUser(e.ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			e.users[name] = got
		}
		e.ingest(t, demoRequest("c2"))
		msgs := e.messages(t, baton.MsgAssigned)
		if len(msgs) != 1 || msgs[0].Channel != baton.ChannelEmail {
			t.Fatalf("got %d messages, want one email", len(msgs))
		}
	})
}

// oneClickToken returns the Accept token of h for its owner.
func oneClickToken(t *testing.T, e *env, h *baton.Handoff) string {
	t.Helper()
	u, err := e.svc.ActionURL(e.ctx, h.OwnerID, h.ID, h.Generation, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, tok, ok := strings.Cut(u, "/act/")
	if !ok {
		t.Fatalf("url %q has no /act/", u)
	}
	return tok
}

func TestOneClick(t *testing.T) {
	t.Parallel()
	t.Run("LookingChangesNothing", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("o1"))
		oc, err := e.svc.OneClick(e.ctx, oneClickToken(t, e, h))
		if err != nil {
			t.Fatal(err)
		}
		if oc.Status != service.OneClickReady || oc.User.ID != h.OwnerID {
			t.Errorf("got status %q user %s, want ready for the owner", oc.Status, oc.User.ID)
		}
		if v := e.view(t, h.ID); v.Handoff.State != baton.StateAssigned {
			t.Errorf("got state %s after a look, want assigned", v.Handoff.State)
		}
	})
	t.Run("AcceptsAsTheOwnerOnce", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("o2"))
		tok := oneClickToken(t, e, h)
		oc, err := e.svc.UseOneClick(e.ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if oc.Status != service.OneClickDone || oc.Handoff.State != baton.StateAccepted {
			t.Fatalf("got status %q state %s, want done, accepted", oc.Status, oc.Handoff.State)
		}
		var actor string
		for _, ev := range e.view(t, h.ID).Events {
			if ev.Kind == baton.EventAccepted {
				actor = ev.Actor
			}
		}
		if want := baton.ActorUserPrefix + h.OwnerID; actor != want {
			t.Errorf("got actor %q, want %q", actor, want)
		}
		again, err := e.svc.UseOneClick(e.ctx, tok)
		if err != nil || again.Status != service.OneClickUsed {
			t.Errorf("replay: got %+v, %v, want used", again, err)
		}
	})
	t.Run("ExpiredDoesNothing", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("o3"))
		tok := oneClickToken(t, e, h)
		e.clock.Add(service.OneClickTTL + time.Minute) // timers not fired: the handoff stays assigned
		oc, err := e.svc.UseOneClick(e.ctx, tok)
		if err != nil || oc.Status != service.OneClickExpired {
			t.Fatalf("got %+v, %v, want expired", oc, err)
		}
		if v := e.view(t, h.ID); v.Handoff.State != baton.StateAssigned {
			t.Errorf("got state %s, want assigned", v.Handoff.State)
		}
	})
	t.Run("MootOnceAcceptedElsewhere", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("o4"))
		tok := oneClickToken(t, e, h)
		e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
		oc, err := e.svc.OneClick(e.ctx, tok)
		if err != nil || oc.Status != service.OneClickMoot {
			t.Fatalf("got %+v, %v, want moot", oc, err)
		}
	})
	t.Run("ForgedTokenNotFound", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("o5"))
		tok := oneClickToken(t, e, h)
		if _, err := e.svc.UseOneClick(e.ctx, tok[:len(tok)-2]+"AA"); baton.ErrorCode(err) != baton.ENOTFOUND {
			t.Errorf("got %v, want ENOTFOUND", err)
		}
	})
}

func TestWeeklyReview(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.reachable(t)
	mgr := e.users["mgr"]
	mgr.TimeZone = "Europe/Berlin"
	if _, err := e.svc.PutUser(e.ctx, mgr); err != nil {
		t.Fatal(err)
	}
	for range 2 { // arming twice is one timer
		if err := e.svc.ScheduleWeeklyReviews(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	due := time.Date(2026, 11, 30, 8, 0, 0, 0, berlin) // the Monday after t0
	e.advance(t, due.Sub(e.clock.Now())-time.Minute)
	if got := e.messages(t, baton.MsgWeeklyReview); len(got) != 0 {
		t.Fatalf("got %d reviews before Monday 08:00 Berlin, want none", len(got))
	}
	e.advance(t, time.Minute)
	got := e.messages(t, baton.MsgWeeklyReview)
	chans := map[string]bool{}
	for _, m := range got {
		if m.RecipientID != mgr.ID {
			t.Errorf("review to %s, want the manager", m.RecipientID)
		}
		chans[m.Channel] = true
	}
	if len(got) != 2 || !chans[baton.ChannelEmail] || !chans[baton.ChannelSlack] {
		t.Fatalf("got %d reviews on %v, want one by email and one on Slack", len(got), chans)
	}
	var n baton.Notice
	if err := json.Unmarshal(got[0].Payload, &n); err != nil {
		t.Fatal(err)
	}
	if n.Review == nil || !strings.HasSuffix(n.URL, "/dashboard") || !n.Review.To.Equal(due) {
		t.Errorf("got review %+v url %q, want the week to %s and the dashboard", n.Review, n.URL, due)
	}
	e.advance(t, 7*24*time.Hour)
	if got := e.messages(t, baton.MsgWeeklyReview); len(got) != 4 {
		t.Errorf("got %d reviews after two Mondays, want 4", len(got))
	}
}

func TestImportUsersReadsChannelsAndSlackID(t *testing.T) {
	t.Parallel()
	e := setup(t)
	csv := "email,name,role,team,timezone,channels,slack_id\nnew@t.example,New Rep,sdr,sdr,Europe/Berlin,slack; email,U0NEW1\n"
	if _, err := e.svc.ImportUsers(e.ctx, strings.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
	u, err := e.svc.User(e.ctx, "new@t.example")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(u.Channels, ";") != "slack;email" || u.SlackID != "U0NEW1" {
		t.Errorf("got channels %v slack id %q, want [slack email] U0NEW1", u.Channels, u.SlackID)
	}
	bad := "email,name,role,team,timezone,channels\nbad@t.example,Bad Rep,sdr,sdr,UTC,pager\n"
	if _, err := e.svc.ImportUsers(e.ctx, strings.NewReader(bad)); baton.ErrorCode(err) != baton.EINVALID || !strings.Contains(baton.ErrorMessage(err)+errorFields(err), "channels") {
		t.Errorf("unknown channel: got %v, want EINVALID naming channels", err)
	}
}

func errorFields(err error) string {
	var out []string
	if e, ok := err.(*baton.Error); ok {
		for _, f := range e.Fields {
			out = append(out, f.Field+": "+f.Message)
		}
	}
	return strings.Join(out, "\n")
}
