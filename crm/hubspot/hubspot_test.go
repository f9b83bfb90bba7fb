package hubspot_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/crm"
	"github.com/batonhq/baton/crm/hubspot"
	"github.com/google/go-cmp/cmp"
)

// request is one request the fake HubSpot received.
type request struct {
	Method, Path, Query, Auth, ContentType string
	Body                                   map[string]any
}

// fake answers as HubSpot's CRM v3 API documents: owners by email, 200
// with the object on PATCH, 201 with the new object on POST. Canned
// answers, when queued, are given first.
type fake struct {
	mu     sync.Mutex
	got    []request
	canned []func(http.ResponseWriter)
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	req := request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type")}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &req.Body); err != nil {
			http.Error(w, `{"status":"error","message":"Invalid input JSON","category":"VALIDATION_ERROR"}`, http.StatusBadRequest)
			return
		}
	}
	f.mu.Lock()
	f.got = append(f.got, req)
	var canned func(http.ResponseWriter)
	if len(f.canned) > 0 {
		canned, f.canned = f.canned[0], f.canned[1:]
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	if canned != nil {
		canned(w)
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/crm/v3/owners/":
		if !strings.EqualFold(r.URL.Query().Get("email"), "ana@t.example") {
			io.WriteString(w, `{"results":[]}`)
			return
		}
		io.WriteString(w, `{"results":[{"id":"41629779","email":"ana@t.example","type":"PERSON","firstName":"Ana","lastName":"Ruiz","userId":9586504,"createdAt":"2019-12-25T13:01:35.228Z","updatedAt":"2023-08-22T13:40:26.790Z","archived":false}]}`)
	case r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/crm/v3/objects/contacts/"):
		io.WriteString(w, `{"id":"101","properties":{},"createdAt":"2026-11-20T10:00:00.000Z","updatedAt":"2026-11-23T14:00:00.000Z","archived":false}`)
	case r.Method == http.MethodPost && r.URL.Path == "/crm/v3/objects/notes":
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id":"9001","properties":{},"createdAt":"2026-11-23T14:00:00.000Z","updatedAt":"2026-11-23T14:00:00.000Z","archived":false}`)
	case r.Method == http.MethodPost && r.URL.Path == "/crm/v3/objects/tasks":
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id":"7001","properties":{},"createdAt":"2026-11-23T14:00:00.000Z","updatedAt":"2026-11-23T14:00:00.000Z","archived":false}`)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"status":"error","message":"Resource not found","category":"OBJECT_NOT_FOUND"}`)
	}
}

func (f *fake) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.got...)
}

