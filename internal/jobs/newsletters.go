package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// NewsletterPeriod is how often the queue looks for newly published
// issues to mail and for sends a stopped process left unfinished.
const NewsletterPeriod = 30 * time.Second

// SendNewslettersArgs is the job that queues newsletters.
type SendNewslettersArgs struct{}

// Kind names the job in River's table.
func (SendNewslettersArgs) Kind() string { return "send_newsletters" }

type newslettersWorker struct {
	river.WorkerDefaults[SendNewslettersArgs]
	q *Queue
}

// Timeout is none: a send to many readers at a bounded rate takes as long
// as it takes, and a run killed midway is continued by the next.
func (w *newslettersWorker) Timeout(*river.Job[SendNewslettersArgs]) time.Duration { return -1 }

// Work queues what is due. A failed run is not retried: the next periodic
// run continues where it stopped.
func (w *newslettersWorker) Work(ctx context.Context, _ *river.Job[SendNewslettersArgs]) error {
	n, err := w.q.cfg.Newsletters(ctx)
	if err != nil {
		w.q.cfg.Log.Error("sending newsletters failed; the next run continues", "err", err)
		return err
	}
	if n > 0 {
		w.q.cfg.Log.Info("queued newsletters", "messages", n)
	}
	return nil
}

// SendNewslettersNow asks for a newsletter run at once: an issue was
// just published.
func (q *Queue) SendNewslettersNow(ctx context.Context) error {
	if q == nil || q.client == nil || q.cfg.Newsletters == nil {
		return nil
	}
	_, err := q.client.Insert(ctx, SendNewslettersArgs{}, &river.InsertOpts{MaxAttempts: 1})
	return err
}
