package web

import "net/http"

// prometheus serves GET /metrics with s.Metrics (package prom), or answers
// 404 when Baton runs without it.
func (s *Server) prometheus(w http.ResponseWriter, r *http.Request) {
	if s.Metrics == nil {
		writeJSON(w, http.StatusNotFound, errorJSON("not_found", "metrics are not enabled"))
		return
	}
	s.Metrics.ServeHTTP(w, r)
}

// errorJSON is the API's error body with a code and a message.
func errorJSON(code, message string) errorBody {
	var b errorBody
	b.Error.Code, b.Error.Message = code, message
	return b
}
