package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// MakeLabelsArgs makes the labels PDF of an issue's mailing list on one
// paper size (fulfilment.LabelMaker.Make).
type MakeLabelsArgs struct {
	IssueID int64  `json:"issue_id"`
	Paper   string `json:"paper"`
}

// Kind names the job in River's table.
func (MakeLabelsArgs) Kind() string { return "make_mailing_labels" }

// LabelsJobTimeout leaves room for WeasyPrint over a list of 100,000
// addresses (fulfilment.LabelsTimeout, an hour) and the storing of its PDF.
const LabelsJobTimeout = 65 * time.Minute

type labelsWorker struct {
	river.WorkerDefaults[MakeLabelsArgs]
	q *Queue
}

// Timeout: see LabelsJobTimeout.
func (w *labelsWorker) Timeout(*river.Job[MakeLabelsArgs]) time.Duration { return LabelsJobTimeout }

// Work makes the labels. The maker records a failure with its reason for
// the mailing page.
func (w *labelsWorker) Work(ctx context.Context, job *river.Job[MakeLabelsArgs]) error {
	err := w.q.cfg.Labels(ctx, job.Args.IssueID, job.Args.Paper)
	if err != nil {
		w.q.cfg.Log.Warn("making mailing labels failed", "issue", job.Args.IssueID, "paper", job.Args.Paper, "attempt", job.Attempt, "err", err)
	}
	return err
}

// MakeLabels queues the making of an issue's labels. Asking again before
// the job has run queues it once.
func (q *Queue) MakeLabels(ctx context.Context, issueID int64, paper string) error {
	if q == nil || q.cfg.Labels == nil {
		return fmt.Errorf("queue the labels of issue %d: the job queue does not make labels", issueID)
	}
	_, err := q.client.Insert(ctx, MakeLabelsArgs{IssueID: issueID, Paper: paper}, &river.InsertOpts{
		// A second attempt only for a job cut off by a stopped server: a
		// list WeasyPrint cannot convert fails the same way again.
		MaxAttempts: 2,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: uniqueWhileWaiting()},
	})
	if err != nil {
		return fmt.Errorf("queue the labels of issue %d: %w", issueID, err)
	}
	return nil
}
