package web

import (
	"net/http"
	"strings"

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

// postDecisionForm records the decision panel of an approval handoff's
// page: POST /handoffs/{id}/decision with decision, reason, changes (one
// per line or separated by ";") and note.
func (s *Server) postDecisionForm(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	id := r.PathValue("id")
	if err := s.readForm(w, r); err != nil {
		s.actionFailed(w, r, p, id, "decision", err)
		return
	}
	f := r.PostForm
	in := service.DecisionInput{Decision: f.Get("decision"), Reason: strings.TrimSpace(f.Get("reason")), Note: strings.TrimSpace(f.Get("note"))}
	for _, c := range strings.FieldsFunc(f.Get("changes"), func(r rune) bool { return r == '\n' || r == ';' }) {
		if c = strings.TrimSpace(c); c != "" {
			in.Changes = append(in.Changes, c)
		}
	}
	if _, err := s.svc.Decide(r.Context(), p, id, in); err != nil {
		s.actionFailed(w, r, p, id, "decision", err)
		return
	}
	s.redirectWithFlash(w, r, "/handoffs/"+id, "decision")
}
