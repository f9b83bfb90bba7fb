package email_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/email"
)

var testNow = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// received is one message as the relay got it.
type received struct {
	from string
	to   []string
	data []byte
}

// relay is a real SMTP server on 127.0.0.1, speaking go-smtp's
// implementation of the protocol. rcpt answers RCPT TO for an address (nil
// accepts it); the password, when set, is required through AUTH PLAIN.
type relay struct {
	addr     string
	rcpt     map[string]*smtp.SMTPError
	password string

	mu  sync.Mutex
	got []received
}

func startRelay(t *testing.T, r *relay) *relay {
	t.Helper()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{r: r}, nil }))
	srv.Domain = "relay.test"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return r
}

func (r *relay) messages() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// sender returns a Sender for r, without TLS.
func (r *relay) sender() *email.Sender {
	host, port, _ := net.SplitHostPort(r.addr)
	var p int
	for _, c := range port {
		p = p*10 + int(c-'0')
	}
	return &email.Sender{Config: email.Config{Host: host, Port: p, TLS: email.TLSNone, From: "Baton <baton@acme.test>", Timeout: 10 * time.Second}}
}

type session struct {
	r      *relay
	authed bool
	cur    received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "baton" || pass != s.r.password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.r.password != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.cur = received{from: from}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.r.rcpt[to]; err != nil {
		return err
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = b
	s.r.mu.Lock()
	s.r.got = append(s.r.got, s.cur)
	s.r.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }

// part is one leaf of a parsed MIME tree.
type part struct {
	contentType string // media type
	params      map[string]string
	disposition string
	body        string // decoded
}

// parse reads a message as a mail client would, with net/mail and
// mime/multipart, and returns its header and its leaf parts in order.
func parse(t *testing.T, data []byte) (mail.Header, []part) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("net/mail: %v\n%s", err, data)
	}
	var parts []part
	var walk func(h map[string][]string, body io.Reader)
	walk = func(h map[string][]string, body io.Reader) {
		get := func(k string) string {
			if v := h[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		mt, params, err := mime.ParseMediaType(get("Content-Type"))
		if err != nil {
			t.Fatalf("Content-Type %q: %v", get("Content-Type"), err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextPart() // decodes quoted-printable
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header, p)
			}
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		if strings.EqualFold(get("Content-Transfer-Encoding"), "base64") {
			if b, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), "")); err != nil {
				t.Fatalf("base64 part: %v", err)
			}
		}
		disp, _, _ := mime.ParseMediaType(get("Content-Disposition"))
		parts = append(parts, part{contentType: mt, params: params, disposition: disp, body: strings.ReplaceAll(string(b), "\r\n", "\n")})
	}
	walk(msg.Header, msg.Body)
	return msg.Header, parts
}

const ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Baton//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:m1@baton\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

