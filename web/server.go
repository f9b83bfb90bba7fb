// Package web is Baton's HTTP edge: the JSON API under /api/v1, the health
// and readiness checks, and the server-rendered pages. Handlers are thin:
// parse, call one service method, respond. Errors become statuses in one
// place (respond.go). Every request gets one access-log line (accesslog.go).
package web

import (
	"cmp"
	"context"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/web/openapi"
)

//go:embed templates/*.html
var templateFS embed.FS

// Server serves Baton over HTTP.
type Server struct {
	svc   *service.Service
	log   *slog.Logger
	mux   *http.ServeMux
	pages *template.Template
	// MaxBody caps request bodies in bytes (default 1 MiB).
	MaxBody int64
	// Intake rate-limits the prospect's intake form (see IntakeLimits).
	Intake IntakeLimits
	// Ready reports whether Baton can write now, for GET /readyz (503 when
	// it returns an error). It is called with a short deadline (ReadyTimeout).
	// Nil makes /readyz answer as /healthz.
	Ready func(context.Context) error
	// ReadyTimeout bounds one readiness check (default 2s).
	ReadyTimeout time.Duration
	// Connectors holds the CRM and scheduler connectors' secrets
	// (connectors.go); a connector without one is off.
	Connectors Connectors
	// Metrics serves GET /metrics (package prom, with its own access
	// check); nil answers 404. Set it before serving.
	Metrics http.Handler
	// oidc is single sign-on, when enabled (EnableOIDC).
	oidc *oidcClient
	// openapi is the API's OpenAPI document as JSON (web/openapi).
	openapi []byte
	// imports are the signals imports started from the workspace.
	imports importJobs
	// tokens are the API tokens authenticated in the last TokenCacheTTL.
	tokens tokenCache
}

// New returns a Server for svc. It parses the templates once; a broken
// template is an error at start-up, never half a page.
func New(svc *service.Service, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	pages, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	doc, err := openapi.JSON()
	if err != nil {
		return nil, err
	}
	s := &Server{svc: svc, log: log, mux: http.NewServeMux(), pages: pages, MaxBody: 1 << 20, openapi: doc}
	s.routes()
	return s, nil
}

