// Package httpx holds what every HTTP surface of Masthead shares: handlers
// that return errors, the mapping from error codes to status codes, the
// anonymous response cache, conditional requests, compression, security
// headers and request logs.
package httpx

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Handler is an HTTP handler that returns its error instead of writing it,
// so that one place decides what the user sees.
type Handler func(w http.ResponseWriter, r *http.Request) error

// ErrorRenderer writes an error response: an HTML page for the site, JSON
// for the API. msg is safe to show.
type ErrorRenderer func(w http.ResponseWriter, r *http.Request, status int, msg string)

// Redirect is an error that sends the reader elsewhere.
type Redirect struct {
	URL    string
	Status int
}

func (e *Redirect) Error() string { return "redirect to " + e.URL }

// BadRequest returns an EINVALID error with a message for the reader.
func BadRequest(format string, args ...any) error {
	return magazine.Errorf(magazine.EINVALID, format, args...)
}

// NotFound is the error for a page that does not exist.
var NotFound = magazine.Errorf(magazine.ENOTFOUND, "Page not found.")

// Status maps an error's code to an HTTP status.
func Status(err error) int {
	switch magazine.ErrorCode(err) {
	case magazine.EINVALID:
		return http.StatusBadRequest
	case magazine.ENOTFOUND:
		return http.StatusNotFound
	case magazine.ECONFLICT:
		return http.StatusConflict
	case magazine.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case magazine.EFORBIDDEN:
		return http.StatusForbidden
	case magazine.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// handleError writes err through render, logging internal errors with their
// cause; users only ever see the safe message.
func handleError(log *slog.Logger, render ErrorRenderer, w http.ResponseWriter, r *http.Request, err error) {
	var redirect *Redirect
	if errors.As(err, &redirect) {
		http.Redirect(w, r, redirect.URL, redirect.Status)
		return
	}
	if clientGone(r) {
		// Nobody is left to read the answer: rendering the error page
		// would only fail again on the cancelled context.
		log.DebugContext(r.Context(), "client closed the request", "method", r.Method, "path", r.URL.Path, "err", err)
		w.WriteHeader(StatusClientClosedRequest)
		return
	}
	status := Status(err)
	if status >= http.StatusInternalServerError {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	render(w, r, status, magazine.ErrorMessage(err))
}

// PageParam reads the optional ?page=N query parameter: 1 when absent, an
// EINVALID error when it is not a positive number.
func PageParam(r *http.Request) (int, error) {
	raw := r.URL.Query().Get("page")
	if raw == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 100000 {
		return 0, BadRequest("The page parameter must be a whole number from 1, not %q.", truncate(raw, 40))
	}
	return n, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
