package web

import (
	"net/http"
	"strings"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// meetingICS serves GET /api/v1/meetings/{id}.ics.
func (s *Server) meetingICS(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		return baton.Errorf(baton.ENOTFOUND, "no such endpoint: GET %s (use /api/v1/meetings/{id}.ics)", r.URL.Path)
	}
	b, err := s.svc.MeetingICS(r.Context(), p, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8; method=REQUEST")
	w.Header().Set("Content-Disposition", `attachment; filename="meeting-`+id+`.ics"`)
	w.Write(b)
	return nil
}

func (s *Server) rescheduleMeeting(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	var in service.MeetingInput
	if err := decode(w, r, s.MaxBody, &in); err != nil {
		return err
	}
	m, err := s.svc.RescheduleMeeting(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"meeting": m})
	return nil
}

func (s *Server) cancelMeeting(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if r.ContentLength != 0 {
		if err := decode(w, r, s.MaxBody, &in); err != nil {
			return err
		}
	}
	m, err := s.svc.CancelMeeting(r.Context(), p, r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"meeting": m})
	return nil
}
