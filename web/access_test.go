package web_test

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/service"
)

// people is newStack's team plus a manager of another team (mgr2, team ae)
// with one report (ae1), and a token for each person by name.
type people struct {
	*stack
	tokens map[string]string
}

func newPeople(t *testing.T) *people {
	t.Helper()
	s := newStack(t)
	ctx := context.Background()
	for _, u := range []baton.User{
		{Email: "mgr2@t.example", Name: "Mo Manager", Role: baton.RoleManager, Team: "ae", TimeZone: "UTC"},
		{Email: "ae1@t.example", Name: "Ada Exec", Role: baton.RoleAE, Team: "ae", TimeZone: "UTC", ManagerID: "mgr2@t.example"},
	} {
		u.Active = true
		got, err := s.svc.PutUser(ctx, &u)
		if err != nil {
			t.Fatal(err)
		}
		s.users[strings.TrimSuffix(u.Email, "@t.example")] = got
	}
	p := &people{stack: s, tokens: map[string]string{}}
	for name, u := range s.users {
		_, secret, err := s.svc.CreateToken(ctx, u.Email, "test", 0)
		if err != nil {
			t.Fatal(err)
		}
		p.tokens[name] = secret
	}
	return p
}

// name is the user name (email local part) of a user id.
func (p *people) name(id string) string {
	for n, u := range p.users {
		if u.ID == id {
			return n
		}
	}
	return ""
}

// id is the id of a user by name; "" for none.
func (p *people) id(name string) string {
	if name == "" {
		return ""
	}
	return p.users[name].ID
}

