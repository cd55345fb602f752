package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/jobs"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestNoBackgroundBuilds: a queue started without background builds
// runs no periodic edition build (one started normally runs one at
// once), and still builds when an issue is published.
func TestNoBackgroundBuilds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, quiet := range []bool{false, true} {
		s := storetest.SQLite(t)
		runs := make(chan struct{}, 10)
		q := start(t, jobs.Config{Store: s, Log: testLog(t), Period: time.Hour, NoBackgroundBuilds: quiet,
			Editions: func(context.Context) (int, error) { runs <- struct{}{}; return 0, nil }})
		select {
		case <-runs:
			if quiet {
				t.Error("a periodic edition build ran with NoBackgroundBuilds")
			}
		case <-time.After(3 * time.Second):
			if !quiet {
				t.Fatal("no edition build at start")
			}
		}
		if err := q.BuildEditionsNow(ctx); err != nil {
			t.Fatal(err)
		}
		select {
		case <-runs:
		case <-time.After(wait):
			t.Fatalf("quiet %v: BuildEditionsNow built nothing", quiet)
		}
		q.Close()
	}
}
