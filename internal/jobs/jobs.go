// Package jobs runs Masthead's background work on River, a job queue kept in
// the store's own database: riversqlite on SQLite (through the store's
// single write connection, so River's writes queue behind the store's
// instead of failing with SQLITE_BUSY) and riverpgxv5 on PostgreSQL.
//
// Today the work is scheduled publishing: a periodic job every Period (30 s)
// publishes the articles whose time has come, and Start publishes those
// that fell due while the server was stopped before it returns. Smaller
// periodic jobs deliver mail and delete expired staff sessions; webhook
// deliveries have a queue of their own (webhooks.go).
package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/webhook"
)

// DefaultPeriod is how often the queue looks for articles that are due. A
// scheduled article is live at most this long (plus a job's run time) after
// its time.
const DefaultPeriod = 30 * time.Second

// A graceful stop gives running jobs softStop to finish, then cancels
// their contexts; stopTimeout bounds the whole stop.
const (
	stopTimeout = 15 * time.Second
	softStop    = 5 * time.Second
)

// Config configures Start.
type Config struct {
	Store *store.Store
	Log   *slog.Logger // nil: discard
	// Period between two looks for due articles; DefaultPeriod when zero.
	Period time.Duration
	// Now is the clock that decides what is due; time.Now when nil. Tests
	// move it instead of waiting.
	Now func() time.Time
	// AfterPublish, when set, is called after every publishing run with
	// what it published (tests wait on it).
	AfterPublish func(ids []int64, err error)
	// AfterPublishIssues, when set, is called after every publishing run
	// with the scheduled issues it published.
	AfterPublishIssues func(ids []int64, err error)
	// Mail, if set, is run every MailPeriod and on DeliverMailNow to
	// empty the outbox.
	Mail *mail.Deliverer
	// Sweep, if set, is run every SweepPeriod to renew or end
	// subscriptions whose period is over (billing.Service.Sweep).
	Sweep func(ctx context.Context) (int, error)
	// Editions, if set, is run every EditionsPeriod to build the issue
	// editions that are missing or stale (edition.Builder.BuildStale).
	Editions func(ctx context.Context) (int, error)
	// Newsletters, if set, is run every NewsletterPeriod and on
	// SendNewslettersNow to mail newly published issues
	// (newsletter.Sender.Run).
	Newsletters func(ctx context.Context) (int, error)
	// SessionCleanupPeriod between two deletions of expired staff
	// sessions; DefaultSessionCleanupPeriod when zero.
	SessionCleanupPeriod time.Duration
	// Narrate, if set, narrates an article (audio.Narrator.Render): on the
	// audio queue, for articles just published or edited (every
	// NarratePeriod) and those asked for with Queue.Narrate.
	Narrate func(ctx context.Context, articleID int64) error
	// NoBackgroundBuilds turns off the periodic runs that build issue
	// editions and look for articles to narrate: editions are then built
	// when an issue is published and narrations made when asked for (a
	// first play, "render again"), so that a benchmark measures pages,
	// not WeasyPrint and Festival.
	NoBackgroundBuilds bool
	// Labels, if set, makes an issue's labels PDF on a paper size
	// (fulfilment.LabelMaker.Make), for the jobs MakeLabels queues.
	Labels func(ctx context.Context, issueID int64, paper string) error
	// Webhooks, if set, delivers webhooks (on the webhooks queue, with
	// WebhookAttempts attempts spaced by WebhookBackoff; tests shorten
	// both) and looks for undelivered ones every WebhookPeriod.
	Webhooks        *webhook.Sender
	WebhookAttempts int
	WebhookBackoff  func(attempt int) time.Duration
	// Emit, if set, is told what the publishing runs publish.
	Emit *webhook.Emitter
	// AfterSessionCleanup, when set, is called after every such run with
	// how many sessions it deleted (tests wait on it).
	AfterSessionCleanup func(n int, err error)
}

// Queue is a running River client. Close stops it.
type Queue struct {
	cfg      Config
	client   client
	pool     *pgxpool.Pool // PostgreSQL only
	periodic []string      // the periodic jobs' ids
}

