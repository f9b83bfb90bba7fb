package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// lateAfter is how long after its due time a rate-mode signal may be sent
	// before it counts as late. It sits well above timer and scheduler jitter.
	lateAfter = 10 * time.Millisecond
	// maxAnswer bounds how much of an answer is read; the rest is dropped
	// with its connection.
	maxAnswer = 1 << 20
)

// generator sends signals to one server and tallies the answers.
type generator struct {
	cfg      config
	client   *http.Client
	endpoint string
	base     time.Time // occurred_at of signal 0; later signals are a little older
	start    time.Time // when the run began; offsets below are from here

	warm, measured *stats
	firstProblem   atomic.Pointer[string]
	lead           *leadTracker // nil without --webhook-listen
}

func newGenerator(cfg config) *generator {
	dialer := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second, Control: loopbackOnly}
	transport := &http.Transport{
		Proxy:               nil, // loopback only: never through a proxy
		DialContext:         dialer.DialContext,
		MaxIdleConns:        cfg.Concurrency,
		MaxIdleConnsPerHost: cfg.Concurrency,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &generator{
		cfg: cfg,
		client: &http.Client{
			Transport:     transport,
			Timeout:       cfg.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		endpoint: strings.TrimSuffix(cfg.URL, "/") + "/api/v1/signals",
		base:     time.Now().UTC().Truncate(time.Second),
		start:    time.Now(),
		warm:     new(stats),
		measured: new(stats),
	}
}

// Run drives the load until the warm-up and duration are over, or ctx is
// done, and reports what was measured. It returns once every request it
// started has finished, which --timeout bounds.
func (g *generator) Run(ctx context.Context) *report {
	defer g.client.CloseIdleConnections()
	var elapsed time.Duration
	if g.cfg.Mode == "rate" {
		elapsed = g.runRate(ctx)
	} else {
		elapsed = g.runMax(ctx)
	}
	return g.report(elapsed, ctx.Err() != nil)
}

// runRate sends signal i at start + i/rate (open loop) and returns the length
// of the measured window: the duration, or longer when sending fell behind.
func (g *generator) runRate(ctx context.Context) time.Duration {
	interval := float64(time.Second) / g.cfg.Rate
	end := g.cfg.Warmup + g.cfg.Duration
	total := int64(math.Ceil(float64(end) / interval))
	firstMeasured := int64(math.Ceil(float64(g.cfg.Warmup) / interval))

	slots := make(chan struct{}, g.cfg.Concurrency)
	var wg sync.WaitGroup
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	stopped := time.Duration(0)
schedule:
	for i := range total {
		due := time.Duration(float64(i) * interval)
		if wait := due - time.Since(g.start); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				stopped = time.Since(g.start)
				break schedule
			}
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			stopped = time.Since(g.start)
			break schedule
		}
		wg.Go(func() {
			defer func() { <-slots }()
			sentAt := time.Since(g.start)
			status, err := g.send(ctx, i)
			latency := time.Since(g.start) - due // from the due time: see the package doc
			if err != nil && ctx.Err() != nil {
				return // interrupted: no outcome to report
			}
			if i < firstMeasured {
				g.warm.record(status, err, latency)
				return
			}
			g.measured.record(status, err, latency)
			g.measured.observeSend(sentAt, sentAt-due)
		})
	}
	wg.Wait()
	if stopped == 0 {
		// Kept up: the last signal went out just before the end. Fell behind:
		// the window stretched to the last send.
		stopped = max(end, time.Duration(g.measured.last.Load()))
	}
	return max(stopped-g.cfg.Warmup, 0)
}

// runMax runs closed-loop workers until the end of the duration and returns
// the length of the measured window: from the end of warm-up to the last
// answer.
func (g *generator) runMax(ctx context.Context) time.Duration {
	end := g.cfg.Warmup + g.cfg.Duration
	var next atomic.Int64
	var wg sync.WaitGroup
	for range g.cfg.Concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				sentAt := time.Since(g.start)
				if sentAt >= end {
					return
				}
				status, err := g.send(ctx, next.Add(1)-1)
				done := time.Since(g.start)
				if err != nil && ctx.Err() != nil {
					return // interrupted: no outcome to report
				}
				if sentAt < g.cfg.Warmup {
					g.warm.record(status, err, done-sentAt)
					continue
				}
				g.measured.record(status, err, done-sentAt)
				g.measured.observeSend(done, 0)
			}
		})
	}
	wg.Wait()
	return max(time.Duration(g.measured.last.Load())-g.cfg.Warmup, 0)
}

