package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/jobs"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestLabelsOnTheQueue: labels asked for are made by a job with the
// issue and paper asked for, on both databases; a queue without a maker
// refuses to take the request instead of dropping it.
func TestLabelsOnTheQueue(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		type made struct {
			issue int64
			paper string
		}
		done := make(chan made, 4)
		q := start(t, jobs.Config{Store: s, Log: testLog(t), Period: time.Hour, Labels: func(ctx context.Context, issueID int64, paper string) error {
			done <- made{issueID, paper}
			return nil
		}})
		if err := q.MakeLabels(ctx, 7, "a4"); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-done:
			if m != (made{7, "a4"}) {
				t.Errorf("the job made %+v, want issue 7 on a4", m)
			}
		case <-time.After(wait):
			t.Fatal("the labels were never made")
		}
		q.Close()

		bare := start(t, jobs.Config{Store: s, Log: testLog(t), Period: time.Hour})
		if err := bare.MakeLabels(ctx, 7, "a4"); err == nil {
			t.Error("a queue without a label maker took the request")
		}
	})
}
