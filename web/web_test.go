package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
	"github.com/batonhq/baton/web"
	"github.com/batonhq/baton/worker"
)

// t0 is the fake clock's start: a Monday afternoon.
var t0 = batontest.T0

// stack is the real server over a fresh SQLite file.
type stack struct {
	srv    *httptest.Server
	web    *web.Server
	db     *sqlite.DB
	path   string // the SQLite file
	svc    *service.Service
	clock  *batontest.Clock
	timers *worker.Timers
	// rt sends one request: no redirects followed, no cookie jar, and a
	// Location header reaches the test as sent.
	rt http.RoundTripper
	// Token secrets by role.
	admin, manager, rep string
	// users by email local part: mgr, ops, sdr1, sdr2, sdr3.
	users map[string]*baton.User
}

// defaultPlaybook is playbook.Default parsed once for every stack: parsing
// it costs about a tenth of a second under the race detector, and nothing
// changes a playbook once parsed (tests that want another playbook parse
// their own and SetPlaybook it). Its count of conditions that failed in
// live routing is shared by the stacks; the one test that reads it
// (TestSimulateCountsConditionErrors) sets a playbook of its own.
var defaultPlaybook = sync.OnceValue(playbook.Default)

func newStack(t testing.TB) *stack {
	t.Helper()
	return newStackWith(t, sqlite.Options{Synchronous: "NORMAL"})
}

// newStackWith is newStack over a store opened with opts.
func newStackWith(t testing.TB, opts sqlite.Options) *stack {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "baton.db")
	db := batontest.OpenStore(t, path, opts)
	clock := batontest.NewClock(t0)
	svc := service.New(db, clock, defaultPlaybook(), nil)
	svc.SetPasswordCost(batontest.PasswordCost)
	ws, err := web.New(svc, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Every API answer is checked against the OpenAPI document.
	srv := httptest.NewServer(checkContract(t, ws)) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	s := &stack{srv: srv, web: ws, svc: svc, db: db, path: path, clock: clock, timers: &worker.Timers{Service: svc}, rt: srv.Client().Transport, users: map[string]*baton.User{}}
	s.users = batontest.Team(t, svc.PutUser, batontest.TeamUsers("mgr", "ops", "sdr1", "sdr2", "sdr3")...)
	// Tokens act as their users: ops is an admin (RevOps), mgr a manager,
	// sdr1 a rep.
	for _, tok := range []struct {
		user string
		dst  *string
	}{{"ops@t.example", &s.admin}, {"mgr@t.example", &s.manager}, {"sdr1@t.example", &s.rep}} {
		_, secret, err := svc.CreateToken(ctx, tok.user, "test", 0)
		if err != nil {
			t.Fatalf("create %s token: %v", tok.user, err)
		}
		*tok.dst = secret
	}
	return s
}

// reply is a response read in full.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) String() string {
	const max = 400
	if len(r.body) > max {
		return fmt.Sprintf("%d %s…", r.status, r.body[:max])
	}
	return fmt.Sprintf("%d %s", r.status, r.body)
}

// do sends a request; a non-empty body is sent as application/json. hdr is
// name, value pairs that override the defaults; an empty value deletes.
func (s *stack) do(t testing.TB, method, path, token, body string, hdr ...string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, s.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	resp, err := s.rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// call sends v as JSON (nil for no body), checks the status and decodes the
// reply into a T.
func call[T any](t testing.TB, s *stack, method, path, token string, v any, want int) T {
	t.Helper()
	body := ""
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		body = string(b)
	}
	r := s.do(t, method, path, token, body)
	if r.status != want {
		t.Fatalf("%s %s: got %s, want status %d", method, path, r, want)
	}
	return decode[T](t, r)
}

func decode[T any](t testing.TB, r reply) T {
	t.Helper()
	var out T
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("decode %s: %v", r, err)
	}
	return out
}

type signalReply struct {
	Signal    *baton.Signal        `json:"signal"`
	Handoff   *service.HandoffView `json:"handoff"`
	Duplicate bool                 `json:"duplicate"`
	Joined    bool                 `json:"joined"`
	Reason    string               `json:"reason"`
}

type handoffReply struct {
	Handoff *service.HandoffView `json:"handoff"`
}

type listReply struct {
	Handoffs   []*service.HandoffView `json:"handoffs"`
	NextCursor string                 `json:"next_cursor"`
}

type errorReply struct {
	Error struct {
		Code    string             `json:"code"`
		Message string             `json:"message"`
		Fields  []baton.FieldError `json:"fields"`
	} `json:"error"`
}

func (e errorReply) fields() []string {
	var out []string
	for _, f := range e.Error.Fields {
		out = append(out, f.Field)
	}
	return out
}

// signal is a signal body as a sender writes it.
type signal = map[string]any

// exampleSignal is the demo request from Ana at Acme Robotics; id makes the
// external id and the contact unique so signals do not coalesce.
func exampleSignal(id string) signal {
	return signal{
		"external_id": id,
		"type":        "demo_request",
		"occurred_at": t0.Add(-90 * time.Second).Format(time.RFC3339),
		"source":      "website",
		"contact": map[string]any{
			"email": "ana" + id + "@acme-robotics.com", "name": "Ana Ruiz", "title": "VP Operations", "timezone": "America/New_York",
		},
		"account": map[string]any{"name": "Acme Robotics", "domain": "acme-robotics.com", "employees": 450, "industry": "manufacturing"},
		"message": "We would like a demo for our warehouse team.",
	}
}

func meetingSignal(id string, startsAt time.Time) signal {
	sig := exampleSignal(id)
	sig["type"] = "meeting_booked"
	sig["sender"] = "sdr1@t.example"
	sig["meeting"] = map[string]any{"starts_at": startsAt.Format(time.RFC3339), "timezone": "America/New_York", "agenda": "Discovery"}
	return sig
}

