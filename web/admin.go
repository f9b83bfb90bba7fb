package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// The RevOps pages under /admin/ are for admins only: anyone else signed in
// gets 403. Each handler parses its form, makes one service call and
// renders or redirects; failures that are not a form's field errors render
// the styled error page (pageError) with the status of their code.

// adminHandler is a page handler that may fail; adminRoute renders its
// error.
type adminHandler func(http.ResponseWriter, *http.Request, baton.Principal) error

// adminRoute serves h to signed-in admins; others get 403.
func (s *Server) adminRoute(h adminHandler) http.Handler {
	return s.authPage(func(w http.ResponseWriter, r *http.Request, p baton.Principal) {
		if !p.Can(baton.AccessAdmin) {
			s.pageError(w, r, p, baton.Errorf(baton.EFORBIDDEN, "This page is for admins (RevOps) only."))
			return
		}
		if err := h(w, r, p); err != nil {
			s.pageError(w, r, p, err)
		}
	})
}

// accountRoute serves h to anyone signed in.
func (s *Server) accountRoute(h adminHandler) http.Handler {
	return s.authPage(func(w http.ResponseWriter, r *http.Request, p baton.Principal) {
		if err := h(w, r, p); err != nil {
			s.pageError(w, r, p, err)
		}
	})
}

// adminView is what every admin page gets: the page shell, a notice or
// error message, and the form's field errors by field name.
type adminView struct {
	Page    page
	Notice  string
	Message string
	Errs    map[string]string
}

// At shows t in the viewer's time zone ("—" for the zero time).
func (v adminView) At(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	loc := v.Page.Loc
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// Err returns the error of a form field, or "".
func (v adminView) Err(field string) string { return v.Errs[field] }

// fieldErrors returns err's field errors by field, or nil when err has
// none (it is then not the form's fault).
func fieldErrors(err error) map[string]string {
	var e *baton.Error
	if !errors.As(err, &e) || e.Code != baton.EINVALID || len(e.Fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(e.Fields))
	for _, f := range e.Fields {
		if prev, ok := out[f.Field]; ok {
			out[f.Field] = prev + "; " + f.Message
			continue
		}
		out[f.Field] = f.Message
	}
	return out
}

// parseForm reads a url-encoded form of at most 1 MiB (or the server's
// MaxBody when larger, for a playbook).
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, max(s.MaxBody, 2<<20))
	if err := r.ParseForm(); err != nil {
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "could not read the form: " + err.Error()}}
	}
	return nil
}

// checked reports whether a checkbox was ticked.
func checked(r *http.Request, name string) bool {
	v := strings.ToLower(r.PostFormValue(name))
	return v == "on" || v == "true" || v == "1" || v == "yes"
}
