package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/masthead-press/masthead/internal/store"
)

// Narration runs on its own queue with one worker: an article takes
// seconds of a core to narrate, and publishing or mail must never wait
// behind it, nor may narration take both cores of a small server.
const (
	NarrateQueue = "audio"
	// NarratePeriod is how often published and edited articles are looked
	// for; NarrateQuiet is how long an edited article must be left alone
	// before it is narrated again (the debounce); NarrateRecent is how far
	// back "just published" goes: older articles are the archive, which
	// first play and the backfill narrate (a server started on an imported
	// or generated archive must not spend hours narrating it).
	NarratePeriod = 30 * time.Second
	NarrateQuiet  = 30 * time.Second
	NarrateRecent = time.Hour
)

// Priorities of narration jobs: River runs 1 first.
const (
	PriorityNow        = 1 // staff asked ("render again")
	PriorityPublished  = 2 // published or edited
	PriorityBackground = 4 // the demo's newest issue, and the like
)

// NarrateArgs narrates one article.
type NarrateArgs struct {
	ArticleID int64 `json:"article_id"`
}

// Kind names the job in River's table.
func (NarrateArgs) Kind() string { return "narrate_article" }

// FindNarrationsArgs looks for articles whose narration is due.
type FindNarrationsArgs struct{}

// Kind names the job in River's table.
func (FindNarrationsArgs) Kind() string { return "find_narrations" }

type narrateWorker struct {
	river.WorkerDefaults[NarrateArgs]
	q *Queue
}

// Timeout: a long article on Festival takes minutes (River's default is one).
func (w *narrateWorker) Timeout(*river.Job[NarrateArgs]) time.Duration { return 30 * time.Minute }

// Work narrates. A failure is recorded with its reason by the narrator
// (the admin shows it) and retried by River with its backoff.
func (w *narrateWorker) Work(ctx context.Context, job *river.Job[NarrateArgs]) error {
	err := w.q.cfg.Narrate(ctx, job.Args.ArticleID)
	if err != nil {
		w.q.cfg.Log.Warn("narration failed; it is retried with backoff", "article", job.Args.ArticleID, "attempt", job.Attempt, "err", err)
	}
	return err
}

type findNarrationsWorker struct {
	river.WorkerDefaults[FindNarrationsArgs]
	q *Queue
}

// Work queues the narrations that are due.
func (w *findNarrationsWorker) Work(ctx context.Context, _ *river.Job[FindNarrationsArgs]) error {
	ids, err := w.q.cfg.Store.ArticlesToNarrate(ctx, w.q.cfg.Now(), NarrateRecent, NarrateQuiet)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := w.q.Narrate(ctx, id, PriorityPublished); err != nil {
			return err
		}
	}
	return nil
}

// Narrate queues an article's narration and marks it queued. Asking twice
// before it runs queues it once.
func (q *Queue) Narrate(ctx context.Context, articleID int64, priority int) error {
	if q.cfg.Narrate == nil {
		return nil
	}
	res, err := q.client.Insert(ctx, NarrateArgs{ArticleID: articleID}, &river.InsertOpts{
		Queue: NarrateQueue, Priority: priority, MaxAttempts: 5,
		// Unique while waiting or running; a finished one does not stop
		// the next edit's narration.
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: uniqueWhileWaiting()},
	})
	if err != nil {
		return fmt.Errorf("queue the narration of article %d: %w", articleID, err)
	}
	if res.UniqueSkippedAsDuplicate {
		return nil
	}
	return q.cfg.Store.SetAudioState(ctx, articleID, store.AudioQueued, "")
}

// uniqueWhileWaiting is every state River requires for uniqueness, plus
// retryable: not completed, so an article can be narrated again later.
func uniqueWhileWaiting() []rivertype.JobState {
	return []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateScheduled, rivertype.JobStateRetryable}
}
