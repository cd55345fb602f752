package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestSaveArticleKeepsRevisions walks an article through the editor's
// saves: every save is a numbered revision, a stale save is refused, an
// autosave of a live article leaves the page alone, and publishing,
// scheduling and unpublishing set the status.
func TestSaveArticleKeepsRevisions(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.Now = func() time.Time { return t0 }
		f := newFixture(t, s)
		me := store.Actor{Email: "cli@example.com"}
		in := f.input("First words", func(in *magazine.ArticleInput) { in.Status = ""; in.PublishedAt = time.Time{} })

		rev, err := s.SaveArticle(ctx, me, store.ArticleSave{Action: store.ActionSave, Input: in, StaffName: "Ada"})
		if err != nil {
			t.Fatal(err)
		}
		if rev.Number != 1 || rev.Action != store.ActionCreate || rev.ArticleID == 0 {
			t.Fatalf("first save: %+v", rev)
		}
		id := rev.ArticleID
		a, err := s.ArticleByID(ctx, id)
		if err != nil || a.Status != magazine.StatusDraft || a.Slug != "first-words" {
			t.Fatalf("created article: %+v, %v", a, err)
		}

		// Two people opened revision 1; the first to save wins.
		in.BodyMarkdown = "Ada's second thoughts."
		if rev, err = s.SaveArticle(ctx, me, store.ArticleSave{ArticleID: id, Base: 1, Action: store.ActionSave, Input: in, StaffName: "Ada"}); err != nil || rev.Number != 2 {
			t.Fatalf("second save: %+v, %v", rev, err)
		}
		other := in
		other.BodyMarkdown = "Bo's rewrite."
		_, err = s.SaveArticle(ctx, me, store.ArticleSave{ArticleID: id, Base: 1, Action: store.ActionSave, Input: other, StaffName: "Bo"})
		var conflict *store.ConflictError
		if !errors.As(err, &conflict) || magazine.ErrorCode(err) != magazine.ECONFLICT || conflict.Latest.Number != 2 || conflict.Latest.StaffName != "Ada" {
			t.Fatalf("stale save: %v, want a conflict naming revision 2 by Ada", err)
		}
		if a, _ = s.ArticleByID(ctx, id); a.BodyMarkdown != "Ada's second thoughts." {
			t.Fatalf("the refused save changed the body to %q", a.BodyMarkdown)
		}

		// Scheduling in the past is refused; in the future it sticks.
		_, err = s.SaveArticle(ctx, me, store.ArticleSave{ArticleID: id, Base: 2, Action: store.ActionSchedule, Input: withTime(in, t0.Add(-time.Minute))})
		if magazine.ErrorCode(err) != magazine.EINVALID {
			t.Fatalf("schedule in the past: %v", err)
		}
		if _, err = s.SaveArticle(ctx, me, store.ArticleSave{ArticleID: id, Base: 2, Action: store.ActionSchedule, Input: withTime(in, t0.Add(time.Hour))}); err != nil {
			t.Fatal(err)
		}
		if a, _ = s.ArticleByID(ctx, id); a.Status != magazine.StatusScheduled || !a.PublishedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("scheduled: %s at %s", a.Status, a.PublishedAt)
		}
		if _, err = s.SaveArticle(ctx, me, store.ArticleSave{ArticleID: id, Base: 3, Action: store.ActionPublish, Input: in}); err != nil {
			t.Fatal(err)
		}

		// An autosave of the published article is kept aside.
		draft := in
		draft.BodyMarkdown = "Not for readers yet."
		rev, err = s.SaveArticle(ctx, me, store.ArticleSave{ArticleID: id, Base: 4, Action: store.ActionAutosave, Input: draft})
		if err != nil || rev.Applied || rev.Number != 5 {
			t.Fatalf("autosave of a published article: %+v, %v", rev, err)
		}
		if a, _ = s.ArticleByID(ctx, id); a.BodyMarkdown != "Ada's second thoughts." || a.Status != magazine.StatusPublished {
			t.Fatalf("autosave changed the live article: %q (%s)", a.BodyMarkdown, a.Status)
		}
		// The same autosave again records nothing new.
		if again, err := s.SaveArticle(ctx, me, store.ArticleSave{ArticleID: id, Base: 5, Action: store.ActionAutosave, Input: draft}); err != nil || again.Number != 5 {
			t.Fatalf("repeated autosave: %+v, %v", again, err)
		}

		// Restoring revision 1 makes revision 6 with its body.
		old, err := s.RevisionByNumber(ctx, id, 1)
		if err != nil {
			t.Fatal(err)
		}
		rev, err = s.SaveArticle(ctx, me, store.ArticleSave{ArticleID: id, Base: 5, Action: store.ActionRestore, Input: old.Input, RestoredFrom: 1})
		if err != nil || rev.Number != 6 || rev.RestoredFrom != 1 {
			t.Fatalf("restore: %+v, %v", rev, err)
		}
		if a, _ = s.ArticleByID(ctx, id); a.BodyMarkdown != "A paragraph about First words." || a.Status != magazine.StatusPublished {
			t.Fatalf("after restore: %q (%s)", a.BodyMarkdown, a.Status)
		}
		if _, err = s.SaveArticle(ctx, me, store.ArticleSave{ArticleID: id, Base: 6, Action: store.ActionUnpublish, Input: old.Input}); err != nil {
			t.Fatal(err)
		}
		if a, _ = s.ArticleByID(ctx, id); a.Status != magazine.StatusDraft {
			t.Fatalf("after unpublish: %s", a.Status)
		}
		list, err := s.Revisions(ctx, id)
		if err != nil || len(list) != 7 || list[0].Action != store.ActionUnpublish || list[6].Input.Headline != "First words" {
			t.Fatalf("revisions: %d, %v", len(list), err)
		}
		if list[6].Input.AuthorIDs[0] != f.ada.ID || list[6].StaffName != "Ada" {
			t.Errorf("revision 1 lost its author or saver: %+v", list[6])
		}
	})
}

