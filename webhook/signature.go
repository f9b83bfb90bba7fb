package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names and fixed values of a delivery, as the Standard Webhooks
// specification names them; see the package documentation for the wire
// format.
const (
	// HeaderID carries the message id, the same on every attempt: receivers
	// deduplicate on it.
	HeaderID = "webhook-id"
	// HeaderTimestamp carries the Unix time in seconds at which the attempt
	// was signed.
	HeaderTimestamp = "webhook-timestamp"
	// HeaderSignature carries one or more space-separated signatures, each
	// "v1,<base64 HMAC-SHA256>".
	HeaderSignature = "webhook-signature"
	// SecretPrefix starts a secret written as the specification writes it:
	// "whsec_" followed by the key in standard base64.
	SecretPrefix = "whsec_"
	// UserAgent is the User-Agent of every delivery.
	UserAgent = "Baton-Webhook/2"
)

// DefaultTolerance is how far a signature's timestamp may be from the
// receiver's clock, either way, when Verify is given no tolerance. It bounds
// how long a captured request can be replayed, and leaves room for clock
// skew and the request's time in flight.
const DefaultTolerance = 5 * time.Minute

// Errors returned by Verify and ParseSecret, possibly wrapped with detail;
// test with errors.Is.
var (
	// ErrMalformedHeader means a header is missing or cannot be parsed: no
	// webhook-id, a webhook-timestamp that is not decimal digits, no v1
	// signature, or a v1 signature that is not the base64 of 32 bytes.
	ErrMalformedHeader = errors.New("webhook: malformed signature headers")
	// ErrStaleTimestamp means the signature is genuine but its timestamp is
	// further than the tolerance from now, in the past (a replay, or a
	// request held up on the way) or in the future (clocks out of step).
	ErrStaleTimestamp = errors.New("webhook: signature timestamp outside tolerance")
	// ErrSignatureMismatch means no v1 signature matches the id, timestamp
	// and body under the secret: one of them was altered, or it was signed
	// with another secret.
	ErrSignatureMismatch = errors.New("webhook: signature mismatch")
	// ErrMissingSecret means the secret is empty. Verify refuses it rather
	// than accept signatures anyone can compute, and Deliver refuses to send
	// unsigned messages.
	ErrMissingSecret = errors.New("webhook: empty secret")
	// ErrInvalidSecret means a secret starting with "whsec_" is not followed
	// by standard base64.
	ErrInvalidSecret = errors.New("webhook: invalid whsec_ secret")
)

// maxTimestampDigits keeps the timestamp small enough that time.Unix cannot
// overflow; eighteen digits reach far beyond any real clock.
const maxTimestampDigits = 18

// ParseSecret returns the HMAC key of a secret as configured. A secret of the
// form "whsec_<base64>", as Standard Webhooks libraries generate and expect
// it, gives the decoded bytes (padding optional); any other non-empty string
// is itself the key, byte for byte, for receivers that configure raw
// secrets. The two spellings of one key are not interchangeable: sender and
// receiver must agree on the form.
func ParseSecret(secret string) ([]byte, error) {
	if secret == "" {
		return nil, ErrMissingSecret
	}
	enc, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return []byte(secret), nil
	}
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		key, err = base64.RawStdEncoding.DecodeString(enc)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSecret, err)
	}
	if len(key) == 0 {
		return nil, fmt.Errorf("%w: no key after the prefix", ErrInvalidSecret)
	}
	return key, nil
}

// Sign returns a webhook-signature value for a message with id and body sent
// at ts, signed with key (the bytes ParseSecret returns):
// "v1,<base64 HMAC-SHA256(key, "<id>.<ts in Unix seconds>.<body>")>". Only
// whole seconds of ts are signed. Sign does not check the key: Verify
// rejects an empty one.
func Sign(key []byte, id string, ts time.Time, body []byte) string {
	return signatureHeader(id, ts.Unix(), body, key)
}

