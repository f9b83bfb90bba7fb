package slack_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/slack"
)

const testToken = "xoxb-1234-5678-abcdefghijklmnop"

// answer is one scripted response of the fake Slack.
type answer struct {
	status     int
	retryAfter string
	body       string
}

// fakeSlack stands in for slack.com/api and for an incoming webhook: it
// checks each request as Slack would, records its JSON, and replays the
// scripted answers in order (the last one repeats).
type fakeSlack struct {
	t       *testing.T
	srv     *httptest.Server
	path    string // the path requests must use
	token   string // the bearer token required; empty for a webhook
	answers []answer

	mu  sync.Mutex
	got []map[string]any
}

func startSlack(t *testing.T, path, token string, answers ...answer) *fakeSlack {
	t.Helper()
	f := &fakeSlack{t: t, path: path, token: token, answers: answers}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != f.path {
		f.t.Errorf("got %s %s, want POST %s", r.Method, r.URL.Path, f.path)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		f.t.Errorf("got Content-Type %q, want application/json; charset=utf-8", ct)
	}
	wantAuth := ""
	if f.token != "" {
		wantAuth = "Bearer " + f.token
	}
	if got := r.Header.Get("Authorization"); got != wantAuth {
		f.t.Errorf("got Authorization %q, want %q", got, wantAuth)
	}
	body, _ := io.ReadAll(r.Body)
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		f.t.Errorf("body is not JSON: %v: %s", err, body)
	}
	f.mu.Lock()
	f.got = append(f.got, doc)
	a := f.answers[min(len(f.got), len(f.answers))-1]
	f.mu.Unlock()
	if a.retryAfter != "" {
		w.Header().Set("Retry-After", a.retryAfter)
	}
	if strings.HasPrefix(a.body, "{") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(a.status)
	io.WriteString(w, a.body)
}

func (f *fakeSlack) requests() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.got...)
}

func (f *fakeSlack) botClient() *slack.Client {
	return &slack.Client{HTTPClient: f.srv.Client(), Token: testToken, APIURL: f.srv.URL + "/api/"}
}

func (f *fakeSlack) webhookClient() *slack.Client {
	return &slack.Client{HTTPClient: f.srv.Client(), WebhookURL: f.srv.URL + f.path}
}

// testMessage is a handoff notification as a DM to a rep.
var testMessage = slack.Message{
	ID:      "msg_1",
	Channel: "U024BE7LH",
	Text:    "New handoff: Acme & Co <enterprise> is yours",
	Blocks: []slack.Block{
		slack.Section("*New handoff:* "+slack.Escape("Acme & Co <enterprise>")+" is yours", "*Tier*\nEnterprise", "*Accept by*\n10:30"),
		slack.Context("Routed by territory EMEA · " + slack.Link("https://baton.acme.test/h/h_42/trace", "why you")),
		slack.Actions(
			slack.Button{Text: "Accept", URL: "https://baton.acme.test/h/h_42?accept=1", ActionID: "accept", Primary: true},
			slack.Button{Text: "Open brief", URL: "https://baton.acme.test/h/h_42", ActionID: "open"},
		),
	},
}

// wantPayload is testMessage as Slack's Block Kit documentation writes it.
const wantPayload = `{
	"channel": "U024BE7LH",
	"text": "New handoff: Acme &amp; Co &lt;enterprise&gt; is yours",
	"blocks": [
		{"type": "section",
		 "text": {"type": "mrkdwn", "text": "*New handoff:* Acme &amp; Co &lt;enterprise&gt; is yours"},
		 "fields": [{"type": "mrkdwn", "text": "*Tier*\nEnterprise"}, {"type": "mrkdwn", "text": "*Accept by*\n10:30"}]},
		{"type": "context",
		 "elements": [{"type": "mrkdwn", "text": "Routed by territory EMEA · <https://baton.acme.test/h/h_42/trace|why you>"}]},
		{"type": "actions",
		 "elements": [
			{"type": "button", "text": {"type": "plain_text", "text": "Accept"}, "url": "https://baton.acme.test/h/h_42?accept=1", "action_id": "accept", "style": "primary"},
			{"type": "button", "text": {"type": "plain_text", "text": "Open brief"}, "url": "https://baton.acme.test/h/h_42", "action_id": "open"}
		 ]}
	]
}`

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPostBotMessage(t *testing.T) {
	t.Parallel()
	f := startSlack(t, "/api/chat.postMessage", testToken, answer{200, "", `{"ok":true,"channel":"D024BE91L","ts":"1503435956.000247"}`})
	if res := f.botClient().Post(t.Context(), testMessage); res != (baton.DeliveryResult{}) {
		t.Fatalf("got %+v, want delivered", res)
	}
	got := f.requests()
	if len(got) != 1 {
		t.Fatalf("got %d requests, want 1", len(got))
	}
	if diff := cmp.Diff(decode(t, wantPayload), got[0]); diff != "" {
		t.Errorf("payload (-want +got):\n%s", diff)
	}
}