// Periodic names the jobs this queue runs on a schedule (and at start),
// such as "publish_due" and "build_editions".
func (q *Queue) Periodic() []string { return q.periodic }

// client is what Queue uses of a *river.Client, whatever its driver.
type client interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// Migrate applies River's migrations to the store's database. serve and
// migrate call it right after the store's own migrations; it does nothing
// when they are applied already.
func Migrate(ctx context.Context, st *store.Store, log *slog.Logger) error {
	rlog := riverLogger(log)
	if st.Dialect() != "postgres" {
		// River runs each migration in its own transaction on the store's
		// write connection, which SQLite begins IMMEDIATE: another process
		// migrating at the same moment waits for it.
		return migrate(ctx, riversqlite.New(st.DB()), rlog)
	}
	pool, err := pgxpool.New(ctx, st.DSN())
	if err != nil {
		return fmt.Errorf("open the job queue's PostgreSQL pool: %w", err)
	}
	defer pool.Close()
	// Two servers starting together must not both create River's tables:
	// hold a session advisory lock on one connection while the pool migrates.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL for the job queue's migrations: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(727211)"); err != nil {
		return fmt.Errorf("lock for the job queue's migrations: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(727211)")
	return migrate(ctx, riverpgxv5.New(pool), rlog)
}

func migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], log *slog.Logger) error {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("prepare the job queue's migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("apply the job queue's migrations (the database user must be allowed to create tables): %w", err)
	}
	return nil
}

// Start publishes what is already due, then starts River with the periodic
// publishing job. River's tables must exist (see Migrate). Stop it with
// Close; ctx only bounds the start.
func Start(ctx context.Context, cfg Config) (*Queue, error) {
	if cfg.Store == nil {
		return nil, errors.New("jobs: no store")
	}
	cfg.Period = cmp.Or(cfg.Period, DefaultPeriod)
	cfg.SessionCleanupPeriod = cmp.Or(cfg.SessionCleanupPeriod, DefaultSessionCleanupPeriod)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	q := &Queue{cfg: cfg}
	// Catch up before serving: a server that was stopped across an
	// article's time shows it from its first request.
	if err := q.publish(ctx); err != nil {
		return nil, err
	}

	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &publishWorker{q: q}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &sessionsWorker{q: q}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if cfg.Mail != nil {
		if err := river.AddWorkerSafely(workers, &mailWorker{q: q}); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
	}
	if cfg.Sweep != nil {
		if err := river.AddWorkerSafely(workers, &sweepWorker{q: q}); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
	}
	if cfg.Editions != nil {
		if err := river.AddWorkerSafely(workers, &editionsWorker{q: q}); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
	}
	if cfg.Newsletters != nil {
		if err := river.AddWorkerSafely(workers, &newslettersWorker{q: q}); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
	}
	if cfg.Labels != nil {
		if err := river.AddWorkerSafely(workers, &labelsWorker{q: q}); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
	}
	if cfg.Webhooks != nil {
		if err := river.AddWorkerSafely(workers, &webhookWorker{q: q}); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		if err := river.AddWorkerSafely(workers, &queueWebhooksWorker{q: q}); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
	}
	if cfg.Narrate != nil {
		if err := river.AddWorkerSafely(workers, &narrateWorker{q: q}); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		if err := river.AddWorkerSafely(workers, &findNarrationsWorker{q: q}); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
	}
	// River looks for available jobs this often when no notification
	// arrives (always, on SQLite: see PollOnly).
	poll := min(time.Second, cfg.Period/2)
	rc := &river.Config{
		Logger:                      riverLogger(cfg.Log),
		Workers:                     workers,
		Queues:                      map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
		FetchPollInterval:           poll,
		FetchCooldown:               min(river.FetchCooldownDefault, poll),
		CompletedJobRetentionPeriod: time.Hour, // one row every 30 s: keep the table small
		SoftStopTimeout:             softStop,
	}
	add := func(period time.Duration, args river.JobArgs, id string) {
		rc.PeriodicJobs = append(rc.PeriodicJobs, every(period, args, id))
		q.periodic = append(q.periodic, id)
	}
	add(cfg.Period, PublishArgs{}, "publish_due")
	if cfg.Mail != nil {
		add(MailPeriod, DeliverMailArgs{}, "deliver_mail")
	}
	if cfg.Narrate != nil {
		rc.Queues[NarrateQueue] = river.QueueConfig{MaxWorkers: 1}
		if !cfg.NoBackgroundBuilds {
			add(NarratePeriod, FindNarrationsArgs{}, "find_narrations")
		}
	}
	if cfg.Webhooks != nil {
		rc.Queues[WebhookQueue] = river.QueueConfig{MaxWorkers: 4}
		add(min(WebhookPeriod, cfg.Period), QueueWebhooksArgs{}, "queue_webhooks")
	}
	if cfg.Sweep != nil {
		add(SweepPeriod, SweepSubscriptionsArgs{}, "sweep_subscriptions")
	}
	if cfg.Editions != nil && !cfg.NoBackgroundBuilds {
		add(EditionsPeriod, BuildEditionsArgs{}, "build_editions")
	}
	if cfg.Newsletters != nil {
		add(NewsletterPeriod, SendNewslettersArgs{}, "send_newsletters")
	}
	add(cfg.SessionCleanupPeriod, DeleteExpiredSessionsArgs{}, "delete_expired_sessions")
	switch cfg.Store.Dialect() {
	case "postgres":
		pool, err := pgxpool.New(ctx, cfg.Store.DSN())
		if err != nil {
			return nil, fmt.Errorf("open the job queue's PostgreSQL pool: %w", err)
		}
		q.pool = pool
		q.client, err = river.NewClient(riverpgxv5.New(pool), rc)
		if err != nil {
			pool.Close()
			return nil, fmt.Errorf("jobs: %w", err)
		}
	default:
		// SQLite has no LISTEN/NOTIFY: River would emulate it by reading a
		// table every 50 ms on the one write connection. Polling for jobs
		// every `poll` is all a job every 30 s needs.
		rc.PollOnly = true
		c, err := river.NewClient(riversqlite.New(cfg.Store.DB()), rc)
		if err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		q.client = c
	}
	// Jobs run under a context that outlives ctx: Close stops them
	// gracefully instead.
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		q.closePool()
		return nil, fmt.Errorf("start the job queue: %w (run `masthead migrate` if River's tables are missing)", err)
	}
	return q, nil
}