func newClient(t *testing.T) (*hubspot.Client, *fake) {
	t.Helper()
	f := &fake{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return &hubspot.Client{Token: "pat-na1-test", BaseURL: srv.URL, HTTPClient: srv.Client()}, f
}

var (
	contact = crm.Record{CRM: crm.HubSpot, ID: "101"}
	at      = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
)

func TestRequestShapes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	assoc := func(id float64) []any {
		return []any{map[string]any{"to": map[string]any{"id": "101"},
			"types": []any{map[string]any{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": id}}}}
	}
	tests := []struct {
		name   string
		call   func(*hubspot.Client) (string, error)
		want   []request
		wantID string
	}{{
		name: "SetOwnerLooksUpTheOwnerByEmailThenPatchesTheContact",
		call: func(c *hubspot.Client) (string, error) {
			return "", c.SetOwner(ctx, contact, crm.Owner{Email: "ana@t.example", Name: "Ana Ruiz"})
		},
		want: []request{
			{Method: "GET", Path: "/crm/v3/owners/", Query: "email=ana%40t.example&limit=1"},
			{Method: "PATCH", Path: "/crm/v3/objects/contacts/101", ContentType: "application/json",
				Body: map[string]any{"properties": map[string]any{"hubspot_owner_id": "41629779"}}},
		},
	}, {
		name: "SetLinkPatchesTheLinkProperty",
		call: func(c *hubspot.Client) (string, error) {
			return "", c.SetLink(ctx, contact, "https://baton.example/handoffs/h1")
		},
		want: []request{{Method: "PATCH", Path: "/crm/v3/objects/contacts/101", ContentType: "application/json",
			Body: map[string]any{"properties": map[string]any{"baton_handoff_url": "https://baton.example/handoffs/h1"}}}},
	}, {
		name: "AddNoteCreatesANoteAssociatedWithTheContact",
		call: func(c *hubspot.Client) (string, error) {
			return c.AddNote(ctx, contact, crm.Note{Title: "Baton brief", Body: "Situation\nA <demo> & more", At: at})
		},
		want: []request{{Method: "POST", Path: "/crm/v3/objects/notes", ContentType: "application/json",
			Body: map[string]any{
				"properties": map[string]any{"hs_timestamp": "2026-11-23T14:00:00.000Z",
					"hs_note_body": "<p><strong>Baton brief</strong></p><p>Situation<br>A &lt;demo&gt; &amp; more</p>"},
				"associations": assoc(202),
			}}},
		wantID: "9001",
	}, {
		name: "AddTaskCreatesATaskAssignedToTheOwner",
		call: func(c *hubspot.Client) (string, error) {
			return c.AddTask(ctx, contact, crm.Task{Subject: "Next step: send the proposal", Body: "Outcome: proposal requested.",
				Due: at.Add(48 * time.Hour), Owner: &crm.Owner{Email: "ana@t.example"}})
		},
		want: []request{
			{Method: "GET", Path: "/crm/v3/owners/", Query: "email=ana%40t.example&limit=1"},
			{Method: "POST", Path: "/crm/v3/objects/tasks", ContentType: "application/json",
				Body: map[string]any{
					"properties": map[string]any{"hs_timestamp": "2026-11-25T14:00:00.000Z", "hs_task_subject": "Next step: send the proposal",
						"hs_task_body": "Outcome: proposal requested.", "hs_task_status": "NOT_STARTED", "hs_task_priority": "MEDIUM",
						"hs_task_type": "TODO", "hubspot_owner_id": "41629779"},
					"associations": assoc(204),
				}},
		},
		wantID: "7001",
	}, {
		name: "AddTaskLeavesOutAnOwnerHubSpotDoesNotKnow",
		call: func(c *hubspot.Client) (string, error) {
			return c.AddTask(ctx, contact, crm.Task{Subject: "Outcome: not interested", Body: "b", Due: at, Done: true,
				Owner: &crm.Owner{Email: "nobody@t.example"}})
		},
		want: []request{
			{Method: "GET", Path: "/crm/v3/owners/", Query: "email=nobody%40t.example&limit=1"},
			{Method: "POST", Path: "/crm/v3/objects/tasks", ContentType: "application/json",
				Body: map[string]any{
					"properties": map[string]any{"hs_timestamp": "2026-11-23T14:00:00.000Z", "hs_task_subject": "Outcome: not interested",
						"hs_task_body": "b", "hs_task_status": "COMPLETED", "hs_task_priority": "MEDIUM", "hs_task_type": "TODO"},
					"associations": assoc(204),
				}},
		},
		wantID: "7001",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newClient(t)
			id, err := tt.call(c)
			if err != nil {
				t.Fatalf("got %v, want no error", err)
			}
			if id != tt.wantID {
				t.Errorf("got id %q, want %q", id, tt.wantID)
			}
			got := f.requests()
			for i := range got {
				if got[i].Auth != "Bearer pat-na1-test" {
					t.Errorf("request %d: got Authorization %q, want the Bearer token", i, got[i].Auth)
				}
				got[i].Auth = ""
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("requests (-want +got):\n%s", d)
			}
		})
	}
}

func TestOwnerIsLookedUpOnce(t *testing.T) {
	t.Parallel()
	c, f := newClient(t)
	for range 2 {
		if err := c.SetOwner(context.Background(), contact, crm.Owner{Email: "Ana@t.example"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("got %d requests, want 3 (one owner lookup, two updates)", n)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	now := at
	tests := []struct {
		name                  string
		status                int
		header                map[string]string
		body                  string
		wantRetry, wantUnauth bool
		wantWait              time.Duration
		wantCode              string
	}{
		{name: "RateLimitHonoursRetryAfter", status: 429, header: map[string]string{"Retry-After": "30"},
			body:      `{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","correlationId":"c1","policyName":"SECONDLY"}`,
			wantRetry: true, wantWait: 30 * time.Second, wantCode: "RATE_LIMIT SECONDLY"},
		{name: "RateLimitWithoutRetryAfterWaitsTheWindow", status: 429,
			body:      `{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c2","policyName":"TEN_SECONDLY_ROLLING"}`,
			wantRetry: true, wantWait: 10 * time.Second, wantCode: "RATE_LIMIT TEN_SECONDLY_ROLLING"},
		{name: "DailyLimitWaitsAnHour", status: 429,
			body:      `{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","correlationId":"c3","policyName":"DAILY"}`,
			wantRetry: true, wantWait: time.Hour, wantCode: "RATE_LIMIT DAILY"},
		{name: "InvalidTokenIsUnauthorized", status: 401,
			body:       `{"status":"error","message":"Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview","correlationId":"c4","category":"INVALID_AUTHENTICATION"}`,
			wantUnauth: true, wantCode: "INVALID_AUTHENTICATION"},
		{name: "MissingScopeIsUnauthorized", status: 403,
			body:       `{"status":"error","message":"This app hasn't been granted all required scopes to make this call.","correlationId":"c5","category":"MISSING_SCOPES"}`,
			wantUnauth: true, wantCode: "MISSING_SCOPES"},
		{name: "UnknownContactIsPermanent", status: 404,
			body: `{"status":"error","message":"Object not found.","correlationId":"c6","category":"OBJECT_NOT_FOUND"}`, wantCode: "OBJECT_NOT_FOUND"},
		{name: "ServerErrorIsRetryable", status: 502, body: `<html>Bad gateway</html>`, wantRetry: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newClient(t)
			f.canned = []func(http.ResponseWriter){func(w http.ResponseWriter) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}}
			err := c.SetLink(context.Background(), contact, "https://baton.example/handoffs/h1")
			var e *crm.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want a *crm.Error", err)
			}
			if e.Status != tt.status || e.Code != tt.wantCode || e.Unauthorized != tt.wantUnauth {
				t.Errorf("got status %d code %q unauthorized %v, want %d %q %v", e.Status, e.Code, e.Unauthorized, tt.status, tt.wantCode, tt.wantUnauth)
			}
			res := crm.Result(err, now)
			if res.Retryable != (tt.wantRetry || tt.wantUnauth) || res.RetryAfter != tt.wantWait {
				t.Errorf("got retryable %v after %s, want %v after %s", res.Retryable, res.RetryAfter, tt.wantRetry || tt.wantUnauth, tt.wantWait)
			}
			if strings.Contains(err.Error(), "pat-na1-test") {
				t.Errorf("the error %q holds the token", err)
			}
		})
	}
}
