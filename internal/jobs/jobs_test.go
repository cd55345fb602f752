package jobs_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/jobs"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// t0 is the time articles are scheduled for; the tests' clock is moved
// around it instead of waiting.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// wait bounds how long a test waits for the queue to do something; passing
// tests never reach it.
const wait = 30 * time.Second

// clock is a settable Now.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.set(t)
	return c
}
func (c *clock) set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

// runs records what each publishing run published.
type runs struct {
	mu   sync.Mutex
	n    int
	ids  []int64
	errs []error
	ch   chan struct{}
}

func newRuns() *runs { return &runs{ch: make(chan struct{}, 1)} }

func (r *runs) record(ids []int64, err error) {
	r.mu.Lock()
	r.n++
	r.ids = append(r.ids, ids...)
	if err != nil {
		r.errs = append(r.errs, err)
	}
	r.mu.Unlock()
	select {
	case r.ch <- struct{}{}:
	default:
	}
}

func (r *runs) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// waitFor waits until ok holds after a run, or fails the test.
func (r *runs) waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.After(wait)
	for !ok() {
		select {
		case <-r.ch:
		case <-deadline:
			t.Fatalf("after %s and %d publishing runs: still waiting for %s", wait, r.count(), what)
		}
	}
}

func (r *runs) published(id int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Contains(r.ids, id)
}

func (r *runs) failures() []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.errs)
}

// magazineFixture is one section and one author to hang articles on.
type magazineFixture struct {
	section, author int64
}

func newMagazine(t *testing.T, s *store.Store) magazineFixture {
	t.Helper()
	ctx := context.Background()
	sec, err := s.CreateSection(ctx, magazine.Section{Name: "Politics", Position: 1})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill"})
	if err != nil {
		t.Fatal(err)
	}
	return magazineFixture{section: sec.ID, author: a.ID}
}

func (m magazineFixture) schedule(t *testing.T, s *store.Store, headline string, at time.Time) magazine.Article {
	t.Helper()
	a, err := s.CreateArticle(context.Background(), magazine.ArticleInput{
		Headline: headline, SectionID: m.section, AuthorIDs: []int64{m.author},
		Status: magazine.StatusScheduled, PublishedAt: at, BodyMarkdown: "About " + headline + ".",
	})
	if err != nil {
		t.Fatalf("schedule %q: %v", headline, err)
	}
	return a
}

// live reports whether readers can open the article on the site.
func live(t *testing.T, s *store.Store, a magazine.Article) bool {
	t.Helper()
	_, err := s.ArticleBySlug(context.Background(), a.Slug)
	if err != nil && !magazine.IsNotFound(err) {
		t.Fatalf("read %s: %v", a.Slug, err)
	}
	return err == nil
}

// start migrates River's tables and starts the queue; it is closed when
// the test ends unless the test closed it.
func start(t *testing.T, cfg jobs.Config) *jobs.Queue {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, cfg.Store, testLog(t)); err != nil {
		t.Fatal(err)
	}
	cfg.Log = testLog(t)
	q, err := jobs.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

// testLog sends warnings and errors to the test's log.
func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var n int
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM river_job").Scan(&n); err == nil {
			t.Fatal("river_job exists before jobs.Migrate: the test proves nothing")
		}
		for i := range 2 {
			if err := jobs.Migrate(ctx, s, testLog(t)); err != nil {
				t.Fatalf("migrate #%d: %v", i+1, err)
			}
		}
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM river_job").Scan(&n); err != nil {
			t.Fatalf("River's job table after Migrate: %v", err)
		}
		if n != 0 {
			t.Errorf("%d jobs in a fresh queue", n)
		}
	})
}

// TestScheduledArticleGoesLive: the periodic job publishes an article whose
// time has passed, and leaves one whose time has not come.
func TestScheduledArticleGoesLive(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clk := newClock(t0.Add(-time.Minute))
		r := newRuns()
		start(t, jobs.Config{Store: s, Period: 100 * time.Millisecond, Now: clk.now, AfterPublish: r.record})
		m := newMagazine(t, s)
		// Scheduled after the queue started, so only River's periodic
		// runs can publish them.
		due := m.schedule(t, s, "The budget passes", t0)
		later := m.schedule(t, s, "The budget is signed", t0.Add(time.Hour))

		n := r.count()
		r.waitFor(t, "two runs before the article's time", func() bool { return r.count() >= n+2 })
		if live(t, s, due) {
			t.Fatal("the article is live before its time")
		}

		clk.set(t0.Add(time.Second))
		r.waitFor(t, "the due article to be published", func() bool { return r.published(due.ID) })
		if !live(t, s, due) {
			t.Fatal("published, but the site does not show it")
		}
		n = r.count()
		r.waitFor(t, "two more runs", func() bool { return r.count() >= n+2 })
		if live(t, s, later) {
			t.Error("an article scheduled an hour later went live too")
		}

		clk.add(time.Hour)
		r.waitFor(t, "the later article to be published", func() bool { return r.published(later.ID) })
		if !live(t, s, later) {
			t.Error("the later article is not on the site")
		}
		if errs := r.failures(); len(errs) > 0 {
			t.Errorf("failed runs: %v", errs)
		}
	})
}

