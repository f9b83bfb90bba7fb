package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/batonhq/baton/web/openapi"
)

// The contract test: every request the web package's tests send through
// the test server (newStack and friends) and every answer to it on an API
// route is checked against web/openapi/openapi.yaml. A handler that answers
// a status, a header or a body the document does not describe fails the
// test that made the request.

// contract is the OpenAPI document's router, loaded once per test binary.
var contract = sync.OnceValues(func() (routers.Router, error) {
	b, err := openapi.JSON()
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("load openapi.json: %w", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		return nil, fmt.Errorf("got OpenAPI %s, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate openapi.json: %w", err)
	}
	// The document's server is "/": match paths on any host.
	doc.Servers = nil
	// Media types the filter has no decoder for are read as text.
	for _, ct := range []string{"text/calendar", "application/openmetrics-text", "text/xml"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.PlainBodyDecoder)
	}
	return legacy.NewRouter(doc)
})

// contractOptions are the filter's options: every status must be
// documented, and a secured operation needs a bearer token.
var contractOptions = &openapi3filter.Options{
	IncludeResponseStatus: true,
	MultiError:            true,
	AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
		auth := in.RequestValidationInput.Request.Header.Get("Authorization")
		if in.SecurityScheme.Type == "http" && in.SecurityScheme.Scheme == "bearer" && !strings.HasPrefix(auth, "Bearer ") {
			return errors.New("no bearer token")
		}
		return nil
	},
}

// underContract reports whether path is one the document describes: the
// API and the operational routes. Pages are HTML for people, not part of
// the contract.
func underContract(path string) bool {
	switch path {
	case "/healthz", "/readyz", "/metrics":
		return true
	}
	return strings.HasPrefix(path, "/api/")
}

// checkContract wraps h so that every answer to a route under contract is
// checked against the document; a mismatch is an error of t naming the
// request. The answer reaches the client unchanged after the check.
func checkContract(t testing.TB, h http.Handler) http.Handler {
	router, err := contract()
	if err != nil {
		t.Fatalf("openapi: %v", err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !underContract(r.URL.Path) {
			h.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("openapi: %s %s: read request body: %v", r.Method, r.URL, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		// A client that went away reads nothing (status 499 is only
		// logged): there is no answer to check.
		if r.Context().Err() == nil {
			if err := contractErr(router, r, body, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
				t.Errorf("openapi: %s %s answered %d %.300s: %v", r.Method, r.URL, rec.Code, rec.Body.Bytes(), err)
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

// contractErr checks one exchange against the document: the answer always
// (its status among the operation's, its headers and body as described),
// and the request when the server took it (2xx): a request the server
// refused may be malformed on purpose. A route or method the document does
// not describe must be answered as an unknown route: 404, or 401 without a
// token, with the error body.
func contractErr(router routers.Router, r *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	if header.Get("X-Request-Id") == "" {
		return errors.New("no X-Request-Id header")
	}
	req := r.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
	route, params, err := router.FindRoute(req)
	if err != nil {
		if status != http.StatusNotFound && status != http.StatusUnauthorized {
			return fmt.Errorf("the document has no operation %s %s (%v): document it, or answer 404", r.Method, r.URL.Path, err)
		}
		return unknownRouteErr(body)
	}
	// The server reads a body sent without Content-Type as the
	// operation's media type (JSON, or CSV for the imports), as the
	// document's description says.
	if rb := route.Operation.RequestBody; rb != nil && rb.Value != nil && len(reqBody) > 0 && req.Header.Get("Content-Type") == "" {
		types := slices.Sorted(maps.Keys(rb.Value.Content))
		req.Header.Set("Content-Type", types[len(types)-1])
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: contractOptions}
	if status >= 200 && status < 300 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			return fmt.Errorf("the request was accepted but the document does not allow it: %w", err)
		}
	}
	return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: contractOptions,
	})
}

// unknownRouteErr checks the answer to a route the document does not
// have: the API's error body.
func unknownRouteErr(body []byte) error {
	router, err := contract()
	if err != nil {
		return err
	}
	// Validate the body against a documented 404: the shape is the same.
	req := httptest.NewRequest("GET", "/api/v1/handoffs/x", nil)
	route, params, err := router.FindRoute(req)
	if err != nil {
		return err
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: contractOptions}
	h := http.Header{"Content-Type": {"application/json"}}
	return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: http.StatusNotFound, Header: h,
		Body: io.NopCloser(bytes.NewReader(body)), Options: contractOptions,
	})
}

// flagged is a testing.TB that records the errors the contract check
// reports instead of failing the test.
type flagged struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (f *flagged) Helper() {}

func (f *flagged) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *flagged) Fatalf(format string, args ...any) { f.Errorf(format, args...) }

