// Package errs is the project's error convention: every error that reaches a
// user carries a code (ENOTFOUND, EINVALID, …) and a translation key, so one
// function can choose the HTTP status and one can say it in the user's language.
package errs

import (
	"errors"
	"fmt"
	"net/http"
)

// Codes.
const (
	ENOTFOUND     = "ENOTFOUND"
	EINVALID      = "EINVALID"
	EFORBIDDEN    = "EFORBIDDEN"
	EUNAUTHORIZED = "EUNAUTHORIZED"
	ECONFLICT     = "ECONFLICT"
	ELOCKED       = "ELOCKED"
	ETOOMANY      = "ETOOMANY"
	ETOOLARGE     = "ETOOLARGE"
	EINTERNAL     = "EINTERNAL"
)

// FieldError names one bad field: Field is the field's API name (for a row of
// an import, "row 12: population"), Key a translation key, Args its arguments.
type FieldError struct {
	Row   int    `json:"row,omitempty"`
	Field string `json:"field"`
	Key   string `json:"-"`
	Args  []any  `json:"-"`
}

// Error is an application error.
type Error struct {
	Code   string
	Key    string // translation key of the message
	Args   []any
	Fields []FieldError
	Err    error // cause, logged for EINTERNAL only
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Key
	if len(e.Fields) > 0 {
		s += fmt.Sprintf(" (%d fields", len(e.Fields))
		for i, f := range e.Fields {
			if i == 3 {
				s += ", …"
				break
			}
			if f.Row > 0 {
				s += fmt.Sprintf(", row %d", f.Row)
			}
			s += ", " + f.Field + " " + f.Key
		}
		s += ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// E makes an error with a code and a message key.
func E(code, key string, args ...any) *Error { return &Error{Code: code, Key: key, Args: args} }

// NotFound is the error for a missing record, and for one outside the
// caller's area (so that existence does not leak).
func NotFound(key string, args ...any) *Error { return E(ENOTFOUND, key, args...) }

// Forbidden is for an action the caller's role may not take.
func Forbidden() *Error { return E(EFORBIDDEN, "error.forbidden") }

// Conflict is for a write that lost a race or breaks uniqueness.
func Conflict(key string, args ...any) *Error { return E(ECONFLICT, key, args...) }

// Internal wraps an unexpected error with the operation that failed, such as
// "request.Store.Create: insert requests", so that a logged failure says which
// of the project's queries or calls it came from. The user sees only
// error.internal; the operation and the cause go to the log.
func Internal(op string, err error) *Error {
	if err == nil {
		err = errors.New("no cause given")
	}
	return &Error{Code: EINTERNAL, Key: "error.internal", Err: fmt.Errorf("%s: %w", op, err)}
}

// Invalid is a validation error with the fields that failed.
func Invalid(fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Key: "error.invalid", Fields: fields}
}

// Field builds a FieldError.
func Field(field, key string, args ...any) FieldError {
	return FieldError{Field: field, Key: key, Args: args}
}

// Fields collects field errors during validation.
type Fields []FieldError

// Add records a failed field.
func (f *Fields) Add(field, key string, args ...any) { *f = append(*f, Field(field, key, args...)) }

// Err returns nil when nothing failed, else an EINVALID error.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return Invalid(f...)
}

// Code returns the code of err; an error that is not ours is EINTERNAL.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// As returns err as *Error, wrapping foreign errors as internal.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: EINTERNAL, Key: "error.internal", Err: err}
}

// Status maps an error's code to an HTTP status.
func Status(err error) int {
	switch Code(err) {
	case ENOTFOUND:
		return http.StatusNotFound
	case EINVALID:
		return http.StatusUnprocessableEntity
	case EFORBIDDEN:
		return http.StatusForbidden
	case EUNAUTHORIZED:
		return http.StatusUnauthorized
	case ECONFLICT:
		return http.StatusConflict
	case ELOCKED:
		return http.StatusLocked
	case ETOOMANY:
		return http.StatusTooManyRequests
	case ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}