// send posts signal n and returns the HTTP status once the whole answer has
// been read, or an error when there was no answer.
func (g *generator) send(ctx context.Context, n int64) (int, error) {
	body, err := json.Marshal(g.signal(n))
	if err != nil {
		return 0, fmt.Errorf("encode signal %d: %w", n, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("new request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+g.cfg.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "baton-load")
	resp, err := g.client.Do(req)
	if err != nil {
		if ctx.Err() == nil { // an interrupted request is not a problem
			g.noteProblem(err.Error())
		}
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		g.noteProblem(fmt.Sprintf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(head)))
	}
	if g.lead != nil && resp.StatusCode == http.StatusCreated {
		var ans struct {
			Handoff *struct {
				ID string `json:"id"`
			} `json:"handoff"`
		}
		err := json.NewDecoder(io.LimitReader(resp.Body, maxAnswer)).Decode(&ans)
		if err == nil && ans.Handoff != nil {
			g.lead.answered(ans.Handoff.ID, time.Since(g.start))
		}
	}
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer)); err != nil {
		err = fmt.Errorf("read answer to signal %d: %w", n, err)
		g.noteProblem(err.Error())
		return 0, err
	}
	return resp.StatusCode, nil
}

// noteProblem keeps the first error or non-2xx answer, so a failing run says
// why.
func (g *generator) noteProblem(msg string) { g.firstProblem.CompareAndSwap(nil, &msg) }

func (g *generator) report(elapsed time.Duration, interrupted bool) *report {
	s := g.measured
	r := &report{
		Mode:        g.cfg.Mode,
		Run:         g.cfg.Run,
		Concurrency: g.cfg.Concurrency,
		Seconds:     elapsed.Seconds(),
		Errors:      s.errors.Load(),
		Codes:       map[string]int64{},
		Late:        s.late.Load(),
		MaxLagMS:    ms(time.Duration(s.maxLag.Load())),
		Interrupted: interrupted,
	}
	if g.cfg.Mode == "rate" {
		r.TargetRate = g.cfg.Rate
		r.Behind = r.Late > 0
	}
	for code := range s.codes {
		n := s.codes[code].Load()
		if n == 0 {
			continue
		}
		r.Codes[strconv.Itoa(code)] = n
		switch code / 100 {
		case 2:
			r.OK += n
		case 4:
			r.Status4xx += n
		case 5:
			r.Status5xx += n
		default:
			r.Other += n
		}
	}
	r.Sent = r.OK + r.Status4xx + r.Status5xx + r.Other + r.Errors
	if elapsed > 0 {
		r.Rate = float64(r.Sent) / elapsed.Seconds()
	}
	h := &s.latency
	r.Latency = latencies{
		P50:  ms(h.Quantile(0.50)),
		P90:  ms(h.Quantile(0.90)),
		P99:  ms(h.Quantile(0.99)),
		P999: ms(h.Quantile(0.999)),
		Max:  ms(h.Max()),
	}
	w := g.warm
	r.WarmupFailed = w.errors.Load()
	for code := 500; code < len(w.codes); code++ {
		r.WarmupFailed += w.codes[code].Load()
	}
	if p := g.firstProblem.Load(); p != nil {
		r.FirstProblem = *p
	}
	return r
}

// ms converts d to milliseconds, rounded to the microsecond.
func ms(d time.Duration) float64 {
	return float64(d.Round(time.Microsecond)) / float64(time.Millisecond)
}

// stats tallies outcomes; every method is safe for concurrent use.
type stats struct {
	latency histogram
	codes   [600]atomic.Int64 // by HTTP status
	errors  atomic.Int64      // no (valid) HTTP answer
	late    atomic.Int64      // rate mode: sent more than lateAfter after due
	maxLag  atomic.Int64      // rate mode: worst send time minus due time, ns
	last    atomic.Int64      // latest send (rate) or answer (max), ns since start
}

func (s *stats) record(status int, err error, latency time.Duration) {
	if err != nil || status < 100 || status >= len(s.codes) {
		s.errors.Add(1)
		return
	}
	s.codes[status].Add(1)
	s.latency.Record(latency)
}

// observeSend notes a send (or answer) at offset at, lag after it was due.
func (s *stats) observeSend(at, lag time.Duration) {
	if lag > lateAfter {
		s.late.Add(1)
	}
	storeMax(&s.maxLag, int64(lag))
	storeMax(&s.last, int64(at))
}

func storeMax(v *atomic.Int64, x int64) {
	for {
		old := v.Load()
		if x <= old || v.CompareAndSwap(old, x) {
			return
		}
	}
}

