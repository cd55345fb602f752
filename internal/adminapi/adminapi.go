// Package adminapi is the Admin API, /api/admin/v1 (docs/API.md): what
// other software may change in the magazine with an API key made in the
// admin. Each change goes through the same store and billing functions as
// the admin's pages, with their checks, audit entries and webhooks; the
// audit log names the key.
package adminapi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/webhook"
)

// Config is what the Admin API needs.
type Config struct {
	Store *store.Store
	// Files keeps uploaded images; without it uploads are refused.
	Files   media.Storage
	Log     *slog.Logger
	BaseURL string
	// Billing gives comps; nil refuses them (503).
	Billing *billing.Service
	// Webhooks is told of changes, as the admin tells it.
	Webhooks *webhook.Emitter
	// Schedule asks the job queue to publish at t (jobs.Queue.PublishAt).
	Schedule func(ctx context.Context, t time.Time) error
	// RequestsPerMinute bounds each key's requests; 0 means 120.
	RequestsPerMinute int
	// Now is the rate limiter's clock; time.Now when nil.
	Now func() time.Time
}

// API serves /api/admin/v1.
type API struct {
	store    *store.Store
	files    media.Storage
	images   *media.Ingester
	log      *slog.Logger
	baseURL  string
	billing  *billing.Service
	hooks    *webhook.Emitter
	schedule func(ctx context.Context, t time.Time) error
	// limit bounds each key's requests, and each address's requests with
	// a key that does not work (guesses).
	limit *auth.Limiter
	now   func() time.Time
}

// New returns the Admin API.
func New(cfg Config) *API {
	a := &API{store: cfg.Store, files: cfg.Files, log: cfg.Log, baseURL: cfg.BaseURL, billing: cfg.Billing,
		hooks: cfg.Webhooks, schedule: cfg.Schedule, now: cfg.Now}
	if a.now == nil {
		a.now = time.Now
	}
	if cfg.Files != nil {
		a.images = media.NewIngester(cfg.Files, media.Limits{})
	}
	perMinute := cmp.Or(cfg.RequestsPerMinute, 120)
	a.limit = auth.NewLimiter(perMinute, time.Minute/time.Duration(perMinute), 100_000, a.now)
	return a
}

// handler is an Admin API handler: it gets the key that called it, whose
// scopes were checked.
type handler func(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error

// apiError is an error of the API layer itself (keys and rate limits),
// which the magazine's codes do not cover.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

var (
	errNoKey = &apiError{http.StatusUnauthorized, "unauthorized",
		"Send an API key in the Authorization header: \"Authorization: Bearer mh_...\". Keys are made in the admin, under API keys."}
	errBadKey = &apiError{http.StatusUnauthorized, "unauthorized",
		"That API key does not work: it is unknown or was revoked. Make a new one in the admin, under API keys."}
	errRateLimited = &apiError{http.StatusTooManyRequests, "rate_limited",
		"Too many requests with this key. Wait a few seconds, then send fewer per minute."}
)

// scopeNames are how a refusal names the scope a route needs.
var scopeNames = map[magazine.APIScope]string{
	magazine.ScopeContentWrite: "content write",
	magazine.ScopeReadersWrite: "readers write",
	magazine.ScopeRead:         "read only",
}

// serve checks the key, its rate and its scope, then runs h; an error
// becomes the JSON error.
func (a *API) serve(scope magazine.APIScope, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		k, err := a.authenticate(r)
		if err == nil && !k.Allows(scope) {
			err = &apiError{http.StatusForbidden, "forbidden", "This API key may not do this: it needs the " + scopeNames[scope] + " scope."}
		}
		if err == nil {
			err = h(w, r, k)
		}
		if err != nil {
			a.writeError(w, r, err)
		}
	})
}

