package webhook

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var testMessage = Message{ID: testID, Type: "handoff.assigned", Time: testNow.Add(-2 * time.Second), Data: []byte(`{"handoff_id": "h_42"}`)}

func TestMessageBodyIsStandardEnvelope(t *testing.T) {
	t.Parallel()
	got, err := testMessage.Body()
	if err != nil || string(got) != string(testBody) {
		t.Errorf("got %s (%v), want %s", got, err, testBody)
	}
}

// delivery is what a receiver saw of one request.
type delivery struct {
	method     string
	path       string
	header     http.Header
	body       []byte
	remoteAddr string
}

// receiver is a real HTTP server on loopback that records every request
// and answers with respond.
type receiver struct {
	srv *httptest.Server

	mu   sync.Mutex
	seen []delivery
}

// startReceiver starts a receiver; it is closed when the test ends.
func startReceiver(t *testing.T, respond http.HandlerFunc) *receiver {
	t.Helper()
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("receiver: read body: %v", err)
		}
		rc.mu.Lock()
		rc.seen = append(rc.seen, delivery{r.Method, r.URL.Path, r.Header.Clone(), body, r.RemoteAddr})
		rc.mu.Unlock()
		respond(w, r)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) deliveries() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivery(nil), rc.seen...)
}

// sender returns a Sender that talks to rc.
func (rc *receiver) sender() *Sender {
	return &Sender{Client: rc.srv.Client(), Secret: testSecret}
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }
}

func TestDeliverSendsSignedRequest(t *testing.T) {
	t.Parallel()
	rc := startReceiver(t, status(http.StatusNoContent))

	res := rc.sender().Deliver(t.Context(), rc.srv.URL+"/hooks/baton", testMessage, testNow)
	if res.Err != nil || res.Status != http.StatusNoContent || res.Retryable {
		t.Fatalf("got %+v, want a delivered 204", res)
	}
	if res.Duration <= 0 {
		t.Errorf("got Duration %s, want > 0", res.Duration)
	}
	got := rc.deliveries()
	if len(got) != 1 {
		t.Fatalf("got %d requests, want 1", len(got))
	}
	d := got[0]
	if d.method != http.MethodPost || d.path != "/hooks/baton" {
		t.Errorf("got %s %s, want POST /hooks/baton", d.method, d.path)
	}
	if string(d.body) != string(testBody) {
		t.Errorf("got body %q, want %q", d.body, testBody)
	}
	for name, want := range map[string]string{
		"Content-Type":      "application/json",
		"User-Agent":        "Baton-Webhook/2",
		"Webhook-Id":        "msg_0192f4c2",
		"Webhook-Timestamp": strconv.FormatInt(testNow.Unix(), 10),
		"Webhook-Signature": Sign(testSecret, testID, testNow, testBody),
	} {
		if got := d.header.Get(name); got != want {
			t.Errorf("header %s: got %q, want %q", name, got, want)
		}
	}
	// The receiver's side: its own clock is a little later.
	if err := Verify(testSecret, d.header, d.body, testNow.Add(2*time.Second), 0); err != nil {
		t.Errorf("Verify: got %v, want nil", err)
	}
	if err := specVerify(testSecretText, d.header, d.body, testNow.Add(2*time.Second)); err != nil {
		t.Errorf("specification's verifier: got %v, want nil", err)
	}
	if err := Verify(testSecret, d.header, d.body, testNow.Add(time.Hour), 0); !errors.Is(err, ErrStaleTimestamp) {
		t.Errorf("Verify an hour later: got %v, want %v", err, ErrStaleTimestamp)
	}
	if err := specVerify(testSecretText, d.header, d.body, testNow.Add(time.Hour)); err == nil {
		t.Errorf("specification's verifier an hour later: got nil, want an error")
	}
}

func TestDeliverSignsWithBothSecretsWhileRotating(t *testing.T) {
	t.Parallel()
	rc := startReceiver(t, status(http.StatusOK))
	s := rc.sender()
	const newSecret, oldSecret = "whsec_bmV3LWtleQ==", "whsec_b2xkLWtleQ=="
	s.Secret, s.PreviousSecret = mustParseSecret(newSecret), mustParseSecret(oldSecret)

	if res := s.Deliver(t.Context(), rc.srv.URL, testMessage, testNow); res.Err != nil {
		t.Fatalf("got %v, want nil", res.Err)
	}
	d := rc.deliveries()[0]
	for _, secret := range []string{newSecret, oldSecret} {
		if err := Verify(mustParseSecret(secret), d.header, d.body, testNow, 0); err != nil {
			t.Errorf("receiver holding %s: got %v, want nil", secret, err)
		}
		if err := specVerify(secret, d.header, d.body, testNow); err != nil {
			t.Errorf("specification's verifier holding %s: got %v, want nil", secret, err)
		}
	}
}

