package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/batonhq/baton"
)

// TLSPolicy says how the connection to the relay is protected.
type TLSPolicy int

// TLS policies. The zero value is the safe default.
const (
	// TLSMandatory connects in plain text and requires STARTTLS before
	// anything else is sent (the submission port, 587). A relay that does
	// not offer STARTTLS fails the attempt, as retryable.
	TLSMandatory TLSPolicy = iota
	// TLSOpportunistic uses STARTTLS when the relay offers it and plain
	// text otherwise: for relays on a trusted network only, since an
	// attacker on the path can strip the offer.
	TLSOpportunistic
	// TLSImplicit speaks TLS from the first byte (SMTPS, port 465).
	TLSImplicit
	// TLSNone never encrypts: for tests and a relay on the same host.
	// Passwords are then only sent to localhost.
	TLSNone
)

// String returns the policy's name as ParseURL reads it.
func (p TLSPolicy) String() string {
	switch p {
	case TLSMandatory:
		return "starttls"
	case TLSOpportunistic:
		return "opportunistic"
	case TLSImplicit:
		return "implicit"
	case TLSNone:
		return "none"
	}
	return "TLSPolicy(" + strconv.Itoa(int(p)) + ")"
}

// DefaultTimeout bounds one Send, from dialling to the relay's answer to
// DATA, when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Config is how to reach the relay and who the mail is from.
type Config struct {
	// Host is the relay's host name or address. Required.
	Host string
	// Port is the relay's TCP port; 0 means 587, or 465 with TLSImplicit,
	// or 25 with TLSNone.
	Port int
	// Username and Password authenticate to the relay; an empty Username
	// sends no AUTH. The strongest mechanism both sides support is chosen
	// (SCRAM, CRAM-MD5, then PLAIN and LOGIN over TLS only); with TLSNone,
	// PLAIN is used, and only towards localhost.
	Username string
	Password string
	// TLS is the TLS policy; the zero value requires STARTTLS.
	TLS TLSPolicy
	// TLSConfig, when set, replaces the default TLS settings (certificate
	// checks against Host): for a private CA, or a test relay.
	TLSConfig *tls.Config
	// From is the sender, an address with an optional display name:
	// "Baton <baton@example.com>". Required.
	From string
	// Timeout bounds one Send; zero or less means DefaultTimeout (30s).
	Timeout time.Duration
}

// Errors for messages and configurations that can never be sent, wrapped
// with detail; test with errors.Is.
var (
	// ErrInvalidMessage means the message has no valid id, recipient,
	// subject or text, or an attachment or unsubscribe link is unusable.
	ErrInvalidMessage = errors.New("email: invalid message")
	// ErrInvalidConfig means the relay's host or the From address is
	// missing or does not parse, or an SMTP URL is unusable.
	ErrInvalidConfig = errors.New("email: invalid configuration")
)

// ParseURL reads a relay's location written as a URL:
//
//	smtp://user@host:587?tls=starttls
//
// The scheme is smtp, or smtps for implicit TLS; tls is starttls (the
// default for smtp), opportunistic, implicit (the default for smtps) or
// none. The user name is percent-decoded. A password in the URL is refused:
// URLs end up in flags, logs and process listings, so the password is
// configured apart (Config.Password).
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, fmt.Errorf("%w: SMTP URL does not parse", ErrInvalidConfig)
	}
	var c Config
	switch u.Scheme {
	case "smtp":
		c.TLS = TLSMandatory
	case "smtps":
		c.TLS = TLSImplicit
	default:
		return Config{}, fmt.Errorf("%w: SMTP URL scheme %q is not smtp or smtps", ErrInvalidConfig, u.Scheme)
	}
	if _, ok := u.User.Password(); ok {
		return Config{}, fmt.Errorf("%w: SMTP URL holds a password: configure it apart", ErrInvalidConfig)
	}
	c.Username = u.User.Username()
	c.Host = u.Hostname()
	if c.Host == "" {
		return Config{}, fmt.Errorf("%w: SMTP URL has no host", ErrInvalidConfig)
	}
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil || c.Port < 1 || c.Port > 65535 {
			return Config{}, fmt.Errorf("%w: SMTP URL port %q", ErrInvalidConfig, p)
		}
	}
	q := u.Query()
	for k := range q {
		if k != "tls" {
			return Config{}, fmt.Errorf("%w: SMTP URL parameter %q is unknown (only tls)", ErrInvalidConfig, k)
		}
	}
	if v := q.Get("tls"); v != "" {
		switch v {
		case "starttls":
			c.TLS = TLSMandatory
		case "opportunistic":
			c.TLS = TLSOpportunistic
		case "implicit":
			c.TLS = TLSImplicit
		case "none":
			c.TLS = TLSNone
		default:
			return Config{}, fmt.Errorf("%w: SMTP URL tls=%q (want starttls, opportunistic, implicit or none)", ErrInvalidConfig, v)
		}
	}
	return c, nil
}

