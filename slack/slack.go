// Package slack posts Baton's outbound messages to Slack, as Block Kit
// messages, through either of Slack's two doors:
//
//   - a bot token (xoxb-…) and the Web API's chat.postMessage, which can
//     write to any channel the bot is in and, given a user's member id
//     (U…) as the channel, send that user a direct message;
//   - an incoming webhook URL, which posts to the one channel it was created
//     for.
//
// [Client.Post] makes one attempt and classifies the outcome as a
// [baton.DeliveryResult]. chat.postMessage answers HTTP 200 with
// {"ok":false,"error":"…"} on most failures; incoming webhooks answer a
// status and a short text. Rate limiting (HTTP 429 with Retry-After, in
// seconds) is retryable after that wait; so are Slack's 5xx answers,
// network errors and timeouts. Errors about the credentials (invalid_auth,
// not_authed, account_inactive, token_revoked, …; no_service or
// invalid_token for a webhook) are permanent and mark the connector Broken.
// Errors about one message (channel_not_found, user_not_found,
// is_archived, invalid_blocks, …) are permanent for that message only.
//
// The package uses net/http and encoding/json only: the two calls and the
// few block types Baton sends do not justify a client library, and keeping
// the JSON here lets the tests check exactly what goes on the wire.
//
// # Limits
//
//   - Slack has no idempotency key: a post whose answer was lost is sent
//     again on retry and may appear twice.
//   - Retry-After as an HTTP date is not read (Slack sends seconds).
//   - Slack truncates text beyond 40,000 characters and rejects more than
//     50 blocks; Post does not check either.
package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// DefaultAPIURL is the base of Slack's Web API.
const DefaultAPIURL = "https://slack.com/api/"

// DefaultTimeout bounds one Post when Client.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// maxResponseBytes bounds how much of an answer Post reads.
const maxResponseBytes = 64 << 10

// ErrInvalidMessage means a message cannot be posted as it is: no fallback
// text, or no channel for chat.postMessage.
var ErrInvalidMessage = errors.New("slack: invalid message")

// ErrNotConfigured means the Client has neither a token nor a webhook URL.
var ErrNotConfigured = errors.New("slack: neither a bot token nor an incoming webhook URL is configured")

// Message is one Slack message.
type Message struct {
	// ID is the outbox message id, for errors and logs; Slack does not see
	// it.
	ID string
	// Channel is where chat.postMessage posts: a user's member id (U…) for
	// a direct message from the bot, or a channel id (C…). Incoming
	// webhooks post to their own channel and ignore it.
	Channel string
	// Text is the plain-text fallback shown in notifications and by
	// clients that cannot render blocks. Required. Post escapes it.
	Text string
	// Blocks is the message's layout; without blocks, Text is the message.
	Blocks []Block
}

// payload is what goes on the wire.
type payload struct {
	Channel string  `json:"channel,omitempty"`
	Text    string  `json:"text"`
	Blocks  []Block `json:"blocks,omitempty"`
}