// ingest posts a signal that must start a new handoff and returns it.
func (s *stack) ingest(t testing.TB, sig signal) *service.HandoffView {
	t.Helper()
	res := call[signalReply](t, s, "POST", "/api/v1/signals", s.rep, sig, http.StatusCreated)
	if res.Handoff == nil || res.Handoff.Handoff == nil {
		t.Fatalf("post signal %v: got no handoff", sig["external_id"])
	}
	return res.Handoff
}

func (s *stack) act(t testing.TB, token, id, cmd string, in any) *service.HandoffView {
	t.Helper()
	return call[handoffReply](t, s, "POST", "/api/v1/handoffs/"+id+"/"+cmd, token, in, http.StatusOK).Handoff
}

func (s *stack) handoff(t testing.TB, id string) *service.HandoffView {
	t.Helper()
	return call[handoffReply](t, s, "GET", "/api/v1/handoffs/"+id, s.admin, nil, http.StatusOK).Handoff
}

// advance moves the clock and fires every timer due by then.
func (s *stack) advance(t testing.TB, d time.Duration) {
	t.Helper()
	s.clock.Add(d)
	for {
		n, err := s.timers.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func ids(list []*service.HandoffView) []string {
	out := make([]string, len(list))
	for i, h := range list {
		out[i] = h.ID
	}
	return out
}

// wantError checks an error reply's status, code and field names.
func wantError(t testing.TB, r reply, status int, code string, fields ...string) errorReply {
	t.Helper()
	if r.status != status {
		t.Fatalf("got %s, want status %d", r, status)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("got Content-Type %q, want application/json", ct)
	}
	e := decode[errorReply](t, r)
	if e.Error.Code != code || e.Error.Message == "" {
		t.Errorf("got error code %q message %q, want code %q and a message", e.Error.Code, e.Error.Message, code)
	}
	if diff := cmp.Diff(fields, e.fields()); diff != "" {
		t.Errorf("error fields (-want +got):\n%s\nbody: %s", diff, r.body)
	}
	return e
}

// apiRoutes is every route of the table in server.go, with a concrete path,
// plus an unknown path under /api/.
var apiRoutes = []struct{ method, path, body string }{
	{"POST", "/api/v1/signals", `{"external_id":"x","type":"demo_request","contact":{"email":"a@b.example"}}`},
	{"GET", "/api/v1/handoffs", ""},
	{"GET", "/api/v1/handoffs/0190c0de-0000-7000-8000-000000000000", ""},
	{"POST", "/api/v1/handoffs/0190c0de-0000-7000-8000-000000000000/accept", ""},
	{"GET", "/api/v1/outbox", ""},
	{"GET", "/api/v1/metrics/summary", ""},
	{"GET", "/api/v1/metrics", ""},
	{"GET", "/api/v1/metrics/success", ""},
	{"GET", "/api/v1/users", ""},
	{"POST", "/api/v1/users", `{"email":"new@t.example","name":"New","role":"sdr","team":"sdr","timezone":"UTC","active":true}`},
	{"POST", "/api/v1/accounts", `{"name":"Globex","domain":"globex.example"}`},
	{"GET", "/api/v1/playbook", ""},
	{"GET", "/api/v1/nope", ""},
	{"DELETE", "/api/v1/handoffs", ""},
}

func TestAuth(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	credentials := []struct {
		name string
		hdr  []string
	}{
		{"NoToken", nil},
		{"BasicScheme", []string{"Authorization", "Basic dXNlcjpwYXNz"}},
		{"BearerWithoutToken", []string{"Authorization", "Bearer"}},
		{"TokenWithoutScheme", []string{"Authorization", s.admin}},
		{"TokenWithTrailingJunk", []string{"Authorization", "Bearer " + s.admin + " junk"}},
		{"WrongToken", []string{"Authorization", "Bearer bt_wrong0000000000000000000000000000000000000"}},
		{"OverlongToken", []string{"Authorization", "Bearer " + strings.Repeat("a", 300)}},
		{"WrongCookie", []string{"Cookie", "baton_token=bt_wrong"}},
	}
	t.Run("RejectsEveryAPIRouteWith401", func(t *testing.T) {
		t.Parallel()
		for _, c := range credentials {
			for _, rt := range apiRoutes {
				t.Run(c.name+"/"+rt.method+rt.path, func(t *testing.T) {
					r := s.do(t, rt.method, rt.path, "", rt.body, c.hdr...)
					wantError(t, r, http.StatusUnauthorized, baton.EUNAUTHORIZED)
					if got, want := r.header.Get("WWW-Authenticate"), `Bearer realm="baton"`; got != want {
						t.Errorf("got WWW-Authenticate %q, want %q", got, want)
					}
				})
			}
		}
	})
	t.Run("HealthzNeedsNoToken", func(t *testing.T) {
		t.Parallel()
		r := s.do(t, "GET", "/healthz", "", "")
		if r.status != http.StatusOK {
			t.Fatalf("got %s, want 200", r)
		}
		if diff := cmp.Diff(map[string]string{"status": "ok"}, decode[map[string]string](t, r)); diff != "" {
			t.Errorf("healthz body (-want +got):\n%s", diff)
		}
	})
	t.Run("UnknownAPIPathIs404WithAToken", func(t *testing.T) {
		t.Parallel()
		wantError(t, s.do(t, "GET", "/api/v1/nope", s.rep, ""), http.StatusNotFound, baton.ENOTFOUND)
	})
	t.Run("APIIgnoresTheSignInCookie", func(t *testing.T) {
		t.Parallel()
		// A cross-site form must not act with a signed-in browser's cookie.
		secret, _, err := s.svc.SignInVerified(context.Background(), "sdr1@t.example", baton.SignInOIDC)
		if err != nil {
			t.Fatal(err)
		}
		r := s.do(t, "GET", "/api/v1/users", "", "", "Cookie", "baton_session="+secret)
		wantError(t, r, http.StatusUnauthorized, baton.EUNAUTHORIZED)
	})
	t.Run("RepIsForbiddenManagerRoutes", func(t *testing.T) {
		t.Parallel()
		for _, rt := range []struct{ method, path, body string }{
			{"GET", "/api/v1/outbox", ""},
			{"POST", "/api/v1/users", `{"email":"rogue@t.example","name":"Rogue","role":"admin","team":"ops","timezone":"UTC","active":true}`},
			{"POST", "/api/v1/accounts", `{"name":"Rogue Inc","domain":"rogue.example"}`},
		} {
			wantError(t, s.do(t, rt.method, rt.path, s.rep, rt.body), http.StatusForbidden, baton.EFORBIDDEN)
		}
		users := call[struct{ Users []*baton.User }](t, s, "GET", "/api/v1/users", s.rep, nil, http.StatusOK).Users
		if i := slices.IndexFunc(users, func(u *baton.User) bool { return u.Email == "rogue@t.example" }); i >= 0 {
			t.Errorf("a forbidden POST /api/v1/users created %s", users[i].Email)
		}
	})
	t.Run("ManagerMayUseManagerRoutes", func(t *testing.T) {
		t.Parallel()
		call[map[string]any](t, s, "GET", "/api/v1/outbox", s.manager, nil, http.StatusOK)
		u := call[struct{ User *baton.User }](t, s, "POST", "/api/v1/users", s.manager,
			map[string]any{"email": "sdr4@t.example", "name": "Sky Four", "role": "sdr", "team": "sdr_emea", "timezone": "Europe/Paris", "active": true},
			http.StatusOK).User
		if u.ID == "" || u.Email != "sdr4@t.example" {
			t.Errorf("got user %+v, want sdr4 with an id", u)
		}
	})
	t.Run("RepIsForbiddenReassignAndCancel", func(t *testing.T) {
		t.Parallel()
		h := s.ingest(t, exampleSignal("forbidden"))
		for _, c := range []struct{ cmd, body string }{
			{"reassign", `{"to":"sdr3@t.example","reason":"I want it moved"}`},
			{"cancel", `{"reason":"spam"}`},
			{"cancel", ""},
		} {
			r := s.do(t, "POST", "/api/v1/handoffs/"+h.ID+"/"+c.cmd, s.rep, c.body)
			wantError(t, r, http.StatusForbidden, baton.EFORBIDDEN)
		}
		got := s.handoff(t, h.ID)
		if got.State != baton.StateAssigned || got.OwnerID != h.OwnerID || got.Generation != 1 {
			t.Errorf("after forbidden commands: got state %s owner %s generation %d, want assigned %s 1", got.State, got.OwnerID, got.Generation, h.OwnerID)
		}
	})
}

func TestPostSignal(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	t.Run("CreatesRoutedHandoff", func(t *testing.T) {
		t.Parallel()
		r := s.do(t, "POST", "/api/v1/signals", s.rep, mustJSON(t, exampleSignal("ex-1")))
		if r.status != http.StatusCreated {
			t.Fatalf("got %s, want 201", r)
		}
		res := decode[signalReply](t, r)
		h := res.Handoff
		if h == nil || h.Handoff == nil || h.ID == "" {
			t.Fatalf("got handoff %s, want one with an id", r.body)
		}
		if res.Duplicate || res.Joined {
			t.Errorf("got duplicate=%v joined=%v, want both false", res.Duplicate, res.Joined)
		}
		if h.Type != "hot_lead" || h.State != baton.StateAssigned {
			t.Errorf("got type %s state %s, want hot_lead assigned", h.Type, h.State)
		}
		if h.Owner == nil || h.Owner.Team != "sdr" || h.Owner.ID != h.OwnerID {
			t.Errorf("got owner %+v (owner_id %s), want an sdr", h.Owner, h.OwnerID)
		}
		if h.Backup == nil || h.Backup.Team != "sdr" || h.Backup.ID == h.OwnerID {
			t.Errorf("got backup %+v, want another sdr than the owner", h.Backup)
		}
		if want := t0.Add(5 * time.Minute); !h.AcceptBy.Equal(want) {
			t.Errorf("got accept_by %s, want %s (hot tier: 5m)", h.AcceptBy, want)
		}
		if len(h.Trace) == 0 {
			t.Error("got an empty trace, want the matching and routing steps")
		}
		if h.Account == nil || h.Account.Name != "Acme Robotics" || h.Contact == nil || h.Contact.Email != "anaex-1@acme-robotics.com" {
			t.Errorf("got account %+v contact %+v, want Acme Robotics and Ana", h.Account, h.Contact)
		}
		if res.Signal == nil || res.Signal.HandoffID != h.ID || res.Signal.ExternalID != "ex-1" {
			t.Errorf("got signal %+v, want ex-1 linked to handoff %s", res.Signal, h.ID)
		}
		// The raw shape clients read.
		raw := decode[map[string]json.RawMessage](t, r)
		var hraw map[string]json.RawMessage
		json.Unmarshal(raw["handoff"], &hraw)
		for _, k := range []string{"id", "type", "owner", "backup", "state", "accept_by", "trace"} {
			if _, ok := hraw[k]; !ok {
				t.Errorf("handoff JSON has no %q: %s", k, raw["handoff"])
			}
		}
	})
	t.Run("SameExternalIDIsADuplicate", func(t *testing.T) {
		t.Parallel()
		first := call[signalReply](t, s, "POST", "/api/v1/signals", s.rep, exampleSignal("dup-1"), http.StatusCreated)
		again := call[signalReply](t, s, "POST", "/api/v1/signals", s.rep, exampleSignal("dup-1"), http.StatusOK)
		if !again.Duplicate {
			t.Error("got duplicate=false, want true")
		}
		if again.Handoff == nil || again.Handoff.ID != first.Handoff.ID {
			t.Errorf("got handoff %v, want the first one %s", again.Handoff, first.Handoff.ID)
		}
		list := call[listReply](t, s, "GET", "/api/v1/handoffs?limit=500", s.rep, nil, http.StatusOK)
		n := 0
		for _, h := range list.Handoffs {
			if h.SignalID == first.Signal.ID {
				n++
			}
		}
		if n != 1 {
			t.Errorf("got %d handoffs for the signal, want 1", n)
		}
	})
	t.Run("LowScoreDownloadStartsNoHandoff", func(t *testing.T) {
		t.Parallel()
		sig := exampleSignal("dl-1")
		sig["type"] = "content_download"
		sig["fields"] = map[string]any{"lead_score": 40}
		r := s.do(t, "POST", "/api/v1/signals", s.rep, mustJSON(t, sig))
		if r.status != http.StatusAccepted {
			t.Fatalf("got %s, want 202", r)
		}
		raw := decode[map[string]json.RawMessage](t, r)
		if got := string(raw["handoff"]); got != "null" {
			t.Errorf("got handoff %s, want null", got)
		}
		if res := decode[signalReply](t, r); res.Reason == "" || res.Signal == nil || res.Signal.ID == "" {
			t.Errorf("got reason %q signal %+v, want a reason and the stored signal", res.Reason, res.Signal)
		}
	})
	t.Run("BookedMeetingIsDueADayBefore", func(t *testing.T) {
		t.Parallel()
		start := t0.Add(72 * time.Hour)
		h := s.ingest(t, meetingSignal("mtg-1", start))
		if h.Meeting == nil || h.Meeting.ID == "" || h.MeetingID != h.Meeting.ID {
			t.Fatalf("got meeting %+v (meeting_id %q), want a stored meeting", h.Meeting, h.MeetingID)
		}
		if !h.Meeting.StartsAt.Equal(start) {
			t.Errorf("got meeting start %s, want %s", h.Meeting.StartsAt, start)
		}
		if want := start.Add(-24 * time.Hour); !h.AcceptBy.Equal(want) {
			t.Errorf("got accept_by %s, want %s (24h before the meeting)", h.AcceptBy, want)
		}
		if h.Type != "meeting_set" || h.Sender == nil || h.Sender.Email != "sdr1@t.example" {
			t.Errorf("got type %s sender %+v, want meeting_set from sdr1", h.Type, h.Sender)
		}
	})
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// with returns a copy of the example signal changed by edit.
func with(id string, edit func(signal)) string {
	sig := exampleSignal(id)
	edit(sig)
	b, _ := json.Marshal(sig)
	return string(b)
}

func TestPostSignalRejectsBadInput(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	valid := s.ingest(t, exampleSignal("ok-1"))

	t.Run("Unparsable400", func(t *testing.T) {
		big := exampleSignal("big")
		big["message"] = strings.Repeat("x", web.MaxSignalBody+1)
		for _, tc := range []struct {
			name string
			body string
			hdr  []string
		}{
			{"MalformedJSON", `{"external_id": "bad-1", "type": }`, nil},
			{"TruncatedJSON", `{"external_id": "bad-1"`, nil},
			{"EmptyBody", ` `, nil},
			{"ArrayBody", `[{"external_id":"bad-1"}]`, nil},
			{"StringBody", `"demo_request"`, nil},
			{"NumberBody", `42`, nil},
			{"TrailingObject", mustJSON(t, exampleSignal("bad-trail-1")) + ` {}`, nil},
			{"TrailingGarbage", mustJSON(t, exampleSignal("bad-trail-2")) + `x`, nil},
			{"WrongContentType", mustJSON(t, exampleSignal("bad-ct-1")), []string{"Content-Type", "text/plain"}},
			{"FormContentType", mustJSON(t, exampleSignal("bad-ct-2")), []string{"Content-Type", "application/x-www-form-urlencoded"}},
			{"BodyOverLimit", mustJSON(t, big), nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantError(t, s.do(t, "POST", "/api/v1/signals", s.rep, tc.body, tc.hdr...), http.StatusBadRequest, baton.EINVALID)
			})
		}
	})
	t.Run("Invalid422NamesField", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			body  string
			field string
		}{
			{"MissingExternalID", with("bad-2", func(s signal) { delete(s, "external_id") }), "external_id"},
			{"UnknownType", with("bad-3", func(s signal) { s["type"] = "carrier_pigeon" }), "type"},
			{"MalformedType", with("bad-4", func(s signal) { s["type"] = "Demo Request!" }), "type"},
			{"BadEmail", with("bad-5", func(s signal) { s["contact"].(map[string]any)["email"] = "ana-at-acme" }), "contact.email"},
			{"BadTimeZone", with("bad-6", func(s signal) { s["contact"].(map[string]any)["timezone"] = "Mars/Olympus_Mons" }), "contact.timezone"},
			{"BadOccurredAt", with("bad-7", func(s signal) { s["occurred_at"] = "yesterday at noon" }), "occurred_at"},
			{"FutureOccurredAt", with("bad-8", func(s signal) { s["occurred_at"] = t0.Add(48 * time.Hour).Format(time.RFC3339) }), "occurred_at"},
			{"BadMeetingStart", with("bad-9", func(s signal) {
				s["type"] = "meeting_booked"
				s["meeting"] = map[string]any{"starts_at": "next tuesday", "timezone": "UTC"}
			}), "meeting.starts_at"},
			{"BadMeetingTimeZone", with("bad-10", func(s signal) {
				s["type"] = "meeting_booked"
				s["meeting"] = map[string]any{"starts_at": t0.Add(72 * time.Hour).Format(time.RFC3339), "timezone": "Nowhere/Land"}
			}), "meeting.timezone"},
			{"EmployeesAsString", with("bad-11", func(s signal) { s["account"].(map[string]any)["employees"] = "450" }), "account.employees"},
			{"UnknownTopLevelField", with("bad-12", func(s signal) { s["colour"] = "blue" }), "colour"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantError(t, s.do(t, "POST", "/api/v1/signals", s.rep, tc.body), http.StatusUnprocessableEntity, baton.EINVALID, tc.field)
			})
		}
	})
	t.Run("WritesNothing", func(t *testing.T) {
		list := call[listReply](t, s, "GET", "/api/v1/handoffs", s.rep, nil, http.StatusOK)
		if diff := cmp.Diff([]string{valid.ID}, ids(list.Handoffs)); diff != "" {
			t.Errorf("handoffs after bad posts (-want +got):\n%s", diff)
		}
		// No rejected post stored its signal: its external id is still new.
		for _, id := range []string{"bad-3", "bad-5", "bad-trail-1", "bad-ct-1"} {
			call[signalReply](t, s, "POST", "/api/v1/signals", s.rep, exampleSignal(id), http.StatusCreated)
		}
	})
}

