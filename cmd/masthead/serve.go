package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/admin"
	"github.com/masthead-press/masthead/internal/audio"
	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/cdn"
	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/jobs"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/newsletter"
	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/web"
	"github.com/masthead-press/masthead/internal/webhook"
)

// minHeadroomMB is the least memory --memory-limit-mb must leave beside
// the page cache: the runtime, SQLite's page caches and a burst of
// requests need about that much, and a limit below it would only make
// the collector run without end.
const minHeadroomMB = 48

func serveCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "Run the web server: the public site, the JSON API and /healthz (and /metrics on --metrics-addr).", stdout, getenv)
	var c common
	var addr, baseURL string
	var demoMode, trustProxy, hooksLoopback, quiet bool
	var cacheMB, searchRate, apiRate, memoryMB, newsletterRate int
	var pprofAddr, metricsAddr, smtpURL, mailFrom string
	var purgeURL, purgeStyle string
	var cdnMaxAge time.Duration
	var logPolicy httpx.LogPolicy
	var stripeCfg billing.StripeConfig
	var sf storageFlags
	var linkMode string
	fs.common(&c)
	if err := fs.storage(&sf); err != nil {
		return err
	}
	fs.str(&linkMode, "s3-redirect", "none", "send readers to the bucket by short-lived presigned URLs instead of serving files through Masthead: none, public (images) or all (images, and narrations and editions after their access check)")
	fs.str(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.str(&baseURL, "base-url", "", "the public URL of the site, for canonical links (default: http://ADDR)")
	fs.boolean(&quiet, "no-background-builds", "build issue editions only when an issue is published and narrate articles only when asked (a first play), not in periodic background runs: for benchmarks")
	fs.boolean(&demoMode, "demo", "fill an empty database with a demo magazine before serving")
	fs.boolean(&hooksLoopback, "webhooks-allow-loopback", "let webhook endpoints be on this machine, over http too (http://127.0.0.1:PORT/...): for development and tests only; private networks stay refused")
	fs.boolean(&trustProxy, "trust-proxy", "behind one reverse proxy that appends X-Forwarded-For: take the client's address from its last entry (for rate limits and logs); never without such a proxy")
	if err := fs.integer(&cacheMB, "cache-mb", 32, "memory for the anonymous page cache in MiB (0 disables it)"); err != nil {
		return err
	}
	if err := fs.integer(&memoryMB, "memory-limit-mb", 0, "a soft limit on the process's memory in MiB, as GOMEMLIMIT sets: near it Go collects garbage harder (0: GOMEMLIMIT's, or none); leave room for the page cache and SQLite's"); err != nil {
		return err
	}
	if err := fs.integer(&searchRate, "search-rate", 60, "searches each address may make per minute"); err != nil {
		return err
	}
	if err := fs.integer(&apiRate, "admin-api-rate", 120, "requests each Admin API key may make per minute"); err != nil {
		return err
	}
	if err := fs.integer(&newsletterRate, "newsletter-rate", 200, "newsletter messages queued per second (0: as fast as the database allows); keep it within what the SMTP server accepts"); err != nil {
		return err
	}
	fs.str(&smtpURL, "smtp-url", "", "send e-mail through this server: smtp://USER:PASSWORD@HOST:587 (STARTTLS), smtps://... (TLS); without it mail stays in the local mailbox and is logged")
	fs.str(&mailFrom, "mail-from", "", "the sender address of the magazine's e-mail (default: no-reply@ the base URL's host)")
	fs.secret(&stripeCfg.SecretKey, "stripe-secret-key", "take payments with Stripe using this secret API key (prefer the environment variable: flags show in ps); without it billing runs in TEST MODE")
	fs.secret(&stripeCfg.WebhookSecret, "stripe-webhook-secret", "the signing secret (whsec_...) of the Stripe webhook endpoint BASE-URL/billing/webhooks/stripe")
	fs.str(&stripeCfg.APIURL, "stripe-api-url", "", "talk to this Stripe API instead of Stripe's, e.g. a stripe-mock at http://127.0.0.1:12111")
	fs.str(&purgeURL, "cdn-purge-url", "", "behind a CDN: purge its pages by surrogate key at this URL when content changes, e.g. https://api.fastly.com/service/ID/purge or https://api.cloudflare.com/client/v4/zones/ID/purge_cache (the token from MASTHEAD_CDN_PURGE_TOKEN)")
	fs.str(&purgeStyle, "cdn-purge-style", "fastly", "the purge request's shape: fastly or cloudflare")
	if err := fs.duration(&cdnMaxAge, "cdn-max-age", 4*time.Hour, "with --cdn-purge-url, how long the CDN may keep an anonymous page (Surrogate-Control, CDN-Cache-Control)"); err != nil {
		return err
	}
	fs.str(&pprofAddr, "pprof-addr", "", "serve Go's profiler (/debug/pprof/) on this separate address, e.g. 127.0.0.1:6060; keep it private")
	fs.str(&metricsAddr, "metrics-addr", "", "serve Prometheus metrics (/metrics) on this separate address, e.g. 127.0.0.1:9090; keep it private (off by default: never on --addr)")
	if err := fs.integer(&logPolicy.Sample, "log-sample", 0, "log one in N successful requests at info (0: none; all at --log-level debug); errors and slow requests are always logged"); err != nil {
		return err
	}
	if err := fs.duration(&logPolicy.Slow, "log-slow", time.Second, "log every request slower than this at info, e.g. 500ms"); err != nil {
		return err
	}
	if err := fs.parse(args); err != nil {
		return ignoreHelp(err)
	}
	if logPolicy.Sample < 0 {
		return usageError(fmt.Sprintf("--log-sample %d: use 0 (none) or a positive number", logPolicy.Sample))
	}
	if memoryMB < 0 || (memoryMB > 0 && memoryMB < max(cacheMB, 0)+minHeadroomMB) {
		return usageError(fmt.Sprintf("--memory-limit-mb %d: use 0 (no limit) or at least %d, the page cache's %d MiB and %d MiB for the rest", memoryMB, max(cacheMB, 0)+minHeadroomMB, max(cacheMB, 0), minHeadroomMB))
	}
	if memoryMB > 0 {
		debug.SetMemoryLimit(int64(memoryMB) << 20)
	}
	links, err := fileLinks(linkMode, sf)
	if err != nil {
		return err
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	st, files, err := openAll(ctx, c, sf, true)
	if err != nil {
		return err
	}
	defer st.Close()
	if demoMode {
		if err := seedDemo(ctx, st, files, demo.Options{Now: time.Now()}, stdout); err != nil {
			return err
		}
	}
	if baseURL == "" {
		baseURL = "http://" + addr
	}
	if !strings.HasPrefix(baseURL, "http://") && !strings.HasPrefix(baseURL, "https://") {
		return usageError(fmt.Sprintf("--base-url %q must start with http:// or https://", baseURL))
	}
	cacheBytes := cacheMB << 20
	if cacheMB <= 0 {
		cacheBytes = -1
	}
	baseURL = strings.TrimRight(baseURL, "/")
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		return err
	}
	// The queue starts after the handler is built; until then (before
	// serving) nothing is queued: webhook deliveries wait in the database
	// for the queue's first periodic run.
	var queue *jobs.Queue
	hooks := &webhook.Emitter{Store: st, Log: log, BaseURL: baseURL, Queued: func(ctx context.Context, ids []int64) {
		if queue != nil {
			queue.DeliverWebhooks(ctx, ids)
		}
	}}
	purger, err := cdn.New(purgeURL, purgeStyle, getenv("MASTHEAD_CDN_PURGE_TOKEN"), log)
	if err != nil {
		return usageError(err.Error())
	}
	if purger == nil {
		cdnMaxAge = 0 // without purges, a CDN must not keep pages longer than browsers do
	} else {
		hooks.Purge = purger.Purge
	}
	bill, err := billingService(ctx, st, tmpl, log, baseURL, stripeCfg, hooks)
	if err != nil {
		return err
	}
	mailQueued := func(ctx context.Context) {
		if queue != nil {
			if err := queue.DeliverMailNow(ctx); err != nil {
				log.Warn("could not ask for mail delivery now; the periodic run sends it", "err", err)
			}
		}
	}
	schedule := func(ctx context.Context, t time.Time) error {
		if queue == nil {
			return nil // the queue's first run, at start, publishes what is due
		}
		return queue.PublishAt(ctx, t)
	}
	letters := &newsletter.Sender{Store: st, Templates: tmpl, BaseURL: baseURL, Log: log, Rate: float64(newsletterRate), Queued: mailQueued}
	sendNewsletters := func(ctx context.Context) {
		if err := queue.SendNewslettersNow(ctx); err != nil {
			log.Warn("could not ask for a newsletter run now; the periodic run sends it", "err", err)
		}
	}
	editions, buildEditions := editionBuilder(st, files, log, baseURL, func() *jobs.Queue { return queue })
	narrator := &audio.Narrator{Store: st, Files: files, Log: log}
	narrate := func(ctx context.Context, id int64, priority int) error {
		if queue == nil {
			return nil
		}
		return queue.Narrate(ctx, id, priority)
	}
	labels := &fulfilment.LabelMaker{Store: st, Files: files, PDF: editions.PDF, Log: log}
	makeLabels := func(ctx context.Context, issueID int64, paper string) error {
		return queue.MakeLabels(ctx, issueID, paper) // serving starts after the queue
	}
	var fileOrigin string
	if b, ok := files.(*media.S3); ok && (links.Public || links.Private) {
		if fileOrigin, err = b.Origin(ctx); err != nil {
			return err
		}
	}
	registry := server.NewMetricsRegistry()
	h, err := server.New(server.Config{Store: st, Files: files, Links: links, FileOrigin: fileOrigin, Log: log, BaseURL: baseURL, CacheBytes: cacheBytes, CDNMaxAge: cdnMaxAge,
		SearchesPerMinute: searchRate, AdminAPIRequestsPerMinute: apiRate,
		Billing: bill, Mail: tmpl, LogLinks: smtpURL == "", MailQueued: mailQueued, Schedule: schedule, TrustProxy: trustProxy,
		LogPolicy: logPolicy, Metrics: registry, Editions: editions, BuildEditions: buildEditions, Audio: narrator, Narrate: narrate,
		MakeLabels: makeLabels, Webhooks: hooks, WebhooksAllowLoopback: hooksLoopback, SendNewsletters: sendNewsletters})
	if err != nil {
		return err
	}
	deliverer, err := mailDeliverer(st, files, log, smtpURL, mailFrom, baseURL)
	if err != nil {
		return err
	}
	queue, err = jobs.Start(ctx, jobs.Config{Store: st, Log: log, Mail: deliverer, Sweep: bill.Sweep, Editions: editions.BuildStale,
		Webhooks: webhook.NewSender(st, hooksLoopback, log), Emit: hooks,
		Narrate: func(ctx context.Context, id int64) error { _, err := narrator.Render(ctx, id); return err },
		Labels:  labels.Make, NoBackgroundBuilds: quiet, Newsletters: letters.Run})
	if err != nil {
		return err
	}
	if demoMode && !quiet {
		narrateNewestIssue(ctx, st, narrator, queue, log)
	}
	defer queue.Close() // before st.Close: River works through the store's connection
	go st.WatchVersion(ctx, time.Second)
	if pprofAddr != "" {
		go servePprof(ctx, pprofAddr, log)
	}
	if metricsAddr != "" {
		go serveMetrics(ctx, metricsAddr, server.MetricsHandler(registry), log, stdout)
	}
	return server.Serve(ctx, addr, h, log, func(a net.Addr) {
		fmt.Fprintf(stdout, "Masthead is serving %s on %s (%s database)\nOpen %s/\n", dbName(c), a, st.Dialect(), strings.TrimRight(baseURL, "/"))
	})
}

