// Package admin is the newsroom's surface at /admin: signing in, the
// dashboard, staff and the audit log. Pages are rendered on the server from
// embedded templates; every state change is a POST behind Go's
// cross-origin protection, and nothing here goes through the shared page
// cache.
package admin

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/audio"
	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/webhook"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Session lifetimes: a signed-in browser for a working week; the step
// between the password and the second factor for five minutes.
const (
	sessionTTL = 7 * 24 * time.Hour
	pendingTTL = 5 * time.Minute
)

// Config is what the admin needs.
type Config struct {
	Store   *store.Store
	Log     *slog.Logger
	BaseURL string // scheme and host; https:// makes cookies Secure and __Host-
	// Now is the clock of sessions, TOTP and rate limits; time.Now when nil.
	Now func() time.Time
	// HashParams are the argon2id parameters of new password hashes;
	// auth.DefaultParams when zero.
	HashParams auth.Params
	// Billing runs comps, cancellations and refunds from the circulation
	// pages; when nil those pages say billing is not configured.
	Billing *billing.Service
	// Files keeps uploaded images (issue covers, the editor's figures); without it the admin
	// offers only images already uploaded.
	Files media.Storage
	// Schedule, if set, asks for a publishing run at t (jobs.Queue.PublishAt)
	// when an article is scheduled; without it the periodic job publishes
	// it within its period.
	Schedule func(ctx context.Context, t time.Time) error
	// PreviewPage, if set, renders an unsaved article as the public site
	// would for viewer v (web.Site.Preview).
	PreviewPage func(w http.ResponseWriter, r *http.Request, a magazine.Article, v magazine.Viewer) error
	// MailQueued, if set, is told when a message that should not wait
	// was put in the outbox.
	MailQueued func(ctx context.Context)
	// Editions builds issues' EPUB and PDF; the issue page shows their
	// state, and says so when no PDF converter is installed. BuildEditions,
	// if set, asks the job queue for a build run now.
	Editions      *edition.Builder
	BuildEditions func(ctx context.Context)
	// SendNewsletters, if set, asks for a newsletter run now, after an
	// issue was published (the periodic run sends it otherwise).
	SendNewsletters func(ctx context.Context)
	// Audio and Narrate run the Audio pages: narration states, "render
	// again" (Narrate queues it) and the pronunciation dictionary.
	Audio   *audio.Narrator
	Narrate func(ctx context.Context, articleID int64, priority int) error
	// MakeLabels queues the making of an issue's labels PDF
	// (jobs.Queue.MakeLabels); without it no labels are offered.
	MakeLabels func(ctx context.Context, issueID int64, paper string) error
	// Webhooks is told what the newsroom publishes and changes, and sends
	// the Webhooks page's test events; nil sends none.
	Webhooks *webhook.Emitter
	// WebhooksAllowLoopback lets endpoints be on this machine over http
	// (development and tests only).
	WebhooksAllowLoopback bool
}

// Admin serves /admin.
type Admin struct {
	store   *store.Store
	log     *slog.Logger
	baseURL string
	now     func() time.Time
	params  auth.Params
	cookies auth.Cookies
	common  *auth.CommonPasswords
	pages   map[string]*template.Template
	cop     *http.CrossOriginProtection
	mail    *mail.Templates
	billing *billing.Service
	files   media.Storage
	// images ingests uploads; its limits bound the process's decoding.
	images *media.Ingester

	schedule      func(ctx context.Context, t time.Time) error
	audio         *audio.Narrator
	narrate       func(ctx context.Context, articleID int64, priority int) error
	publicPreview func(w http.ResponseWriter, r *http.Request, a magazine.Article, v magazine.Viewer) error

	// Sign-in attempts are limited per IP address and per account, known
	// or not (the limit must not tell which addresses exist).
	ipLimit      *auth.Limiter
	accountLimit *auth.Limiter
	// Password guesses per account, with a budget of its own for each
	// browser that signed in before (see signin_device.go).
	lock          *auth.Lockout
	devices       auth.Cookies
	mailQueued    func(ctx context.Context)
	editions      *edition.Builder
	buildEditions func(ctx context.Context)
	sendLetters   func(ctx context.Context)
	makeLabels    func(ctx context.Context, issueID int64, paper string) error
	hooks         *webhook.Emitter
	hooksLoopback bool
}

