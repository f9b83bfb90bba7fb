package baton

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status at the edge.
const (
	EINVALID      = "invalid"      // the input is wrong: 400/422
	ENOTFOUND     = "not_found"    // 404
	ECONFLICT     = "conflict"     // the state does not allow it: 409
	EUNAUTHORIZED = "unauthorized" // 401
	EFORBIDDEN    = "forbidden"    // 403
	EINTERNAL     = "internal"     // 500
	// EUNAVAILABLE is a passing condition (the database locked by another
	// connection, a full disk): 503 with Retry-After; the same request may
	// succeed later.
	EUNAVAILABLE = "unavailable"
)

// Error is Baton's application error. Its Message is safe to show a user;
// Fields names each bad input field for EINVALID errors.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

// FieldError names one bad input field and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("baton: %s: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("baton: %s: %s (%s: %s …)", e.Code, e.Message, e.Fields[0].Field, e.Fields[0].Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the *Error message, or
// a generic text for internal errors, whose details must not leak.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// Validation collects field errors and turns them into one EINVALID *Error.
type Validation struct {
	Fields []FieldError
}

// Add records that field is wrong.
func (v *Validation) Add(field, format string, args ...any) {
	v.Fields = append(v.Fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was added, else an EINVALID *Error listing
// every field.
func (v *Validation) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	msg := "invalid input"
	if len(v.Fields) == 1 {
		msg = fmt.Sprintf("invalid %s: %s", v.Fields[0].Field, v.Fields[0].Message)
	} else {
		msg = fmt.Sprintf("%d invalid fields", len(v.Fields))
	}
	return &Error{Code: EINVALID, Message: msg, Fields: v.Fields}
}
