package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/batonhq/baton"
)

// statuses maps error codes to HTTP statuses: the one place that does.
var statuses = map[string]int{
	baton.EINVALID:      http.StatusUnprocessableEntity,
	baton.ENOTFOUND:     http.StatusNotFound,
	baton.ECONFLICT:     http.StatusConflict,
	baton.EUNAUTHORIZED: http.StatusUnauthorized,
	baton.EFORBIDDEN:    http.StatusForbidden,
	baton.EINTERNAL:     http.StatusInternalServerError,
	baton.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// retryAfter is the Retry-After of a 503, in seconds: long enough for a
// lock held by a backup or another connection to pass.
const retryAfter = "5"

// statusClientGone is the access log's status for a request whose client
// went away before it was answered (nginx's 499); no client reads it.
const statusClientGone = 499

// errBadRequest marks input that could not be parsed at all (400), as
// opposed to parsed input with invalid fields (422).
type errBadRequest struct{ err *baton.Error }

func (e errBadRequest) Error() string { return e.err.Error() }
func (e errBadRequest) Unwrap() error { return e.err }

type errorBody struct {
	Error struct {
		Code    string             `json:"code"`
		Message string             `json:"message"`
		Fields  []baton.FieldError `json:"fields,omitempty"`
	} `json:"error"`
}

// respondError writes err as JSON; only internal errors are logged as
// errors, once. A client that went away is no internal error: it is logged
// at info and answered with nothing.
func (s *Server) respondError(w http.ResponseWriter, r *http.Request, err error) {
	code := baton.ErrorCode(err)
	status := statuses[code]
	var bad errBadRequest
	if errors.As(err, &bad) {
		status = http.StatusBadRequest
	}
	if s.clientGone(w, r, err) {
		return
	}
	switch code {
	case baton.EINTERNAL:
		s.log.Error("request failed", "request_id", requestIDOf(r), "method", r.Method, "route", r.Pattern, "err", err)
	case baton.EUNAVAILABLE:
		s.log.Warn("request unavailable", "request_id", requestIDOf(r), "method", r.Method, "route", r.Pattern, "err", err)
		w.Header().Set("Retry-After", retryAfter)
	}
	var body errorBody
	body.Error.Code, body.Error.Message = code, baton.ErrorMessage(err)
	var e *baton.Error
	if errors.As(err, &e) {
		body.Error.Fields = e.Fields
	}
	if code == baton.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="baton"`)
	}
	writeJSON(w, status, body)
}

// clientGone reports whether err only says that the client went away (its
// request's context ended); if so it logs that at info and records status
// 499 for the access log, and the caller writes nothing more.
func (s *Server) clientGone(w http.ResponseWriter, r *http.Request, err error) bool {
	if r.Context().Err() == nil || !(errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return false
	}
	s.log.Info("client went away", "request_id", requestIDOf(r), "method", r.Method, "route", r.Pattern)
	w.WriteHeader(statusClientGone)
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// decode reads a JSON body of at most max bytes into dst, rejecting unknown
// fields, trailing data and bad types, with errors that name the field.
func decode(w http.ResponseWriter, r *http.Request, max int64, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "Content-Type must be application/json"}}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: fmt.Sprintf("body is larger than %d bytes", max)}}
		}
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "could not read body"}}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "body is empty: expected a JSON object"}}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(body, dst, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "body has data after the JSON object"}}
	}
	if hasFoldable(body) {
		if path, want := foldedKey(body, reflect.TypeOf(dst), ""); path != "" {
			return &baton.Error{Code: baton.EINVALID, Message: "unknown field " + path,
				Fields: []baton.FieldError{{Field: path, Message: "is not a known field: names are case-sensitive (" + want + ")"}}}
		}
	}
	// encoding/json turns invalid UTF-8 into U+FFFD, so two different
	// values could arrive as one (two external ids, one signal): refuse.
	if path, bad := badText(body); bad {
		return &baton.Error{Code: baton.EINVALID, Message: "invalid " + path,
			Fields: []baton.FieldError{{Field: path, Message: "must be valid UTF-8 text"}}}
	}
	// A zero time reads as "not given" everywhere (occurred_at becomes
	// now): one sent on purpose is refused rather than replaced.
	if path := zeroTime(body, reflect.ValueOf(dst), ""); path != "" {
		return &baton.Error{Code: baton.EINVALID, Message: "invalid " + path,
			Fields: []baton.FieldError{{Field: path, Message: "must be a real time, not the zero time 0001-01-01T00:00:00Z: omit the field instead"}}}
	}
	return nil
}

func decodeError(body []byte, dst any, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: fmt.Sprintf("malformed JSON at byte %d: %s", syn.Offset, syn.Error())}}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "malformed JSON: unexpected end"}}
	case errors.As(err, &typ) && typ.Field != "":
		return &baton.Error{Code: baton.EINVALID, Message: "invalid " + typ.Field,
			Fields: []baton.FieldError{{Field: typ.Field, Message: "must be a JSON " + jsonKind(typ.Type)}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &baton.Error{Code: baton.EINVALID, Message: "unknown field " + f,
			Fields: []baton.FieldError{{Field: f, Message: "is not a known field"}}}
	}
	// A field's own decoder failed (a bad time, a bad duration): find which.
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) == nil {
		if path, msg := locate(raw, reflect.TypeOf(dst).Elem(), ""); path != "" {
			return &baton.Error{Code: baton.EINVALID, Message: "invalid " + path, Fields: []baton.FieldError{{Field: path, Message: msg}}}
		}
	} else {
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "body must be a JSON object"}}
	}
	return &baton.Error{Code: baton.EINVALID, Message: "invalid body: " + err.Error()}
}

// locate decodes each field of an object on its own to find the one that
// fails, descending into nested objects.
func locate(raw map[string]json.RawMessage, t reflect.Type, prefix string) (string, string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return "", ""
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		val, ok := raw[name]
		if !ok {
			continue
		}
		if err := json.Unmarshal(val, reflect.New(f.Type).Interface()); err == nil {
			continue
		} else {
			var sub map[string]json.RawMessage
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && json.Unmarshal(val, &sub) == nil {
				if p, m := locate(sub, ft, prefix+name+"."); p != "" {
					return p, m
				}
			}
			msg := err.Error()
			if ft.String() == "time.Time" {
				msg = "must be an RFC 3339 time such as 2026-11-20T15:04:05Z"
			}
			return prefix + name, strings.TrimPrefix(msg, "json: ")
		}
	}
	return "", ""
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64, reflect.Float32:
		return "number"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return t.String()
}