// Attachment is a file sent with a message.
type Attachment struct {
	// Filename is the name the recipient sees, such as "invite.ics".
	Filename string
	// ContentType is the MIME type with parameters, such as
	// "text/calendar; method=REQUEST"; empty means
	// application/octet-stream.
	ContentType string
	// Data is the file's content.
	Data []byte
}

// Calendar methods an invitation is sent with (RFC 5546).
const (
	MethodRequest = "REQUEST"
	MethodCancel  = "CANCEL"
)

// Invite returns the attachment of an iCalendar invitation, invite.ics,
// typed "text/calendar; method=<method>" (MethodRequest for a new or moved
// meeting, MethodCancel for a cancelled one), so mail clients offer to
// accept it. The method must match the METHOD property inside ics.
func Invite(ics []byte, method string) Attachment {
	return Attachment{Filename: "invite.ics", ContentType: "text/calendar; charset=utf-8; method=" + method, Data: ics}
}

// Unsubscribe asks for the List-Unsubscribe headers of RFC 2369 and the
// one-click List-Unsubscribe-Post of RFC 8058, which large mailbox providers
// expect on mail to prospects. Leave it out of transactional notifications
// to the team.
type Unsubscribe struct {
	// URL is the https link that unsubscribes with a single POST of
	// "List-Unsubscribe=One-Click". Required.
	URL string
	// Mailto is an optional address that unsubscribes by mail.
	Mailto string
}

// Message is one email to send. The caller renders it; the same values are
// passed on every attempt.
type Message struct {
	// ID is the outbox message id. The Message-ID header is
	// <baton.ID@domain of From>, the same on every attempt. At most 200
	// bytes of letters, digits and "-_.".
	ID string
	// To is the recipient, an address with an optional display name.
	To string
	// Subject is the subject line. Required.
	Subject string
	// Text is the plain-text body. Required: every message has one.
	Text string
	// HTML is the optional HTML alternative of Text.
	HTML string
	// Attachments are sent after the body, in order.
	Attachments []Attachment
	// Unsubscribe, when set, adds List-Unsubscribe headers.
	Unsubscribe *Unsubscribe
}

// Sender sends messages through one relay, one connection per Send. Its
// fields are read, never written, so one Sender may serve many goroutines.
type Sender struct {
	Config Config
}

// Send makes one attempt to hand m to the relay, dated now, and classifies
// the outcome; see the package documentation. Errors name the message id
// and the relay, never the password.
func (s *Sender) Send(ctx context.Context, m Message, now time.Time) baton.DeliveryResult {
	cfg := s.Config
	fail := func(err error) error { return fmt.Errorf("email: send %s via %s: %w", m.ID, cfg.Host, err) }
	msg, err := s.build(m, now)
	if err != nil {
		broken := errors.Is(err, ErrInvalidConfig)
		return baton.DeliveryResult{Err: fail(err), Broken: broken}
	}
	client, err := s.client()
	if err != nil {
		return baton.DeliveryResult{Err: fail(err), Broken: true}
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return classify(fail(err), err)
	}
	return baton.DeliveryResult{}
}

// classify turns a go-mail error into a result; wrapped is err with context.
func classify(wrapped, err error) baton.DeliveryResult {
	res := baton.DeliveryResult{Err: wrapped}
	if se, ok := errors.AsType[*gomail.SendError](err); ok {
		code := se.ErrorCode()
		switch {
		case code >= 500 && code < 600:
			switch se.Reason {
			case gomail.ErrSMTPRcptTo:
				res.Bounced = true
			case gomail.ErrSMTPMailFrom:
				res.Broken = true
			}
		default: // 4xx, or no answer at all (a dropped connection)
			res.Retryable = true
		}
		return res
	}
	// Errors before MAIL FROM: dialling, the greeting, STARTTLS, AUTH.
	if te, ok := errors.AsType[*textproto.Error](err); ok && te.Code >= 500 && te.Code < 600 {
		// A 5xx before any message is named refuses us, not the message
		// (535 authentication failed, 530 must issue STARTTLS first).
		res.Broken = true
		return res
	}
	res.Retryable = true
	return res
}