func withTime(in magazine.ArticleInput, at time.Time) magazine.ArticleInput {
	in.PublishedAt = at
	return in
}

func TestFreeSlugAndNewsroomList(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.article(t, "Harbour news", nil)
		f.article(t, "Harbour news again", func(in *magazine.ArticleInput) {
			in.Slug = "harbour-news-2"
			in.Status, in.PublishedAt = magazine.StatusDraft, time.Time{}
			in.AuthorIDs = []int64{f.bo.ID}
		})
		if got, err := s.FreeSlug(ctx, "harbour-news", 0); err != nil || got != "harbour-news-3" {
			t.Errorf("FreeSlug = %q, %v; want harbour-news-3", got, err)
		}
		if got, _ := s.FreeSlug(ctx, "fresh", 0); got != "fresh" {
			t.Errorf("FreeSlug(fresh) = %q", got)
		}
		list, more, err := s.NewsroomArticles(ctx, store.NewsroomFilter{Status: magazine.StatusDraft, Query: "HARBOUR"})
		if err != nil || more || len(list) != 1 || list[0].Headline != "Harbour news again" {
			t.Fatalf("drafts matching harbour: %v, %v", list, err)
		}
		if list, _, _ = s.NewsroomArticles(ctx, store.NewsroomFilter{AuthorID: f.ada.ID}); len(list) != 1 || list[0].Headline != "Harbour news" {
			t.Errorf("by Ada: %v", list)
		}
		if list, _, _ = s.NewsroomArticles(ctx, store.NewsroomFilter{Query: "100%"}); len(list) != 0 {
			t.Errorf("%% matched as a wildcard: %v", list)
		}
		// An unpublished issue is a filter too.
		issue, err := s.CreateIssue(ctx, magazine.IssueInput{Volume: 1, Number: 2, CoverDate: t0, Title: "Spring"})
		if err != nil {
			t.Fatal(err)
		}
		f.article(t, "In the issue", func(in *magazine.ArticleInput) { in.IssueID = issue.ID })
		if list, _, _ = s.NewsroomArticles(ctx, store.NewsroomFilter{IssueID: issue.ID}); len(list) != 1 || list[0].Headline != "In the issue" {
			t.Errorf("in issue 1.2: %v", list)
		}
		if choices, err := s.IssueChoices(ctx); err != nil || len(choices) != 1 || choices[0].Title != "Spring" {
			t.Errorf("issue choices: %v, %v", choices, err)
		}
		// Pages: two of three, then the last.
		first, more, err := s.NewsroomArticles(ctx, store.NewsroomFilter{Limit: 2})
		if err != nil || len(first) != 2 || !more {
			t.Fatalf("first page: %d, more %v, %v", len(first), more, err)
		}
		rest, more, _ := s.NewsroomArticles(ctx, store.NewsroomFilter{Limit: 2, Offset: 2})
		if len(rest) != 1 || more || rest[0].ID == first[0].ID || rest[0].ID == first[1].ID {
			t.Errorf("second page: %v, more %v", rest, more)
		}
	})
}
