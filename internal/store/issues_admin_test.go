package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestAssembleAndPublishIssue(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := t0.Add(48 * time.Hour)
		s.Now = func() time.Time { return now }
		f := newFixture(t, s)
		draft := func(h string) magazine.Article {
			return f.article(t, h, func(in *magazine.ArticleInput) { in.Status, in.PublishedAt = magazine.StatusDraft, time.Time{} })
		}
		lead, essay, review := draft("The lead story"), draft("An essay on 100% rain_fall"), draft("A review")
		later := f.article(t, "Web first", func(in *magazine.ArticleInput) {
			in.Status, in.PublishedAt = magazine.StatusScheduled, now.Add(24*time.Hour)
		})
		old := f.article(t, "Already out", nil)
		issue := mustIssue(t, s, magazine.IssueInput{Volume: 4, Number: 9, CoverDate: date(2026, 3, 15), Title: "Spring"})
		other := mustIssue(t, s, magazine.IssueInput{Volume: 4, Number: 8, CoverDate: date(2026, 3, 1)})

		// Searching by headline finds articles in no issue, whatever their
		// status; LIKE wildcards typed by the editor are plain characters.
		found, err := s.FindArticlesForIssue(ctx, "ESSAY", 10)
		if err != nil || len(found) != 1 || found[0].ID != essay.ID {
			t.Fatalf("search for ESSAY: %v (%v), want the essay", slugs(found), err)
		}
		if found, _ := s.FindArticlesForIssue(ctx, "100%", 10); len(found) != 1 {
			t.Errorf("search for 100%%: %v, want only the essay", slugs(found))
		}
		if found, _ := s.FindArticlesForIssue(ctx, "_", 10); len(found) != 1 {
			t.Errorf("search for _: %v, want only the essay", slugs(found))
		}

		if _, err := s.PublishIssue(ctx, store.CommandLine(), issue.ID); magazine.ErrorCode(err) != magazine.EINVALID {
			t.Errorf("publishing an empty issue: %v, want refused", err)
		}
		for _, a := range []magazine.Article{lead, essay, review, later, old} {
			if err := s.AddToIssue(ctx, issue.ID, a.ID); err != nil {
				t.Fatalf("add %s: %v", a.Slug, err)
			}
		}
		checkError(t, s.AddToIssue(ctx, issue.ID, lead.ID), magazine.EINVALID, "article")
		checkError(t, s.AddToIssue(ctx, other.ID, lead.ID), magazine.EINVALID, "article")
		if found, _ := s.FindArticlesForIssue(ctx, "essay", 10); len(found) != 0 {
			t.Errorf("an article already in an issue is still offered: %v", slugs(found))
		}

		// Reordering takes the whole list; a stale one changes nothing.
		order := []int64{review.ID, lead.ID, essay.ID, later.ID, old.ID}
		if err := s.ReorderIssue(ctx, issue.ID, order); err != nil {
			t.Fatal(err)
		}
		if err := s.ReorderIssue(ctx, issue.ID, order[:4]); magazine.ErrorCode(err) != magazine.ECONFLICT {
			t.Errorf("reorder with an article missing: %v, want a conflict", err)
		}
		if err := s.RemoveFromIssue(ctx, issue.ID, old.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveFromIssue(ctx, issue.ID, old.ID); !magazine.IsNotFound(err) {
			t.Errorf("removing twice: %v, want not found", err)
		}
		contents, err := s.IssueContents(ctx, issue.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := slugs(contents), []string{review.Slug, lead.Slug, essay.Slug, later.Slug}; diff(want, got) != "" {
			t.Errorf("contents %v, want %v", got, want)
		}

		n, err := s.PublishIssue(ctx, store.Actor{Email: "ed@example.com"}, issue.ID)
		if err != nil || n != 3 {
			t.Fatalf("PublishIssue: %d drafts (%v), want 3", n, err)
		}
		// The public listing shows the issue, and its published articles
		// in order; the scheduled one waits for its own time.
		list, _, err := s.Issues(ctx, store.IssueFilter{})
		if err != nil || len(list) != 1 || list[0].ID != issue.ID {
			t.Fatalf("published issues: %v (%v), want Vol. 4, No. 9 only", issueLabels(list), err)
		}
		public, err := s.IssueArticles(ctx, issue.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := slugs(public), []string{review.Slug, lead.Slug, essay.Slug}; diff(want, got) != "" {
			t.Errorf("public contents %v, want %v", got, want)
		}
		a, err := s.ArticleBySlug(ctx, lead.Slug)
		if err != nil || !a.PublishedAt.Equal(now) {
			t.Errorf("published draft: %v at %v, want live at the time of publishing %v", err, a.PublishedAt, now)
		}
		if sch, _ := s.ArticleByID(ctx, later.ID); sch.Status != magazine.StatusScheduled {
			t.Errorf("the scheduled article is %s, want still scheduled", sch.Status)
		}
		if entries, _ := s.AuditLog(ctx, 0, 1); len(entries) != 1 || entries[0].Action != "issue.publish" || entries[0].Target != "Vol. 4, No. 9" {
			t.Errorf("audit log: %+v, want the issue's publication", entries)
		}

		// Other changes: details, cover.
		if _, err := s.UpdateIssue(ctx, other.ID, magazine.IssueInput{Volume: 4, Number: 9, CoverDate: date(2026, 3, 1)}); err == nil {
			t.Error("renumbering onto an existing issue was allowed")
		} else {
			checkError(t, err, magazine.EINVALID, "number")
		}
		if err := s.SetIssueCover(ctx, issue.ID, "/media/ab/cover.jpg"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.IssueByID(ctx, issue.ID); got.CoverURL != "/media/ab/cover.jpg" {
			t.Errorf("cover %q", got.CoverURL)
		}
		rows, err := s.AllIssues(ctx)
		if err != nil || len(rows) != 2 || rows[0].ID != issue.ID || rows[0].Articles != 4 || rows[0].Drafts != 0 || rows[1].Published {
			t.Errorf("AllIssues: %+v (%v)", rows, err)
		}
	})
}