// signalTypes are the inbound signal types the generator rotates through.
var signalTypes = [...]string{
	"demo_request", "pricing_inquiry", "contact_sales", "trial_signup",
	"content_download", "webinar_attended", "lead_score_crossed",
}

// people and places to vary the payload with; read-only.
var (
	sources    = [...]string{"website", "webinar", "g2", "partner", "paid_search"}
	campaigns  = [...]string{"q4-webinar", "pricing-page", "ops-ebook", "partner-referral", "brand-search"}
	firstNames = [...]string{"Ana", "Ben", "Chloe", "Dev", "Emeka", "Fatima", "Goran", "Hana", "Ivan", "Jun", "Kofi"}
	lastNames  = [...]string{"Ruiz", "Okafor", "Martin", "Patel", "Nwosu", "Haddad", "Kovač", "Sato", "Petrov", "Li", "Mensah", "Berg", "Silva"}
	titles     = [...]string{"VP Operations", "Head of Sales", "RevOps Manager", "CFO", "Director of Marketing", "Sales Engineer", "COO"}
	industries = [...]string{"manufacturing", "software", "logistics", "healthcare", "financial services", "retail", "education"}
	places     = [...]struct{ country, tz string }{
		{"US", "America/Los_Angeles"}, {"US", "America/New_York"}, {"US", "America/Chicago"},
		{"GB", "Europe/London"}, {"DE", "Europe/Berlin"}, {"BR", "America/Sao_Paulo"},
		{"IN", "Asia/Kolkata"}, {"JP", "Asia/Tokyo"}, {"AU", "Australia/Sydney"},
	}
	messages = [...]string{
		"We need to replace our spreadsheet routing before Q1.",
		"Can we see pricing for 40 seats?",
		"Our SDR team misses follow-ups across time zones.",
		"",
	}
)

const companies = 1000 // distinct account domains

type signalBody struct {
	ExternalID string       `json:"external_id"`
	Type       string       `json:"type"`
	OccurredAt string       `json:"occurred_at"`
	Source     string       `json:"source"`
	Campaign   string       `json:"campaign"`
	Contact    contactBody  `json:"contact"`
	Account    accountBody  `json:"account"`
	Message    string       `json:"message,omitempty"`
	Fields     signalFields `json:"fields"`
}

type contactBody struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Title    string `json:"title"`
	Phone    string `json:"phone"`
	TimeZone string `json:"timezone"`
}

type accountBody struct {
	Name      string `json:"name"`
	Domain    string `json:"domain"`
	Employees int    `json:"employees"`
	Industry  string `json:"industry"`
	Country   string `json:"country"`
}

type signalFields struct {
	LeadScore int `json:"lead_score"`
}

// signal builds signal n. With --dup-every N, every Nth signal is an exact
// resend of an earlier one (same external id and body), as a retrying
// webhook would send; the server should answer 200.
func (g *generator) signal(n int64) signalBody {
	if every := int64(g.cfg.DupEvery); every > 0 {
		for n > 0 && (n+1)%every == 0 {
			n /= 2
		}
	}
	k := n % companies
	place := places[k%int64(len(places))]
	first, last := firstNames[n%int64(len(firstNames))], lastNames[n%int64(len(lastNames))]
	domain := "company" + strconv.FormatInt(k, 10) + ".com"
	typ := signalTypes[n%int64(len(signalTypes))]
	score := int(n % 100)
	if typ == "lead_score_crossed" {
		score = 65 + int(n%35)
	}
	return signalBody{
		ExternalID: "load-" + g.cfg.Run + "-" + strconv.FormatInt(n, 10),
		Type:       typ,
		OccurredAt: g.base.Add(-time.Duration(n%3600) * time.Second).Format(time.RFC3339),
		Source:     sources[n%int64(len(sources))],
		Campaign:   campaigns[n%int64(len(campaigns))],
		Contact: contactBody{
			Email:    strings.ToLower(first) + strconv.FormatInt(n, 10) + "@" + domain,
			Name:     first + " " + last,
			Title:    titles[n%int64(len(titles))],
			Phone:    fmt.Sprintf("+1 415 555 %04d", n%10000),
			TimeZone: place.tz,
		},
		Account: accountBody{
			Name:      "Company " + strconv.FormatInt(k, 10),
			Domain:    domain,
			Employees: 5 + int(k*7919%20000),
			Industry:  industries[k%int64(len(industries))],
			Country:   place.country,
		},
		Message: messages[n%int64(len(messages))],
		Fields:  signalFields{LeadScore: score},
	}
}
