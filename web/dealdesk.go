package web

import (
	"net/http"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// postDecision records a decision on an approval handoff (the deal desk's):
// POST /api/v1/handoffs/{id}/decision with {"decision": "approve" |
// "reject" | "request_changes", "reason", "changes": [...], "note"}.
func (s *Server) postDecision(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	var in service.DecisionInput
	if err := decode(w, r, s.MaxBody, &in); err != nil {
		return err
	}
	h, err := s.svc.Decide(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	v, err := s.svc.ViewOf(r.Context(), h)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"handoff": v})
	return nil
}