func TestPostRateLimitedThenSucceeds(t *testing.T) {
	t.Parallel()
	f := startSlack(t, "/api/chat.postMessage", testToken,
		answer{429, "30", `{"ok":false,"error":"ratelimited"}`},
		answer{200, "", `{"ok":true}`})
	c := f.botClient()
	res := c.Post(t.Context(), testMessage)
	if res.Err == nil || !res.Retryable || res.RetryAfter != 30*time.Second || res.Broken {
		t.Fatalf("first attempt: got %+v, want retryable after 30s", res)
	}
	if res := c.Post(t.Context(), testMessage); res.Err != nil {
		t.Fatalf("second attempt: got %v, want delivered", res.Err)
	}
	if got := f.requests(); len(got) != 2 || !cmp.Equal(got[0], got[1]) {
		t.Errorf("got %d requests, want the same payload twice", len(got))
	}
}

func TestPostClassifiesAPIErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ans  answer
		want baton.DeliveryResult // Err aside
	}{
		{"InvalidAuthBreaksConnector", answer{200, "", `{"ok":false,"error":"invalid_auth"}`}, baton.DeliveryResult{Broken: true}},
		{"NotAuthedBreaksConnector", answer{200, "", `{"ok":false,"error":"not_authed"}`}, baton.DeliveryResult{Broken: true}},
		{"AccountInactiveBreaksConnector", answer{200, "", `{"ok":false,"error":"account_inactive"}`}, baton.DeliveryResult{Broken: true}},
		{"TokenRevokedBreaksConnector", answer{200, "", `{"ok":false,"error":"token_revoked"}`}, baton.DeliveryResult{Broken: true}},
		{"ChannelNotFoundFailsMessage", answer{200, "", `{"ok":false,"error":"channel_not_found"}`}, baton.DeliveryResult{}},
		{"UserNotFoundFailsMessage", answer{200, "", `{"ok":false,"error":"user_not_found"}`}, baton.DeliveryResult{}},
		{"InvalidBlocksFailsMessage", answer{200, "", `{"ok":false,"error":"invalid_blocks"}`}, baton.DeliveryResult{}},
		{"RatelimitedInBodyRetries", answer{200, "", `{"ok":false,"error":"ratelimited"}`}, baton.DeliveryResult{Retryable: true}},
		{"InternalErrorRetries", answer{200, "", `{"ok":false,"error":"internal_error"}`}, baton.DeliveryResult{Retryable: true}},
		{"ServerErrorRetries", answer{503, "", `upstream unavailable`}, baton.DeliveryResult{Retryable: true}},
		{"NonJSONRetries", answer{200, "", `<html>proxy</html>`}, baton.DeliveryResult{Retryable: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := startSlack(t, "/api/chat.postMessage", testToken, tt.ans)
			res := f.botClient().Post(t.Context(), testMessage)
			if res.Err == nil {
				t.Fatal("got delivered, want an error")
			}
			if strings.Contains(res.Err.Error(), testToken) || strings.Contains(res.Err.Error(), f.srv.URL) {
				t.Errorf("error %q repeats the token or the URL", res.Err)
			}
			res.Err = nil
			if res != tt.want {
				t.Errorf("got %+v, want %+v", res, tt.want)
			}
		})
	}
}

