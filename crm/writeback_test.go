package crm_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/crm"
	"github.com/batonhq/baton/crm/hubspot"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
	"github.com/batonhq/baton/worker"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// call is one request HubSpot received.
type call struct {
	method, path, auth string
	body               map[string]any
}

// hubSpot is a local HubSpot answering as its CRM v3 API documents; the
// answers in fail, when queued, come first.
type hubSpot struct {
	mu   sync.Mutex
	got  []call
	fail []func(http.ResponseWriter)
}

func (h *hubSpot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c := call{method: r.Method, path: r.URL.Path, auth: r.Header.Get("Authorization")}
	_ = json.Unmarshal(b, &c.body)
	h.mu.Lock()
	h.got = append(h.got, c)
	var fail func(http.ResponseWriter)
	if len(h.fail) > 0 {
		fail, h.fail = h.fail[0], h.fail[1:]
	}
	h.mu.Unlock()
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	switch {
	case fail != nil:
		fail(w)
	case r.Header.Get("Authorization") != "Bearer pat-na1-test":
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"status":"error","message":"Authentication credentials not found.","correlationId":"c0","category":"INVALID_AUTHENTICATION"}`)
	case r.Method == http.MethodGet && r.URL.Path == "/crm/v3/owners/":
		io.WriteString(w, `{"results":[{"id":"41629779","email":"`+r.URL.Query().Get("email")+`","type":"PERSON","firstName":"Ana","lastName":"Ruiz","userId":9586504,"archived":false}]}`)
	case r.Method == http.MethodPatch && r.URL.Path == "/crm/v3/objects/contacts/101":
		io.WriteString(w, `{"id":"101","properties":{},"createdAt":"2026-11-20T10:00:00.000Z","updatedAt":"2026-11-23T14:00:00.000Z","archived":false}`)
	case r.Method == http.MethodPost && (r.URL.Path == "/crm/v3/objects/notes" || r.URL.Path == "/crm/v3/objects/tasks"):
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id":"9001","properties":{},"createdAt":"2026-11-23T14:00:00.000Z","updatedAt":"2026-11-23T14:00:00.000Z","archived":false}`)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"status":"error","message":"Object not found.","correlationId":"c1","category":"OBJECT_NOT_FOUND"}`)
	}
}

func (h *hubSpot) calls() []call {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

// count counts the calls of method to path.
func (h *hubSpot) count(method, path string) int {
	n := 0
	for _, c := range h.calls() {
		if c.method == method && c.path == path {
			n++
		}
	}
	return n
}

// accept delivers every other channel's messages.
type accept struct{}

func (accept) Deliver(context.Context, *baton.Message, time.Time) baton.DeliveryResult {
	return baton.DeliveryResult{}
}

type env struct {
	svc     *service.Service
	clock   *clock
	outbox  *worker.Outbox
	hub     *hubSpot
	deliver *crm.Deliverer
	owner   *baton.User
	handoff *baton.Handoff
}

// setup starts Baton on a fresh database writing actions back to a local
// HubSpot, and ingests a demo request from HubSpot contact 101.
func setup(t *testing.T, actions []string, fail ...func(http.ResponseWriter)) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{clock: &clock{now: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)}, hub: &hubSpot{fail: fail}}
	e.svc = service.New(db, e.clock, playbook.Default(), nil)
	e.svc.SetPublicURL("https://baton.example")
	e.svc.SetCRM(service.CRMConfig{Connectors: []string{crm.HubSpot}, Actions: actions})
	e.owner, err = e.svc.PutUser(ctx, &baton.User{Email: "ana@t.example", Name: "Ana Ruiz", Role: baton.RoleSDR, Team: "sdr", TimeZone: "UTC",
		Active: true, WorkingHours: "24x7", Access: baton.AccessAdmin})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e.hub)
	t.Cleanup(srv.Close)
	e.deliver = &crm.Deliverer{CRM: &hubspot.Client{Token: "pat-na1-test", BaseURL: srv.URL, HTTPClient: srv.Client()}, Ledger: e.svc}
	e.outbox = &worker.Outbox{Service: e.svc, Rand: func() float64 { return 1 }, MaxAttempts: 5, Parallel: 1,
		Channels: map[string]worker.Deliverer{crm.Channel(crm.HubSpot): e.deliver, baton.ChannelWebhook: accept{}}}
	res, err := e.svc.Ingest(ctx, &baton.Signal{ExternalID: "hs-1", Type: baton.SignalDemoRequest, Source: "hubspot",
		Contact: baton.SignalContact{Email: "buyer@acme.com", Name: "Bo Buyer"}, Account: baton.SignalAccount{Name: "Acme", Domain: "acme.com"},
		Message: "We want a demo for 40 reps.", Fields: map[string]any{"crm_id": "101"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Handoff.OwnerID != e.owner.ID {
		t.Fatalf("got owner %q, want %q", res.Handoff.OwnerID, e.owner.ID)
	}
	e.handoff = res.Handoff
	return e
}

// crmMessages returns the CRM messages of a status.
func (e *env) crmMessages(t *testing.T, status string) []*baton.Message {
	t.Helper()
	all, err := e.svc.Messages(context.Background(), status, 100)
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(all, func(m *baton.Message) bool { return !strings.HasPrefix(m.Channel, crm.ChannelPrefix) })
}

func (e *env) run(t *testing.T) {
	t.Helper()
	if _, err := e.outbox.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestWriteBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("WritesOwnerLinkAndBriefOnAssignmentAndATaskOnTheOutcome", func(t *testing.T) {
		t.Parallel()
		e := setup(t, crm.Actions)
		e.run(t)
		if got := e.crmMessages(t, baton.MessageSent); len(got) != 3 {
			t.Fatalf("got %d sent CRM messages, want 3 (owner, link, note)", len(got))
		}
		var owner, link, note map[string]any
		for _, c := range e.hub.calls() {
			if c.auth != "Bearer pat-na1-test" {
				t.Errorf("%s %s: got Authorization %q, want the private app token", c.method, c.path, c.auth)
			}
			props, _ := c.body["properties"].(map[string]any)
			switch {
			case c.method == "PATCH" && props["hubspot_owner_id"] != nil:
				owner = props
			case c.method == "PATCH" && props["baton_handoff_url"] != nil:
				link = props
			case c.method == "POST" && c.path == "/crm/v3/objects/notes":
				note = c.body
			}
		}
		if owner["hubspot_owner_id"] != "41629779" {
			t.Errorf("got owner properties %v, want hubspot_owner_id 41629779", owner)
		}
		if want := "https://baton.example/handoffs/" + e.handoff.ID; link["baton_handoff_url"] != want {
			t.Errorf("got link properties %v, want baton_handoff_url %s", link, want)
		}
		props, _ := note["properties"].(map[string]any)
		body, _ := props["hs_note_body"].(string)
		for _, want := range []string{"CRM brief", "We want a demo for 40 reps.", "/handoffs/" + e.handoff.ID} {
			if !strings.Contains(body, want) {
				t.Errorf("the note's body %q does not contain %q", body, want)
			}
		}
		if assoc, _ := json.Marshal(note["associations"]); string(assoc) != `[{"to":{"id":"101"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":202}]}]` {
			t.Errorf("got associations %s, want the contact with type 202", assoc)
		}

		p := baton.Principal{UserID: e.owner.ID, Email: e.owner.Email, Access: baton.AccessAdmin}
		for _, cmd := range []baton.Command{baton.CmdAccept, baton.CmdTouch} {
			if _, err := e.svc.Act(ctx, p, e.handoff.ID, cmd, service.CommandInput{}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.svc.Act(ctx, p, e.handoff.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeProposal}); err != nil {
			t.Fatal(err)
		}
		e.run(t)
		if n := e.hub.count("POST", "/crm/v3/objects/tasks"); n != 1 {
			t.Fatalf("got %d tasks, want 1", n)
		}
		var task map[string]any
		for _, c := range e.hub.calls() {
			if c.path == "/crm/v3/objects/tasks" {
				task, _ = c.body["properties"].(map[string]any)
			}
		}
		if s, _ := task["hs_task_subject"].(string); !strings.HasPrefix(s, "Next step: ") || !strings.Contains(s, "proposal requested") {
			t.Errorf("got subject %q, want the next step and the outcome", s)
		}
		if task["hs_task_status"] != "NOT_STARTED" || task["hubspot_owner_id"] != "41629779" {
			t.Errorf("got task %v, want a task to do, for the owner", task)
		}
	})

	t.Run("RateLimitedWriteIsRetriedAfterRetryAfter", func(t *testing.T) {
		t.Parallel()
		e := setup(t, []string{crm.ActionNote}, func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","correlationId":"c2","policyName":"SECONDLY"}`)
		})
		e.run(t)
		pending := e.crmMessages(t, baton.MessagePending)
		if len(pending) != 1 || pending[0].Attempts != 1 {
			t.Fatalf("got %+v, want one pending note after one attempt", pending)
		}
		if want := e.clock.Now().Add(120 * time.Second); !pending[0].NextAt.Equal(want) {
			t.Errorf("got next attempt at %s, want %s (the Retry-After, longer than the backoff)", pending[0].NextAt, want)
		}
		e.clock.Add(119 * time.Second)
		e.run(t)
		if n := len(e.hub.calls()); n != 1 {
			t.Fatalf("got %d requests before the Retry-After passed, want 1 (the refused one)", n)
		}
		e.clock.Add(time.Second)
		e.run(t)
		if sent := e.crmMessages(t, baton.MessageSent); len(sent) != 1 || sent[0].Attempts != 2 {
			t.Fatalf("got %+v, want the note sent on its second attempt", sent)
		}
	})

	t.Run("UnauthorizedBreaksTheConnectorUntilAnAdminMarksItFixed", func(t *testing.T) {
		t.Parallel()
		e := setup(t, []string{crm.ActionNote}, func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"status":"error","message":"Authentication credentials not found.","correlationId":"c3","category":"INVALID_AUTHENTICATION"}`)
		})
		admin := baton.Principal{UserID: e.owner.ID, Access: baton.AccessAdmin}
		e.run(t)
		st, _, err := e.svc.CRMStatuses(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		if len(st) != 1 || !st[0].Broken || !strings.Contains(st[0].Reason, "401 INVALID_AUTHENTICATION") {
			t.Fatalf("got %+v, want HubSpot broken by the 401", st)
		}
		// Past the backoff the message is held, not sent, and keeps its
		// attempts.
		e.clock.Add(time.Minute)
		e.run(t)
		if n := len(e.hub.calls()); n != 1 {
			t.Fatalf("got %d requests while broken, want 1 (the refused one)", n)
		}
		pending := e.crmMessages(t, baton.MessagePending)
		if len(pending) != 1 || pending[0].Attempts != 1 || !strings.Contains(pending[0].LastError, "broken") {
			t.Fatalf("got %+v, want the note waiting for the fix", pending)
		}

		if _, err := e.svc.FixCRMConnector(ctx, baton.Principal{UserID: "x", Access: baton.AccessManager}, crm.HubSpot); baton.ErrorCode(err) != baton.EFORBIDDEN {
			t.Errorf("a manager marking it fixed: got %v, want EFORBIDDEN", err)
		}
		n, err := e.svc.FixCRMConnector(ctx, admin, crm.HubSpot)
		if err != nil || n != 1 {
			t.Fatalf("got %d released (%v), want 1", n, err)
		}
		e.run(t)
		if sent := e.crmMessages(t, baton.MessageSent); len(sent) != 1 {
			t.Fatalf("got %d sent, want the note sent once fixed", len(sent))
		}
		if n := e.hub.count("POST", "/crm/v3/objects/notes"); n != 1 {
			t.Errorf("got %d notes, want 1", n)
		}
		if st, _, _ := e.svc.CRMStatuses(ctx, admin); st[0].Broken || st[0].FixedBy != e.owner.ID {
			t.Errorf("got %+v, want fixed by the admin", st[0])
		}
	})

	t.Run("RedeliveredMessageCreatesNoSecondNote", func(t *testing.T) {
		t.Parallel()
		e := setup(t, []string{crm.ActionNote})
		e.run(t)
		sent := e.crmMessages(t, baton.MessageSent)
		if len(sent) != 1 {
			t.Fatalf("got %d sent, want 1", len(sent))
		}
		// The same message again, as after a lost acknowledgement.
		if res := e.deliver.Deliver(ctx, sent[0], e.clock.Now()); res.Err != nil {
			t.Fatalf("got %v, want delivered", res.Err)
		}
		if n := e.hub.count("POST", "/crm/v3/objects/notes"); n != 1 {
			t.Errorf("got %d notes, want 1", n)
		}
	})

	t.Run("SignalWithoutARecordWritesNothing", func(t *testing.T) {
		t.Parallel()
		e := setup(t, crm.Actions)
		before := len(e.crmMessages(t, ""))
		if _, err := e.svc.Ingest(ctx, &baton.Signal{ExternalID: "web-1", Type: baton.SignalDemoRequest, Source: "web",
			Contact: baton.SignalContact{Email: "c@other.com"}}); err != nil {
			t.Fatal(err)
		}
		if got := len(e.crmMessages(t, "")); got != before {
			t.Errorf("got %d CRM messages, want %d", got, before)
		}
	})
}
