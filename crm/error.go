package crm

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// Error is a refusal from a CRM (or an adapter's own, Status 0, such as an
// owner the CRM does not know), classified for the outbox.
type Error struct {
	// CRM is the connector's name; Op what was attempted ("set the owner of
	// contacts 101").
	CRM, Op string
	// Status is the HTTP status, 0 when the CRM was not asked.
	Status int
	// Code is the CRM's error code or category (RATE_LIMIT,
	// INVALID_SESSION_ID); Message its message, cut short.
	Code, Message string
	// RetryAfter is the CRM's Retry-After header, as sent.
	RetryAfter string
	// Wait is a wait the adapter knows the CRM needs when it sends no
	// Retry-After (Salesforce's daily request limit).
	Wait time.Duration
	// Retryable reports that a later attempt may succeed (429, 5xx, a
	// request limit).
	Retryable bool
	// Unauthorized reports that the CRM refused the credentials (401, or a
	// 403 for a missing scope or permission): every write will fail until
	// they are fixed.
	Unauthorized bool
}

// Error says what failed and how the CRM answered; it never holds a token.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.CRM, e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": %d", e.Status)
	}
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// StatusError classifies a non-2xx answer by its status: 429 and 5xx are
// retryable, 401 and 403 unauthorized, anything else permanent. Adapters
// refine it with the CRM's own codes.
func StatusError(name, op string, resp *Response) *Error {
	e := &Error{CRM: name, Op: op, Status: resp.Status, RetryAfter: resp.Header.Get("Retry-After")}
	switch {
	case resp.Status == http.StatusTooManyRequests, resp.Status >= 500:
		e.Retryable = true
	case resp.Status == http.StatusUnauthorized, resp.Status == http.StatusForbidden:
		e.Unauthorized = true
	}
	return e
}

// maxWait bounds the wait a CRM may ask for, as the outbox bounds a
// webhook receiver's.
const maxWait = 6 * time.Hour

// retryAfter reads a Retry-After value, delay-seconds or an HTTP date, as a
// wait from now in [0, maxWait]; a value it cannot read asks for none.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0
		}
		if secs > int64(maxWait/time.Second) {
			return maxWait
		}
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil {
		return min(max(at.Sub(now), 0), maxWait)
	}
	return 0
}

// Result classifies an adapter's error for the outbox at now: nil is
// delivered; a *Error as it says; anything else (a network failure, a
// timeout) retryable.
func Result(err error, now time.Time) baton.DeliveryResult {
	if err == nil {
		return baton.DeliveryResult{}
	}
	var e *Error
	if !errors.As(err, &e) {
		return baton.DeliveryResult{Err: err, Retryable: true}
	}
	res := baton.DeliveryResult{Err: err, Retryable: e.Retryable || e.Unauthorized}
	if e.Retryable {
		res.RetryAfter = max(retryAfter(e.RetryAfter, now), e.Wait)
	}
	return res
}