// authenticate returns the key of the Authorization header. Every
// request counts against its key's rate; a key that does not work counts
// against the address, so that guessing is slow.
func (a *API) authenticate(r *http.Request) (magazine.APIKey, error) {
	// The scheme's name is case-insensitive (RFC 9110).
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "Bearer ") || strings.TrimSpace(h[7:]) == "" {
		return magazine.APIKey{}, errNoKey
	}
	secret := h[7:]
	prefix, hash, ok := auth.ParseAPIKey(strings.TrimSpace(secret))
	if !ok {
		return magazine.APIKey{}, a.refuseKey(r)
	}
	k, err := a.store.APIKeyBySecret(r.Context(), prefix, hash)
	if magazine.IsNotFound(err) {
		return k, a.refuseKey(r)
	} else if err != nil {
		return k, err
	}
	if !a.limit.Allow("key:" + strconv.FormatInt(k.ID, 10)) {
		return k, errRateLimited
	}
	if a.now().Sub(k.LastUsedAt) > time.Minute {
		if err := a.store.TouchAPIKey(r.Context(), k.ID); err != nil {
			a.log.WarnContext(r.Context(), "record an API key's use", "key", k.ID, "err", err)
		}
	}
	return k, nil
}

func (a *API) refuseKey(r *http.Request) error {
	if !a.limit.Allow("addr:" + httpx.ClientIP(r)) {
		return errRateLimited
	}
	return errBadKey
}

// actor is who the audit log says made a change: the key, by name.
func actor(k magazine.APIKey, r *http.Request) store.Actor {
	return store.Actor{Email: "API key \"" + k.Name + "\"", IP: httpx.ClientIP(r)}
}

type errorBody struct {
	Error errorFields `json:"error"`
}

type errorFields struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// fieldNames maps the admin forms' field names, which the store's errors
// use, to the API's JSON fields.
var fieldNames = map[string]string{
	"authors": "author_ids", "section": "section_id", "body": "body_markdown", "article": "article_id",
	"published_at": "publish_at", "issue": "issue_id", "plan": "plan_id",
}

// writeError answers err as JSON. Only the messages of coded errors are
// shown; anything else is "Internal error." and its cause is logged.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var body errorBody
	status := httpx.Status(err)
	var ae *apiError
	var me *magazine.Error
	switch {
	case errors.As(err, &ae):
		status, body.Error = ae.status, errorFields{Code: ae.code, Message: ae.message}
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "30")
		}
	case errors.As(err, &me) && me.Code != magazine.EINTERNAL:
		body.Error = errorFields{Code: me.Code, Message: me.Message, Field: cmp.Or(fieldNames[me.Field], me.Field)}
	default:
		status = http.StatusInternalServerError
		body.Error = errorFields{Code: magazine.EINTERNAL, Message: magazine.ErrorMessage(err)}
	}
	if status >= http.StatusInternalServerError {
		a.log.ErrorContext(r.Context(), "admin API request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="masthead"`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// writeJSON answers v with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// maxJSON bounds a JSON body: an article's Markdown at its limit, every
// character escaped, and the other fields.
const maxJSON = 2*magazine.MaxBody + 64<<10

// decode reads a JSON body of at most maxJSON bytes into v. Fields v does
// not have are refused, and so is anything after the object; the error
// names the field at fault when it can.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return magazine.Errorf(magazine.EINVALID, "Send the body as JSON, with Content-Type: application/json.")
	}
	body, err := httpx.ReadBody(w, r, maxJSON)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("data after the object")
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syntax):
		return magazine.Errorf(magazine.EINVALID, "The body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return magazine.FieldError(typ.Field, "The field %q must be a %s, not a JSON %s.", typ.Field, jsonType(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return magazine.FieldError(name, "There is no field %q here; see /api/openapi.json for the fields.", name)
	}
	return magazine.Errorf(magazine.EINVALID, "The body is not the JSON object this call takes; see /api/openapi.json.")
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "slice":
		return "array"
	case kind == "struct", kind == "map":
		return "object"
	case kind == "bool":
		return "boolean"
	}
	return kind
}

// pathID reads a numeric path value.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 1 {
		return 0, magazine.Errorf(magazine.ENOTFOUND, "There is nothing at this address: %s must be a number from 1.", name)
	}
	return id, nil
}
