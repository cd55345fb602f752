package jobs

import (
	"cmp"
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"

	"github.com/masthead-press/masthead/internal/webhook"
)

// Webhook deliveries run on their own queue, so that a slow endpoint
// (each attempt may take webhook.AttemptTimeout) never holds up
// publishing or mail.
const (
	WebhookQueue = "webhooks"
	// WebhookAttempts is how many times a delivery is tried: with
	// WebhookBackoff the last comes about three days after the first.
	WebhookAttempts = 16
	// WebhookPeriod is how often deliveries recorded while no queue ran
	// (the command line, a server starting) are looked for.
	WebhookPeriod = 30 * time.Second
)

// WebhookBackoff is the wait after failed attempt n (1-based): a minute,
// doubling up to twelve hours, within 10 % either way so that the retries
// of many deliveries to an endpoint that was down spread out. Sixteen
// attempts span about three days (docs/WEBHOOKS.md).
func WebhookBackoff(attempt int) time.Duration {
	d := 12 * time.Hour
	if attempt < 11 {
		d = min(d, time.Minute<<max(attempt-1, 0))
	}
	return time.Duration(float64(d) * (0.9 + 0.2*rand.Float64()))
}

// DeliverWebhookArgs makes one attempt at a webhook delivery; River
// retries it.
type DeliverWebhookArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind names the job in River's table.
func (DeliverWebhookArgs) Kind() string { return "deliver_webhook" }

// QueueWebhooksArgs looks for deliveries that have no job yet.
type QueueWebhooksArgs struct{}

// Kind names the job in River's table.
func (QueueWebhooksArgs) Kind() string { return "queue_webhooks" }

type webhookWorker struct {
	river.WorkerDefaults[DeliverWebhookArgs]
	q *Queue
}

// Timeout leaves the attempt its own timeout and time to record it.
func (w *webhookWorker) Timeout(*river.Job[DeliverWebhookArgs]) time.Duration {
	return webhook.AttemptTimeout + 20*time.Second
}

// NextRetry spreads the attempts over about three days.
func (w *webhookWorker) NextRetry(job *river.Job[DeliverWebhookArgs]) time.Time {
	return time.Now().Add(w.q.webhookBackoff(job.Attempt))
}

// Work makes one attempt; the error of a failed one makes River retry.
func (w *webhookWorker) Work(ctx context.Context, job *river.Job[DeliverWebhookArgs]) error {
	err := w.q.cfg.Webhooks.Attempt(ctx, job.Args.DeliveryID, job.Attempt >= job.MaxAttempts)
	if err != nil && !errors.Is(err, webhook.ErrRetry) {
		w.q.cfg.Log.Error("webhook delivery attempt could not be recorded; River retries it", "delivery", job.Args.DeliveryID, "err", err)
	}
	return err
}

type queueWebhooksWorker struct {
	river.WorkerDefaults[QueueWebhooksArgs]
	q *Queue
}

// Work queues the deliveries not tried yet. Those whose job exists
// already are left to it (the jobs are unique per delivery).
func (w *queueWebhooksWorker) Work(ctx context.Context, _ *river.Job[QueueWebhooksArgs]) error {
	ids, err := w.q.cfg.Store.PendingWebhookDeliveries(ctx, 500)
	if err != nil {
		return err
	}
	return w.q.deliverWebhooks(ctx, ids)
}

// DeliverWebhooks queues the first attempt of each delivery
// (webhook.Emitter's Queued). An error is logged: the periodic run
// queues what was missed.
func (q *Queue) DeliverWebhooks(ctx context.Context, ids []int64) {
	if err := q.deliverWebhooks(ctx, ids); err != nil {
		q.cfg.Log.Warn("could not queue webhook deliveries now; the periodic run queues them", "err", err)
	}
}

func (q *Queue) deliverWebhooks(ctx context.Context, ids []int64) error {
	if q.cfg.Webhooks == nil {
		return nil
	}
	for _, id := range ids {
		_, err := q.client.Insert(ctx, DeliverWebhookArgs{DeliveryID: id}, &river.InsertOpts{
			Queue:       WebhookQueue,
			MaxAttempts: cmp.Or(q.cfg.WebhookAttempts, WebhookAttempts),
			UniqueOpts:  river.UniqueOpts{ByArgs: true},
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (q *Queue) webhookBackoff(attempt int) time.Duration {
	if q.cfg.WebhookBackoff != nil {
		return q.cfg.WebhookBackoff(attempt)
	}
	return WebhookBackoff(attempt)
}
