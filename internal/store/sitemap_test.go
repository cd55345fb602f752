package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestSitemapQueries(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		at := func(y int, m time.Month, d int) func(*magazine.ArticleInput) {
			return func(in *magazine.ArticleInput) { in.PublishedAt = time.Date(y, m, d, 23, 30, 0, 0, time.UTC) }
		}
		f.article(t, "March one", at(2026, 3, 1))
		f.article(t, "March last", at(2026, 3, 31))
		f.article(t, "April one", at(2026, 4, 1))
		f.article(t, "A draft", func(in *magazine.ArticleInput) { in.Status = magazine.StatusDraft; in.PublishedAt = time.Time{} })
		months, err := s.PublishedMonths(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range months {
			got = append(got, m.YearMonth+":"+string(rune('0'+m.Count)))
		}
		if d := diff([]string{"2026-04:1", "2026-03:2"}, got); d != "" {
			t.Errorf("months:%s", d)
		}
		march, err := s.PublishedBetween(ctx, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
		if err != nil || len(march) != 2 || march[0].Slug != "march-one" || march[1].Slug != "march-last" {
			t.Errorf("March: %+v %v", march, err)
		} else if march[0].Headline != "March one" || !march[0].PublishedAt.Equal(time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC)) {
			t.Errorf("a news sitemap needs the headline and publish time: %+v", march[0])
		}
	})
}