func TestSendDeliversTextHTMLAndInvite(t *testing.T) {
	t.Parallel()
	r := startRelay(t, &relay{})
	m := email.Message{
		ID:          "0192f4c2-7a51-7c1e-9d0a-3f5b2e8c1d44",
		To:          "Dana Ruiz <dana@prospect.test>",
		Subject:     "Your call with Acme: Tuesday 3 March, 10:00",
		Text:        "Hi Dana,\n\nSee you on Tuesday.\n",
		HTML:        "<p>Hi Dana,</p><p>See you on <b>Tuesday</b>.</p>",
		Attachments: []email.Attachment{email.Invite([]byte(ics), email.MethodRequest)},
	}
	res := r.sender().Send(t.Context(), m, testNow)
	if res != (baton.DeliveryResult{}) {
		t.Fatalf("got %+v, want delivered", res)
	}
	got := r.messages()
	if len(got) != 1 {
		t.Fatalf("relay got %d messages, want 1", len(got))
	}
	if got[0].from != "baton@acme.test" || !cmp.Equal(got[0].to, []string{"dana@prospect.test"}) {
		t.Errorf("got envelope %s -> %v, want baton@acme.test -> [dana@prospect.test]", got[0].from, got[0].to)
	}
	h, parts := parse(t, got[0].data)
	for name, want := range map[string]string{
		"Message-Id": "<baton.0192f4c2-7a51-7c1e-9d0a-3f5b2e8c1d44@acme.test>",
		"Subject":    m.Subject,
	} {
		if got := h.Get(name); got != want {
			t.Errorf("header %s: got %q, want %q", name, got, want)
		}
	}
	if from, _ := h.AddressList("From"); len(from) != 1 || from[0].String() != `"Baton" <baton@acme.test>` {
		t.Errorf("From: got %v, want Baton <baton@acme.test>", from)
	}
	if to, _ := h.AddressList("To"); len(to) != 1 || to[0].Address != "dana@prospect.test" || to[0].Name != "Dana Ruiz" {
		t.Errorf("To: got %v, want Dana Ruiz <dana@prospect.test>", to)
	}
	if date, err := h.Date(); err != nil || !date.Equal(testNow) {
		t.Errorf("Date: got %v (%v), want %v", date, err, testNow)
	}
	for _, name := range []string{"List-Unsubscribe", "List-Unsubscribe-Post"} {
		if v := h.Get(name); v != "" {
			t.Errorf("header %s: got %q on a transactional message, want none", name, v)
		}
	}
	if len(parts) != 3 {
		t.Fatalf("got %d parts, want text, html and invite: %+v", len(parts), parts)
	}
	if p := parts[0]; p.contentType != "text/plain" || strings.TrimSpace(p.body) != strings.TrimSpace(m.Text) {
		t.Errorf("part 1: got %s %q, want text/plain %q", p.contentType, p.body, m.Text)
	}
	if p := parts[1]; p.contentType != "text/html" || strings.TrimSpace(p.body) != m.HTML {
		t.Errorf("part 2: got %s %q, want text/html %q", p.contentType, p.body, m.HTML)
	}
	inv := parts[2]
	if inv.contentType != "text/calendar" || inv.params["method"] != "REQUEST" || inv.params["name"] != "invite.ics" {
		t.Errorf("invite: got %s %v, want text/calendar method=REQUEST name=invite.ics", inv.contentType, inv.params)
	}
	if inv.disposition != "attachment" || inv.body != strings.ReplaceAll(ics, "\r\n", "\n") {
		t.Errorf("invite: got disposition %q body %q, want the attachment byte for byte", inv.disposition, inv.body)
	}
}

func TestSendCancellation(t *testing.T) {
	t.Parallel()
	r := startRelay(t, &relay{})
	m := email.Message{ID: "m2", To: "dana@prospect.test", Subject: "Cancelled", Text: "The call is cancelled.",
		Attachments: []email.Attachment{email.Invite([]byte(strings.Replace(ics, "REQUEST", "CANCEL", 1)), email.MethodCancel)}}
	if res := r.sender().Send(t.Context(), m, testNow); res.Err != nil {
		t.Fatal(res.Err)
	}
	_, parts := parse(t, r.messages()[0].data)
	if len(parts) != 2 || parts[1].contentType != "text/calendar" || parts[1].params["method"] != "CANCEL" {
		t.Errorf("got parts %+v, want text then text/calendar method=CANCEL", parts)
	}
}

func TestSendRetryKeepsMessageID(t *testing.T) {
	t.Parallel()
	r := startRelay(t, &relay{})
	m := email.Message{ID: "m3", To: "rep@acme.test", Subject: "New handoff", Text: "Acme is yours."}
	for range 2 {
		if res := r.sender().Send(t.Context(), m, testNow); res.Err != nil {
			t.Fatal(res.Err)
		}
	}
	got := r.messages()
	h1, _ := parse(t, got[0].data)
	h2, _ := parse(t, got[1].data)
	if h1.Get("Message-Id") == "" || h1.Get("Message-Id") != h2.Get("Message-Id") {
		t.Errorf("got Message-IDs %q and %q, want the same on a retry", h1.Get("Message-Id"), h2.Get("Message-Id"))
	}
}

func TestSendUnsubscribeHeadersOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	r := startRelay(t, &relay{})
	m := email.Message{ID: "m4", To: "dana@prospect.test", Subject: "Your intake form", Text: "Tell us more.",
		Unsubscribe: &email.Unsubscribe{URL: "https://baton.acme.test/u/tok_123", Mailto: "unsubscribe@acme.test"}}
	if res := r.sender().Send(t.Context(), m, testNow); res.Err != nil {
		t.Fatal(res.Err)
	}
	h, _ := parse(t, r.messages()[0].data)
	if got, want := h.Get("List-Unsubscribe"), "<https://baton.acme.test/u/tok_123>, <mailto:unsubscribe@acme.test?subject=unsubscribe>"; got != want {
		t.Errorf("List-Unsubscribe: got %q, want %q", got, want)
	}
	if got, want := h.Get("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click"; got != want {
		t.Errorf("List-Unsubscribe-Post: got %q, want %q", got, want)
	}
}

func TestSendClassifiesRelayAnswers(t *testing.T) {
	t.Parallel()
	r := startRelay(t, &relay{rcpt: map[string]*smtp.SMTPError{
		"gone@prospect.test": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"},
		"busy@prospect.test": {Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Local error, try again"},
		"typo@prospect.test": {Code: 553, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "Mailbox name not allowed"},
	}})
	tests := []struct {
		to   string
		want baton.DeliveryResult // Err aside
		code string
	}{
		{"gone@prospect.test", baton.DeliveryResult{Bounced: true}, "550"},
		{"busy@prospect.test", baton.DeliveryResult{Retryable: true}, "451"},
		{"typo@prospect.test", baton.DeliveryResult{Bounced: true}, "553"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			res := r.sender().Send(t.Context(), email.Message{ID: "m5", To: tt.to, Subject: "Hello", Text: "Hi."}, testNow)
			if res.Err == nil || !strings.Contains(res.Err.Error(), tt.code) {
				t.Fatalf("got %v, want an error quoting %s", res.Err, tt.code)
			}
			res.Err = nil
			if res != tt.want {
				t.Errorf("got %+v, want %+v", res, tt.want)
			}
		})
	}
	if n := len(r.messages()); n != 0 {
		t.Errorf("relay accepted %d messages, want 0", n)
	}
}

func TestSendClassifiesConnectionFailures(t *testing.T) {
	t.Parallel()
	t.Run("RelayDownIsRetryable", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		r := &relay{addr: ln.Addr().String()}
		ln.Close()
		res := r.sender().Send(t.Context(), email.Message{ID: "m6", To: "rep@acme.test", Subject: "Hello", Text: "Hi."}, testNow)
		if res.Err == nil || !res.Retryable || res.Broken || res.Bounced {
			t.Errorf("got %+v, want a retryable error", res)
		}
	})
	t.Run("WrongPasswordIsBroken", func(t *testing.T) {
		t.Parallel()
		r := startRelay(t, &relay{password: "right"})
		s := r.sender()
		s.Config.Username, s.Config.Password = "baton", "wrong"
		res := s.Send(t.Context(), email.Message{ID: "m7", To: "rep@acme.test", Subject: "Hello", Text: "Hi."}, testNow)
		if res.Err == nil || res.Retryable || !res.Broken || strings.Contains(res.Err.Error(), "wrong") {
			t.Errorf("got %+v, want a permanent, broken error without the password", res)
		}
		s.Config.Password = "right"
		if res := s.Send(t.Context(), email.Message{ID: "m7", To: "rep@acme.test", Subject: "Hello", Text: "Hi."}, testNow); res.Err != nil {
			t.Errorf("right password: got %v, want delivered", res.Err)
		}
	})
	t.Run("MandatoryTLSWithoutStartTLSIsRetryable", func(t *testing.T) {
		t.Parallel()
		r := startRelay(t, &relay{})
		s := r.sender()
		s.Config.TLS = email.TLSMandatory
		res := s.Send(t.Context(), email.Message{ID: "m8", To: "rep@acme.test", Subject: "Hello", Text: "Hi."}, testNow)
		if res.Err == nil || !res.Retryable {
			t.Errorf("got %+v, want a retryable error", res)
		}
		if n := len(r.messages()); n != 0 {
			t.Errorf("relay got %d messages in plain text, want 0", n)
		}
	})
}