func TestPostIncomingWebhook(t *testing.T) {
	t.Parallel()
	const path = "/services/T000/B000/XXXXXXXX"
	tests := []struct {
		name string
		ans  answer
		ok   bool
		want baton.DeliveryResult // Err aside
	}{
		{"Accepted", answer{200, "", "ok"}, true, baton.DeliveryResult{}},
		{"InvalidPayloadFailsMessage", answer{400, "", "invalid_payload"}, false, baton.DeliveryResult{}},
		{"NoServiceBreaksConnector", answer{404, "", "no_service"}, false, baton.DeliveryResult{Broken: true}},
		{"InvalidTokenBreaksConnector", answer{403, "", "invalid_token"}, false, baton.DeliveryResult{Broken: true}},
		{"ArchivedChannelFailsMessage", answer{410, "", "channel_is_archived"}, false, baton.DeliveryResult{}},
		{"RateLimitedRetriesAfter", answer{429, "7", "rate_limited"}, false, baton.DeliveryResult{Retryable: true, RetryAfter: 7 * time.Second}},
		{"ServerErrorRetries", answer{500, "", "internal_error"}, false, baton.DeliveryResult{Retryable: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := startSlack(t, path, "", tt.ans)
			res := f.webhookClient().Post(t.Context(), testMessage)
			if (res.Err == nil) != tt.ok {
				t.Fatalf("got %v, want delivered %v", res.Err, tt.ok)
			}
			if res.Err != nil && strings.Contains(res.Err.Error(), path) {
				t.Errorf("error %q repeats the webhook URL", res.Err)
			}
			res.Err = nil
			if res != tt.want {
				t.Errorf("got %+v, want %+v", res, tt.want)
			}
			// An incoming webhook posts to its own channel: no channel field.
			want := decode(t, wantPayload)
			delete(want, "channel")
			if diff := cmp.Diff(want, f.requests()[0]); diff != "" {
				t.Errorf("payload (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPostRefusesBadInput(t *testing.T) {
	t.Parallel()
	f := startSlack(t, "/api/chat.postMessage", testToken, answer{200, "", `{"ok":true}`})
	tests := []struct {
		name   string
		client *slack.Client
		msg    slack.Message
		want   error
		broken bool
	}{
		{"NoText", f.botClient(), slack.Message{ID: "m", Channel: "U1", Text: " "}, slack.ErrInvalidMessage, false},
		{"NoChannel", f.botClient(), slack.Message{ID: "m", Text: "hi"}, slack.ErrInvalidMessage, false},
		{"NotConfigured", &slack.Client{}, slack.Message{ID: "m", Channel: "U1", Text: "hi"}, slack.ErrNotConfigured, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.client.Post(t.Context(), tt.msg)
			if !errors.Is(res.Err, tt.want) || res.Retryable || res.Broken != tt.broken {
				t.Errorf("got %+v, want a permanent %v (broken %v)", res, tt.want, tt.broken)
			}
		})
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("Slack got %d requests, want 0", n)
	}
}

func TestPostNetworkErrorRetries(t *testing.T) {
	t.Parallel()
	f := startSlack(t, "/api/chat.postMessage", testToken, answer{200, "", `{"ok":true}`})
	c := f.botClient()
	f.srv.Close()
	res := c.Post(t.Context(), testMessage)
	if res.Err == nil || !res.Retryable || res.Broken {
		t.Errorf("got %+v, want retryable", res)
	}
}

func TestEscape(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"Acme & Co", "Acme &amp; Co"},
		{"<!channel> hi", "&lt;!channel&gt; hi"},
		{"&amp;", "&amp;amp;"},
		{"*bold* _it_", "*bold* _it_"},
	}
	for _, tt := range tests {
		if got := slack.Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, want := slack.Link("https://x.test/?a=1&b=2", "A|B <c>"), "<https://x.test/?a=1&amp;b=2|A¦B &lt;c&gt;>"; got != want {
		t.Errorf("Link: got %q, want %q", got, want)
	}
}
