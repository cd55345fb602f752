package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestSmoke(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sec, err := s.CreateSection(ctx, magazine.Section{Name: "Foreign Affairs"})
		if err != nil {
			t.Fatal(err)
		}
		au, err := s.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill"})
		if err != nil {
			t.Fatal(err)
		}
		is, err := s.CreateIssue(ctx, magazine.IssueInput{Volume: 1, Number: 2, CoverDate: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), Published: true})
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.CreateArticle(ctx, magazine.ArticleInput{Headline: "Europe's new deal", SectionID: sec.ID, AuthorIDs: []int64{au.ID},
			Tags: []string{"Trade", "EU"}, Status: magazine.StatusPublished, PublishedAt: time.Now(), IssueID: is.ID,
			BodyMarkdown: "One.\n\n::pagebreak\n\nTwo."})
		if err != nil {
			t.Fatal(err)
		}
		if a.Slug != "europes-new-deal" || len(a.Pages) != 2 || len(a.Tags) != 2 || a.Authors[0].Name != "Ada Quill" || a.Section.Slug != "foreign-affairs" {
			t.Fatalf("%+v", a)
		}
		in := magazine.ArticleInput{Headline: "Europe's new deal", Slug: "new-deal", SectionID: sec.ID, AuthorIDs: []int64{au.ID}, Status: magazine.StatusPublished, PublishedAt: time.Now()}
		if _, err := s.UpdateArticle(ctx, a.ID, in); err != nil {
			t.Fatal(err)
		}
		_, err = s.ArticleBySlug(ctx, "europes-new-deal")
		if m, ok := err.(*store.Moved); !ok || m.Slug != "new-deal" {
			t.Fatalf("old slug: %v", err)
		}
		list, more, err := s.Articles(ctx, store.ArticleFilter{SectionID: sec.ID})
		if err != nil || len(list) != 1 || more {
			t.Fatal(list, more, err)
		}
		if _, err := s.CurrentIssue(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