// PublishAt asks for a publishing run at t, for an article just scheduled:
// it then goes live within seconds of t rather than within Period. The
// periodic run publishes it anyway if this job is lost.
func (q *Queue) PublishAt(ctx context.Context, t time.Time) error {
	_, err := q.client.Insert(ctx, PublishArgs{At: t.UTC().Truncate(time.Second)}, &river.InsertOpts{
		ScheduledAt: t,
		MaxAttempts: 1,
		UniqueOpts:  river.UniqueOpts{ByArgs: true}, // one run per time, however often it is asked for
	})
	if err != nil {
		return fmt.Errorf("queue publishing at %s: %w", t.UTC().Format(time.RFC3339), err)
	}
	return nil
}

// Close stops River: no new jobs start, running ones get a few seconds to
// finish. Close it before the store.
func (q *Queue) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	err := q.client.Stop(ctx)
	if err != nil {
		err = errors.Join(fmt.Errorf("stop the job queue: %w", err), q.client.StopAndCancel(context.Background()))
	}
	q.closePool()
	return err
}

func (q *Queue) closePool() {
	if q.pool != nil {
		q.pool.Close()
	}
}

// riverLogger passes on River's warnings and errors only: its routine
// messages (client started, leader elected) would drown the request log.
func riverLogger(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(minLevel{log.Handler(), slog.LevelWarn})
}

type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(attrs), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}

// every is a periodic job: args every period, and once when the queue
// starts (a server that was stopped catches up at once). A failed run is
// not retried: the next one is the retry.
func every(period time.Duration, args river.JobArgs, id string) *river.PeriodicJob {
	return river.NewPeriodicJob(
		river.PeriodicInterval(period),
		func() (river.JobArgs, *river.InsertOpts) { return args, &river.InsertOpts{MaxAttempts: 1} },
		&river.PeriodicJobOpts{ID: id, RunOnStart: true},
	)
}
