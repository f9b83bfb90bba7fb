package web

import (
	"errors"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

// The prospect's intake form, GET and POST /intake/{token}: the only pages
// served without a credential beyond the link itself. They show the
// playbook's framing, the meeting's time in the prospect's zone and the
// questions, and nothing about the account, the owner or the team; an
// unknown or malformed token gets the same 404 page every time, an expired
// link a 410. Every response is no-store, no-referrer and noindex, so the
// link stays out of caches, Referer headers and search engines.
//
// Limits: bodies are capped at intakeMaxBody (64 KiB); a link takes
// service.IntakeMaxPosts submissions (20), then 429; and each client
// address gets a token bucket of IntakeLimits.PerMinute requests (30 a
// minute by default) across both routes, then 429.

// intakeMaxBody caps an intake submission: seven answers of at most
// completeness.MaxText bytes each, URL-encoded, fit with room to spare.
const intakeMaxBody = 64 << 10

// IntakeLimits rate-limits the intake pages per client address with a token
// bucket held in memory. Its zero value is ready to use; set the fields
// before the server starts.
//
// The address is the connection's (r.RemoteAddr): behind a reverse proxy
// every prospect shares the proxy's bucket, so raise PerMinute there. The
// state is per process and lost on restart.
type IntakeLimits struct {
	// PerMinute is how many requests one client address may make to
	// /intake/ per minute: the bucket's size and its refill rate (default
	// 30).
	PerMinute int
	// MaxClients bounds the addresses tracked (default 10,000). When full,
	// idle addresses are forgotten first, then arbitrary ones, which can
	// only hand a forgotten client a fresh bucket.
	MaxClients int

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// allow takes one request from key's bucket at now, reporting false (and
// how long until the next token) when it is empty.
func (l *IntakeLimits) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	per := float64(l.PerMinute)
	if per <= 0 {
		per = 30
	}
	rate := per / 60 // tokens a second
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	b, ok := l.buckets[key]
	if !ok {
		l.makeRoom(now, per, rate)
		b = &bucket{tokens: per, at: now}
		l.buckets[key] = b
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(per, b.tokens+d.Seconds()*rate)
		b.at = now
	}
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) / rate * float64(time.Second))
	}
	b.tokens--
	return true, 0
}

// makeRoom keeps the map under MaxClients: buckets full again by now are
// no different from new ones and go first; then a tenth of the rest.
func (l *IntakeLimits) makeRoom(now time.Time, per, rate float64) {
	limit := l.MaxClients
	if limit <= 0 {
		limit = 10_000
	}
	if len(l.buckets) < limit {
		return
	}
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*rate >= per {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets { // random order
		if len(l.buckets) < limit-limit/10 {
			break
		}
		delete(l.buckets, k)
	}
}

// clientAddr is the address a request's connection came from.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// intakeRoute wraps an intake handler with the headers every intake
// response carries and the per-client rate limit.
func (s *Server) intakeRoute(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Cache-Control", "no-store")
		hdr.Set("Referrer-Policy", "no-referrer")
		hdr.Set("X-Robots-Tag", "noindex, nofollow")
		if ok, wait := s.Intake.allow(clientAddr(r), s.svc.Clock().Now()); !ok {
			hdr.Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
			s.intakeNotice(w, r, http.StatusTooManyRequests)
			return
		}
		h(w, r)
	})
}

// intakeNotices are the pages shown instead of the form, by status. None
// says anything about the link beyond its status.
var intakeNotices = map[int]struct{ Title, Text string }{
	http.StatusNotFound:              {"Link not valid", "This link is not valid. Please check that you copied the whole link from your confirmation."},
	http.StatusGone:                  {"Link expired", "This link has expired. There is nothing more to do: we look forward to speaking with you."},
	http.StatusTooManyRequests:       {"Please wait", "Too many attempts. Please wait a minute and try again."},
	http.StatusBadRequest:            {"Form not readable", "We could not read the form. Please go back and send it again."},
	http.StatusRequestEntityTooLarge: {"Answers too long", "Your answers are too long to send. Please shorten them and try again."},
	http.StatusInternalServerError:   {"Something went wrong", "Something went wrong on our side. Please try again later."},
	http.StatusServiceUnavailable:    {"Please try again", "We are busy for a moment. Please try again in a minute."},
}

