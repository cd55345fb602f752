// Package magazine holds Masthead's domain types and rules. It imports
// nothing internal and nothing that speaks HTTP or SQL.
package magazine

import (
	"errors"
	"fmt"
)

// Error codes. They say what kind of failure happened; the HTTP layer maps
// them to status codes and the CLI to exit messages.
const (
	ECONFLICT = "conflict"  // the action collides with existing state (duplicate slug, stale edit)
	EINTERNAL = "internal"  // a bug or an outage; never shown to users in detail
	EINVALID  = "invalid"   // the input is malformed or breaks a rule
	ENOTFOUND = "not_found" // the thing does not exist (or is not visible to this viewer)
	ETOOLARGE = "too_large" // the input is bigger than allowed
	// EUNAVAILABLE: a service the action needs (the object store) did not
	// answer or refused; trying again later may work.
	EUNAVAILABLE = "unavailable"
)

// Error is an error that a user may see. Message is written for them;
// the wrapped cause is for the logs.
type Error struct {
	Code    string
	Message string
	Field   string // the form field the message belongs to, if any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error that belongs to one form field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// EINTERNAL when there is none.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err. Internal errors
// get a fixed text so that no cause leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Internal error."
}

// IsNotFound reports whether err carries ENOTFOUND.
func IsNotFound(err error) bool { return ErrorCode(err) == ENOTFOUND }