// TestPostSignalRejectsTrailingCloser is a bug report: decode checks for
// trailing data with Decoder.More, which is false before a ']' or '}', so a
// body with a stray closer after the object is accepted and written.
func TestPostSignalRejectsTrailingCloser(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for i, tail := range []string{`}`, `]`, ` ]]]`} {
		body := mustJSON(t, exampleSignal(fmt.Sprint("closer-", i))) + tail
		wantError(t, s.do(t, "POST", "/api/v1/signals", s.rep, body), http.StatusBadRequest, baton.EINVALID)
	}
	if list := call[listReply](t, s, "GET", "/api/v1/handoffs", s.rep, nil, http.StatusOK); len(list.Handoffs) != 0 {
		t.Errorf("got %d handoffs from bodies with trailing data, want 0", len(list.Handoffs))
	}
}

// TestRepReassignIsForbiddenBeforeValidation is a bug report: Service.Act
// validates the input before checking the role, so a rep's reassign without a
// reason is told how to fix the body (422) instead of that it may not (403).
func TestRepReassignIsForbiddenBeforeValidation(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	h := s.ingest(t, exampleSignal("authz-order"))
	for _, body := range []string{"", `{}`, `{"to":"sdr3@t.example"}`} {
		wantError(t, s.do(t, "POST", "/api/v1/handoffs/"+h.ID+"/reassign", s.rep, body), http.StatusForbidden, baton.EFORBIDDEN)
	}
}