// Client posts messages to one Slack workspace. Set Token or WebhookURL;
// with both, Token is used. Its fields are read, never written, so one
// Client may serve many goroutines.
type Client struct {
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Token is a bot token (xoxb-…) with the chat:write scope (and im:write
	// for direct messages).
	Token string
	// WebhookURL is an incoming webhook's URL. It is a secret: whoever has
	// it can post.
	WebhookURL string
	// APIURL is the base of the Web API; empty means DefaultAPIURL. Tests
	// point it at a local server.
	APIURL string
	// Timeout bounds one Post; zero or less means DefaultTimeout (10s).
	Timeout time.Duration
}

// Post makes one attempt to post m and classifies the outcome; see the
// package documentation. Errors name the message id and Slack's error
// code, never the token or the webhook URL.
func (c *Client) Post(ctx context.Context, m Message) baton.DeliveryResult {
	fail := func(err error) error { return fmt.Errorf("slack: post %s: %w", m.ID, err) }
	if strings.TrimSpace(m.Text) == "" {
		return baton.DeliveryResult{Err: fail(fmt.Errorf("%w: no fallback text", ErrInvalidMessage))}
	}
	p := payload{Text: Escape(m.Text), Blocks: m.Blocks}
	var target string
	switch {
	case c.Token != "":
		if m.Channel == "" {
			return baton.DeliveryResult{Err: fail(fmt.Errorf("%w: no channel or member id", ErrInvalidMessage))}
		}
		p.Channel = m.Channel
		base := c.APIURL
		if base == "" {
			base = DefaultAPIURL
		}
		target = strings.TrimSuffix(base, "/") + "/chat.postMessage"
	case c.WebhookURL != "":
		target = c.WebhookURL
	default:
		return baton.DeliveryResult{Err: fail(ErrNotConfigured), Broken: true}
	}
	body, err := json.Marshal(p)
	if err != nil {
		return baton.DeliveryResult{Err: fail(fmt.Errorf("%w: %w", ErrInvalidMessage, err))}
	}

	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		// The URL (a secret for webhooks) is not repeated.
		return baton.DeliveryResult{Err: fail(errors.New("invalid Slack URL")), Broken: true}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		if uerr, ok := errors.AsType[*url.Error](err); ok {
			err = uerr.Err // drop the URL
		}
		return baton.DeliveryResult{Err: fail(err), Retryable: true}
	}
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	resp.Body.Close()

	if resp.StatusCode == http.StatusTooManyRequests {
		return baton.DeliveryResult{Err: fail(errors.New("rate limited (429)")), Retryable: true, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	}
	if resp.StatusCode >= 500 {
		return baton.DeliveryResult{Err: fail(fmt.Errorf("server answered %d", resp.StatusCode)), Retryable: true, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	}
	if c.Token != "" {
		return apiResult(fail, resp.StatusCode, answer)
	}
	return webhookResult(fail, resp.StatusCode, answer)
}

// Error codes of chat.postMessage and incoming webhooks, by what they mean
// for the connector.
var (
	// retryableErrors may succeed later.
	retryableErrors = []string{"ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
	// brokenErrors refuse the credentials: every message will fail.
	brokenErrors = []string{
		"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
		"missing_scope", "not_allowed_token_type", "no_permission", "team_access_not_granted", "org_login_required",
		// incoming webhooks
		"invalid_token", "no_service", "no_service_id", "no_team", "team_disabled",
	}
)

// apiResult classifies a chat.postMessage answer.
func apiResult(fail func(error) error, status int, answer []byte) baton.DeliveryResult {
	var r struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(answer, &r); err != nil {
		// Not Slack's JSON: a proxy's error page, most likely.
		return baton.DeliveryResult{Err: fail(fmt.Errorf("answer %d is not JSON", status)), Retryable: true}
	}
	if r.OK {
		return baton.DeliveryResult{}
	}
	return classify(fail, r.Error)
}

// webhookResult classifies an incoming webhook's answer: 200 "ok", or a
// status and an error code as text.
func webhookResult(fail func(error) error, status int, answer []byte) baton.DeliveryResult {
	text := strings.TrimSpace(string(answer))
	if status == http.StatusOK {
		return baton.DeliveryResult{}
	}
	if text == "" {
		text = "status " + strconv.Itoa(status)
	}
	return classify(fail, text)
}

// classify maps a Slack error code to a result.
func classify(fail func(error) error, code string) baton.DeliveryResult {
	if len(code) > 100 {
		code = code[:100]
	}
	res := baton.DeliveryResult{Err: fail(&Error{Code: code})}
	switch {
	case slices.Contains(retryableErrors, code):
		res.Retryable = true
	case slices.Contains(brokenErrors, code):
		res.Broken = true
	}
	return res
}

// Error is an error Slack reported, by its code.
type Error struct {
	// Code is Slack's error code, such as "channel_not_found".
	Code string
}

// Error returns the code.
func (e *Error) Error() string { return "Slack error " + strconv.Quote(e.Code) }

// retryAfter reads a Retry-After of delay-seconds; anything else asks for no
// wait.
func retryAfter(v string) time.Duration {
	secs, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || secs < 0 {
		return 0
	}
	return time.Duration(min(secs, 7*24*3600)) * time.Second
}
