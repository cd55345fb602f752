package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestNewsroomDashboardQueries(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		status := func(st magazine.Status, at int) func(in *magazine.ArticleInput) {
			return func(in *magazine.ArticleInput) {
				in.Status = st
				in.PublishedAt = hours(at)
				if st == magazine.StatusDraft {
					in.PublishedAt = time.Time{}
				}
			}
		}
		f.article(t, "Old news", status(magazine.StatusPublished, -48))
		f.article(t, "Fresh news", status(magazine.StatusPublished, -1))
		f.article(t, "Later", status(magazine.StatusScheduled, 48))
		f.article(t, "Sooner", status(magazine.StatusScheduled, 2))
		f.article(t, "A draft", status(magazine.StatusDraft, 0))

		counts, err := s.ArticleCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[magazine.Status]int{magazine.StatusDraft: 1, magazine.StatusScheduled: 2, magazine.StatusPublished: 2}
		if d := diff(want, counts); d != "" {
			t.Errorf("counts:%s", d)
		}
		for st, order := range map[magazine.Status][]string{
			magazine.StatusPublished: {"fresh-news", "old-news"},
			magazine.StatusScheduled: {"sooner", "later"},
			magazine.StatusDraft:     {"a-draft"},
		} {
			list, err := s.RecentArticles(ctx, st, 10)
			if err != nil {
				t.Fatal(err)
			}
			if d := diff(order, slugs(list)); d != "" {
				t.Errorf("%s, in dashboard order:%s", st, d)
			}
			if len(list) > 0 && len(list[0].Authors) == 0 {
				t.Errorf("%s: authors not filled in", st)
			}
		}
	})
}