// fileLinks reads --s3-redirect.
func fileLinks(mode string, sf storageFlags) (web.FileLinks, error) {
	var l web.FileLinks
	switch mode {
	case "none", "":
		return l, nil
	case "public":
		l.Public = true
	case "all":
		l.Public, l.Private = true, true
	default:
		return l, usageError(fmt.Sprintf("--s3-redirect %q: use none, public or all", mode))
	}
	if !sf.s3On() {
		return l, usageError("--s3-redirect " + mode + " needs --s3-bucket: files on disk are always served through Masthead")
	}
	return l, nil
}

// billingService runs subscriptions through Stripe when it has a secret
// key, else in TEST MODE, where no money moves.
func billingService(ctx context.Context, st *store.Store, tmpl *mail.Templates, log *slog.Logger, baseURL string, sc billing.StripeConfig, hooks *webhook.Emitter) (*billing.Service, error) {
	pub, err := st.Publication(ctx)
	if err != nil {
		return nil, err
	}
	prefix, err := st.InstallID(ctx)
	if err != nil {
		return nil, err
	}
	opts := billing.Options{Publication: pub.Name, BaseURL: baseURL, Logger: log, KeyPrefix: prefix, Webhooks: hooks}
	if sc.SecretKey == "" && sc.WebhookSecret == "" {
		log.Warn("billing is in TEST MODE: no real payments are taken (set MASTHEAD_STRIPE_SECRET_KEY and MASTHEAD_STRIPE_WEBHOOK_SECRET to use Stripe)")
		return billing.New(st, billing.NewTestMode(), tmpl, opts), nil
	}
	sc.Now = func() time.Time { return st.Now() }
	p, err := billing.NewStripe(sc)
	if err != nil {
		return nil, usageError(err.Error())
	}
	log.Info("billing through Stripe", "test_mode", p.TestMode(), "webhook", baseURL+"/billing/webhooks/stripe")
	return billing.New(st, p, tmpl, opts), nil
}

