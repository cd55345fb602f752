package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/masthead-press/masthead/internal/magazine"
)

// PublishArgs is the job that publishes the articles that are due. The
// periodic job leaves At zero; PublishAt sets it so that each exact-time
// job is unique.
type PublishArgs struct {
	At time.Time `json:"at,omitzero"`
}

// Kind names the job in River's table.
func (PublishArgs) Kind() string { return "publish_due" }

type publishWorker struct {
	river.WorkerDefaults[PublishArgs]
	q *Queue
}

// Work publishes what is due. A failed run is not retried: the next
// periodic run is the retry.
func (w *publishWorker) Work(ctx context.Context, _ *river.Job[PublishArgs]) error {
	return w.q.publish(ctx)
}

// publish publishes the due articles and, when the next one falls due
// before the next periodic run, asks for a run at its time.
func (q *Queue) publish(ctx context.Context) error {
	now := q.cfg.Now()
	ids, err := q.cfg.Store.PublishDue(ctx, now)
	if q.cfg.AfterPublish != nil {
		q.cfg.AfterPublish(ids, err)
	}
	if err != nil {
		q.cfg.Log.Error("publishing scheduled articles failed; the next run tries again", "err", err)
		return err
	}
	if len(ids) > 0 {
		q.cfg.Log.Info("published scheduled articles", "ids", ids)
	}
	q.cfg.Emit.Articles(ctx, magazine.EventArticlePublished, ids...)
	since := q.cfg.Store.Now()
	issues, err := q.cfg.Store.PublishDueIssues(ctx, now)
	if q.cfg.AfterPublishIssues != nil {
		q.cfg.AfterPublishIssues(issues, err)
	}
	if err != nil {
		q.cfg.Log.Error("publishing scheduled issues failed; the next run tries again", "err", err)
		return err
	}
	if len(issues) > 0 {
		q.cfg.Log.Info("published scheduled issues", "ids", issues)
	}
	for _, id := range issues {
		q.cfg.Emit.IssuePublished(ctx, id, false, since)
	}
	if q.client == nil { // the catch-up run in Start
		return nil
	}
	if len(issues) > 0 {
		if err := q.SendNewslettersNow(ctx); err != nil {
			q.cfg.Log.Warn("cannot queue the newsletter run; the periodic run sends it", "err", err)
		}
	}
	next, err := q.cfg.Store.NextScheduled(ctx)
	if magazine.IsNotFound(err) {
		return nil
	} else if err != nil {
		q.cfg.Log.Warn("cannot read the next scheduled time", "err", err)
		return nil
	}
	if next.Before(now.Add(q.cfg.Period)) {
		if err := q.PublishAt(ctx, next); err != nil {
			q.cfg.Log.Warn("cannot queue the next publishing run; the periodic run will publish it", "at", next, "err", err)
		}
	}
	return nil
}
