package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestPublishDue(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		scheduled := func(headline string, at time.Time) magazine.Article {
			return f.article(t, headline, func(in *magazine.ArticleInput) {
				in.Status, in.PublishedAt = magazine.StatusScheduled, at
			})
		}
		later := scheduled("Due second", hours(2))
		sooner := scheduled("Due first", hours(1))
		future := scheduled("Not yet", hours(3))
		draft := f.article(t, "A draft with an old date", func(in *magazine.ArticleInput) {
			in.Status, in.PublishedAt = magazine.StatusDraft, hours(-5)
		})

		next, err := s.NextScheduled(ctx)
		if err != nil || !next.Equal(hours(1)) {
			t.Fatalf("NextScheduled = %v, %v; want %v", next, err, hours(1))
		}
		if _, err := s.ArticleBySlug(ctx, sooner.Slug); !magazine.IsNotFound(err) {
			t.Fatalf("a scheduled article is on the site before its time: %v", err)
		}

		// Nothing is due before the first time: no new content version.
		v0, _ := s.ContentVersion(ctx)
		ids, err := s.PublishDue(ctx, hours(1).Add(-time.Second))
		if err != nil || len(ids) != 0 {
			t.Fatalf("PublishDue before any time = %v, %v; want nothing", ids, err)
		}
		if v, _ := s.ContentVersion(ctx); v != v0 {
			t.Errorf("content version moved from %d to %d though nothing was published", v0, v)
		}

		// At the second time both due articles go live, the earlier first;
		// the future one and the draft stay where they are.
		ids, err = s.PublishDue(ctx, hours(2))
		if err != nil {
			t.Fatal(err)
		}
		if d := diff([]int64{sooner.ID, later.ID}, ids); d != "" {
			t.Errorf("published ids:%s", d)
		}
		for _, a := range []magazine.Article{sooner, later} {
			got, err := s.ArticleBySlug(ctx, a.Slug)
			if err != nil {
				t.Fatalf("%s is not on the site after its time: %v", a.Slug, err)
			}
			if got.Status != magazine.StatusPublished || !got.PublishedAt.Equal(a.PublishedAt) {
				t.Errorf("%s: status %s at %v, want published at its scheduled time %v", a.Slug, got.Status, got.PublishedAt, a.PublishedAt)
			}
		}
		if v, _ := s.ContentVersion(ctx); v <= v0 {
			t.Errorf("content version %d did not grow past %d: caches would keep the old pages", v, v0)
		}
		if s.Version() <= v0 {
			t.Errorf("this process's version %d did not grow past %d", s.Version(), v0)
		}
		for _, a := range []magazine.Article{future, draft} {
			got, err := s.ArticleByID(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != a.Status {
				t.Errorf("%s went from %s to %s", a.Slug, a.Status, got.Status)
			}
		}

		// A second run publishes nothing again.
		if ids, err := s.PublishDue(ctx, hours(2)); err != nil || len(ids) != 0 {
			t.Errorf("second PublishDue = %v, %v; want nothing", ids, err)
		}
		if next, err := s.NextScheduled(ctx); err != nil || !next.Equal(hours(3)) {
			t.Errorf("NextScheduled = %v, %v; want %v", next, err, hours(3))
		}
		if ids, err := s.PublishDue(ctx, hours(10)); err != nil || len(ids) != 1 || ids[0] != future.ID {
			t.Errorf("PublishDue at the end = %v, %v; want [%d]", ids, err, future.ID)
		}
		if _, err := s.NextScheduled(ctx); !magazine.IsNotFound(err) {
			t.Errorf("NextScheduled with nothing scheduled: %v, want not found", err)
		}
	})
}
