package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// crmView is the CRM page: each configured write-back connector, broken or
// working, with its messages and newest deliveries.
type crmView struct {
	adminView
	Connectors []service.CRMStatus
	// Actions are what is written back ("owner, note, task, link").
	Actions string
}

// crmPage shows the CRM connectors.
func (s *Server) crmPage(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	list, actions, err := s.svc.CRMStatuses(r.Context(), p)
	if err != nil {
		return err
	}
	v := &crmView{adminView: adminView{Page: newPage(p, s.svc.Clock().Now(), "CRM", "crm")}, Connectors: list, Actions: strings.Join(actions, ", ")}
	if n := r.URL.Query().Get("released"); n != "" {
		v.Notice = fmt.Sprintf("Marked fixed: %s waiting messages are due now, and the outbox worker sends them on its next pass.", n)
	}
	s.render(w, r, http.StatusOK, "admin_crm.html", v)
	return nil
}

// fixCRM marks a connector fixed and releases its waiting messages.
func (s *Server) fixCRM(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	n, err := s.svc.FixCRMConnector(r.Context(), p, r.PathValue("name"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/crm?released=%d", n), http.StatusSeeOther)
	return nil
}