// client builds a go-mail client for the configuration.
func (s *Sender) client() (*gomail.Client, error) {
	cfg := s.Config
	if cfg.Host == "" {
		return nil, fmt.Errorf("%w: no host", ErrInvalidConfig)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	opts := []gomail.Option{gomail.WithTimeout(timeout)}
	port := cfg.Port
	switch cfg.TLS {
	case TLSMandatory:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
		if port == 0 {
			port = 465
		}
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		if port == 0 {
			port = 25
		}
	default:
		return nil, fmt.Errorf("%w: unknown TLS policy %d", ErrInvalidConfig, cfg.TLS)
	}
	if port == 0 {
		port = 587
	}
	opts = append(opts, gomail.WithPort(port))
	if cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(cfg.TLSConfig))
	}
	if cfg.Username != "" {
		auth := gomail.SMTPAuthAutoDiscover
		if cfg.TLS == TLSNone {
			auth = gomail.SMTPAuthPlain // refuses to send the password anywhere but localhost
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	c, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return c, nil
}

// build checks m and writes it as a go-mail message.
func (s *Sender) build(m Message, now time.Time) (*gomail.Msg, error) {
	from, err := mail.ParseAddress(s.Config.From)
	if err != nil {
		return nil, fmt.Errorf("%w: From %q: %w", ErrInvalidConfig, s.Config.From, err)
	}
	if err := checkID(m.ID); err != nil {
		return nil, err
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("%w: recipient: %w", ErrInvalidMessage, err)
	}
	if strings.TrimSpace(m.Subject) == "" || strings.ContainsAny(m.Subject, "\r\n") {
		return nil, fmt.Errorf("%w: subject is empty or spans lines", ErrInvalidMessage)
	}
	if strings.TrimSpace(m.Text) == "" {
		return nil, fmt.Errorf("%w: no plain-text body", ErrInvalidMessage)
	}

	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(from.Name, from.Address); err != nil {
		return nil, fmt.Errorf("%w: From: %w", ErrInvalidConfig, err)
	}
	if err := msg.AddToFormat(to.Name, to.Address); err != nil {
		return nil, fmt.Errorf("%w: recipient: %w", ErrInvalidMessage, err)
	}
	msg.Subject(m.Subject)
	_, domain, _ := strings.Cut(from.Address, "@")
	msg.SetMessageIDWithValue(MessageID(m.ID, domain))
	msg.SetDateWithValue(now)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for i, a := range m.Attachments {
		if a.Filename == "" || strings.ContainsAny(a.Filename, "\"\\\r\n/") {
			return nil, fmt.Errorf("%w: attachment %d: filename %q", ErrInvalidMessage, i+1, a.Filename)
		}
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		if err := msg.AttachReader(a.Filename, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(ct))); err != nil {
			return nil, fmt.Errorf("%w: attachment %s: %w", ErrInvalidMessage, a.Filename, err)
		}
	}
	if u := m.Unsubscribe; u != nil {
		value, err := listUnsubscribe(u)
		if err != nil {
			return nil, err
		}
		msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribe, value)
		msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	return msg, nil
}

// MessageID returns the Message-ID, without angle brackets, of the outbox
// message id sent from domain: the same for every attempt.
func MessageID(id, domain string) string {
	return "baton." + id + "@" + domain
}

// checkID accepts ids that are safe in a Message-ID's local part.
func checkID(id string) error {
	if id == "" || len(id) > 200 {
		return fmt.Errorf("%w: id must have 1 to 200 bytes", ErrInvalidMessage)
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("%w: id %q has %q", ErrInvalidMessage, id, r)
		}
	}
	return nil
}

// listUnsubscribe formats the List-Unsubscribe value: the https link first,
// then the optional mailto.
func listUnsubscribe(u *Unsubscribe) (string, error) {
	link, err := url.Parse(u.URL)
	if err != nil || link.Scheme != "https" || link.Host == "" || strings.ContainsAny(u.URL, "<>, \r\n") {
		return "", fmt.Errorf("%w: unsubscribe URL must be an absolute https URL (RFC 8058)", ErrInvalidMessage)
	}
	value := "<" + u.URL + ">"
	if u.Mailto != "" {
		addr, err := mail.ParseAddress(u.Mailto)
		if err != nil || addr.Name != "" {
			return "", fmt.Errorf("%w: unsubscribe mailto %q is not a bare address", ErrInvalidMessage, u.Mailto)
		}
		value += ", <mailto:" + addr.Address + "?subject=unsubscribe>"
	}
	return value, nil
}