func kinds(events []*baton.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Kind
	}
	return out
}

func TestHandoffCommands(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	t.Run("AcceptTouchOutcome", func(t *testing.T) {
		t.Parallel()
		h := s.ingest(t, exampleSignal("cmd-happy"))
		if got := s.act(t, s.rep, h.ID, "accept", nil); got.State != baton.StateAccepted || got.AcceptedAt.IsZero() {
			t.Errorf("accept: got state %s accepted_at %s, want accepted with a time", got.State, got.AcceptedAt)
		}
		if got := s.act(t, s.rep, h.ID, "touch", map[string]string{"note": "called Ana"}); got.State != baton.StateActioned {
			t.Errorf("touch: got state %s, want actioned", got.State)
		}
		got := s.act(t, s.rep, h.ID, "outcome", map[string]string{"outcome": "booked_won"})
		if got.State != baton.StateCompleted || got.Outcome != baton.OutcomeWon || got.ClosedAt.IsZero() {
			t.Errorf("outcome: got state %s outcome %q closed_at %s, want completed booked_won", got.State, got.Outcome, got.ClosedAt)
		}
		if diff := cmp.Diff([]baton.Command{}, got.Allowed); diff != "" {
			t.Errorf("allowed after completion (-want +got):\n%s", diff)
		}
		v := s.handoff(t, h.ID)
		want := []string{baton.EventCreated, baton.EventAssigned, baton.EventAccepted, baton.EventTouched, baton.EventOutcome}
		if diff := cmp.Diff(want, kinds(v.Events)); diff != "" {
			t.Errorf("timeline (-want +got):\n%s", diff)
		}
		for i := 1; i < len(v.Events); i++ {
			if v.Events[i].Seq <= v.Events[i-1].Seq {
				t.Errorf("event %d has seq %d after %d, want increasing", i, v.Events[i].Seq, v.Events[i-1].Seq)
			}
		}
	})
	t.Run("TouchBeforeAcceptIsConflict", func(t *testing.T) {
		t.Parallel()
		h := s.ingest(t, exampleSignal("cmd-409"))
		e := wantError(t, s.do(t, "POST", "/api/v1/handoffs/"+h.ID+"/touch", s.rep, ""), http.StatusConflict, baton.ECONFLICT)
		for _, want := range []string{"assigned", "accept, reject, reassign, cancel"} {
			if !strings.Contains(e.Error.Message, want) {
				t.Errorf("got message %q, want it to name %q", e.Error.Message, want)
			}
		}
		if got := s.handoff(t, h.ID); got.State != baton.StateAssigned || len(got.Events) != 2 {
			t.Errorf("got state %s and %d events, want assigned and 2", got.State, len(got.Events))
		}
	})
	t.Run("UnknownCommandIs404", func(t *testing.T) {
		t.Parallel()
		h := s.ingest(t, exampleSignal("cmd-404"))
		wantError(t, s.do(t, "POST", "/api/v1/handoffs/"+h.ID+"/frobnicate", s.rep, ""), http.StatusNotFound, baton.ENOTFOUND)
	})
	t.Run("UnknownHandoffIs404", func(t *testing.T) {
		t.Parallel()
		wantError(t, s.do(t, "GET", "/api/v1/handoffs/no-such-id", s.rep, ""), http.StatusNotFound, baton.ENOTFOUND)
		wantError(t, s.do(t, "POST", "/api/v1/handoffs/no-such-id/accept", s.rep, ""), http.StatusNotFound, baton.ENOTFOUND)
	})
	t.Run("RejectWithoutGapsIs422", func(t *testing.T) {
		t.Parallel()
		h := s.ingest(t, exampleSignal("cmd-gaps"))
		for _, body := range []string{"", `{}`, `{"gaps":[]}`, `{"reason":"thin"}`} {
			wantError(t, s.do(t, "POST", "/api/v1/handoffs/"+h.ID+"/reject", s.rep, body), http.StatusUnprocessableEntity, baton.EINVALID, "gaps")
		}
		got := s.act(t, s.rep, h.ID, "reject", map[string]any{"gaps": []string{"budget"}, "reason": "no budget known"})
		if got.State != baton.StateReturned || !slices.Equal(got.Gaps, []string{"budget"}) {
			t.Errorf("got state %s gaps %v, want returned [budget]", got.State, got.Gaps)
		}
	})
	t.Run("UnknownOutcomeIs422", func(t *testing.T) {
		t.Parallel()
		h := s.ingest(t, exampleSignal("cmd-outcome"))
		s.act(t, s.rep, h.ID, "accept", nil)
		s.act(t, s.rep, h.ID, "touch", nil)
		for _, body := range []string{`{"outcome":"sort_of_won"}`, `{}`} {
			wantError(t, s.do(t, "POST", "/api/v1/handoffs/"+h.ID+"/outcome", s.rep, body), http.StatusUnprocessableEntity, baton.EINVALID, "outcome")
		}
		if got := s.handoff(t, h.ID); got.State != baton.StateActioned {
			t.Errorf("got state %s, want actioned", got.State)
		}
	})
	t.Run("BadCommandBodyIs400", func(t *testing.T) {
		t.Parallel()
		h := s.ingest(t, exampleSignal("cmd-400"))
		wantError(t, s.do(t, "POST", "/api/v1/handoffs/"+h.ID+"/accept", s.rep, `{"note":`), http.StatusBadRequest, baton.EINVALID)
		wantError(t, s.do(t, "POST", "/api/v1/handoffs/"+h.ID+"/accept", s.rep, `{"nite":"x"}`), http.StatusUnprocessableEntity, baton.EINVALID, "nite")
	})
	t.Run("ManagerReassignsToAnotherSDR", func(t *testing.T) {
		t.Parallel()
		h := s.ingest(t, exampleSignal("cmd-reassign"))
		var target *baton.User
		for _, k := range []string{"sdr1", "sdr2", "sdr3"} {
			if u := s.users[k]; u.ID != h.OwnerID {
				target = u
				break
			}
		}
		got := s.act(t, s.manager, h.ID, "reassign", map[string]string{"to": strings.ToUpper(target.Email), "reason": "territory"})
		if got.OwnerID != target.ID || got.Owner == nil || got.Owner.Email != target.Email {
			t.Errorf("got owner %s (%+v), want %s", got.OwnerID, got.Owner, target.Email)
		}
		if got.State != baton.StateAssigned || got.Generation != 2 {
			t.Errorf("got state %s generation %d, want assigned 2", got.State, got.Generation)
		}
		v := s.handoff(t, h.ID)
		want := []string{baton.EventCreated, baton.EventAssigned, baton.EventReassigned, baton.EventAssigned}
		if diff := cmp.Diff(want, kinds(v.Events)); diff != "" {
			t.Errorf("timeline (-want +got):\n%s", diff)
		}
		wantError(t, s.do(t, "POST", "/api/v1/handoffs/"+h.ID+"/reassign", s.manager, `{"to":"nobody@t.example","reason":"x"}`),
			http.StatusUnprocessableEntity, baton.EINVALID, "to")
	})
}