func TestContractFlagsUndocumentedAnswers(t *testing.T) {
	t.Parallel()
	jsonAnswer := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", "r1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
	}
	const handoff = `{"handoff": {"id": "h1", "type": "mql", "state": "assigned", "tier": "hot", "generation": 1, "breached": false,
		"context": {}, "created_at": "2026-11-23T14:00:00Z", "updated_at": "2026-11-23T14:00:00Z", "owner": {"id": "u1"},
		"backup": null, "allowed": ["accept"], "completeness": 40, "missing": []}}`
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   string
		answer http.HandlerFunc
		want   string // in the error; "" for no error
	}{
		{"DocumentedAnswerPasses", "GET", "/api/v1/handoffs/h1", "", jsonAnswer(200, handoff), ""},
		{"DocumentedErrorPasses", "GET", "/api/v1/handoffs/h1", "", jsonAnswer(404, `{"error": {"code": "not_found", "message": "no handoff h1"}}`), ""},
		{"UnknownRouteAnswered404Passes", "GET", "/api/v1/widgets", "", jsonAnswer(404, `{"error": {"code": "not_found", "message": "no such endpoint"}}`), ""},
		{"UndocumentedStatus", "GET", "/api/v1/handoffs/h1", "", jsonAnswer(http.StatusTeapot, `{"error": {"code": "internal", "message": "tea"}}`), "418"},
		{"UndocumentedStatusOfAnOperation", "GET", "/api/v1/users", "", jsonAnswer(http.StatusNotFound, `{"error": {"code": "not_found", "message": "x"}}`), "404"},
		{"BodyOfTheWrongShape", "GET", "/api/v1/handoffs/h1", "", jsonAnswer(200, `{"handoff": "h1"}`), "handoff"},
		{"ExtraFieldInAClosedBody", "POST", "/api/v1/users/u1/invite", "", jsonAnswer(201, `{"url": "u", "purpose": "invite", "expires_at": "2026-11-23T14:00:00Z", "secret": "x"}`), "secret"},
		{"ErrorWithoutItsShape", "GET", "/api/v1/handoffs/h1", "", jsonAnswer(404, `{"message": "no handoff"}`), "error"},
		{"ErrorCodeNotInTheList", "GET", "/api/v1/handoffs/h1", "", jsonAnswer(404, `{"error": {"code": "gone", "message": "x"}}`), "gone"},
		{"WrongContentType", "GET", "/api/v1/handoffs/h1", "", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", "r1")
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<p>hi</p>")
		}, "text/html"},
		{"UndocumentedRoute", "POST", "/api/v1/widgets", `{}`, jsonAnswer(201, `{"widget": {}}`), "no operation POST /api/v1/widgets"},
		{"UndocumentedMethod", "DELETE", "/api/v1/handoffs/h1", "", jsonAnswer(200, handoff), "no operation DELETE"},
		{"AcceptedRequestTheDocumentRefuses", "POST", "/api/v1/handoffs/h1/accept", `{"rating": 5, "flavour": "mint"}`, jsonAnswer(200, handoff), "flavour"},
		{"NoRequestID", "GET", "/api/v1/handoffs/h1", "", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, handoff)
		}, "X-Request-Id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := &flagged{TB: t}
			srv := httptest.NewServer(checkContract(f, tc.answer))
			defer srv.Close()
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer t")
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			f.mu.Lock()
			defer f.mu.Unlock()
			switch {
			case tc.want == "" && len(f.errors) > 0:
				t.Errorf("got errors %q, want none", f.errors)
			case tc.want != "" && len(f.errors) == 0:
				t.Errorf("got no error, want one naming %q", tc.want)
			case tc.want != "" && !strings.Contains(f.errors[0], tc.want):
				t.Errorf("got error %q, want one naming %q", f.errors[0], tc.want)
			}
		})
	}
}

