package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/jobs"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// The subscription sweep runs as soon as the queue starts (a server that
// was down at a period's end catches up at once), on both databases.
func TestSweepRunsOnStart(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ran := make(chan struct{}, 1)
		start(t, jobs.Config{Store: st, Sweep: func(context.Context) (int, error) {
			select {
			case ran <- struct{}{}:
			default:
			}
			return 0, nil
		}})
		select {
		case <-ran:
		case <-time.After(30 * time.Second):
			t.Fatal("the subscription sweep did not run after start")
		}
	})
}