// routes is the whole route table.
func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	// The API's description is open: it holds no data. Every /api/ route
	// below is in it (web/openapi/openapi.yaml), checked by a test.
	s.mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	s.mux.HandleFunc("GET /metrics", s.prometheus)

	api := func(pattern string, role string, h func(http.ResponseWriter, *http.Request, baton.Principal) error) {
		s.mux.Handle(pattern, s.authAPI(role, h))
	}
	api("POST /api/v1/signals", baton.TokenRep, s.postSignal)
	s.connectorRoutes()
	api("GET /api/v1/handoffs", baton.TokenRep, s.listHandoffs)
	api("GET /api/v1/handoffs/{id}", baton.TokenRep, s.getHandoff)
	api("GET /api/v1/handoffs/{id}/brief", baton.TokenRep, s.getBrief)
	api("GET /api/v1/handoffs/{id}/quality", baton.TokenRep, s.getQuality)
	api("POST /api/v1/handoffs/{id}/{command}", baton.TokenRep, s.postCommand)
	api("POST /api/v1/handoffs/{id}/rating", baton.TokenRep, s.postRating)
	api("POST /api/v1/handoffs/{id}/decision", baton.TokenRep, s.postDecision)
	api("POST /api/v1/handoffs/{id}/revisions", baton.TokenRep, s.postRevisions)
	api("PATCH /api/v1/handoffs/{id}/context", baton.TokenRep, s.patchContext)
	api("GET /api/v1/events", baton.TokenRep, s.listEvents)
	api("GET /api/v1/handoffs/{id}/cs", baton.TokenRep, s.getCS)
	api("POST /api/v1/handoffs/{id}/cs/{action}", baton.TokenRep, s.postCS)
	api("POST /api/v1/handoffs/{id}/kt/{action}", baton.TokenRep, s.postCS)
	api("GET /api/v1/outbox", baton.TokenManager, s.listOutbox)
	api("GET /api/v1/metrics/summary", baton.TokenRep, s.metricsSummary)
	api("GET /api/v1/metrics", baton.TokenRep, s.metricsReport)
	api("GET /api/v1/metrics/success", baton.TokenRep, s.successMetrics)
	api("GET /api/v1/quality", baton.TokenRep, s.qualityReport)
	api("GET /api/v1/reports/sla", baton.TokenRep, s.slaReport)
	api("GET /api/v1/reports/show-rate", baton.TokenRep, s.showRate)
	api("GET /api/v1/reports/close-rate", baton.TokenRep, s.closeRate)
	api("POST /api/v1/outcomes/import", baton.TokenManager, s.importOutcomes)
	api("GET /api/v1/adoption", baton.TokenRep, s.getAdoption)
	api("PUT /api/v1/adoption", baton.TokenAdmin, s.putAdoption)
	api("GET /api/v1/users", baton.TokenRep, s.listUsers)
	api("POST /api/v1/users", baton.TokenManager, s.postUser)
	api("POST /api/v1/users/{id}/invite", baton.TokenAdmin, s.inviteUser)
	api("POST /api/v1/users/{id}/reset", baton.TokenAdmin, s.inviteUser)
	api("POST /api/v1/accounts", baton.TokenManager, s.postAccount)
	api("POST /api/v1/users/import", baton.TokenManager, s.importUsers)
	api("POST /api/v1/accounts/import", baton.TokenManager, s.importAccounts)
	api("POST /api/v1/signals/import", baton.TokenManager, s.importSignalsAPI)
	api("GET /api/v1/playbook", baton.TokenRep, s.getPlaybook)
	api("POST /api/v1/routing/simulate", baton.TokenManager, s.simulate)
	api("GET /api/v1/meetings/{file}", baton.TokenRep, s.meetingICS)
	api("POST /api/v1/meetings/{id}/reschedule", baton.TokenRep, s.rescheduleMeeting)
	api("POST /api/v1/meetings/{id}/cancel", baton.TokenRep, s.cancelMeeting)
	api("POST /api/v1/handoffs/{id}/activities/{name}/complete", baton.TokenRep, s.completeActivity)
	// Anything else under /api/ is a 404 for the authenticated, 401 for others.
	api("/api/", baton.TokenRep, func(w http.ResponseWriter, r *http.Request, _ baton.Principal) error {
		return baton.Errorf(baton.ENOTFOUND, "no such endpoint: %s %s", r.Method, r.URL.Path)
	})

	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.HandleFunc("GET /login/link/{code}", s.linkPage)
	s.mux.HandleFunc("POST /login/link/{code}", s.useLink)
	s.mux.HandleFunc("GET /auth/oidc/start", s.oidcStart)
	s.mux.HandleFunc("GET /auth/oidc/callback", s.oidcCallback)
	s.mux.HandleFunc("POST /logout", s.logout)
	s.mux.Handle("POST /account/sessions/revoke", s.authPage(s.revokeSessions))
	s.mux.Handle("GET /{$}", s.authPage(s.inboxPage))
	s.mux.Handle("GET /handoffs/{id}", s.authPage(s.handoffPage))
	s.mux.Handle("POST /handoffs/{id}/{command}", s.authPage(s.postCommandForm))
	s.mux.Handle("POST /handoffs/{id}/rating", s.authPage(s.postRatingForm))
	s.mux.Handle("POST /handoffs/{id}/decision", s.authPage(s.postDecisionForm))
	s.mux.Handle("POST /handoffs/{id}/revisions", s.authPage(s.postRevisionsForm))
	s.mux.Handle("POST /handoffs/{id}/context", s.authPage(s.postContextForm))
	s.mux.Handle("POST /handoffs/{id}/context/{field}/rows", s.authPage(s.postRowForm))
	s.mux.Handle("POST /handoffs/{id}/activities/{name}/complete", s.authPage(s.postActivityForm))
	s.mux.Handle("POST /handoffs/{id}/cs/{action}", s.authPage(s.postKTForm))
	s.mux.Handle("POST /handoffs/{id}/kt/{action}", s.authPage(s.postKTForm))
	s.mux.Handle("GET /meetings/{file}", s.authPage(s.meetingFile))
	s.mux.HandleFunc("GET /static/{file}", s.static)
	s.mux.HandleFunc("/", s.notFoundPage)
	s.mux.Handle("GET /board", s.authPage(s.boardPage))
	s.mux.Handle("POST /board/{id}/{action}", s.authPage(s.boardAction))
	s.mux.Handle("GET /dashboard", s.authPage(s.dashboardPage))
	s.mux.Handle("GET /dashboard/{chart}", s.authPage(s.dashboardCSV))
	s.mux.Handle("GET /export/handoffs.csv", s.authPage(s.exportHandoffsPage))
	s.mux.Handle("GET /export/events.csv", s.authPage(s.exportEventsPage))
	s.mux.Handle("GET /quality", s.authPage(s.reviewPage))
	s.mux.Handle("GET /intake/{token}", s.intakeRoute(s.intakePage))

	// RevOps pages: admins only (403 for others); tokens of one's own for
	// everyone signed in.
	s.mux.Handle("GET /admin/team", s.adminRoute(s.teamPage))
	s.mux.Handle("POST /admin/team/invite", s.adminRoute(s.invite))
	s.mux.Handle("POST /admin/team/import", s.adminRoute(s.importTeam))
	s.mux.Handle("POST /admin/team/import-outcomes", s.adminRoute(s.importOutcomesForm))
	s.mux.Handle("POST /admin/team/adoption", s.adminRoute(s.adoptionForm))
	s.mux.Handle("POST /admin/imports/signals", s.adminRoute(s.startSignalImport))
	s.mux.Handle("GET /admin/imports/{id}", s.adminRoute(s.signalImportPage))
	s.mux.Handle("GET /admin/team/{id}", s.adminRoute(s.userPage))
	s.mux.Handle("POST /admin/team/{id}", s.adminRoute(s.saveUser))
	s.mux.Handle("POST /admin/team/{id}/active", s.adminRoute(s.setActive))
	s.mux.Handle("POST /admin/team/{id}/reset", s.adminRoute(s.issueReset))
	s.mux.Handle("GET /admin/tokens", s.adminRoute(s.tokensPage(true)))
	s.mux.Handle("POST /admin/tokens", s.adminRoute(s.createToken(true)))
	s.mux.Handle("POST /admin/tokens/{id}/revoke", s.adminRoute(s.revokeToken(true)))
	s.mux.Handle("GET /account/tokens", s.accountRoute(s.tokensPage(false)))
	s.mux.Handle("POST /account/tokens", s.accountRoute(s.createToken(false)))
	s.mux.Handle("POST /account/tokens/{id}/revoke", s.accountRoute(s.revokeToken(false)))
	s.mux.Handle("GET /admin/playbook", s.adminRoute(s.playbookPage))
	s.mux.Handle("POST /admin/playbook", s.adminRoute(s.postPlaybook))
	s.mux.Handle("POST /admin/playbook/rollback", s.adminRoute(s.rollbackPlaybook))
	s.mux.Handle("GET /admin/outbox", s.adminRoute(s.outboxPage))
	s.mux.Handle("POST /admin/outbox/{id}/retry", s.adminRoute(s.retryMessage))
	s.mux.Handle("GET /admin/crm", s.adminRoute(s.crmPage))
	s.mux.Handle("POST /admin/crm/{name}/fix", s.adminRoute(s.fixCRM))
	s.mux.Handle("POST /intake/{token}", s.intakeRoute(s.postIntake))
	s.mux.Handle("GET /survey/{token}", s.intakeRoute(s.surveyPage))
	s.mux.Handle("POST /survey/{token}", s.intakeRoute(s.postSurvey))
	s.mux.HandleFunc("GET /act/{token}", s.oneClickPage)
	s.mux.HandleFunc("POST /act/{token}", s.useOneClick)
}

