package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// SweepPeriod is how often subscriptions whose period ended are looked at.
const SweepPeriod = time.Minute

// SweepSubscriptionsArgs asks for subscriptions to be renewed or ended as
// their periods end (billing.Service.Sweep).
type SweepSubscriptionsArgs struct{}

// Kind names the job in River's table.
func (SweepSubscriptionsArgs) Kind() string { return "sweep_subscriptions" }

type sweepWorker struct {
	river.WorkerDefaults[SweepSubscriptionsArgs]
	q *Queue
}

// Work runs one sweep; the next periodic run retries what failed.
func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepSubscriptionsArgs]) error {
	n, err := w.q.cfg.Sweep(ctx)
	if err != nil {
		w.q.cfg.Log.Error("subscription sweep failed; the next run tries again", "err", err)
		return err
	}
	if n > 0 {
		w.q.cfg.Log.Info("subscriptions renewed or ended at their period's end", "subscriptions", n)
	}
	return nil
}
