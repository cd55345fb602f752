package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// MailPeriod is how often the outbox is emptied when nobody asks sooner.
const MailPeriod = 10 * time.Second

// DeliverMailArgs asks for the outbox to be delivered.
type DeliverMailArgs struct{}

// Kind names the job in River's table.
func (DeliverMailArgs) Kind() string { return "deliver_mail" }

type mailWorker struct {
	river.WorkerDefaults[DeliverMailArgs]
	q *Queue
}

// Work delivers what is due. A failed message is rescheduled by the
// outbox's own backoff; the job itself is never retried.
func (w *mailWorker) Work(ctx context.Context, _ *river.Job[DeliverMailArgs]) error {
	n, err := w.q.cfg.Mail.Deliver(ctx)
	if err != nil {
		w.q.cfg.Log.Error("mail delivery run failed; the next run tries again", "err", err)
		return err
	}
	if n > 0 {
		w.q.cfg.Log.Debug("mail delivered", "messages", n)
	}
	return nil
}

// DeliverMailNow asks for the outbox to be delivered at once, after a
// message that should not wait (a sign-in link) was written.
func (q *Queue) DeliverMailNow(ctx context.Context) error {
	if q.cfg.Mail == nil {
		return nil
	}
	// Runs may overlap: the outbox's claim keeps any message from going
	// out twice.
	_, err := q.client.Insert(ctx, DeliverMailArgs{}, &river.InsertOpts{MaxAttempts: 1})
	return err
}