func TestSendRefusesBadInput(t *testing.T) {
	t.Parallel()
	r := startRelay(t, &relay{})
	good := email.Message{ID: "m9", To: "rep@acme.test", Subject: "Hello", Text: "Hi."}
	with := func(f func(*email.Message)) email.Message { m := good; f(&m); return m }
	tests := []struct {
		name   string
		from   string
		msg    email.Message
		want   error
		broken bool
	}{
		{"NoRecipient", "", with(func(m *email.Message) { m.To = "" }), email.ErrInvalidMessage, false},
		{"BadRecipient", "", with(func(m *email.Message) { m.To = "not an address" }), email.ErrInvalidMessage, false},
		{"NoSubject", "", with(func(m *email.Message) { m.Subject = " " }), email.ErrInvalidMessage, false},
		{"SubjectInjection", "", with(func(m *email.Message) { m.Subject = "Hi\r\nBcc: x@evil.test" }), email.ErrInvalidMessage, false},
		{"NoText", "", with(func(m *email.Message) { m.Text = "" }), email.ErrInvalidMessage, false},
		{"IDWithAt", "", with(func(m *email.Message) { m.ID = "a@b" }), email.ErrInvalidMessage, false},
		{"HTTPUnsubscribe", "", with(func(m *email.Message) { m.Unsubscribe = &email.Unsubscribe{URL: "http://acme.test/u"} }), email.ErrInvalidMessage, false},
		{"BadFrom", "nobody", good, email.ErrInvalidConfig, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := r.sender()
			if tt.from != "" {
				s.Config.From = tt.from
			}
			res := s.Send(t.Context(), tt.msg, testNow)
			if !errors.Is(res.Err, tt.want) || res.Retryable || res.Broken != tt.broken {
				t.Errorf("got %+v, want a permanent %v (broken %v)", res, tt.want, tt.broken)
			}
		})
	}
	if n := len(r.messages()); n != 0 {
		t.Errorf("relay got %d messages, want 0", n)
	}
}

func TestParseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want email.Config
		err  bool
	}{
		{"smtp://baton@mail.acme.test:587?tls=starttls", email.Config{Host: "mail.acme.test", Port: 587, Username: "baton", TLS: email.TLSMandatory}, false},
		{"smtp://mail.acme.test", email.Config{Host: "mail.acme.test", TLS: email.TLSMandatory}, false},
		{"smtps://apikey@smtp.provider.test", email.Config{Host: "smtp.provider.test", Username: "apikey", TLS: email.TLSImplicit}, false},
		{"smtp://relay.internal:25?tls=opportunistic", email.Config{Host: "relay.internal", Port: 25, TLS: email.TLSOpportunistic}, false},
		{"smtp://localhost:1025?tls=none", email.Config{Host: "localhost", Port: 1025, TLS: email.TLSNone}, false},
		{"smtp://user%40acme.test@mail.acme.test", email.Config{Host: "mail.acme.test", Username: "user@acme.test", TLS: email.TLSMandatory}, false},
		{"smtp://baton:s3cret@mail.acme.test", email.Config{}, true},
		{"http://mail.acme.test", email.Config{}, true},
		{"smtp://", email.Config{}, true},
		{"smtp://mail.acme.test:0", email.Config{}, true},
		{"smtp://mail.acme.test?tls=maybe", email.Config{}, true},
		{"smtp://mail.acme.test?tsl=none", email.Config{}, true},
	}
	for _, tt := range tests {
		got, err := email.ParseURL(tt.in)
		if (err != nil) != tt.err || !cmp.Equal(got, tt.want) {
			t.Errorf("ParseURL(%q): got %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("ParseURL(%q): error %q repeats the password", tt.in, err)
		}
	}
}
