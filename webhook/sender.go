package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// Defaults of Sender's zero-valued fields.
const (
	// DefaultTimeout bounds one attempt, from dialling to reading the
	// response body.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxResponseBytes is how much of a response body Deliver reads
	// before giving up on reusing the connection.
	DefaultMaxResponseBytes = 64 << 10
)

// Errors in a Result for messages or URLs that can never be delivered, wrapped
// with detail; test with errors.Is. ErrMissingSecret is also one of them.
var (
	// ErrInvalidURL means the URL does not parse, is not http or https, or
	// has no host.
	ErrInvalidURL = errors.New("invalid URL")
	// ErrInvalidMessage means the message id or type is empty, too long or
	// not printable ASCII without spaces, or the data is not JSON.
	ErrInvalidMessage = errors.New("invalid message")
)

// maxTokenLen bounds Message.ID, which travels as a header, and Message.Type.
const maxTokenLen = 200

// snippetLen is how much of an error response body goes into StatusError.
const snippetLen = 256

// Message is one notification to deliver. The worker builds it from the queued
// row and passes the same values on every attempt, so every attempt posts the
// same body.
type Message struct {
	// ID is the message's id, sent as webhook-id: receivers deduplicate on
	// it, so it must not change between attempts. At most 200 bytes of
	// printable ASCII, no spaces.
	ID string
	// Type is the event type, the body's "type", such as
	// "handoff.assigned". Same character rules as ID.
	Type string
	// Time is when the event happened, the body's "timestamp" (RFC 3339,
	// UTC, whole seconds). It is not the signing time, which changes with
	// each attempt.
	Time time.Time
	// Data is the event's JSON document, the body's "data", embedded byte
	// for byte.
	Data []byte
}

// Body returns the JSON body Deliver posts for m, the Standard Webhooks
// envelope {"type":…,"timestamp":…,"data":…}; the signature covers exactly
// these bytes. It is the same for every attempt.
func (m Message) Body() ([]byte, error) {
	if !json.Valid(m.Data) {
		return nil, fmt.Errorf("%w: data is not JSON", ErrInvalidMessage)
	}
	return json.Marshal(envelope{Type: m.Type, Timestamp: m.Time.UTC().Truncate(time.Second).Format(time.RFC3339), Data: m.Data})
}