// ServeHTTP makes Server an http.Handler. It gives the request its id
// (X-Request-Id, echoed or made) and logs one access line when it is done.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := requestID(r.Header.Get("X-Request-Id"))
	w.Header().Set("X-Request-Id", id)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	rec := &recorder{ResponseWriter: w}
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
	if s.checkOrigin(rec, r) {
		s.mux.ServeHTTP(rec, r)
	}
	s.accessLog(r, id, rec, time.Since(start))
}

// HTTPServer returns an *http.Server for s with sane timeouts.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr: addr, Handler: s,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
	}
}

func (s *Server) authAPI(role string, h func(http.ResponseWriter, *http.Request, baton.Principal) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.principal(r, false)
		if err == nil && !p.Can(role) {
			err = baton.Errorf(baton.EFORBIDDEN, "this endpoint needs a %s token or higher", role)
		}
		if err == nil {
			err = h(w, r, p)
		}
		if err != nil {
			s.respondError(w, r, err)
		}
	})
}

// principal authenticates a request: the API (page false) by its bearer
// token only, pages by the session cookie only. The API never reads the
// cookie, so a cross-site form cannot act with a signed-in browser's
// credentials.
func (s *Server) principal(r *http.Request, page bool) (baton.Principal, error) {
	if page {
		return s.sessionPrincipal(r)
	}
	return s.authenticate(r.Context(), bearer(r))
}

// healthz is liveness: the process answers and can read its database.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.svc.Users(ctx); err != nil {
		s.log.Error("healthz", "request_id", requestIDOf(r), "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz is readiness: Baton can write now (not locked by another
// connection, disk not full). It answers 503 with Retry-After and the
// reason otherwise.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.Ready == nil {
		s.healthz(w, r)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), cmp.Or(s.ReadyTimeout, 2*time.Second))
	defer cancel()
	if err := s.Ready(ctx); err != nil {
		s.log.Warn("not ready", "request_id", requestIDOf(r), "err", err)
		w.Header().Set("Retry-After", retryAfter)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": baton.ErrorMessage(err)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// openAPI serves GET /api/v1/openapi.json: the OpenAPI 3.1 document of
// the API (web/openapi/openapi.yaml, as JSON).
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(s.openapi)
}
