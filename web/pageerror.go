package web

import (
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"path"

	"github.com/batonhq/baton"
)

//go:embed static/*
var staticFS embed.FS

// static serves the style sheet and the countdown script, which the
// Content-Security-Policy (default-src 'self') allows as files of this site.
func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := fs.ReadFile(staticFS, path.Join("static", path.Base(name)))
	if err != nil || name != path.Base(name) {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(b)
}

// errorPage is what the error template shows.
type errorPage struct {
	page
	Status  int
	Heading string
	Message string
}

// pageError answers a page request that failed with the styled error page:
// ENOTFOUND the 404 page, EFORBIDDEN the 403 page with the service's
// message, anything else the 500 page (logged, its details kept back).
// p may be the zero principal (not signed in): the page then has no
// navigation.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, p baton.Principal, err error) {
	if s.clientGone(w, r, err) {
		return
	}
	e := errorPage{page: newPage(p, s.svc.Clock().Now(), "", "")}
	var bad errBadRequest
	switch code := baton.ErrorCode(err); {
	case errors.As(err, &bad):
		e.Status, e.Heading, e.Message = http.StatusBadRequest, "That did not work", baton.ErrorMessage(err)
	case code == baton.EINVALID || code == baton.ECONFLICT || code == baton.EUNAUTHORIZED:
		e.Status, e.Heading, e.Message = statuses[code], "That did not work", baton.ErrorMessage(err)
	case code == baton.ENOTFOUND:
		e.Status, e.Heading, e.Message = http.StatusNotFound, "Not found", "There is nothing here: the link may be wrong, or the handoff may have been removed."
	case code == baton.EFORBIDDEN:
		e.Status, e.Heading, e.Message = http.StatusForbidden, "Not yours to do", baton.ErrorMessage(err)
	case code == baton.EUNAVAILABLE:
		w.Header().Set("Retry-After", retryAfter)
		e.Status, e.Heading, e.Message = http.StatusServiceUnavailable, "Busy for a moment", "Baton could not save just now. Please try again in a few seconds."
	default:
		s.log.Error("page failed", "request_id", requestIDOf(r), "method", r.Method, "path", r.URL.Path, "err", err)
		e.Status, e.Heading, e.Message = http.StatusInternalServerError, "Something went wrong", "Baton hit an error it did not expect. It has been logged; please try again."
	}
	e.Title = e.Heading
	s.render(w, r, e.Status, "error.html", e)
}

// notFoundPage answers any path no route matches, for a signed-in person
// with the styled 404 page and otherwise with a plain one.
func (s *Server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.principal(r, true)
	if err != nil {
		p = baton.Principal{}
	}
	s.pageError(w, r, p, baton.Errorf(baton.ENOTFOUND, "no such page"))
}

// flashCookie carries the key of a flash message from an action to the
// page it redirects to.
const flashCookie = "baton_flash"

// flashes are the messages an action may leave; the cookie holds only
// the key, so nothing a request sends is shown as a message.
var flashes = map[string]string{
	"accept":   "Accepted. The first-touch clock is running.",
	"touch":    "First touch logged.",
	"reject":   "Returned to the sender with the gaps you named.",
	"resubmit": "Resubmitted: it is assigned again.",
	"reassign": "Reassigned.",
	"outcome":  "Outcome recorded.",
	"complete": "Marked complete.",
	"cancel":   "Cancelled.",
	"pause":    "Paused: the clocks stand still until you resume.",
	"resume":   "Resumed: the clocks run again with the time they had left.",
	"context":  "Context saved.",
	"same":     "Nothing changed.",
	"activity": "Activity marked done.",
	"rating":   "Rating recorded. Thank you: the sender sees it.",
	"revise":   "Revisions requested: the sender has until the fix-by deadline.",
	"row_add":  "Row added.",
	"row_save": "Row saved.",
	"row_drop": "Row removed.",
	"decision": "Decision recorded: the sender is told.",
}

// redirectWithFlash answers a successful form post: 303 to to, with the
// flash message for key shown once there.
func (s *Server) redirectWithFlash(w http.ResponseWriter, r *http.Request, to, key string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(key), Path: "/", HttpOnly: true,
		Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: 60})
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// flash returns the pending flash message, if any, and clears it.
func (s *Server) flash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.secureCookies(),
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	key, _ := url.QueryUnescape(c.Value)
	return flashes[key]
}
