package worker_test

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/email"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/slack"
	"github.com/batonhq/baton/worker"
	"github.com/emersion/go-smtp"
)

// mailbox is a real SMTP server on 127.0.0.1 that keeps what it receives.
type mailbox struct {
	mu  sync.Mutex
	got [][]byte
}

type mailSession struct{ box *mailbox }

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.box.mu.Lock()
	s.box.got = append(s.box.got, b)
	s.box.mu.Unlock()
	return err
}
func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }

func startMailbox(t *testing.T) (*mailbox, *email.Sender) {
	t.Helper()
	box := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: box}, nil }))
	srv.Domain = "relay.test"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	p, _ := strconv.Atoi(port)
	return box, &email.Sender{Config: email.Config{Host: host, Port: p, TLS: email.TLSNone, From: "Baton <baton@acme.test>", Timeout: 10 * time.Second}}
}

// slackStandIn answers chat.postMessage like Slack and keeps each body.
type slackStandIn struct {
	mu    sync.Mutex
	posts []map[string]any
}

func (s *slackStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	json.NewDecoder(r.Body).Decode(&body)
	s.mu.Lock()
	s.posts = append(s.posts, body)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"ok":true,"channel":"D024BE91L","ts":"1503435956.000247"}`)
}

// parts returns the text/plain and text/html parts of a message.
func parts(t *testing.T, raw []byte) (*mail.Message, map[string]string) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var walk func(ct string, body io.Reader, enc string)
	walk = func(ct string, body io.Reader, enc string) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextPart() // NextPart decodes quoted-printable
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header.Get("Content-Type"), p, p.Header.Get("Content-Transfer-Encoding"))
			}
		}
		b, _ := io.ReadAll(body)
		out[mt] = string(b)
	}
	walk(m.Header.Get("Content-Type"), m.Body, m.Header.Get("Content-Transfer-Encoding"))
	return m, out
}

// TestNotificationsDeliveredByEmailAndSlack assigns a hot lead to someone
// reachable on both and delivers through a real SMTP server and a Slack
// stand-in.
func TestNotificationsDeliveredByEmailAndSlack(t *testing.T) {
	ctx := context.Background()
	db := batontest.Store(t)
	clk := batontest.NewClock(batontest.T0)
	svc := service.New(db, clk, playbook.Default(), nil)
	svc.SetPublicURL("https://baton.test")
	svc.SetChannels(baton.ChannelEmail, baton.ChannelSlack)
	users := batontest.TeamUsers()
	for i := range users {
		users[i].WorkingHours = "24x7"
		users[i].SlackID = "U" + strconv.Itoa(100+i)
	}
	team := batontest.Team(t, svc.PutUser, users...)
	res, err := svc.Ingest(ctx, &baton.Signal{ExternalID: "d1", Type: baton.SignalDemoRequest, Source: "website",
		Contact: baton.SignalContact{Email: "leo@sunrise.test", Name: "Leo Silva", Title: "CEO"},
		Account: baton.SignalAccount{Name: "Sunrise Hospitality", Domain: "sunrise.test"}})
	if err != nil || res.Handoff == nil {
		t.Fatalf("ingest: %v", err)
	}
	h := res.Handoff
	var owner *baton.User
	for _, u := range team {
		if u.ID == h.OwnerID {
			owner = u
		}
	}
	box, sender := startMailbox(t)
	standIn := &slackStandIn{}
	srv := httptest.NewServer(standIn)
	defer srv.Close()
	out := &worker.Outbox{Service: svc, Channels: map[string]worker.Deliverer{
		baton.ChannelEmail: &worker.Email{Service: svc, Sender: sender},
		baton.ChannelSlack: &worker.Slack{Service: svc, Client: &slack.Client{HTTPClient: srv.Client(), Token: "xoxb-test", APIURL: srv.URL + "/api/"}},
	}}
	if _, err := out.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	openURL := "https://baton.test/handoffs/" + h.ID

	t.Run("EmailNamesTheLeadWhyWhenAndLinks", func(t *testing.T) {
		if len(box.got) != 1 {
			t.Fatalf("got %d emails, want 1", len(box.got))
		}
		m, p := parts(t, box.got[0])
		if to := m.Header.Get("To"); !strings.Contains(to, owner.Email) {
			t.Errorf("got To %q, want %s", to, owner.Email)
		}
		dec := new(mime.WordDecoder)
		subject, _ := dec.DecodeHeader(m.Header.Get("Subject"))
		if !strings.Contains(subject, "Leo Silva") {
			t.Errorf("got subject %q, want the lead", subject)
		}
		loc, _ := time.LoadLocation(owner.TimeZone)
		local := h.AcceptBy.In(loc).Format("15:04 MST")
		for _, want := range []string{"Leo Silva, CEO at Sunrise Hospitality", "Why you:", "Accept by " + local, openURL, "https://baton.test/act/"} {
			if !strings.Contains(p["text/plain"], want) {
				t.Errorf("text part lacks %q:\n%s", want, p["text/plain"])
			}
		}
		if !strings.Contains(p["text/html"], `href="`+openURL+`"`) || !strings.Contains(p["text/html"], local) {
			t.Errorf("HTML part lacks the link or the local deadline %s", local)
		}
	})
	t.Run("SlackGetsBlocksWithAcceptAndOpen", func(t *testing.T) {
		if len(standIn.posts) != 1 {
			t.Fatalf("got %d Slack posts, want 1", len(standIn.posts))
		}
		post := standIn.posts[0]
		if post["channel"] != owner.SlackID {
			t.Errorf("got channel %v, want the owner's member id %s", post["channel"], owner.SlackID)
		}
		b, _ := json.Marshal(post["blocks"])
		for _, want := range []string{`"url":"` + openURL + `"`, `"url":"https://baton.test/act/`, `"text":"Accept"`, `"text":"Open"`, "Sunrise Hospitality"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("blocks lack %s: %s", want, b)
			}
		}
	})
	t.Run("BothSettled", func(t *testing.T) {
		sent, err := svc.Messages(ctx, baton.MessageSent, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(sent) != 2 {
			t.Errorf("got %d sent messages, want 2", len(sent))
		}
	})
}
