package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// DefaultSessionCleanupPeriod is how often expired sessions (of staff and
// readers) and old reader links are deleted. Nothing reads an expired
// session, so this only keeps the tables small.
const DefaultSessionCleanupPeriod = time.Hour

// DeleteExpiredSessionsArgs is the job that deletes expired sessions.
type DeleteExpiredSessionsArgs struct{}

// Kind names the job in River's table.
func (DeleteExpiredSessionsArgs) Kind() string { return "delete_expired_sessions" }

type sessionsWorker struct {
	river.WorkerDefaults[DeleteExpiredSessionsArgs]
	q *Queue
}

// Work deletes the expired sessions. A failed run is not retried: the next
// periodic run is the retry.
func (w *sessionsWorker) Work(ctx context.Context, _ *river.Job[DeleteExpiredSessionsArgs]) error {
	n, err := w.q.cfg.Store.DeleteExpiredSessions(ctx)
	if w.q.cfg.AfterSessionCleanup != nil {
		w.q.cfg.AfterSessionCleanup(n, err)
	}
	if err != nil {
		w.q.cfg.Log.Error("deleting expired sessions failed; the next run tries again", "err", err)
		return err
	}
	if n > 0 {
		w.q.cfg.Log.Debug("deleted expired sessions", "sessions", n)
	}
	return nil
}