func TestOpenAPIDocumentIsServed(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	r := s.do(t, "GET", "/api/v1/openapi.json", "", "")
	if r.status != http.StatusOK {
		t.Fatalf("got %s, want 200 without a token", r)
	}
	doc, err := openapi3.NewLoader().LoadFromData(r.body)
	if err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("got openapi %q, want 3.1.0", doc.OpenAPI)
	}
	if doc.Extensions["x-response-sets"] != nil {
		t.Errorf("got the YAML anchors' holder x-response-sets in the JSON, want it removed")
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Errorf("validate the served document: %v", err)
	}
}

// TestOpenAPIDescribesEveryRoute reads the route table (server.go, and
// the connectors' routes in connectors.go) and wants each /api/ route in
// the document, so that a new endpoint cannot be added without its
// description. A route ending in a variable (the handoff commands, the
// protocol's actions) needs each of its values described.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	t.Parallel()
	var src []byte
	for _, name := range []string{"server.go", "connectors.go"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, b...)
	}
	b, err := openapi.JSON()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	// The values of each route's last variable, as its handler reads them.
	values := map[string][]string{
		"/api/v1/handoffs/{id}/{command}":   {"accept", "touch", "reject", "resubmit", "reassign", "outcome", "complete", "cancel", "pause", "resume"},
		"/api/v1/handoffs/{id}/cs/{action}": {"gates", "approve", "send"},
		"/api/v1/handoffs/{id}/kt/{action}": {"schedule", "accept", "decline", "record"},
	}
	routes := regexp.MustCompile(`(?m)^\s*(?:api\(|s\.mux\.Handle(?:Func)?\()"([A-Z]+) (/api/[^"]*)"`).FindAllSubmatch(src, -1)
	if len(routes) < 30 {
		t.Fatalf("found %d /api/ routes in server.go, want the whole table (has its shape changed?)", len(routes))
	}
	for _, m := range routes {
		method, path := string(m[1]), string(m[2])
		paths := []string{path}
		if vs, ok := values[path]; ok {
			paths = nil
			i := strings.LastIndex(path, "/")
			for _, v := range vs {
				paths = append(paths, path[:i+1]+v)
			}
		}
		for _, p := range paths {
			item := doc.Paths.Value(p)
			if item == nil || item.GetOperation(method) == nil {
				t.Errorf("%s %s is in the route table but not in web/openapi/openapi.yaml: describe it", method, p)
			}
		}
	}
}

// TestAPIKeysAreCaseSensitive: encoding/json matches keys without case, so
// the API took {"External_ID": …} (and kept one of two keys differing only
// by case) although the document names external_id. Found by the contract
// check on the signal fuzz corpus.
func TestAPIKeysAreCaseSensitive(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for _, tc := range []struct {
		name, path, body, field string
	}{
		{"TopLevelKey", "/api/v1/signals", with("case-1", func(sig signal) { sig["External_ID"] = sig["external_id"]; delete(sig, "external_id") }), "External_ID"},
		{"TwoKeysDifferingByCase", "/api/v1/signals", with("case-2", func(sig signal) { sig["EXTERNAL_ID"] = "other" }), "EXTERNAL_ID"},
		{"NestedKey", "/api/v1/signals", with("case-3", func(sig signal) { sig["contact"] = map[string]any{"Email": "ana@acme-robotics.com"} }), "contact.Email"},
		{"KeyInAList", "/api/v1/signals", with("case-4", func(sig signal) {
			sig["meeting"] = map[string]any{"starts_at": t0.Add(48 * time.Hour).Format(time.RFC3339), "timezone": "UTC", "attendees": []any{map[string]any{"EMAIL": "a@b.example"}}}
		}), "meeting.attendees[0].EMAIL"},
		{"LongS", "/api/v1/signals", with("case-5", func(sig signal) { delete(sig, "source"); sig["\u017fource"] = "web" }), "\u017fource"},
		{"CommandBody", "/api/v1/handoffs/x/touch", `{"Note": "called"}`, "Note"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, "POST", tc.path, s.rep, tc.body)
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("got %s, want 422", r)
			}
			if got := decode[errorReply](t, r).fields(); !slices.Equal(got, []string{tc.field}) {
				t.Errorf("got fields %v, want [%s]", got, tc.field)
			}
		})
	}
	if list := call[listReply](t, s, "GET", "/api/v1/handoffs", s.admin, nil, http.StatusOK); len(list.Handoffs) != 0 {
		t.Errorf("got %d handoffs, want none written", len(list.Handoffs))
	}
}