// setPeople makes owner, backup and sender of a handoff exactly these
// users (by name), so each relation under test is certain.
func (p *people) setPeople(t *testing.T, id, owner, backup, sender string) {
	t.Helper()
	ctx := context.Background()
	err := p.db.Update(ctx, func(tx baton.Tx) error {
		h, err := tx.Handoff(ctx, id)
		if err != nil {
			return err
		}
		h.OwnerID, h.BackupID, h.SenderID = p.id(owner), p.id(backup), p.id(sender)
		return tx.UpdateHandoff(ctx, h)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWhoMayDoWhat runs every API route that takes a handoff (or its
// meeting) as each kind of person, on a handoff owned by sdr1, backed up by
// sdr2 and sent by sdr3, and checks the status.
func TestWhoMayDoWhat(t *testing.T) {
	t.Parallel()
	p := newPeople(t)
	// Who acts, by relation to the handoff.
	actors := []struct{ relation, token string }{
		{"Admin", "ops"},
		{"ManagerOfTheOwner", "mgr"},
		{"ManagerOfAnotherTeam", "mgr2"},
		{"RepOwner", "sdr1"},
		{"RepBackup", "sdr2"},
		{"RepSender", "sdr3"},
		{"OtherRep", "ae1"},
	}
	// related is every actor but the manager of another team and the other
	// rep; managerial is those of them with manager access or higher.
	related := map[string]bool{"Admin": true, "ManagerOfTheOwner": true, "RepOwner": true, "RepBackup": true, "RepSender": true}
	managerial := map[string]bool{"Admin": true, "ManagerOfTheOwner": true}
	type fixture struct {
		h       *service.HandoffView
		meeting string
	}
	routes := []struct {
		name string
		// kind of handoff: "demo" (a hot lead), "meeting" (a booked
		// meeting), "won" (closed-won, with activities).
		kind string
		// prep readies the handoff as the admin (accept before touch, …).
		prep    func(t *testing.T, f fixture)
		method  string
		path    func(f fixture) string
		body    string
		manager bool // reassign and cancel need manager access too
	}{
		{name: "GetHandoff", kind: "demo", method: "GET", path: func(f fixture) string { return "/api/v1/handoffs/" + f.h.ID }},
		{name: "GetBrief", kind: "demo", method: "GET", path: func(f fixture) string { return "/api/v1/handoffs/" + f.h.ID + "/brief" }},
		{name: "Accept", kind: "demo", method: "POST", path: func(f fixture) string { return "/api/v1/handoffs/" + f.h.ID + "/accept" }},
		{name: "Touch", kind: "demo", prep: func(t *testing.T, f fixture) { p.act(t, p.admin, f.h.ID, "accept", nil) },
			method: "POST", path: func(f fixture) string { return "/api/v1/handoffs/" + f.h.ID + "/touch" }},
		{name: "Reject", kind: "demo", method: "POST", path: func(f fixture) string { return "/api/v1/handoffs/" + f.h.ID + "/reject" },
			body: `{"reason":"thin","gaps":["budget"]}`},
		{name: "Resubmit", kind: "demo", prep: func(t *testing.T, f fixture) {
			p.act(t, p.admin, f.h.ID, "reject", map[string]any{"reason": "thin", "gaps": []string{"budget"}})
		}, method: "POST", path: func(f fixture) string { return "/api/v1/handoffs/" + f.h.ID + "/resubmit" }},
		{name: "Outcome", kind: "demo", prep: func(t *testing.T, f fixture) {
			p.act(t, p.admin, f.h.ID, "accept", nil)
			p.act(t, p.admin, f.h.ID, "touch", nil)
		}, method: "POST", path: func(f fixture) string { return "/api/v1/handoffs/" + f.h.ID + "/outcome" },
			body: `{"outcome":"disqualified","objections":["price_budget"]}`},
		{name: "Complete", kind: "demo", prep: func(t *testing.T, f fixture) {
			p.act(t, p.admin, f.h.ID, "accept", nil)
			p.act(t, p.admin, f.h.ID, "touch", nil)
		}, method: "POST", path: func(f fixture) string { return "/api/v1/handoffs/" + f.h.ID + "/complete" }},
		{name: "Pause", kind: "demo", method: "POST", path: func(f fixture) string { return "/api/v1/handoffs/" + f.h.ID + "/pause" },
			body: `{"reason":"on holiday"}`},
		{name: "Resume", kind: "demo", prep: func(t *testing.T, f fixture) {
			p.act(t, p.admin, f.h.ID, "pause", map[string]string{"reason": "on holiday"})
		}, method: "POST", path: func(f fixture) string { return "/api/v1/handoffs/" + f.h.ID + "/resume" }},
		{name: "Reassign", kind: "demo", method: "POST", path: func(f fixture) string { return "/api/v1/handoffs/" + f.h.ID + "/reassign" },
			body: `{"to":"sdr3@t.example","reason":"cover"}`, manager: true},
		{name: "Cancel", kind: "demo", method: "POST", path: func(f fixture) string { return "/api/v1/handoffs/" + f.h.ID + "/cancel" },
			body: `{"reason":"duplicate"}`, manager: true},
		{name: "PatchContext", kind: "meeting", method: "PATCH", path: func(f fixture) string { return "/api/v1/handoffs/" + f.h.ID + "/context" },
			body: `{"fields":{"timeline":"this quarter"}}`},
		{name: "CompleteActivity", kind: "won", method: "POST",
			path: func(f fixture) string {
				return "/api/v1/handoffs/" + f.h.ID + "/activities/customer_introduction/complete"
			}},
		{name: "MeetingICS", kind: "meeting", method: "GET", path: func(f fixture) string { return "/api/v1/meetings/" + f.meeting + ".ics" }},
		{name: "RescheduleMeeting", kind: "meeting", method: "POST", path: func(f fixture) string { return "/api/v1/meetings/" + f.meeting + "/reschedule" },
			body: fmt.Sprintf(`{"starts_at":%q}`, t0.Add(96*time.Hour).Format(time.RFC3339))},
		{name: "CancelMeeting", kind: "meeting", method: "POST", path: func(f fixture) string { return "/api/v1/meetings/" + f.meeting + "/cancel" }},
	}
	n := 0
	for _, rt := range routes {
		for _, a := range actors {
			n++
			t.Run(rt.name+"/"+a.relation, func(t *testing.T) {
				var sig signal
				switch rt.kind {
				case "demo":
					sig = exampleSignal(fmt.Sprintf("who-%d", n))
				case "meeting":
					sig = meetingSignal(fmt.Sprintf("who-%d", n), t0.Add(72*time.Hour))
				case "won":
					sig = exampleSignal(fmt.Sprintf("who-%d", n))
					sig["type"] = "contract_signed"
				}
				h := p.ingest(t, sig)
				p.setPeople(t, h.ID, "sdr1", "sdr2", "sdr3")
				f := fixture{h: h}
				if h.Meeting != nil {
					f.meeting = h.Meeting.ID
				}
				if rt.prep != nil {
					rt.prep(t, f)
				}
				want := http.StatusOK
				if !related[a.relation] || (rt.manager && !managerial[a.relation]) {
					want = http.StatusForbidden
				}
				r := p.do(t, rt.method, rt.path(f), p.tokens[a.token], rt.body)
				if want == http.StatusOK {
					if r.status != http.StatusOK {
						t.Fatalf("%s %s as %s: got %s, want 200", rt.method, rt.path(f), a.token, r)
					}
					return
				}
				e := wantError(t, r, http.StatusForbidden, baton.EFORBIDDEN)
				if rt.manager && !managerial[a.relation] {
					return // a rep's reassign or cancel: refused for the access first
				}
				if !strings.Contains(e.Error.Message, "belongs to Sam One") {
					t.Errorf("got message %q, want it to name the owner, Sam One", e.Error.Message)
				}
				if after := p.handoff(t, h.ID); after.State != h.State && rt.prep == nil {
					t.Errorf("a forbidden %s moved the handoff from %s to %s", rt.name, h.State, after.State)
				}
			})
		}
	}
}

// TestRepCannotCloseAnotherRepsHandoff: one rep's token can neither touch
// nor close another rep's handoff, and nothing changes.
func TestRepCannotCloseAnotherRepsHandoff(t *testing.T) {
	t.Parallel()
	p := newPeople(t)
	h := p.ingest(t, exampleSignal("theirs"))
	p.setPeople(t, h.ID, "sdr2", "sdr3", "mgr")
	p.act(t, p.tokens["sdr2"], h.ID, "accept", nil)
	for _, c := range []struct{ cmd, body string }{
		{"touch", ""},
		{"outcome", `{"outcome":"disqualified","objections":["price_budget"]}`},
		{"complete", ""},
	} {
		r := p.do(t, "POST", "/api/v1/handoffs/"+h.ID+"/"+c.cmd, p.rep, c.body)
		e := wantError(t, r, http.StatusForbidden, baton.EFORBIDDEN)
		if want := "you can act on handoffs you own, back up or sent; this one belongs to Sue Two"; e.Error.Message != want {
			t.Errorf("%s: got message %q, want %q", c.cmd, e.Error.Message, want)
		}
	}
	if v := p.handoff(t, h.ID); v.State != baton.StateAccepted || v.Outcome != "" || !v.FirstTouchAt.IsZero() {
		t.Errorf("got state %s outcome %q first touch %s, want accepted, untouched, no outcome", v.State, v.Outcome, v.FirstTouchAt)
	}
}

// filtered is a stack with four handoffs: one each owned by sdr1 and
// sdr2, one sdr2 owns and sdr1 sent, and one moved to ae1 (mgr2's report).
type filtered struct {
	*people
	ids map[string]string // by what it is: "sdr1", "sdr2", "sent", "ae1"
}

func newFiltered(t *testing.T) *filtered {
	t.Helper()
	p := newPeople(t)
	f := &filtered{people: p, ids: map[string]string{}}
	for _, k := range []string{"sdr1", "sdr2", "sent", "ae1"} {
		h := p.ingest(t, exampleSignal("f-"+k))
		f.ids[k] = h.ID
		switch k {
		case "ae1":
			// Through the API, so the events name ae1 as the owner.
			p.act(t, p.admin, h.ID, "reassign", map[string]string{"to": "ae1@t.example", "reason": "territory"})
			p.setPeople(t, h.ID, "ae1", "", "") // the old owner stays on as backup
		case "sent":
			p.setPeople(t, h.ID, "sdr2", "", "sdr1")
		default:
			p.setPeople(t, h.ID, k, "", "")
		}
	}
	p.clock.Add(time.Minute)
	return f
}

func (f *filtered) list(t *testing.T, token, query string) []string {
	t.Helper()
	got := ids(call[listReply](t, f.stack, "GET", "/api/v1/handoffs"+query, token, nil, http.StatusOK).Handoffs)
	slices.Sort(got)
	return got
}

func (f *filtered) want(keys ...string) []string {
	out := []string{}
	for _, k := range keys {
		out = append(out, f.ids[k])
	}
	slices.Sort(out)
	return out
}

// TestListsShowWhatOneMaySee checks GET /api/v1/handoffs and the stalled
// views for a rep, managers and an admin.
func TestListsShowWhatOneMaySee(t *testing.T) {
	t.Parallel()
	f := newFiltered(t)
	for _, tc := range []struct {
		name, token string
		want        []string
	}{
		{"RepSeesOwnedAndSent", "sdr1", f.want("sdr1", "sent")},
		{"RepSeesOnlyTheirs", "sdr2", f.want("sdr2", "sent")},
		{"ManagerSeesReportsAndTeam", "mgr", f.want("sdr1", "sdr2", "sent")},
		{"ManagerOfAnotherTeam", "mgr2", f.want("ae1")},
		{"AdminSeesAll", "ops", f.want("sdr1", "sdr2", "sent", "ae1")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := f.list(t, f.tokens[tc.token], ""); !slices.Equal(got, tc.want) {
				t.Errorf("list: got %v, want %v", got, tc.want)
			}
			// Every handoff is still assigned, so all are unaccepted.
			got := ids(call[listReply](t, f.stack, "GET", "/api/v1/handoffs?stalled=unaccepted", f.tokens[tc.token], nil, http.StatusOK).Handoffs)
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("stalled: got %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("OwnerFilterStaysWithinReach", func(t *testing.T) {
		t.Parallel()
		if got := f.list(t, f.tokens["sdr1"], "?owner=sdr2@t.example"); !slices.Equal(got, f.want("sent")) {
			t.Errorf("got %v, want only the handoff sdr1 sent", got)
		}
	})
}

// TestMetricsShowWhatOneMaySee checks the summary and the SLA report (JSON
// and CSV): a handoff counts in the summary for a reader when one of its
// events names an owner they see, in the SLA review when its owner (as its
// events last named one) or the one its first breach was on is one they
// see.
func TestMetricsShowWhatOneMaySee(t *testing.T) {
	t.Parallel()
	f := newFiltered(t)
	// Events carry the owner routing chose, before setPeople; count from
	// them what each reader should see.
	sees := map[string][]string{
		"sdr1": {"sdr1"}, "sdr2": {"sdr2"}, "mgr": {"mgr", "sdr1", "sdr2", "sdr3"},
		"mgr2": {"mgr2", "ae1"}, "ops": nil,
	}
	for reader, names := range sees {
		t.Run(reader, func(t *testing.T) {
			t.Parallel()
			want, wantSLA := 0, 0
			seen := func(owner string) bool { return names == nil || (owner != "" && slices.Contains(names, f.name(owner))) }
			for _, id := range f.ids {
				var owner, breachOwner string
				named := false
				for _, e := range f.handoff(t, id).Events {
					named = named || seen(e.OwnerID)
					switch e.Kind {
					case baton.EventAssigned, baton.EventReassigned, baton.EventResubmitted:
						owner = cmp.Or(e.OwnerID, owner)
					case baton.EventBreached:
						if breachOwner == "" {
							breachOwner = cmp.Or(e.OwnerID, owner)
						}
					}
				}
				if named {
					want++
				}
				if seen(owner) || (breachOwner != "" && seen(breachOwner)) {
					wantSLA++
				}
			}
			if reader == "ops" && want != 4 {
				t.Fatalf("admin: want 4 handoffs, counted %d", want)
			}
			sum := call[metrics.Summary](t, f.stack, "GET", "/api/v1/metrics/summary", f.tokens[reader], nil, http.StatusOK)
			if sum.Handoffs != want {
				t.Errorf("summary: got %d handoffs, want %d", sum.Handoffs, want)
			}
			rep := call[metrics.SLAReport](t, f.stack, "GET", "/api/v1/reports/sla", f.tokens[reader], nil, http.StatusOK)
			if rep.Total.Handoffs != wantSLA {
				t.Errorf("sla report: got %d handoffs, want %d", rep.Total.Handoffs, wantSLA)
			}
			r := f.do(t, "GET", "/api/v1/reports/sla?format=csv", f.tokens[reader], "")
			if r.status != http.StatusOK {
				t.Fatalf("csv: got %s", r)
			}
			if total := fmt.Sprintf("\ntotal,all,%d,", wantSLA); !strings.Contains(string(r.body), total) {
				t.Errorf("csv: want a total row starting %q in\n%s", total[1:], r.body)
			}
		})
	}
	t.Run("ManagerOfAnotherTeamSeesTheMovedOne", func(t *testing.T) {
		t.Parallel()
		if sum := call[metrics.Summary](t, f.stack, "GET", "/api/v1/metrics/summary", f.tokens["mgr2"], nil, http.StatusOK); sum.Handoffs != 1 {
			t.Errorf("got %d handoffs, want 1 (the one moved to ae1)", sum.Handoffs)
		}
	})
}

// TestOutboxShowsWhatOneMaySee: a manager sees the messages about
// handoffs they see or addressed to people they see; an admin all; a rep
// none (the outbox is a manager's view).
func TestOutboxShowsWhatOneMaySee(t *testing.T) {
	t.Parallel()
	f := newFiltered(t)
	type outbox struct{ Messages []*baton.Message }
	all := call[outbox](t, f.stack, "GET", "/api/v1/outbox?limit=500", f.admin, nil, http.StatusOK).Messages
	mine := call[outbox](t, f.stack, "GET", "/api/v1/outbox?limit=500", f.tokens["mgr2"], nil, http.StatusOK).Messages
	if len(mine) == 0 || len(mine) >= len(all) {
		t.Fatalf("got %d messages for mgr2 of %d, want some but not all", len(mine), len(all))
	}
	reach := []string{f.users["mgr2"].ID, f.users["ae1"].ID}
	for _, m := range mine {
		if m.HandoffID != f.ids["ae1"] && !slices.Contains(reach, m.RecipientID) {
			t.Errorf("mgr2 sees message %s (%s) about %s to %q", m.ID, m.Kind, m.HandoffID, m.RecipientID)
		}
	}
	want := 0
	for _, m := range all {
		if m.HandoffID == f.ids["ae1"] || slices.Contains(reach, m.RecipientID) {
			want++
		}
	}
	if len(mine) != want {
		t.Errorf("got %d messages for mgr2, want %d", len(mine), want)
	}
	wantError(t, f.do(t, "GET", "/api/v1/outbox", f.tokens["sdr1"], ""), http.StatusForbidden, baton.EFORBIDDEN)
}

// TestRouteAccessLevels checks the routes that take no handoff by access
// level alone: below the route's level is 403; at or above it is neither
// 401 nor 403 (a bad body may still be 400).
func TestRouteAccessLevels(t *testing.T) {
	t.Parallel()
	p := newPeople(t)
	for _, rt := range []struct {
		method, path, body, level string
	}{
		{"POST", "/api/v1/signals", `{"external_id":"lvl","type":"demo_request","contact":{"email":"a@b.example"}}`, baton.AccessRep},
		{"GET", "/api/v1/handoffs", "", baton.AccessRep},
		{"GET", "/api/v1/outbox", "", baton.AccessManager},
		{"GET", "/api/v1/metrics/summary", "", baton.AccessRep},
		{"GET", "/api/v1/metrics", "", baton.AccessRep},
		{"GET", "/api/v1/metrics/success", "", baton.AccessRep},
		{"GET", "/api/v1/reports/sla", "", baton.AccessRep},
		{"GET", "/api/v1/users", "", baton.AccessRep},
		{"POST", "/api/v1/users", `{}`, baton.AccessManager},
		{"POST", "/api/v1/users/" + p.users["sdr3"].ID + "/invite", "", baton.AccessAdmin},
		{"POST", "/api/v1/users/" + p.users["sdr3"].ID + "/reset", "", baton.AccessAdmin},
		{"POST", "/api/v1/accounts", `{}`, baton.AccessManager},
		{"POST", "/api/v1/users/import", "", baton.AccessManager},
		{"POST", "/api/v1/accounts/import", "", baton.AccessManager},
		{"GET", "/api/v1/playbook", "", baton.AccessRep},
		{"POST", "/api/v1/routing/simulate", `{}`, baton.AccessManager},
	} {
		for _, who := range []string{"ops", "mgr", "sdr1"} {
			t.Run(rt.method+rt.path+"/"+who, func(t *testing.T) {
				r := p.do(t, rt.method, rt.path, p.tokens[who], rt.body)
				if baton.AccessAtLeast(p.users[who].Access, rt.level) {
					if r.status == http.StatusUnauthorized || r.status == http.StatusForbidden {
						t.Errorf("got %s, want access", r)
					}
					return
				}
				wantError(t, r, http.StatusForbidden, baton.EFORBIDDEN)
			})
		}
	}
}