func TestListHandoffs(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	// Four handoffs a second apart: h1 completed, h2 breached, h3 actioned,
	// h4 a meeting.
	h1 := s.ingest(t, exampleSignal("l1"))
	s.clock.Add(time.Second)
	h2 := s.ingest(t, exampleSignal("l2"))
	s.clock.Add(time.Second)
	h3 := s.ingest(t, exampleSignal("l3"))
	s.clock.Add(time.Second)
	h4 := s.ingest(t, meetingSignal("l4", t0.Add(72*time.Hour)))
	for _, cmd := range []struct{ id, cmd, body string }{
		{h1.ID, "accept", ""}, {h1.ID, "touch", ""}, {h1.ID, "outcome", `{"outcome":"not_interested"}`},
		{h3.ID, "accept", ""}, {h3.ID, "touch", ""},
	} {
		if r := s.do(t, "POST", "/api/v1/handoffs/"+cmd.id+"/"+cmd.cmd, s.rep, cmd.body); r.status != http.StatusOK {
			t.Fatalf("%s: got %s, want 200", cmd.cmd, r)
		}
	}
	s.advance(t, 5*time.Minute) // h2's accept deadline passes
	if !s.handoff(t, h2.ID).Breached {
		t.Fatal("h2 is not breached after its accept deadline")
	}

	for _, tc := range []struct {
		name  string
		query string
		want  []string
	}{
		{"All", "", []string{h4.ID, h3.ID, h2.ID, h1.ID}},
		{"Open", "state=open", []string{h4.ID, h3.ID, h2.ID}},
		{"Completed", "state=completed", []string{h1.ID}},
		{"Owner", "owner=" + h2.OwnerID, []string{h2.ID}},
		{"Type", "type=meeting_set", []string{h4.ID}},
		{"Breached", "breached=true", []string{h2.ID}},
		{"NotBreached", "breached=false", []string{h4.ID, h3.ID, h1.ID}},
		{"OpenHotLeads", "state=open&type=hot_lead", []string{h3.ID, h2.ID}},
	} {
		t.Run("Filters"+tc.name, func(t *testing.T) {
			t.Parallel()
			list := call[listReply](t, s, "GET", "/api/v1/handoffs?"+tc.query, s.rep, nil, http.StatusOK)
			if diff := cmp.Diff(tc.want, ids(list.Handoffs)); diff != "" {
				t.Errorf("?%s (-want +got):\n%s", tc.query, diff)
			}
		})
	}
	t.Run("PagesWithCursor", func(t *testing.T) {
		t.Parallel()
		var got [][]string
		cursor := ""
		for range 5 {
			q := url.Values{"limit": {"3"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			list := call[listReply](t, s, "GET", "/api/v1/handoffs?"+q.Encode(), s.rep, nil, http.StatusOK)
			got = append(got, ids(list.Handoffs))
			if cursor = list.NextCursor; cursor == "" {
				break
			}
		}
		want := [][]string{{h4.ID, h3.ID, h2.ID}, {h1.ID}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
	})
	t.Run("RejectsBadParameters", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct{ query, field string }{
			{"limit=0", "limit"},
			{"limit=999", "limit"},
			{"limit=ten", "limit"},
			{"state=bogus", "state"},
			{"breached=maybe", "breached"},
			{"cursor=not-a-cursor", "cursor"},
		} {
			wantError(t, s.do(t, "GET", "/api/v1/handoffs?"+tc.query, s.rep, ""), http.StatusUnprocessableEntity, baton.EINVALID, tc.field)
		}
	})
}

func TestMetricsSummary(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.ingest(t, exampleSignal("m1")) // occurred 90s before t0
	s.ingest(t, exampleSignal("m2"))
	s.clock.Add(time.Minute) // the default window ends now, exclusive
	type summary struct {
		Handoffs         int `json:"handoffs"`
		TimeToAssignment struct {
			Count         int     `json:"count"`
			MedianSeconds float64 `json:"median_seconds"`
		} `json:"time_to_assignment"`
	}
	t.Run("CountsHandoffsInDefaultWindow", func(t *testing.T) {
		t.Parallel()
		got := call[summary](t, s, "GET", "/api/v1/metrics/summary", s.admin, nil, http.StatusOK)
		if got.Handoffs != 2 || got.TimeToAssignment.Count != 2 || got.TimeToAssignment.MedianSeconds != 90 {
			t.Errorf("got %+v, want 2 handoffs assigned in a median of 90s", got)
		}
	})
	t.Run("WindowExcludesEarlierHandoffs", func(t *testing.T) {
		t.Parallel()
		got := call[summary](t, s, "GET", "/api/v1/metrics/summary?from=2026-11-24&to=2026-11-25T00:00:00Z", s.rep, nil, http.StatusOK)
		if got.Handoffs != 0 {
			t.Errorf("got %d handoffs, want 0 after t0", got.Handoffs)
		}
	})
	t.Run("RejectsBadWindow", func(t *testing.T) {
		t.Parallel()
		wantError(t, s.do(t, "GET", "/api/v1/metrics/summary?from=last+week", s.rep, ""), http.StatusUnprocessableEntity, baton.EINVALID, "from")
		wantError(t, s.do(t, "GET", "/api/v1/metrics/summary?from=2026-11-24&to=2026-11-20", s.rep, ""), http.StatusUnprocessableEntity, baton.EINVALID, "to")
	})
}

func TestOutbox(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	h1 := s.ingest(t, exampleSignal("o1"))
	h2 := s.ingest(t, exampleSignal("o2"))
	t.Run("ListsQueuedAssignments", func(t *testing.T) {
		t.Parallel()
		got := call[struct{ Messages []*baton.Message }](t, s, "GET", "/api/v1/outbox?status=pending", s.manager, nil, http.StatusOK).Messages
		type msg struct{ Kind, Handoff, Recipient, Status string }
		var gotMsgs []msg
		for _, m := range got {
			gotMsgs = append(gotMsgs, msg{m.Kind, m.HandoffID, m.RecipientID, m.Status})
		}
		want := []msg{
			{baton.MsgAssigned, h2.ID, h2.OwnerID, baton.MessagePending},
			{baton.MsgAssigned, h1.ID, h1.OwnerID, baton.MessagePending},
		}
		sortMsgs := func(a, b msg) int { return strings.Compare(a.Handoff, b.Handoff) }
		slices.SortFunc(want, sortMsgs)
		slices.SortFunc(gotMsgs, sortMsgs)
		if diff := cmp.Diff(want, gotMsgs); diff != "" {
			t.Errorf("pending messages (-want +got):\n%s", diff)
		}
	})
	t.Run("NothingSentYet", func(t *testing.T) {
		t.Parallel()
		got := call[struct{ Messages []*baton.Message }](t, s, "GET", "/api/v1/outbox?status=sent", s.admin, nil, http.StatusOK).Messages
		if len(got) != 0 {
			t.Errorf("got %d sent messages, want 0", len(got))
		}
	})
	t.Run("RejectsBadParameters", func(t *testing.T) {
		t.Parallel()
		wantError(t, s.do(t, "GET", "/api/v1/outbox?status=bogus", s.manager, ""), http.StatusUnprocessableEntity, baton.EINVALID, "status")
		wantError(t, s.do(t, "GET", "/api/v1/outbox?limit=0", s.manager, ""), http.StatusUnprocessableEntity, baton.EINVALID, "limit")
	})
}

func TestPages(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	h := s.ingest(t, exampleSignal("p1"))
	s.act(t, s.manager, h.ID, "reassign", map[string]string{"to": "sdr1@t.example", "reason": "the inbox shows one's own"})
	owner := "Sam One"
	t.Run("IndexWithoutCookieRedirectsToLogin", func(t *testing.T) {
		t.Parallel()
		r := s.do(t, "GET", "/", "", "")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?next=%2F" {
			t.Errorf("got %d to %q, want 303 to /login?next=%%2F", r.status, r.header.Get("Location"))
		}
	})
	const pw = "correct-horse-battery"
	if err := s.svc.SetPassword(context.Background(), "sdr1@t.example", pw); err != nil {
		t.Fatal(err)
	}
	t.Run("LoginSetsCookieThenIndexShowsHandoffs", func(t *testing.T) {
		t.Parallel()
		r := s.login(t, "sdr1@t.example", pw, "")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Fatalf("got %d to %q, want 303 to /", r.status, r.header.Get("Location"))
		}
		cookie := findCookie(r, "baton_session")
		if cookie == nil || cookie.Value == "" || !cookie.HttpOnly || cookie.Path != "/" || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
			t.Fatalf("got cookie %+v, want an HttpOnly, SameSite=Lax baton_session for / (not Secure over http)", cookie)
		}
		page := s.do(t, "GET", "/", "", "", "Cookie", cookie.String())
		if page.status != http.StatusOK {
			t.Fatalf("got %s, want 200", page)
		}
		for _, want := range []string{"Acme Robotics", owner, "/handoffs/" + h.ID, "Signed in as Sam One"} {
			if !bytes.Contains(page.body, []byte(want)) {
				t.Errorf("index page does not show %q", want)
			}
		}
		detail := s.do(t, "GET", "/handoffs/"+h.ID, "", "", "Cookie", cookie.String())
		if detail.status != http.StatusOK || !bytes.Contains(detail.body, []byte("Acme Robotics")) {
			t.Errorf("got handoff page %d, want 200 showing the account", detail.status)
		}
		for _, want := range []string{">Brief</h2>", "Likely objections", ">Why this owner</h2>", ">Timeline</h2>", "Completeness"} {
			if !bytes.Contains(detail.body, []byte(want)) {
				t.Errorf("handoff page lacks %q", want)
			}
		}
		if r := s.do(t, "GET", "/handoffs/no-such-id", "", "", "Cookie", cookie.String()); r.status != http.StatusNotFound {
			t.Errorf("got %d for an unknown handoff page, want 404", r.status)
		}
	})
	t.Run("PagesIgnoreBearerTokens", func(t *testing.T) {
		t.Parallel()
		if r := s.do(t, "GET", "/", s.rep, ""); r.status != http.StatusSeeOther {
			t.Errorf("got %d, want 303 to sign in: pages authenticate by session only", r.status)
		}
	})
	t.Run("LoginWithWrongPasswordIs401", func(t *testing.T) {
		t.Parallel()
		r := s.login(t, "sdr2@t.example", "not-the-password", "")
		if r.status != http.StatusUnauthorized || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Errorf("got %d %s, want a 401 page", r.status, r.header.Get("Content-Type"))
		}
		if !bytes.Contains(r.body, []byte("Email or password is incorrect.")) {
			t.Errorf("got %s, want the generic message", r)
		}
		if c := findCookie(r, "baton_session"); c != nil {
			t.Errorf("got cookie %v, want none", c)
		}
	})
	t.Run("LoginFollowsLocalNext", func(t *testing.T) {
		t.Parallel()
		r := s.login(t, "sdr1@t.example", pw, "/handoffs/"+h.ID)
		if got, want := r.header.Get("Location"), "/handoffs/"+h.ID; r.status != http.StatusSeeOther || got != want {
			t.Errorf("got %d to %q, want 303 to %q", r.status, got, want)
		}
	})
	t.Run("LoginDoesNotFollowOffsiteNext", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct{ name, next string }{
			{"SchemeRelative", "//evil.example"},
			{"SchemeRelativeWithPath", "//evil.example/path"},
			{"Backslash", `/\evil.example`},
			{"Absolute", "https://evil.example/"},
			{"Relative", "evil.example"},
			// Bug: browsers strip tabs from a Location (WHATWG URL), so
			// "/\t/evil.example" is followed as "//evil.example".
			{"TabBeforeSecondSlash", "/\t/evil.example"},
		} {
			next := tc.next
			t.Run(tc.name, func(t *testing.T) {
				r := s.login(t, "sdr1@t.example", pw, next)
				loc := r.header.Get("Location")
				if r.status != http.StatusSeeOther || offsite(loc) {
					t.Errorf("next=%q: got %d to %q, want 303 to a local path", next, r.status, loc)
				}
			})
		}
	})
}

// login posts the sign-in form.
func (s *stack) login(t testing.TB, email, password, next string) reply {
	t.Helper()
	form := url.Values{"email": {email}, "password": {password}, "next": {next}}.Encode()
	return s.do(t, "POST", "/login", "", form, "Content-Type", "application/x-www-form-urlencoded")
}

// offsite reports whether a browser would leave the site following loc: it
// strips ASCII tabs and newlines and treats '\' as '/' (WHATWG URL).
func offsite(loc string) bool {
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(loc)
	u, err := url.Parse(loc)
	return err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/")
}

func findCookie(r reply, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
