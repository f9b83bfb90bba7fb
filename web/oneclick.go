package web

import (
	"net/http"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// oneClickPage shows what a one-click link from an email or Slack would do
// and a button to do it. It never acts: mail scanners and link previews
// follow GETs.
func (s *Server) oneClickPage(w http.ResponseWriter, r *http.Request) {
	authHeaders(w)
	oc, err := s.svc.OneClick(r.Context(), r.PathValue("token"))
	s.oneClick(w, r, oc, err)
}

// useOneClick acts on a one-click link as the person it was sent to, once.
func (s *Server) useOneClick(w http.ResponseWriter, r *http.Request) {
	authHeaders(w)
	oc, err := s.svc.UseOneClick(r.Context(), r.PathValue("token"))
	s.oneClick(w, r, oc, err)
}

// oneClick renders a one-click link's page: the confirmation, the result,
// or why the link does nothing.
func (s *Server) oneClick(w http.ResponseWriter, r *http.Request, oc *service.OneClick, err error) {
	switch {
	case baton.ErrorCode(err) == baton.ENOTFOUND:
		s.notice(w, r, http.StatusNotFound, "This link is not valid", "Nothing was changed. Open Baton to find the handoff.")
		return
	case err != nil:
		s.log.Error("one-click link", "path", "/act/…", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	status := http.StatusOK
	switch oc.Status {
	case service.OneClickUsed, service.OneClickExpired, service.OneClickMoot:
		status = http.StatusGone
	}
	s.render(w, r, status, "oneclick.html", oc)
}
