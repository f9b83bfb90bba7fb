package salesforce_test

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
	"github.com/batonhq/baton/crm/salesforce"
	"github.com/google/go-cmp/cmp"
)

// request is one request the fake org received.
type request struct {
	Method, Path, SOQL, Auth, ContentType string
	Body                                  map[string]any
}

// fake answers as the Salesforce REST API documents: a query's records,
// 204 on a PATCH, 201 with {"id","success","errors"} on a create. Canned
// answers, when queued, are given first.
type fake struct {
	mu     sync.Mutex
	got    []request
	canned []func(http.ResponseWriter)
}

const api = "/services/data/v62.0"

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	req := request{Method: r.Method, Path: r.URL.Path, SOQL: r.URL.Query().Get("q"), Auth: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type")}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &req.Body); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `[{"message":"Unexpected character","errorCode":"JSON_PARSER_ERROR"}]`)
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
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	if canned != nil {
		canned(w)
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == api+"/query":
		if !strings.Contains(req.SOQL, "'ana@t.example'") {
			io.WriteString(w, `{"totalSize":0,"done":true,"records":[]}`)
			return
		}
		io.WriteString(w, `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/005xx000001Sv6AAAS"},"Id":"005xx000001Sv6AAAS"}]}`)
	case r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, api+"/sobjects/"):
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodPost && r.URL.Path == api+"/sobjects/Note":
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id":"002xx000004TmiQAAS","success":true,"errors":[]}`)
	case r.Method == http.MethodPost && r.URL.Path == api+"/sobjects/Task":
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id":"00Txx000003DHzAEAW","success":true,"errors":[]}`)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
	}
}

func (f *fake) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.got...)
}

