package jobs_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/jobs"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestNoBackgroundBuilds: a queue started without background builds has
// no periodic edition build or narration search (one started normally
// has both), and still builds editions when an issue is published.
func TestNoBackgroundBuilds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, quiet := range []bool{false, true} {
		s := storetest.SQLite(t)
		runs := make(chan struct{}, 10)
		q := start(t, jobs.Config{Store: s, Log: testLog(t), Period: time.Hour, NoBackgroundBuilds: quiet,
			Editions: func(context.Context) (int, error) { runs <- struct{}{}; return 0, nil },
			Narrate:  func(context.Context, int64) error { return nil }})
		for _, id := range []string{"build_editions", "find_narrations"} {
			if slices.Contains(q.Periodic(), id) == quiet {
				t.Errorf("quiet %v: periodic jobs %v", quiet, q.Periodic())
			}
		}
		if !slices.Contains(q.Periodic(), "publish_due") {
			t.Errorf("quiet %v: no periodic publishing: %v", quiet, q.Periodic())
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