// New parses the templates.
func New(cfg Config) (*Admin, error) {
	a := &Admin{
		store:   cfg.Store,
		log:     cfg.Log,
		baseURL: strings.TrimRight(cfg.BaseURL, "/"),
		now:     cfg.Now,
		params:  cfg.HashParams,
		cookies: auth.Cookies{HTTPS: strings.HasPrefix(cfg.BaseURL, "https://")},
		devices: auth.Cookies{HTTPS: strings.HasPrefix(cfg.BaseURL, "https://"), Device: true},
		common:  auth.NewCommonPasswords(),
		pages:   map[string]*template.Template{},
		cop:     http.NewCrossOriginProtection(),
		billing: cfg.Billing,
		files:   cfg.Files,

		schedule:      cfg.Schedule,
		audio:         cfg.Audio,
		narrate:       cfg.Narrate,
		publicPreview: cfg.PreviewPage,
		mailQueued:    cfg.MailQueued,
		editions:      cfg.Editions,
		buildEditions: cfg.BuildEditions,
		sendLetters:   cfg.SendNewsletters,
		makeLabels:    cfg.MakeLabels,
		hooks:         cmp.Or(cfg.Webhooks, &webhook.Emitter{Store: cfg.Store, Log: cfg.Log, BaseURL: strings.TrimRight(cfg.BaseURL, "/")}),
		hooksLoopback: cfg.WebhooksAllowLoopback,
	}
	if a.now == nil {
		a.now = time.Now
	}
	if cfg.Files != nil {
		a.images = media.NewIngester(cfg.Files, media.Limits{})
	}
	var err error
	if a.mail, err = mail.LoadTemplates(); err != nil {
		return nil, err
	}
	if a.params == (auth.Params{}) {
		a.params = auth.DefaultParams
	}
	a.ipLimit = auth.NewLimiter(30, 10*time.Second, 50_000, a.now)
	a.accountLimit = auth.NewLimiter(10, time.Minute, 50_000, a.now)
	a.lock = auth.NewLockout(10, time.Minute, lockoutNoticeEvery, a.now)
	// Behind a proxy that rewrites Host, browsers without Sec-Fetch-Site
	// would fail the Origin check: the site's own origin is always fine.
	if u, err := url.Parse(a.baseURL); err == nil && u.Host != "" && u.Path == "" {
		if err := a.cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("trust the base URL %q as origin: %w", a.baseURL, err)
		}
	}
	a.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.renderError(w, r, nil, http.StatusForbidden, "This form was sent from another site, so it was refused. Go back to the admin and try again there.")
	}))
	for _, name := range slices.Concat(pageTemplates, newsroomPages) {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse admin template %s: %w", name, err)
		}
		a.pages[name] = t
	}
	if err := a.parseAudioTemplates(); err != nil {
		return nil, err
	}
	if err := a.parseCirculationTemplates(); err != nil {
		return nil, err
	}
	return a, nil
}

var pageTemplates = []string{"sign_in", "totp", "reset", "set_password", "link_expired", "dashboard", "staff", "staff_added", "account", "audit", "error",
	"mailbox", "mailbox_message", "ads", "ad", "webhooks", "webhook", "api_keys",
	"articles", "editor", "revisions", "revisions_diff", "editor_preview"}

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"roles": func() []magazine.Role { return magazine.Roles() },
	// dict passes several values to a sub-template: dict "Key" value ...
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"can": func(s *magazine.Staff, p string) bool { return s != nil && s.Can(magazine.Permission(p)) },
}

// page is what every template gets.
type page struct {
	Title  string
	Me     *magazine.Staff
	Notice string
	// Form holds what was typed, Errors the message for each field, so a
	// refused form comes back as it was sent.
	Form   map[string]string
	Errors map[string]string
	Data   any
}

// unsaved is what a form sent after the session ended carried, shown
// back on the sign-in page.
type unsaved struct{ Headline, Dek, Body string }

// maxUnsavedForm bounds the form read back to a signed-out writer.
const maxUnsavedForm = 4 << 20

// handler is an admin page or action; me is nil on the pages open to
// anyone (signing in).
type handler func(w http.ResponseWriter, r *http.Request, me *store.Session) error

// wrap adds what every admin route has: no caching anywhere, the
// cross-origin check on POSTs, the session and the route's permission.
func (a *Admin) wrap(perm magazine.Permission, h handler) http.Handler {
	return a.cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "private, no-store")
		var me *store.Session
		if perm != "" {
			ses, err := a.session(r.Context(), r, store.StageFull)
			if magazine.IsNotFound(err) {
				a.toSignIn(w, r)
				return
			} else if err != nil {
				a.fail(w, r, nil, err)
				return
			}
			me = &ses
			if blocked, err := a.needsTOTP(r, ses); err != nil {
				a.fail(w, r, me, err)
				return
			} else if blocked {
				http.Redirect(w, r, "/admin/account?done=needtotp", http.StatusSeeOther)
				return
			}
			if !ses.Staff.Can(perm) {
				a.renderError(w, r, me, http.StatusForbidden, "Your role does not allow this page. Ask an admin if you need it.")
				return
			}
		}
		if err := h(w, r, me); err != nil {
			a.fail(w, r, me, err)
		}
	}))
}

