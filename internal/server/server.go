// Package server assembles Masthead's HTTP surfaces (the public site, the
// JSON API, health) behind the shared middleware, and runs the
// HTTP server with graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/masthead-press/masthead/internal/admin"
	"github.com/masthead-press/masthead/internal/adminapi"
	"github.com/masthead-press/masthead/internal/api"
	"github.com/masthead-press/masthead/internal/audio"
	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/web"
	"github.com/masthead-press/masthead/internal/webhook"
)

// Config is what the server needs.
type Config struct {
	Store *store.Store
	Files media.Storage
	// Links sends readers to the object store for files (see
	// web.FileLinks), at FileOrigin, which the pages' CSP then allows
	// for images and audio.
	Links      web.FileLinks
	FileOrigin string
	Log        *slog.Logger
	BaseURL    string
	// CacheBytes bounds the anonymous page cache; 0 means 32 MiB, a
	// negative value disables it.
	CacheBytes int
	// CDNMaxAge, when set, lets a CDN keep anonymous pages this long
	// (they are purged by surrogate key when content changes: see
	// internal/cdn).
	CDNMaxAge time.Duration
	// SearchesPerMinute bounds each address's searches; 0 means 60.
	SearchesPerMinute int
	// Billing runs subscriptions; nil leaves online sign-up closed.
	Billing *billing.Service
	// Mail renders messages; the standard templates when nil.
	Mail *mail.Templates
	// LogLinks prints readers' sign-in links to the log (no SMTP server).
	LogLinks bool
	// Now is the clock of sessions and the meter; time.Now when nil.
	Now func() time.Time
	// MailQueued is told when a sign-in link waits in the outbox.
	MailQueued func(ctx context.Context)
	// TrustProxy takes the client's address from the last X-Forwarded-For
	// entry (httpx.TrustProxy): only behind a reverse proxy that sets it.
	TrustProxy bool
	// Schedule asks the job queue to publish at t (jobs.Queue.PublishAt);
	// without it the periodic run publishes within its period.
	Schedule func(ctx context.Context, t time.Time) error
	// Audio narrates articles (players, podcast feeds, the admin's Audio
	// pages); nil turns narration off.
	Audio *audio.Narrator
	// Narrate queues an article's narration (jobs.Queue.Narrate) for the
	// admin's "render again" and pronunciation changes.
	Narrate func(ctx context.Context, articleID int64, priority int) error
	// MakeLabels queues the making of an issue's mailing labels
	// (jobs.Queue.MakeLabels).
	MakeLabels func(ctx context.Context, issueID int64, paper string) error
	// Editions builds issues' EPUB and PDF (the admin shows their state);
	// BuildEditions asks the job queue for a build run now.
	Editions      *edition.Builder
	BuildEditions func(ctx context.Context)
	// SendNewsletters asks the job queue for a newsletter run now (an
	// issue was published).
	SendNewsletters func(ctx context.Context)
	// Webhooks is told of what happens (webhook.Emitter); nil sends none.
	// WebhooksAllowLoopback lets the admin save endpoints on this machine.
	Webhooks              *webhook.Emitter
	WebhooksAllowLoopback bool
	// AdminAPIRequestsPerMinute bounds each Admin API key's requests; 0
	// means 120.
	AdminAPIRequestsPerMinute int
	// LogPolicy says which requests are logged at info (httpx.LogPolicy).
	LogPolicy httpx.LogPolicy
	// Metrics is where the HTTP layer's collectors are registered
	// (NewMetricsRegistry); serve it with MetricsHandler on a private
	// address. Nil: a registry of the handler's own, served nowhere.
	Metrics *prometheus.Registry
}

// NewMetricsRegistry returns a Prometheus registry with Go's runtime and
// the process's collectors.
func NewMetricsRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// MetricsHandler serves reg at /metrics. It belongs on a private address
// (serve --metrics-addr), never on the public one: the counters show
// which pages exist and how the server is doing, to anyone.
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return mux
}

// sessionCookies are the cookies that identify a reader or a member of
// staff. A request carrying one is never answered from, or stored in, the
// shared page cache.
var sessionCookies = []string{auth.CookieName, auth.SecureCookieName, auth.ReaderCookieName, auth.SecureReaderCookieName}

// Anonymous reports whether r carries no session cookie.
func Anonymous(r *http.Request) bool {
	for _, c := range r.Header["Cookie"] {
		for _, name := range sessionCookies {
			if strings.Contains(c, name+"=") {
				return false
			}
		}
	}
	return true
}

