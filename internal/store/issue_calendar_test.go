package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestScheduledIssueGoesLiveOnce: an issue scheduled for a time is not on
// the site a second before it, is there with its drafts at it, and a
// second run publishes nothing more.
func TestScheduledIssueGoesLiveOnce(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock := t0
		s.Now = func() time.Time { return clock }
		f := newFixture(t, s)
		issue := mustIssue(t, s, magazine.IssueInput{Volume: 40, Number: 5, CoverDate: time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)})
		if err := s.ScheduleIssue(ctx, store.CommandLine(), issue.ID, hours(3)); magazine.ErrorCode(err) != magazine.EINVALID {
			t.Fatalf("scheduling an empty issue: %v, want a refusal", err)
		}
		draft := f.article(t, "The cover story", func(in *magazine.ArticleInput) { in.IssueID, in.Status = issue.ID, magazine.StatusDraft })
		if err := s.ScheduleIssue(ctx, store.CommandLine(), issue.ID, hours(-1)); magazine.ErrorCode(err) != magazine.EINVALID {
			t.Fatalf("scheduling in the past: %v, want a refusal", err)
		}
		if err := s.ScheduleIssue(ctx, store.CommandLine(), issue.ID, hours(3)); err != nil {
			t.Fatal(err)
		}
		if next, err := s.NextScheduled(ctx); err != nil || !next.Equal(hours(3)) {
			t.Fatalf("NextScheduled = %v, %v; want the issue's time %v", next, err, hours(3))
		}

		clock = hours(3).Add(-time.Second)
		if ids, err := s.PublishDueIssues(ctx, clock); err != nil || len(ids) != 0 {
			t.Fatalf("a second early: PublishDueIssues = %v, %v; want nothing", ids, err)
		}
		if _, err := s.IssueByNumber(ctx, 40, 5); !magazine.IsNotFound(err) {
			t.Fatalf("the issue is on the site before its time: %v", err)
		}

		clock = hours(3)
		ids, err := s.PublishDueIssues(ctx, clock)
		if err != nil || len(ids) != 1 || ids[0] != issue.ID {
			t.Fatalf("on time: PublishDueIssues = %v, %v; want [%d]", ids, err, issue.ID)
		}
		got, err := s.IssueByNumber(ctx, 40, 5)
		if err != nil || !got.PublishAt.IsZero() {
			t.Fatalf("the issue is not live on time (or keeps its schedule): %+v, %v", got, err)
		}
		a, err := s.ArticleBySlug(ctx, draft.Slug)
		if err != nil || a.Status != magazine.StatusPublished || !a.PublishedAt.Equal(hours(3)) {
			t.Fatalf("its draft did not go live with it at %v: %+v, %v", hours(3), a, err)
		}
		if !a.IssueDate.Equal(issue.CoverDate) {
			t.Errorf("the article's issue date is %v, want the cover date %v", a.IssueDate, issue.CoverDate)
		}

		clock = hours(4)
		if ids, err := s.PublishDueIssues(ctx, clock); err != nil || len(ids) != 0 {
			t.Fatalf("a second run: PublishDueIssues = %v, %v; want nothing", ids, err)
		}
		if _, err := s.NextScheduled(ctx); !magazine.IsNotFound(err) {
			t.Errorf("NextScheduled after the issue went out: %v, want not found", err)
		}

		// Unpublished, it leaves the site; its article stays published.
		if err := s.UnpublishIssue(ctx, store.CommandLine(), issue.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IssueByNumber(ctx, 40, 5); !magazine.IsNotFound(err) {
			t.Errorf("an unpublished issue is still on the site: %v", err)
		}
		if a, err := s.ArticleBySlug(ctx, draft.Slug); err != nil || a.Status != magazine.StatusPublished {
			t.Errorf("unpublishing the issue changed its article: %+v, %v", a, err)
		}
	})
}
