package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/jobs"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestNarrateOnPublish: an article just published is narrated by a job (a
// failure is retried with backoff); an archive article is not (first
// play narrates it); an edited article is narrated again only once the
// editor has left it alone.
func TestNarrateOnPublish(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := newMagazine(t, s)
		now := time.Now()
		publish := func(headline string, at time.Time) magazine.Article {
			a, err := s.CreateArticle(ctx, magazine.ArticleInput{Headline: headline, SectionID: m.section, AuthorIDs: []int64{m.author},
				Status: magazine.StatusPublished, PublishedAt: at, BodyMarkdown: "About " + headline + "."})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		fresh := publish("Fresh news", now.Add(-10*time.Minute))
		archive := publish("Old news", now.AddDate(-1, 0, 0))

		var mu sync.Mutex
		calls := map[int64]int{}
		done := make(chan struct{}, 10)
		narrate := func(ctx context.Context, id int64) error {
			mu.Lock()
			calls[id]++
			n := calls[id]
			mu.Unlock()
			if n == 1 {
				return errors.New("festival is not installed")
			}
			done <- struct{}{}
			return nil
		}
		q := start(t, jobs.Config{Store: s, Narrate: narrate, Now: func() time.Time { return time.Now().Add(time.Minute) }})
		select {
		case <-done:
		case <-time.After(wait):
			t.Fatal("the published article was never narrated")
		}
		mu.Lock()
		if calls[fresh.ID] != 2 || calls[archive.ID] != 0 {
			t.Errorf("calls %v: want the fresh article twice (one retry) and the archive never", calls)
		}
		mu.Unlock()
		q.Close() // the store's clock is moved below

		// The narration is finished from this version of the article.
		if err := s.FinishAudio(ctx, store.ArticleAudio{ArticleID: fresh.ID, SourceUpdatedAt: fresh.UpdatedAt}); err != nil {
			t.Fatal(err)
		}
		due := func(at time.Time) bool {
			ids, err := s.ArticlesToNarrate(ctx, at, jobs.NarrateRecent, jobs.NarrateQuiet)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				if id == fresh.ID {
					return true
				}
			}
			return false
		}
		if due(now.Add(time.Hour)) {
			t.Fatal("an unchanged narrated article is due again")
		}
		s.Now = func() time.Time { return now.Add(2 * time.Minute) }
		if _, err := s.UpdateArticle(ctx, fresh.ID, magazine.ArticleInput{Headline: "Fresh news, corrected", SectionID: m.section,
			AuthorIDs: []int64{m.author}, Status: magazine.StatusPublished, PublishedAt: fresh.PublishedAt, BodyMarkdown: "Corrected."}); err != nil {
			t.Fatal(err)
		}
		if due(now.Add(2*time.Minute + 10*time.Second)) {
			t.Error("narrated again 10 s after an edit: no debounce")
		}
		if !due(now.Add(2*time.Minute + jobs.NarrateQuiet + time.Second)) {
			t.Error("an edited article is not narrated again once left alone")
		}
	})
}