// TestRestartCatchesUp: the server is stopped before an article's time and
// started after it; the article is live as soon as Start returns, long
// before the next periodic run (an hour away here).
func TestRestartCatchesUp(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clk := newClock(t0.Add(-time.Minute))
		q := start(t, jobs.Config{Store: s, Period: time.Hour, Now: clk.now})
		m := newMagazine(t, s)
		a := m.schedule(t, s, "Published while nobody watched", t0)
		if err := q.Close(); err != nil {
			t.Fatalf("stop the queue: %v", err)
		}
		dsn := s.DSN()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}

		clk.set(t0.Add(10 * time.Minute))
		s2, err := store.Open(ctx, store.Options{Database: dsn, Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s2.Close() })
		if live(t, s2, a) {
			t.Fatal("live before the queue restarted: the test proves nothing")
		}
		start(t, jobs.Config{Store: s2, Period: time.Hour, Now: clk.now})
		if !live(t, s2, a) {
			t.Error("the article that fell due while the server was stopped is not live after the restart")
		}
	})
}

// TestPublishAtTheMinute: with the periodic run an hour away, an article
// due in a moment still goes live, through the exact-time job that the
// periodic run queues for the next scheduled article.
func TestPublishAtTheMinute(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		r := newRuns()
		m := newMagazine(t, s)
		a := m.schedule(t, s, "Right on time", time.Now().Add(2*time.Second))
		start(t, jobs.Config{Store: s, Period: time.Hour, AfterPublish: r.record})
		r.waitFor(t, "the article to be published at its time", func() bool { return r.published(a.ID) })
		if !live(t, s, a) {
			t.Error("not on the site")
		}
	})
}

// TestSQLiteWritesWhileQueueRuns: River shares the store's one write
// connection on SQLite; editors' saves must never fail with SQLITE_BUSY
// while the queue publishes as fast as it can.
func TestSQLiteWritesWhileQueueRuns(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	clk := newClock(t0)
	r := newRuns()
	start(t, jobs.Config{Store: s, Period: 5 * time.Millisecond, Now: clk.now, AfterPublish: r.record})
	m := newMagazine(t, s)
	// Start writing once River runs the job (the first run is Start's own).
	r.waitFor(t, "River's first periodic run", func() bool { return r.count() >= 3 })
	before := r.count()
	// Batches of 50 concurrent saves, until a publishing run has happened
	// while they were being written (on a fast or a busy machine alike).
	var ids []int64
	var errs []error
	for batch := 0; batch == 0 || r.count() < before+1; batch++ {
		if batch == 40 {
			t.Fatalf("no publishing run during %d saves: the test proves nothing", len(ids))
		}
		const n = 50
		var wg sync.WaitGroup
		bids := make([]int64, n)
		berrs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				a, err := s.CreateArticle(context.Background(), magazine.ArticleInput{
					Headline: fmt.Sprintf("Dispatch %d-%d", batch, i), SectionID: m.section, AuthorIDs: []int64{m.author},
					Status: magazine.StatusScheduled, PublishedAt: t0.Add(-time.Duration(i) * time.Second),
					BodyMarkdown: "A paragraph.",
				})
				bids[i], berrs[i] = a.ID, err
			})
		}
		wg.Wait()
		ids, errs = append(ids, bids...), append(errs, berrs...)
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("save %d failed while the queue ran: %v", i, err)
		}
	}
	r.waitFor(t, "every saved article to be published", func() bool {
		for _, id := range ids {
			if !r.published(id) {
				return false
			}
		}
		return true
	})
	if errs := r.failures(); len(errs) > 0 {
		t.Errorf("%d publishing runs failed, first: %v", len(errs), errs[0])
	}
}
