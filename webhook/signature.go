package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Header names and fixed values of a delivery; see the package documentation
// for the wire format.
const (
	// HeaderSignature carries "t=<unix seconds>,v1=<hex HMAC-SHA256>".
	HeaderSignature = "Baton-Signature"
	// HeaderIdempotencyKey carries the message id, the same on every attempt.
	HeaderIdempotencyKey = "Baton-Idempotency-Key"
	// HeaderEvent carries the event type, such as "handoff.assigned".
	HeaderEvent = "Baton-Event"
	// UserAgent is the User-Agent of every delivery.
	UserAgent = "Baton-Webhook/1"
)

// DefaultTolerance is how far a signature's timestamp may be from the
// receiver's clock, either way, when Verify is given no tolerance. It bounds
// how long a captured request can be replayed, and leaves room for clock
// skew and the request's time in flight.
const DefaultTolerance = 5 * time.Minute

// Errors returned by Verify, possibly wrapped with detail; test with
// errors.Is.
var (
	// ErrMalformedHeader means the signature header is missing or cannot be
	// parsed: no t, more than one t, a t that is not decimal digits, no v1,
	// or a v1 that is not 64 hex digits.
	ErrMalformedHeader = errors.New("webhook: malformed signature header")
	// ErrStaleTimestamp means the signature is genuine but its timestamp is
	// further than the tolerance from now, in the past (a replay, or a
	// request held up on the way) or in the future (clocks out of step).
	ErrStaleTimestamp = errors.New("webhook: signature timestamp outside tolerance")
	// ErrSignatureMismatch means no v1 value matches the body under the
	// secret: the body was altered, or it was signed with another secret.
	ErrSignatureMismatch = errors.New("webhook: signature mismatch")
	// ErrMissingSecret means the secret is empty. Verify refuses it rather
	// than accept signatures anyone can compute, and Deliver refuses to send
	// unsigned messages.
	ErrMissingSecret = errors.New("webhook: empty secret")
)

// maxTimestampDigits keeps t small enough that time.Unix cannot overflow;
// eighteen digits reach far beyond any real clock.
const maxTimestampDigits = 18

// Sign returns the Baton-Signature header value for body sent at ts:
// "t=<ts in Unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>". Only
// whole seconds of ts are signed. Sign does not check the secret: Verify
// rejects an empty one.
func Sign(secret []byte, ts time.Time, body []byte) string {
	return signatureHeader(ts.Unix(), body, secret)
}

// signatureHeader signs body at unix with each secret in turn, giving one v1
// element per secret, so receivers holding either secret of a rotation pass.
func signatureHeader(unix int64, body []byte, secrets ...[]byte) string {
	var b strings.Builder
	b.Grow(len("t=,") + 20 + len(secrets)*(len("v1=,")+2*sha256.Size))
	b.WriteString("t=")
	b.WriteString(strconv.FormatInt(unix, 10))
	for _, secret := range secrets {
		b.WriteString(",v1=")
		b.WriteString(hex.EncodeToString(mac(secret, unix, body)))
	}
	return b.String()
}

// mac is HMAC-SHA256(secret, "<unix>.<body>"), written piecewise so the body
// is never copied.
func mac(secret []byte, unix int64, body []byte) []byte {
	h := hmac.New(sha256.New, secret)
	var buf [24]byte
	h.Write(append(strconv.AppendInt(buf[:0], unix, 10), '.'))
	h.Write(body)
	return h.Sum(nil)
}

// Verify checks that header, the value of a delivery's Baton-Signature, signs
// body under secret, and that its timestamp is within tolerance of now. It is
// the reference verifier for receivers: pass the raw request body, not a
// re-encoding of it, and the receiver's own clock for now. A tolerance of zero
// or less means DefaultTolerance.
//
// The header may carry several v1 values (the sender signs with both secrets
// while rotating); Verify accepts the body if any of them matches, comparing
// each in constant time. A receiver rotating its own secret calls Verify once
// with each secret it accepts. Elements other than t and v1 are ignored.
//
// Verify returns nil, or an error matching (with errors.Is) exactly one of
// ErrMissingSecret, ErrMalformedHeader, ErrSignatureMismatch and
// ErrStaleTimestamp, checked in that order: a stale timestamp is reported
// only for a signature that is otherwise genuine.
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if len(secret) == 0 {
		return ErrMissingSecret
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	unix, sigs, err := parseSignatureHeader(header)
	if err != nil {
		return err
	}
	want := mac(secret, unix, body)
	match := false
	for _, sig := range sigs {
		// No early exit: the time taken does not depend on which value matched.
		if hmac.Equal(sig, want) {
			match = true
		}
	}
	if !match {
		return ErrSignatureMismatch
	}
	signed := time.Unix(unix, 0)
	switch {
	case signed.Before(now.Add(-tolerance)):
		return fmt.Errorf("%w: signed %s ago, tolerance %s", ErrStaleTimestamp, now.Sub(signed).Truncate(time.Second), tolerance)
	case signed.After(now.Add(tolerance)):
		return fmt.Errorf("%w: signed %s in the future, tolerance %s", ErrStaleTimestamp, signed.Sub(now).Truncate(time.Second), tolerance)
	}
	return nil
}

// parseSignatureHeader returns the timestamp and the decoded v1 signatures of
// a Baton-Signature value. Whitespace around elements is allowed; unknown
// keys are skipped.
func parseSignatureHeader(header string) (unix int64, sigs [][]byte, err error) {
	if strings.TrimSpace(header) == "" {
		return 0, nil, fmt.Errorf("%w: header is empty", ErrMalformedHeader)
	}
	haveT := false
	for i, elem := range strings.Split(header, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(elem), "=")
		if !ok {
			return 0, nil, fmt.Errorf("%w: element %d has no '='", ErrMalformedHeader, i+1)
		}
		switch key {
		case "t":
			if haveT {
				return 0, nil, fmt.Errorf("%w: more than one t", ErrMalformedHeader)
			}
			if value == "" || len(value) > maxTimestampDigits || strings.Trim(value, "0123456789") != "" {
				return 0, nil, fmt.Errorf("%w: t is not Unix seconds in 1 to %d decimal digits", ErrMalformedHeader, maxTimestampDigits)
			}
			unix, err = strconv.ParseInt(value, 10, 64)
			if err != nil { // unreachable with at most 18 digits; kept so no error is dropped
				return 0, nil, fmt.Errorf("%w: t: %w", ErrMalformedHeader, err)
			}
			haveT = true
		case "v1":
			if len(value) != 2*sha256.Size {
				return 0, nil, fmt.Errorf("%w: v1 has %d characters, want %d hex digits", ErrMalformedHeader, len(value), 2*sha256.Size)
			}
			sig, err := hex.DecodeString(value)
			if err != nil {
				return 0, nil, fmt.Errorf("%w: v1 is not hex", ErrMalformedHeader)
			}
			sigs = append(sigs, sig)
		}
	}
	if !haveT {
		return 0, nil, fmt.Errorf("%w: no t", ErrMalformedHeader)
	}
	if len(sigs) == 0 {
		return 0, nil, fmt.Errorf("%w: no v1 signature", ErrMalformedHeader)
	}
	return unix, sigs, nil
}