func (s *Server) intakeNotice(w http.ResponseWriter, r *http.Request, status int) {
	s.render(w, r, status, "intake_gone.html", intakeNotices[status])
}

// intakeError shows the notice for a service error; only unexpected errors
// are logged, without the token.
func (s *Server) intakeError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case baton.ErrorCode(err) == baton.ENOTFOUND:
		s.intakeNotice(w, r, http.StatusNotFound)
	case errors.Is(err, service.ErrIntakeExpired):
		s.intakeNotice(w, r, http.StatusGone)
	case errors.Is(err, service.ErrIntakeLimit):
		s.intakeNotice(w, r, http.StatusTooManyRequests)
	case s.clientGone(w, r, err):
	case baton.ErrorCode(err) == baton.EUNAVAILABLE:
		s.log.Warn("intake unavailable", "request_id", requestIDOf(r), "method", r.Method, "err", err)
		w.Header().Set("Retry-After", retryAfter)
		s.intakeNotice(w, r, http.StatusServiceUnavailable)
	default:
		s.log.Error("intake", "request_id", requestIDOf(r), "method", r.Method, "err", err)
		s.intakeNotice(w, r, http.StatusInternalServerError)
	}
}

func (s *Server) intakePage(w http.ResponseWriter, r *http.Request) {
	form, err := s.svc.IntakeForm(r.Context(), r.PathValue("token"))
	if err != nil {
		s.intakeError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "intake.html", newIntakeView(form))
}

func (s *Server) postIntake(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, intakeMaxBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.intakeNotice(w, r, http.StatusRequestEntityTooLarge)
		} else {
			s.intakeNotice(w, r, http.StatusBadRequest)
		}
		return
	}
	answers := make(map[string]string, len(r.PostForm))
	for k, v := range r.PostForm {
		answers[k] = v[0]
	}
	form, err := s.svc.AnswerIntake(r.Context(), r.PathValue("token"), answers)
	switch {
	case baton.ErrorCode(err) == baton.EINVALID && form != nil:
		s.render(w, r, http.StatusUnprocessableEntity, "intake.html", newIntakeView(form))
	case err != nil:
		s.intakeError(w, r, err)
	default:
		s.render(w, r, http.StatusOK, "intake_done.html", newIntakeView(form))
	}
}

// intakeView is the intake page's data: the form with the ids, inputs and
// words the template needs worked out here.
type intakeView struct {
	Title, Intro string
	MeetingAt    string // "Monday 30 November 2026 at 10:00 EST"
	MeetingISO   string
	TimeZone     string
	ExpiresAt    string
	Answered     bool
	Questions    []intakeQuestionView
	Errors       []intakeQuestionView
}

type intakeQuestionView struct {
	service.IntakeQuestion
	ID, HelpID, ErrorID, DescribedBy string
	// Input is "textarea", "date", "select" or "text".
	Input string
	// ErrorText is Error as a sentence.
	ErrorText string
}

const meetingLayout = "Monday 2 January 2006 at 15:04 MST"

func newIntakeView(f *service.IntakeForm) intakeView {
	v := intakeView{Title: f.Title, Intro: f.Intro, MeetingAt: f.MeetingAt.Format(meetingLayout), MeetingISO: f.MeetingAt.Format(time.RFC3339),
		TimeZone: f.TimeZone, ExpiresAt: f.ExpiresAt.In(f.MeetingAt.Location()).Format(meetingLayout), Answered: f.Answered}
	for _, q := range f.Questions {
		qv := intakeQuestionView{IntakeQuestion: q, ID: "q-" + q.Field}
		var described []string
		if q.Help != "" {
			qv.HelpID = qv.ID + "-help"
			described = append(described, qv.HelpID)
		}
		if q.Error != "" {
			qv.ErrorID = qv.ID + "-error"
			qv.ErrorText = sentence(q.Error)
			described = append(described, qv.ErrorID)
		}
		qv.DescribedBy = strings.Join(described, " ")
		switch q.Type {
		case playbook.FieldText, playbook.FieldList, "":
			qv.Input = "textarea"
		case playbook.FieldDate:
			qv.Input = "date"
		case playbook.FieldChoice:
			qv.Input = "select"
		default:
			qv.Input = "text"
		}
		v.Questions = append(v.Questions, qv)
		if q.Error != "" {
			v.Errors = append(v.Errors, qv)
		}
	}
	return v
}

// sentence capitalises s and ends it with a full stop.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