func ignoreHelp(err error) error {
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

func dbName(c common) string {
	if store.IsPostgres(c.databaseDSN()) {
		return "PostgreSQL"
	}
	return c.databaseDSN()
}

// openAll opens the database (applying our migrations and River's when
// migrate is set) and the media storage: the bucket, which must answer,
// or the media folder.
//
// A bucket is checked first, so that one that cannot be used stops the
// command before it migrates anything.
func openAll(ctx context.Context, c common, sf storageFlags, migrate bool) (*store.Store, media.Storage, error) {
	var files media.Storage
	if sf.s3On() {
		var err error
		if files, err = sf.open(ctx, c); err != nil {
			return nil, nil, err
		}
	}
	st, err := store.Open(ctx, store.Options{Database: c.databaseDSN(), Migrate: migrate})
	if err != nil {
		return nil, nil, err
	}
	if migrate {
		if err := jobs.Migrate(ctx, st, nil); err != nil {
			st.Close()
			return nil, nil, err
		}
	}
	if files == nil {
		if files, err = sf.open(ctx, c); err != nil {
			st.Close()
			return nil, nil, err
		}
	}
	return st, files, nil
}

// seedDemo fills an empty database; a database with content is left alone.
func seedDemo(ctx context.Context, st *store.Store, files media.Storage, opts demo.Options, stdout io.Writer) error {
	if added, err := demo.SeedPlans(ctx, st); err != nil {
		return fmt.Errorf("seed the demo plans: %w", err)
	} else if added > 0 {
		fmt.Fprintf(stdout, "Added %d demo plans (Digital, Print + Digital); checkout is in TEST MODE: pay with card 4242 4242 4242 4242.\n", added)
	}
	if err := seedDemoStaff(ctx, st, stdout); err != nil {
		return err
	}
	sections, err := st.Sections(ctx)
	if err != nil {
		return err
	}
	if len(sections) > 0 {
		fmt.Fprintln(stdout, "The database already has content; the demo magazine is not added again.")
		return nil
	}
	fmt.Fprintln(stdout, "Filling the database with the demo magazine...")
	opts.Progress = stdout
	start := time.Now()
	sum, err := demo.Seed(ctx, st, files, opts)
	if err != nil {
		if magazine.ErrorCode(err) == magazine.EINVALID {
			return errors.New(magazine.ErrorMessage(err))
		}
		return fmt.Errorf("seed the demo magazine: %w", err)
	}
	fmt.Fprintf(stdout, "Demo magazine ready in %.1fs: %d sections, %d authors, %d issues, %d articles, %d images.\n",
		time.Since(start).Seconds(), sum.Sections, sum.Authors, sum.Issues, sum.Articles, sum.Images)
	return nil
}

// servePprof serves the profiler on its own listener, never on the public
// address.
func servePprof(ctx context.Context, addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	if err := server.Serve(ctx, addr, mux, log, nil); err != nil {
		log.Error("profiler server stopped", "addr", addr, "err", err)
	}
}

// serveMetrics serves /metrics on its own listener, never on the public
// address.
func serveMetrics(ctx context.Context, addr string, h http.Handler, log *slog.Logger, stdout io.Writer) {
	err := server.Serve(ctx, addr, h, log, func(a net.Addr) { fmt.Fprintf(stdout, "Metrics at http://%s/metrics\n", a) })
	if err != nil {
		log.Error("metrics server stopped", "addr", addr, "err", err)
	}
}

// seedDemoStaff adds one member of staff of each role and says how to sign
// in as them; a magazine that has staff already is left alone.
func seedDemoStaff(ctx context.Context, st *store.Store, stdout io.Writer) error {
	logins, err := admin.SeedDemoStaff(ctx, st)
	if err != nil || len(logins) == 0 {
		return err
	}
	fmt.Fprintf(stdout, "Demo staff, one of each role; sign in at /admin/sign-in with the password %q (DEMO ONLY: never use it on a real magazine):\n", admin.DemoPassword)
	for _, l := range logins {
		fmt.Fprintf(stdout, "  %-12s %s\n", l.Role, l.Email)
	}
	return nil
}

// mailDeliverer sends through SMTP when one is configured and otherwise
// keeps mail in the local mailbox.
func mailDeliverer(st *store.Store, files media.Storage, log *slog.Logger, smtpURL, from, baseURL string) (*mail.Deliverer, error) {
	d := &mail.Deliverer{Store: st, Log: log}
	if smtpURL == "" {
		log.Info("no --smtp-url: e-mail is kept in the local mailbox and written to this log")
		return d, nil
	}
	if from == "" {
		u, err := url.Parse(baseURL)
		if err != nil || u.Hostname() == "" {
			return nil, usageError("set --mail-from: the sender address of the magazine's e-mail")
		}
		from = "no-reply@" + u.Hostname()
	}
	sender, err := mail.ParseSMTP(smtpURL, from)
	if err != nil {
		return nil, usageError(err.Error())
	}
	sender.Files = files // an issue's EPUB, for a Kindle
	d.Sender = sender
	return d, nil
}

// narrateNewestIssue queues the narration of the demo's newest issue at
// low priority, one article after another on the audio queue: the rest of
// the archive is narrated on first play (narrating it all at start would
// keep both cores busy for hours).
func narrateNewestIssue(ctx context.Context, st *store.Store, n *audio.Narrator, q *jobs.Queue, log *slog.Logger) {
	if err := n.Available(ctx); err != nil {
		log.Warn("narration is not available; readers see no player (masthead doctor says what to install)", "err", err)
		return
	}
	issues, _, err := st.Issues(ctx, store.IssueFilter{Limit: 1})
	if err != nil || len(issues) == 0 {
		return
	}
	arts, err := st.IssueContents(ctx, issues[0].ID)
	if err != nil {
		log.Warn("cannot list the newest issue for narration", "err", err)
		return
	}
	for _, a := range arts {
		if aa, err := st.ArticleAudio(ctx, a.ID); a.Status != magazine.StatusPublished || err == nil && aa.State == store.AudioReady {
			continue
		}
		if err := q.Narrate(ctx, a.ID, jobs.PriorityBackground); err != nil {
			log.Warn("cannot queue a demo narration", "article", a.ID, "err", err)
		}
	}
}
