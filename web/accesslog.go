package web

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"time"
)

// requestIDKey is the context key of the request id.
type requestIDKey struct{}

// maxRequestID bounds an X-Request-Id taken from a client.
const maxRequestID = 128

// requestID returns the client's X-Request-Id when it is a short token of
// printable ASCII without spaces, else a new random id: a client may tie
// its logs to Baton's, never inject into them.
func requestID(given string) string {
	if given != "" && len(given) <= maxRequestID {
		ok := true
		for i := 0; i < len(given) && ok; i++ {
			ok = given[i] > ' ' && given[i] < 0x7f && given[i] != '"' && given[i] != '\\'
		}
		if ok {
			return given
		}
	}
	return rand.Text()
}

// requestIDOf returns the id ServeHTTP gave r, or "".
func requestIDOf(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}

// recorder notes the status and body size a handler wrote.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog writes the request's one line: the route pattern, never the
// path, which may hold a secret (an intake link's token).
func (s *Server) accessLog(r *http.Request, id string, w *recorder, took time.Duration) {
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	route := r.Pattern
	if route == "" {
		route = "-" // no route matched: a 404 or 405 from the mux
	}
	s.log.LogAttrs(context.Background(), slog.LevelInfo, "request",
		slog.String("request_id", id), slog.String("method", r.Method), slog.String("route", route),
		slog.Int("status", status), slog.Duration("duration", took), slog.Int64("bytes", w.bytes))
}