func TestDeliverRetriesUntilReceiverRecovers(t *testing.T) {
	t.Parallel()
	const failures = 3
	var calls atomic.Int32
	rc := startReceiver(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= failures {
			http.Error(w, "database is down", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	s := rc.sender()

	// The worker's loop, with a clock moved by hand instead of sleeping.
	now := testNow
	var sentAt []time.Time
	var res Result
	for attempt := 1; attempt <= SuggestedMaxAttempts; attempt++ {
		sentAt = append(sentAt, now)
		res = s.Deliver(t.Context(), rc.srv.URL, testMessage, now)
		if res.Err == nil {
			break
		}
		if !res.Retryable || res.Status != http.StatusInternalServerError {
			t.Fatalf("attempt %d: got %+v, want a retryable 500", attempt, res)
		}
		var serr *StatusError
		if !errors.As(res.Err, &serr) || serr.Body != "database is down" {
			t.Errorf("attempt %d: got %v, want a *StatusError quoting the body", attempt, res.Err)
		}
		now = now.Add(max(Backoff(attempt, func() float64 { return 0.5 }), res.RetryAfter))
	}
	if res.Err != nil || res.Status != http.StatusOK {
		t.Fatalf("last attempt: got %+v, want delivered", res)
	}

	got := rc.deliveries()
	if len(got) != failures+1 {
		t.Fatalf("got %d attempts, want %d", len(got), failures+1)
	}
	for i, d := range got {
		if key := d.header.Get(HeaderID); key != testMessage.ID {
			t.Errorf("attempt %d: got webhook-id %q, want %q", i+1, key, testMessage.ID)
		}
		if string(d.body) != string(testBody) {
			t.Errorf("attempt %d: got body %q, want the same body every time", i+1, d.body)
		}
		// Each attempt is signed afresh, so it verifies at the time it was sent.
		if err := Verify(testSecret, d.header, d.body, sentAt[i], 0); err != nil {
			t.Errorf("attempt %d: Verify: got %v, want nil", i+1, err)
		}
		if i > 0 && d.header.Get(HeaderSignature) == got[i-1].header.Get(HeaderSignature) {
			t.Errorf("attempt %d: got the previous attempt's signature, want a fresh timestamp", i+1)
		}
	}
}

func TestDeliverClassifiesStatus(t *testing.T) {
	t.Parallel()
	rc := startReceiver(t, func(w http.ResponseWriter, r *http.Request) {
		code, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		if err != nil {
			t.Errorf("receiver: bad path %q", r.URL.Path)
		}
		if code >= 300 && code < 400 {
			w.Header().Set("Location", "/elsewhere")
		}
		w.WriteHeader(code)
	})
	s := rc.sender()
	tests := []struct {
		status    int
		delivered bool
		retryable bool
	}{
		{200, true, false},
		{201, true, false},
		{202, true, false},
		{204, true, false},
		{301, false, false},
		{302, false, false},
		{307, false, false},
		{308, false, false},
		{400, false, false},
		{401, false, false},
		{403, false, false},
		{404, false, false},
		{408, false, true},
		{409, false, true},
		{410, false, false},
		{413, false, false},
		{422, false, false},
		{425, false, true},
		{429, false, true},
		{500, false, true},
		{501, false, true},
		{502, false, true},
		{503, false, true},
		{504, false, true},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			t.Parallel()
			res := s.Deliver(t.Context(), rc.srv.URL+"/"+strconv.Itoa(tt.status), testMessage, testNow)
			if res.Status != tt.status {
				t.Errorf("got status %d, want %d", res.Status, tt.status)
			}
			if delivered := res.Err == nil; delivered != tt.delivered {
				t.Errorf("got delivered %v (%v), want %v", delivered, res.Err, tt.delivered)
			}
			if res.Retryable != tt.retryable {
				t.Errorf("got Retryable %v, want %v", res.Retryable, tt.retryable)
			}
			// The endpoint itself is wrong: every later message would fail too.
			if wantBroken := slices.Contains([]int{401, 403, 404, 410}, tt.status); res.Broken != wantBroken {
				t.Errorf("got Broken %v, want %v", res.Broken, wantBroken)
			}
			if serr, ok := errors.AsType[*StatusError](res.Err); !tt.delivered && (!ok || serr.Status != tt.status) {
				t.Errorf("got %v, want a *StatusError with status %d", res.Err, tt.status)
			}
		})
	}
}

func TestDeliverDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	elsewhere := startReceiver(t, status(http.StatusOK))
	rc := startReceiver(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.srv.URL, http.StatusTemporaryRedirect)
	})

	res := rc.sender().Deliver(t.Context(), rc.srv.URL, testMessage, testNow)
	if res.Retryable || res.Status != http.StatusTemporaryRedirect || res.Err == nil {
		t.Errorf("got %+v, want a permanent 307", res)
	}
	if !strings.Contains(res.Err.Error(), "redirects are not followed") {
		t.Errorf("got %q, want it to say redirects are not followed", res.Err)
	}
	if n := len(elsewhere.deliveries()); n != 0 {
		t.Errorf("redirect target got %d requests, want 0", n)
	}
}

func TestDeliverHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	rc := startReceiver(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", r.URL.Query().Get("after"))
		code, _ := strconv.Atoi(r.URL.Query().Get("code"))
		w.WriteHeader(code)
	})
	s := rc.sender()
	tests := []struct {
		name  string
		code  int
		after string
		want  time.Duration
	}{
		{"TooManyRequestsSeconds", 429, "120", 2 * time.Minute},
		{"UnavailableDate", 503, testNow.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"TooManyRequestsWithoutHeader", 429, "", 0},
		{"CappedAtBackoffCap", 429, "31536000", BackoffCap},
		{"IgnoredOnOtherStatus", 500, "120", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url := rc.srv.URL + "/?code=" + strconv.Itoa(tt.code) + "&after=" + strings.ReplaceAll(tt.after, " ", "+")
			res := s.Deliver(t.Context(), url, testMessage, testNow)
			if !res.Retryable || res.Status != tt.code {
				t.Errorf("got %+v, want a retryable %d", res, tt.code)
			}
			if res.RetryAfter != tt.want {
				t.Errorf("got RetryAfter %s, want %s", res.RetryAfter, tt.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"1", time.Second},
		{" 30 ", 30 * time.Second},
		{"21600", 6 * time.Hour},
		{"21601", BackoffCap},
		{"99999999999999999999999", BackoffCap},
		{"-5", 0},
		{"1.5", 0},
		{"soon", 0},
		{testNow.Add(time.Hour).Format(http.TimeFormat), time.Hour},
		{testNow.Add(-time.Hour).Format(http.TimeFormat), 0},
		{testNow.Add(48 * time.Hour).Format(http.TimeFormat), BackoffCap},
		{"Monday, 02-Mar-26 09:31:00 GMT", time.Minute}, // RFC 850, which RFC 9110 still asks readers to accept
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, testNow); got != tt.want {
			t.Errorf("parseRetryAfter(%q): got %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestDeliverTimesOutSlowReceiver(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	rc := startReceiver(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done(): // the sender hung up
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server closes
	s := rc.sender()
	s.Timeout = 50 * time.Millisecond

	res := s.Deliver(t.Context(), rc.srv.URL, testMessage, testNow)
	if !res.Retryable || res.Status != 0 {
		t.Errorf("got %+v, want retryable with no status", res)
	}
	if !errors.Is(res.Err, context.DeadlineExceeded) || !strings.Contains(res.Err.Error(), "no response within 50ms") {
		t.Errorf("got %v, want a timeout after 50ms", res.Err)
	}
	if res.Duration <= 0 {
		t.Errorf("got Duration %s, want the time the attempt took", res.Duration)
	}
}

func TestDeliverRetriesWhenCallerCancels(t *testing.T) {
	t.Parallel()
	rc := startReceiver(t, status(http.StatusOK))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	res := rc.sender().Deliver(ctx, rc.srv.URL, testMessage, testNow)
	if !res.Retryable || !errors.Is(res.Err, context.Canceled) {
		t.Errorf("got %+v, want retryable and context.Canceled", res)
	}
}

func TestDeliverRetriesNetworkErrors(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: the connection is refused

	s := &Sender{Secret: testSecret, Client: &http.Client{}}
	res := s.Deliver(t.Context(), "http://"+addr+"/hook?token=s3cret", testMessage, testNow)
	if !res.Retryable || res.Status != 0 || res.Err == nil {
		t.Fatalf("got %+v, want retryable with no status", res)
	}
	if msg := res.Err.Error(); strings.Contains(msg, "s3cret") || !strings.Contains(msg, "http://"+addr) {
		t.Errorf("got %q, want the origin without the query", msg)
	}
}

func TestDeliverKeepsURLSecretsOutOfErrors(t *testing.T) {
	t.Parallel()
	rc := startReceiver(t, status(http.StatusInternalServerError))
	u := strings.Replace(rc.srv.URL, "http://", "http://user:pa55@", 1) + "/t0ken-path?token=s3cret"

	res := rc.sender().Deliver(t.Context(), u, testMessage, testNow)
	if res.Err == nil {
		t.Fatal("got nil error, want a 500")
	}
	for _, secret := range []string{"pa55", "t0ken-path", "s3cret"} {
		if strings.Contains(res.Err.Error(), secret) {
			t.Errorf("got %q, want no %q in it", res.Err, secret)
		}
	}
}

func TestDeliverRefusesBadInput(t *testing.T) {
	t.Parallel()
	rc := startReceiver(t, status(http.StatusOK))
	good := rc.srv.URL
	tests := []struct {
		name   string
		url    string
		msg    Message
		secret []byte
		want   error
	}{
		{"FileURL", "file:///etc/passwd", testMessage, testSecret, ErrInvalidURL},
		{"FTPURL", "ftp://" + strings.TrimPrefix(good, "http://"), testMessage, testSecret, ErrInvalidURL},
		{"JavascriptURL", "javascript:alert(1)", testMessage, testSecret, ErrInvalidURL},
		{"RelativeURL", "/hooks/baton", testMessage, testSecret, ErrInvalidURL},
		{"EmptyURL", "", testMessage, testSecret, ErrInvalidURL},
		{"NoHost", "http:///hooks", testMessage, testSecret, ErrInvalidURL},
		{"Unparsable", "http://[::1", testMessage, testSecret, ErrInvalidURL},
		{"EmptyID", good, Message{Type: "handoff.assigned", Data: testMessage.Data}, testSecret, ErrInvalidMessage},
		{"IDWithNewline", good, Message{ID: "m1\r\nX-Evil: 1", Type: "handoff.assigned", Data: testMessage.Data}, testSecret, ErrInvalidMessage},
		{"IDTooLong", good, Message{ID: strings.Repeat("m", 201), Type: "handoff.assigned", Data: testMessage.Data}, testSecret, ErrInvalidMessage},
		{"TypeWithSpace", good, Message{ID: "m1", Type: "handoff assigned", Data: testMessage.Data}, testSecret, ErrInvalidMessage},
		{"EmptyData", good, Message{ID: "m1", Type: "handoff.assigned"}, testSecret, ErrInvalidMessage},
		{"DataNotJSON", good, Message{ID: "m1", Type: "handoff.assigned", Data: []byte("{oops")}, testSecret, ErrInvalidMessage},
		{"NoSecret", good, testMessage, nil, ErrMissingSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &Sender{Client: rc.srv.Client(), Secret: tt.secret}
			res := s.Deliver(t.Context(), tt.url, tt.msg, testNow)
			if !errors.Is(res.Err, tt.want) || res.Retryable || res.Status != 0 {
				t.Errorf("got %+v, want a permanent %v", res, tt.want)
			}
		})
	}
	if n := len(rc.deliveries()); n != 0 {
		t.Errorf("receiver got %d requests, want 0", n)
	}
}

// countingTransport counts the response body bytes the client reads.
type countingTransport struct {
	base http.RoundTripper
	read atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &countingBody{ReadCloser: resp.Body, n: &c.read}
	return resp, nil
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

func TestDeliverCapsResponseBody(t *testing.T) {
	t.Parallel()
	// A receiver that would stream for as long as anyone reads (64 MiB at
	// most, so a broken cap fails the test rather than hangs it).
	rc := startReceiver(t, func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("x", 32<<10))
		for range 2048 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	for _, tt := range []struct {
		name  string
		limit int64
		want  int64
	}{
		{"Default", 0, DefaultMaxResponseBytes},
		{"Configured", 1000, 1000},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			transport := &countingTransport{base: rc.srv.Client().Transport}
			s := &Sender{Client: &http.Client{Transport: transport}, Secret: testSecret, MaxResponseBytes: tt.limit}
			res := s.Deliver(t.Context(), rc.srv.URL, testMessage, testNow)
			if res.Err != nil || res.Status != http.StatusOK {
				t.Fatalf("got %+v, want delivered", res)
			}
			if got := transport.read.Load(); got != tt.want {
				t.Errorf("read %d bytes of the response, want %d", got, tt.want)
			}
		})
	}
}

func TestDeliverReusesConnections(t *testing.T) {
	t.Parallel()
	rc := startReceiver(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"ok":true,"note":"a body the sender must read to reuse the connection"}`)
	})
	s := rc.sender()
	for range 5 {
		if res := s.Deliver(t.Context(), rc.srv.URL, testMessage, testNow); res.Err != nil {
			t.Fatalf("got %v, want nil", res.Err)
		}
	}
	addrs := map[string]bool{}
	for _, d := range rc.deliveries() {
		addrs[d.remoteAddr] = true
	}
	if len(addrs) != 1 {
		t.Errorf("got %d connections for 5 sequential deliveries, want 1", len(addrs))
	}
}
