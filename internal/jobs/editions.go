package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// EditionsPeriod is how often the queue looks for issue editions to build
// or rebuild (edition.Builder.BuildStale debounces rebuilds itself).
const EditionsPeriod = 20 * time.Second

// BuildEditionsArgs is the job that builds missing and stale editions.
type BuildEditionsArgs struct{}

// Kind names the job in River's table.
func (BuildEditionsArgs) Kind() string { return "build_editions" }

type editionsWorker struct {
	river.WorkerDefaults[BuildEditionsArgs]
	q *Queue
}

// Timeout leaves room for a large issue's PDF; River's default minute is
// too short for it.
func (w *editionsWorker) Timeout(*river.Job[BuildEditionsArgs]) time.Duration {
	return 15 * time.Minute
}

// Work builds what is due. A failed build is recorded per edition; the
// next periodic run goes on with the others.
func (w *editionsWorker) Work(ctx context.Context, _ *river.Job[BuildEditionsArgs]) error {
	n, err := w.q.cfg.Editions(ctx)
	if err != nil {
		w.q.cfg.Log.Error("building issue editions failed; the next run tries again", "err", err)
		return err
	}
	if n > 0 {
		w.q.cfg.Log.Info("built issue editions", "count", n)
	}
	return nil
}

// BuildEditionsNow asks for an edition run at once: an issue was just
// published, and its readers should not wait for the periodic run.
func (q *Queue) BuildEditionsNow(ctx context.Context) error {
	if q == nil || q.client == nil || q.cfg.Editions == nil {
		return nil
	}
	_, err := q.client.Insert(ctx, BuildEditionsArgs{}, &river.InsertOpts{MaxAttempts: 1})
	return err
}