// signatureHeader signs the message with each key in turn, giving one
// space-separated v1 signature per key, so receivers holding either key of a
// rotation pass.
func signatureHeader(id string, unix int64, body []byte, keys ...[]byte) string {
	var b strings.Builder
	for i, key := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("v1,")
		b.WriteString(base64.StdEncoding.EncodeToString(mac(key, id, unix, body)))
	}
	return b.String()
}

// mac is HMAC-SHA256(key, "<id>.<unix>.<body>"), written piecewise so the
// body is never copied.
func mac(key []byte, id string, unix int64, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	var buf [24]byte
	h.Write([]byte(id))
	h.Write(append(strconv.AppendInt(append(buf[:0], '.'), unix, 10), '.'))
	h.Write(body)
	return h.Sum(nil)
}

// Verify checks that the webhook-id, webhook-timestamp and webhook-signature
// headers of a delivery sign body under key (the bytes ParseSecret returns),
// and that the timestamp is within tolerance of now. It is the reference
// verifier for receivers: pass the raw request body, not a re-encoding of it,
// and the receiver's own clock for now. A tolerance of zero or less means
// DefaultTolerance (five minutes, either way).
//
// The signature header may carry several space-separated signatures (the
// sender signs with both secrets while rotating); Verify accepts the body if
// any v1 signature matches, comparing each in constant time. Signatures of
// other versions (such as v1a) are ignored. A receiver rotating its own
// secret calls Verify once with each key it accepts.
//
// Verify returns nil, or an error matching (with errors.Is) exactly one of
// ErrMissingSecret, ErrMalformedHeader, ErrSignatureMismatch and
// ErrStaleTimestamp, checked in that order: a stale timestamp is reported
// only for a signature that is otherwise genuine.
func Verify(key []byte, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	if len(key) == 0 {
		return ErrMissingSecret
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	id := header.Get(HeaderID)
	if id == "" {
		return fmt.Errorf("%w: no %s", ErrMalformedHeader, HeaderID)
	}
	unix, err := parseTimestamp(header.Get(HeaderTimestamp))
	if err != nil {
		return err
	}
	sigs, err := parseSignatures(header.Get(HeaderSignature))
	if err != nil {
		return err
	}
	want := mac(key, id, unix, body)
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

// parseTimestamp reads a webhook-timestamp value: Unix seconds in decimal.
func parseTimestamp(v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > maxTimestampDigits || strings.Trim(v, "0123456789") != "" {
		return 0, fmt.Errorf("%w: %s is not Unix seconds in 1 to %d decimal digits", ErrMalformedHeader, HeaderTimestamp, maxTimestampDigits)
	}
	unix, err := strconv.ParseInt(v, 10, 64)
	if err != nil { // unreachable with at most 18 digits; kept so no error is dropped
		return 0, fmt.Errorf("%w: %s: %w", ErrMalformedHeader, HeaderTimestamp, err)
	}
	return unix, nil
}

// parseSignatures returns the decoded v1 signatures of a webhook-signature
// value: space-separated "version,base64" pairs. Other versions are skipped.
func parseSignatures(header string) ([][]byte, error) {
	var sigs [][]byte
	for i, elem := range strings.Fields(header) {
		version, value, ok := strings.Cut(elem, ",")
		if !ok {
			return nil, fmt.Errorf("%w: signature %d has no ','", ErrMalformedHeader, i+1)
		}
		if version != "v1" {
			continue
		}
		sig, err := base64.StdEncoding.DecodeString(value)
		if err != nil || len(sig) != sha256.Size {
			return nil, fmt.Errorf("%w: signature %d is not the base64 of %d bytes", ErrMalformedHeader, i+1, sha256.Size)
		}
		sigs = append(sigs, sig)
	}
	if len(sigs) == 0 {
		return nil, fmt.Errorf("%w: no v1 signature in %s", ErrMalformedHeader, HeaderSignature)
	}
	return sigs, nil
}
