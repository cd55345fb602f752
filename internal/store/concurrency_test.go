package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestConcurrentWrites is a newsroom on deadline: many editors save at once
// while readers load pages. On SQLite every writer must queue rather than
// fail with SQLITE_BUSY; on PostgreSQL no two saves may deadlock. Nothing
// is lost, and every save gets its own content version.
func TestConcurrentWrites(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.article(t, "front page", nil)
		// A frozen clock makes the version count exact: each save adds one.
		frozen := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return frozen }
		before, err := s.ContentVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}

		const writers, readers = 50, 10
		// The same tags in different orders: editors do not sort them.
		tagOrders := [][]string{
			{"Alpha", "Beta", "Gamma"},
			{"Gamma", "Beta", "Alpha"},
			{"Beta", "Alpha", "Gamma"},
			{"Gamma", "Alpha", "Beta"},
		}
		start := make(chan struct{})
		done := make(chan struct{})
		var wg, readWG sync.WaitGroup
		errs := make(chan error, writers+readers)
		for i := range writers {
			wg.Go(func() {
				<-start
				headline := fmt.Sprintf("Deadline story %02d", i)
				a, err := s.CreateArticle(ctx, f.input(headline, func(in *magazine.ArticleInput) {
					in.Tags = tagOrders[i%len(tagOrders)]
					in.AuthorIDs = []int64{f.ada.ID, f.bo.ID}
					in.PublishedAt = hours(i % 5)
				}))
				if err != nil {
					errs <- fmt.Errorf("writer %d: %w", i, err)
					return
				}
				if _, err := s.ArticleBySlug(ctx, a.Slug); err != nil {
					errs <- fmt.Errorf("writer %d reading its article: %w", i, err)
				}
			})
		}
		for i := range readers {
			readWG.Go(func() {
				<-start
				for {
					if _, _, err := s.Articles(ctx, store.ArticleFilter{Limit: 20}); err != nil {
						errs <- fmt.Errorf("reader %d list: %w", i, err)
						return
					}
					if _, err := s.ArticleBySlug(ctx, "front-page"); err != nil {
						errs <- fmt.Errorf("reader %d article: %w", i, err)
						return
					}
					select {
					case <-done:
						return
					default:
					}
				}
			})
		}
		close(start)
		wg.Wait()
		close(done)
		readWG.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}

		list, _, err := s.Articles(ctx, store.ArticleFilter{Limit: store.MaxListLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != writers+1 {
			t.Errorf("%d articles listed after %d concurrent saves, want %d", len(list), writers, writers+1)
		}
		for _, slug := range []string{"alpha", "beta", "gamma"} {
			tag, err := s.TagBySlug(ctx, slug)
			if err != nil {
				t.Fatalf("tag %s: %v", slug, err)
			}
			tagged, _, err := s.Articles(ctx, store.ArticleFilter{TagID: tag.ID, Limit: store.MaxListLimit})
			if err != nil {
				t.Fatal(err)
			}
			if len(tagged) != writers {
				t.Errorf("tag %s on %d articles, want %d", slug, len(tagged), writers)
			}
		}
		after, err := s.ContentVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after-before != writers {
			t.Errorf("content version moved by %d over %d saves: concurrent saves shared a version, so a page cache could keep a stale page", after-before, writers)
		}
		if s.Version() != after {
			t.Errorf("this process sees version %d after the saves, the database holds %d", s.Version(), after)
		}
	})
}

// TestConcurrentNewTags has editors save articles at once that bring the
// same new tags, each listed in another order. On PostgreSQL, tags taken in
// different orders by two transactions deadlock, and one save fails.
func TestConcurrentNewTags(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		const rounds, writers, tags = 6, 6, 6
		for r := range rounds {
			names := make([]string, tags)
			for i := range names {
				names[i] = fmt.Sprintf("Round %d topic %d", r, i)
			}
			start := make(chan struct{})
			var wg sync.WaitGroup
			errs := make([]error, writers)
			for w := range writers {
				mine := slices.Concat(names[w%tags:], names[:w%tags])
				if w%2 == 1 {
					slices.Reverse(mine)
				}
				wg.Go(func() {
					<-start
					_, errs[w] = s.CreateArticle(ctx, f.input(fmt.Sprintf("Round %d story %d", r, w), func(in *magazine.ArticleInput) {
						in.Tags = mine
					}))
				})
			}
			close(start)
			wg.Wait()
			for w, err := range errs {
				if err != nil {
					t.Fatalf("round %d, writer %d: %v", r, w, err)
				}
			}
		}
	})
}