func newClient(t *testing.T) (*salesforce.Client, *fake) {
	t.Helper()
	f := &fake{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return &salesforce.Client{InstanceURL: srv.URL, Token: "00Dxx0000001gPL!AQ4AQtest", HTTPClient: srv.Client()}, f
}

var (
	lead = crm.Record{CRM: crm.Salesforce, ID: "00Qxx000001abcdEAA"}
	at   = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
)

func TestRequestShapes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	userQuery := "SELECT Id FROM User WHERE Email = 'ana@t.example' AND IsActive = true LIMIT 1"
	tests := []struct {
		name   string
		call   func(*salesforce.Client) (string, error)
		want   []request
		wantID string
	}{{
		name: "SetOwnerQueriesTheUserThenPatchesTheLead",
		call: func(c *salesforce.Client) (string, error) {
			return "", c.SetOwner(ctx, lead, crm.Owner{Email: "ana@t.example"})
		},
		want: []request{
			{Method: "GET", Path: api + "/query", SOQL: userQuery},
			{Method: "PATCH", Path: api + "/sobjects/Lead/00Qxx000001abcdEAA", ContentType: "application/json",
				Body: map[string]any{"OwnerId": "005xx000001Sv6AAAS"}},
		},
	}, {
		name: "SetLinkPatchesAContactByItsPrefix",
		call: func(c *salesforce.Client) (string, error) {
			return "", c.SetLink(ctx, crm.Record{CRM: crm.Salesforce, ID: "003xx000004TmiQAAS"}, "https://baton.example/handoffs/h1")
		},
		want: []request{{Method: "PATCH", Path: api + "/sobjects/Contact/003xx000004TmiQAAS", ContentType: "application/json",
			Body: map[string]any{"Baton_Handoff_URL__c": "https://baton.example/handoffs/h1"}}},
	}, {
		name: "AddNoteCreatesANoteOnTheRecord",
		call: func(c *salesforce.Client) (string, error) {
			return c.AddNote(ctx, lead, crm.Note{Title: "Baton brief", Body: "Situation\nA demo request.", At: at})
		},
		want: []request{{Method: "POST", Path: api + "/sobjects/Note", ContentType: "application/json",
			Body: map[string]any{"ParentId": "00Qxx000001abcdEAA", "Title": "Baton brief", "Body": "Situation\nA demo request."}}},
		wantID: "002xx000004TmiQAAS",
	}, {
		name: "AddTaskCreatesATaskForTheOwner",
		call: func(c *salesforce.Client) (string, error) {
			return c.AddTask(ctx, lead, crm.Task{Subject: "Next step: send the proposal", Body: "Outcome: proposal requested.",
				Due: at.Add(48 * time.Hour), Owner: &crm.Owner{Email: "ana@t.example"}})
		},
		want: []request{
			{Method: "GET", Path: api + "/query", SOQL: userQuery},
			{Method: "POST", Path: api + "/sobjects/Task", ContentType: "application/json",
				Body: map[string]any{"WhoId": "00Qxx000001abcdEAA", "Subject": "Next step: send the proposal", "Description": "Outcome: proposal requested.",
					"Status": "Not Started", "Priority": "Normal", "ActivityDate": "2026-11-25", "OwnerId": "005xx000001Sv6AAAS"}},
		},
		wantID: "00Txx000003DHzAEAW",
	}, {
		name: "AddTaskLogsADoneOutcomeWithoutAnUnknownOwner",
		call: func(c *salesforce.Client) (string, error) {
			return c.AddTask(ctx, lead, crm.Task{Subject: "Outcome: not interested", Body: "b", Due: at, Done: true, Owner: &crm.Owner{Email: "o'hara@t.example"}})
		},
		want: []request{
			{Method: "GET", Path: api + "/query", SOQL: `SELECT Id FROM User WHERE Email = 'o\'hara@t.example' AND IsActive = true LIMIT 1`},
			{Method: "POST", Path: api + "/sobjects/Task", ContentType: "application/json",
				Body: map[string]any{"WhoId": "00Qxx000001abcdEAA", "Subject": "Outcome: not interested", "Description": "b",
					"Status": "Completed", "Priority": "Normal", "ActivityDate": "2026-11-23"}},
		},
		wantID: "00Txx000003DHzAEAW",
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
				if got[i].Auth != "Bearer 00Dxx0000001gPL!AQ4AQtest" {
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

func TestUnknownObjectIsRefusedWithoutARequest(t *testing.T) {
	t.Parallel()
	c, f := newClient(t)
	err := c.SetLink(context.Background(), crm.Record{CRM: crm.Salesforce, ID: "006xx000001abcd"}, "https://baton.example/handoffs/h1")
	var e *crm.Error
	if !errors.As(err, &e) || e.Code != "UNKNOWN_OBJECT" || crm.Result(err, at).Retryable {
		t.Errorf("got %v, want a permanent UNKNOWN_OBJECT error", err)
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("got %d requests, want none", n)
	}
}

func TestOwnerWithoutUserIsPermanent(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	err := c.SetOwner(context.Background(), lead, crm.Owner{Email: "nobody@t.example"})
	if err == nil || crm.Result(err, at).Retryable {
		t.Errorf("got %v, want a permanent error", err)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		status                int
		header                map[string]string
		body                  string
		wantRetry, wantUnauth bool
		wantWait              time.Duration
		wantCode              string
	}{
		{name: "TooManyRequestsHonoursRetryAfter", status: 429, header: map[string]string{"Retry-After": "120"},
			body: `[{"message":"Too many requests","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, wantRetry: true, wantWait: 2 * time.Minute, wantCode: "REQUEST_LIMIT_EXCEEDED"},
		{name: "DailyAllowanceSpentWaitsAnHourAndDoesNotBreak", status: 403,
			body: `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, wantRetry: true, wantWait: time.Hour, wantCode: "REQUEST_LIMIT_EXCEEDED"},
		{name: "ExpiredSessionIsUnauthorized", status: 401,
			body: `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`, wantUnauth: true, wantCode: "INVALID_SESSION_ID"},
		{name: "InsufficientAccessIsUnauthorized", status: 403,
			body: `[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]`, wantUnauth: true, wantCode: "API_DISABLED_FOR_ORG"},
		{name: "MissingFieldIsPermanent", status: 400,
			body: `[{"message":"No such column 'Baton_Handoff_URL__c' on sobject of type Lead","errorCode":"INVALID_FIELD"}]`, wantCode: "INVALID_FIELD"},
		{name: "ServerErrorIsRetryable", status: 503, body: `Service Unavailable`, wantRetry: true},
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
			err := c.SetLink(context.Background(), lead, "https://baton.example/handoffs/h1")
			var e *crm.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want a *crm.Error", err)
			}
			if e.Status != tt.status || e.Code != tt.wantCode || e.Unauthorized != tt.wantUnauth {
				t.Errorf("got status %d code %q unauthorized %v, want %d %q %v", e.Status, e.Code, e.Unauthorized, tt.status, tt.wantCode, tt.wantUnauth)
			}
			res := crm.Result(err, at)
			if res.Retryable != (tt.wantRetry || tt.wantUnauth) || res.RetryAfter != tt.wantWait {
				t.Errorf("got retryable %v after %s, want %v after %s", res.Retryable, res.RetryAfter, tt.wantRetry || tt.wantUnauth, tt.wantWait)
			}
			if strings.Contains(err.Error(), "AQ4AQtest") {
				t.Errorf("the error %q holds the token", err)
			}
		})
	}
}