// New returns the whole HTTP handler.
func New(cfg Config) (http.Handler, error) {
	reg := cfg.Metrics
	if reg == nil {
		reg = NewMetricsRegistry()
	}
	metrics := httpx.NewMetrics(reg)

	var cache *httpx.Cache
	if cfg.CacheBytes >= 0 {
		size := cfg.CacheBytes
		if size == 0 {
			size = 32 << 20
		}
		cache = httpx.NewCache(size, cfg.Store.Version)
		cache.OnLookup(metrics.CacheHits.Inc, metrics.CacheMisses.Inc)
	}

	site, err := web.New(web.Config{SearchesPerMinute: cfg.SearchesPerMinute, Store: cfg.Store, Files: cfg.Files, Log: cfg.Log, BaseURL: cfg.BaseURL, Cache: cache, Anonymous: Anonymous,
		Billing: cfg.Billing, Mail: cfg.Mail, LogLinks: cfg.LogLinks, Now: cfg.Now, MailQueued: cfg.MailQueued, Audio: cfg.Audio, Webhooks: cfg.Webhooks,
		Links: cfg.Links, CDNMaxAge: cfg.CDNMaxAge})
	if err != nil {
		return nil, err
	}
	if cache != nil {
		// Pages carry ads, whose days turn at midnight: the site says
		// when its pages go stale.
		cache.Version = site.CacheVersion
	}
	mux := http.NewServeMux()
	site.Register(mux)
	api.New(api.Config{SearchesPerMinute: cfg.SearchesPerMinute, Store: cfg.Store, Log: cfg.Log, BaseURL: cfg.BaseURL, Cache: cache, Anonymous: Anonymous}).Register(mux)
	// The admin never goes through the page cache: every response is private.
	adm, err := admin.New(admin.Config{Store: cfg.Store, Log: cfg.Log, BaseURL: cfg.BaseURL, Billing: cfg.Billing, Files: cfg.Files, Now: cfg.Now,
		Schedule: cfg.Schedule, PreviewPage: site.Preview, MailQueued: cfg.MailQueued, Editions: cfg.Editions, BuildEditions: cfg.BuildEditions,
		Audio: cfg.Audio, Narrate: cfg.Narrate, MakeLabels: cfg.MakeLabels, Webhooks: cfg.Webhooks, WebhooksAllowLoopback: cfg.WebhooksAllowLoopback,
		SendNewsletters: cfg.SendNewsletters})
	if err != nil {
		return nil, err
	}
	adm.Register(mux)
	// Software with an API key: no session, no page cache; the key is the
	// proof, so no cross-origin check is needed either.
	adminapi.New(adminapi.Config{Store: cfg.Store, Files: cfg.Files, Log: cfg.Log, BaseURL: cfg.BaseURL, Billing: cfg.Billing,
		Webhooks: cfg.Webhooks, Schedule: cfg.Schedule, RequestsPerMinute: cfg.AdminAPIRequestsPerMinute, Now: cfg.Now}).Register(mux)
	if cfg.Billing != nil {
		// The provider's server calls this: no session, no page cache, no
		// cross-origin check; the signature on the body is the proof.
		mux.Handle("POST /billing/webhooks/stripe", cfg.Billing.WebhookHandler())
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := cfg.Store.Ping(ctx); err != nil {
			cfg.Log.ErrorContext(ctx, "health check failed", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "database unavailable")
			return
		}
		fmt.Fprintln(w, "ok")
	})

	https := strings.HasPrefix(cfg.BaseURL, "https://")
	var origins []string
	if cfg.FileOrigin != "" && (cfg.Links.Public || cfg.Links.Private) {
		origins = append(origins, cfg.FileOrigin)
	}
	h := httpx.SecurityHeaders(httpx.Observe(httpx.CleanQuery(mux, plainError), cfg.Log, metrics, plainError, cfg.LogPolicy), https, origins...)
	if cfg.TrustProxy {
		h = httpx.TrustProxy(h)
	}
	return h, nil
}

// plainError is the last-resort error response, for a panic.
func plainError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}

// Serve listens on addr until ctx ends, then shuts down gracefully, giving
// requests in flight up to ten seconds. ready, if not nil, receives the
// address once the server listens.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w (is another server using it? choose another with --addr)", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