// envelope is the body of a delivery.
type envelope struct {
	Type      string          `json:"type"`
	Timestamp string          `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

// Result is the outcome of one delivery attempt: the outcome every channel
// reports, and the HTTP detail of this one.
type Result struct {
	// DeliveryResult holds Err, Retryable, RetryAfter and Broken. Retryable
	// is set on 408, 409, 425, 429, 5xx, network errors, timeouts and
	// cancellation of ctx. RetryAfter is the wait the receiver asked for
	// with Retry-After on a 429 or 503, at most BackoffCap. Broken is set
	// when the endpoint itself is wrong: an invalid URL, no secret, or an
	// answer of 401, 403, 404 or 410. Err names the message id and the
	// URL's scheme and host, never its path, query or credentials; a
	// response outside 2xx gives a *StatusError in the chain. Bounced is
	// never set.
	baton.DeliveryResult
	// Status is the response's HTTP status, or 0 when there was no response
	// (an invalid message or URL, a network error, a timeout).
	Status int
	// Duration is the wall-clock time the attempt took, measured with the
	// monotonic clock.
	Duration time.Duration
}

// StatusError is a response whose status is not 2xx.
type StatusError struct {
	// Status is the HTTP status code.
	Status int
	// Body is the start of the response body (at most 256 bytes, invalid
	// UTF-8 replaced), for the operator who reads the error.
	Body string
}

// Error describes the status, quoting the start of the body.
func (e *StatusError) Error() string {
	msg := "receiver answered " + strconv.Itoa(e.Status)
	if text := http.StatusText(e.Status); text != "" {
		msg += " " + text
	}
	if e.Status >= 300 && e.Status < 400 {
		msg += " (redirects are not followed: configure the final URL)"
	}
	if e.Body != "" {
		msg += ": " + strconv.Quote(e.Body)
	}
	return msg
}

// Sender signs and delivers messages, one attempt per Deliver call. Its fields
// are read, never written, so one Sender may serve many goroutines.
type Sender struct {
	// Client sends the requests; nil means http.DefaultClient. Deliver uses
	// a copy with redirects turned off, so the Client's Transport, and its
	// pool of connections, is shared.
	Client *http.Client
	// Secret is the endpoint's signing key, as ParseSecret returns it from
	// "whsec_<base64>" or a raw secret. Required: Deliver refuses to send
	// unsigned messages.
	Secret []byte
	// PreviousSecret, when set during a rotation, is used to sign each
	// message as well, giving a second v1 signature, so that receivers
	// still holding the old key keep verifying. Clear it once they have
	// moved to Secret.
	PreviousSecret []byte
	// Timeout bounds each attempt, from dialling to reading the response
	// body. Zero or less means DefaultTimeout (10s).
	Timeout time.Duration
	// MaxResponseBytes is how many bytes of a response body Deliver reads and
	// discards; reading the body to its end lets the connection be reused,
	// while the bound stops a receiver from streaming forever. Zero or less
	// means DefaultMaxResponseBytes (64 KiB).
	MaxResponseBytes int64
}

// Deliver makes one attempt to POST m to rawURL, signed at now, and classifies
// the outcome; see the package documentation for the headers and for which
// answers are retried. It returns when the response body has been read up to
// MaxResponseBytes, when Timeout passes, or when ctx is done, whichever comes
// first. A cancelled ctx gives a retryable Result: the message was not known
// to be delivered.
//
// An invalid URL or message, or an empty Secret, gives a permanent Result with
// Status 0 and ErrInvalidURL, ErrInvalidMessage or ErrMissingSecret, and no
// request is made.
func (s *Sender) Deliver(ctx context.Context, rawURL string, m Message, now time.Time) Result {
	var res Result
	target, err := parseTarget(rawURL)
	if err != nil {
		res.Err, res.Broken = fmt.Errorf("webhook: deliver %s: %w", m.ID, err), true
		return res
	}
	origin := target.Scheme + "://" + target.Host
	if err := checkToken(m.ID); err != nil {
		res.Err = fmt.Errorf("webhook: deliver to %s: %w: id %w", origin, ErrInvalidMessage, err)
		return res
	}
	fail := func(err error) error {
		return fmt.Errorf("webhook: deliver %s to %s: %w", m.ID, origin, err)
	}
	if err := checkToken(m.Type); err != nil {
		res.Err = fail(fmt.Errorf("%w: type %w", ErrInvalidMessage, err))
		return res
	}
	body, err := m.Body()
	if err != nil {
		res.Err = fail(err)
		return res
	}
	if len(s.Secret) == 0 {
		res.Err, res.Broken = fail(ErrMissingSecret), true
		return res
	}

	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	attemptCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(attemptCtx, http.MethodPost, target.String(), bytes.NewReader(body))
	if err != nil {
		res.Err = fail(err)
		return res
	}
	keys := [][]byte{s.Secret}
	if len(s.PreviousSecret) > 0 {
		keys = append(keys, s.PreviousSecret)
	}
	unix := now.Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set(HeaderID, m.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(unix, 10))
	req.Header.Set(HeaderSignature, signatureHeader(m.ID, unix, body, keys...))

	start := time.Now()
	resp, err := s.client().Do(req)
	if err != nil {
		// *url.Error repeats the full URL, which may hold a token: keep only
		// what it wraps.
		if uerr, ok := errors.AsType[*url.Error](err); ok {
			err = uerr.Err
		}
		switch {
		case ctx.Err() != nil:
			err = fmt.Errorf("cancelled: %w", err)
		case attemptCtx.Err() != nil:
			err = fmt.Errorf("no response within %s: %w", timeout, err)
		}
		res.Retryable, res.Err, res.Duration = true, fail(err), time.Since(start)
		return res
	}
	// The status decides the outcome: a body cut short by the timeout, or by
	// a receiver that hangs up, changes nothing, so read errors are ignored.
	head := drain(resp.Body, s.maxResponseBytes())
	resp.Body.Close()

	res.Status, res.Duration = resp.StatusCode, time.Since(start)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return res
	}
	res.Retryable = retryableStatus(resp.StatusCode)
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		res.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusGone:
		res.Broken = true
	}
	res.Err = fail(&StatusError{Status: resp.StatusCode, Body: head})
	return res
}

// client is s.Client, or http.DefaultClient, copied with redirects off.
func (s *Sender) client() *http.Client {
	c := http.DefaultClient
	if s.Client != nil {
		c = s.Client
	}
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}

func (s *Sender) maxResponseBytes() int64 {
	if s.MaxResponseBytes <= 0 {
		return DefaultMaxResponseBytes
	}
	return s.MaxResponseBytes
}

// drain reads at most limit bytes of r and returns the first snippetLen of
// them as text.
func drain(r io.Reader, limit int64) string {
	lr := io.LimitReader(r, limit)
	var head [snippetLen]byte
	n, _ := io.ReadFull(lr, head[:])
	_, _ = io.Copy(io.Discard, lr)
	return strings.TrimSpace(strings.ToValidUTF8(string(head[:n]), "\uFFFD"))
}

// retryableStatus reports whether a non-2xx status may succeed later; the
// package documentation gives the reasons.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return code >= 500 && code <= 599
}

// parseRetryAfter reads a Retry-After value, delay-seconds or an HTTP date
// (RFC 9110, section 10.2.3), as a wait from now, clamped to [0, BackoffCap].
// A value it cannot read asks for no wait.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if strings.Trim(v, "0123456789") == "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > int64(BackoffCap/time.Second) { // too many digits for int64 is a long wait too
			return BackoffCap
		}
		return time.Duration(secs) * time.Second
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	return min(max(at.Sub(now), 0), BackoffCap)
}

// parseTarget checks that raw is an absolute http or https URL with a host.
// Its errors never repeat raw, which may hold a token.
func parseTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		if uerr, ok := errors.AsType[*url.Error](err); ok {
			err = uerr.Err
		}
		return nil, fmt.Errorf("%w: %w", ErrInvalidURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%w: scheme %q is not http or https", ErrInvalidURL, u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%w: no host", ErrInvalidURL)
	}
	return u, nil
}

// checkToken accepts 1 to maxTokenLen bytes of printable ASCII without
// spaces: safe in a header value and in a log line.
func checkToken(s string) error {
	if s == "" {
		return errors.New("is empty")
	}
	if len(s) > maxTokenLen {
		return fmt.Errorf("has %d bytes, more than %d", len(s), maxTokenLen)
	}
	for i := range len(s) {
		if s[i] <= ' ' || s[i] > '~' {
			return fmt.Errorf("has a byte 0x%02x at %d that is not printable ASCII", s[i], i)
		}
	}
	return nil
}