// session returns the session of the request's cookie at the given stage.
func (a *Admin) session(ctx context.Context, r *http.Request, stage string) (store.Session, error) {
	id := a.cookies.Read(r)
	if id == "" {
		return store.Session{}, magazine.Errorf(magazine.ENOTFOUND, "Not signed in.")
	}
	ses, err := a.store.SessionByHash(ctx, auth.HashSessionID(id))
	if err != nil {
		return ses, err
	}
	if ses.Stage != stage {
		return ses, magazine.Errorf(magazine.ENOTFOUND, "Not signed in.")
	}
	return ses, nil
}

// toSignIn sends a visitor without a session to the sign-in page, and back
// here afterwards when this was a page.
func (a *Admin) toSignIn(w http.ResponseWriter, r *http.Request) {
	// Only for a form the browser submitted as a page load: the editor's
	// scripts (autosave, preview) get the redirect and keep their copy.
	if r.Method == http.MethodPost && r.Header.Get("Sec-Fetch-Mode") == "navigate" &&
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		// A form sent after the session ended (say, an article saved
		// after a long lunch) is not saved, but nothing typed is lost:
		// the sign-in page shows it back to copy.
		if err := httpx.ParseForm(w, r, maxUnsavedForm); err == nil && (r.PostForm.Get("body") != "" || r.PostForm.Get("headline") != "") {
			p := a.newPage(nil, "Sign in")
			next := ""
			if ref, err := url.Parse(r.Referer()); err == nil {
				next = ref.RequestURI()
			}
			p.Form["next"] = safeNext(next)
			p.Notice = "Your session ended, so this was not saved. What you typed is below: copy it, sign in, and paste it back."
			a.render(w, http.StatusUnauthorized, "sign_in", p, unsaved{Headline: r.PostForm.Get("headline"),
				Dek: r.PostForm.Get("dek"), Body: r.PostForm.Get("body")})
			return
		}
	}
	target := "/admin/sign-in"
	if r.Method == http.MethodGet && r.URL.Path != "/admin/" {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// fail turns an error into a response: a redirect, or the error page with a
// safe message. Causes of internal errors only reach the log.
func (a *Admin) fail(w http.ResponseWriter, r *http.Request, me *store.Session, err error) {
	var redirect *httpx.Redirect
	if errors.As(err, &redirect) {
		http.Redirect(w, r, redirect.URL, redirect.Status)
		return
	}
	status := httpx.Status(err)
	if magazine.ErrorCode(err) == magazine.EFORBIDDEN {
		status = http.StatusForbidden
	}
	if status == http.StatusInternalServerError {
		a.log.ErrorContext(r.Context(), "admin request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	a.renderError(w, r, me, status, magazine.ErrorMessage(err))
}

func (a *Admin) renderError(w http.ResponseWriter, r *http.Request, me *store.Session, status int, msg string) {
	title := map[int]string{
		http.StatusForbidden:           "Not allowed",
		http.StatusNotFound:            "Not found",
		http.StatusInternalServerError: "Something went wrong",
	}[status]
	if title == "" {
		title = http.StatusText(status)
	}
	if status == http.StatusInternalServerError {
		msg = "The page could not be shown. Try again in a moment; the problem has been logged."
	}
	w.Header().Set("Cache-Control", "private, no-store")
	if err := a.render(w, status, "error", a.newPage(me, title), msg); err != nil {
		a.log.ErrorContext(r.Context(), "render admin error page", "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "%s\n\n%s\n", title, msg)
	}
}

func (a *Admin) newPage(me *store.Session, title string) page {
	p := page{Title: title, Form: map[string]string{}, Errors: map[string]string{}}
	if me != nil {
		p.Me = &me.Staff
	}
	return p
}

// render executes a template into a buffer first, so that a template error
// becomes an error page and not half a page.
func (a *Admin) render(w http.ResponseWriter, status int, name string, p page, data any) error {
	t, ok := a.pages[name]
	if !ok {
		return fmt.Errorf("no admin template %q", name)
	}
	p.Data = data
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("execute admin template %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// formError puts a field error of err into p and reports whether it was
// one; other errors are the caller's to return.
func formError(p *page, err error) bool {
	var e *magazine.Error
	if !errors.As(err, &e) || e.Code == magazine.EINTERNAL {
		return false
	}
	field := e.Field
	if field == "" {
		field = "form"
	}
	p.Errors[field] = e.Message
	return true
}

// actor is who the audit log records for a request.
func actor(me *store.Session, r *http.Request) store.Actor {
	a := store.Actor{IP: httpx.ClientIP(r)}
	if me != nil {
		a.ID, a.Email = me.Staff.ID, me.Staff.Email
	}
	return a
}

// clientIP is the address the request came from. Behind a proxy it is the
// proxy's: trusting X-Forwarded-For needs configuration that says which
// proxies to trust, which Masthead does not have yet.

func (a *Admin) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	body, err := staticFS.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	switch {
	case strings.HasSuffix(name, ".css"):
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case strings.HasSuffix(name, ".js"):
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(body)
}
