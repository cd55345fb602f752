package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

const (
	// importChunk is how many articles are generated and handed to the
	// store at a time, so that a large magazine never sits in memory
	// whole. The default magazine fits in one chunk.
	importChunk = 2000
	// importers is how many chunks the store works on at once: while one
	// is written on the single write connection, the next is rendered on
	// the other cores. Article ids then follow the order in which chunks
	// commit, but the content does not change.
	importers = 2
)

// createArticles generates the articles in one goroutine while the store
// renders and saves earlier chunks in others.
func (s *seeder) createArticles(ctx context.Context) error {
	total := len(s.issues)*s.opts.PerIssue + s.opts.WebOnly
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	chunks := make(chan []magazine.ArticleInput)
	go func() {
		defer close(chunks)
		s.writeArticles(ctx, chunks)
	}()
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for range importers {
		wg.Go(func() {
			for chunk := range chunks {
				saved := 0
				err := s.st.ImportArticles(ctx, chunk, func(n int) {
					mu.Lock()
					defer mu.Unlock()
					done += n - saved
					saved = n
					s.progress.report("articles", done, total)
				})
				if err != nil {
					cancel(err)
					for range chunks {
					}
					return
				}
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return fmt.Errorf("demo articles, after %d of %d (start again with an empty database): %w", done, total, err)
	}
	s.sum.Articles = done
	// The index was written a chunk at a time; merged, each query reads
	// one segment instead of dozens.
	s.progress.report("search index", 0, 1)
	if err := s.st.OptimizeSearch(ctx); err != nil {
		return err
	}
	s.progress.report("search index", 1, 1)
	return nil
}

// writeArticles generates every article in date order: each issue's
// contents, then the web-only pieces published before the next issue.
func (s *seeder) writeArticles(ctx context.Context, out chan<- []magazine.ArticleInput) {
	chunk := make([]magazine.ArticleInput, 0, importChunk)
	send := func() bool {
		select {
		case out <- chunk:
			chunk = make([]magazine.ArticleInput, 0, importChunk)
			return true
		case <-ctx.Done():
			return false
		}
	}
	now, n, web := s.opts.Now, len(s.issues), s.opts.WebOnly
	g := 0
	for i, is := range s.issues {
		morning := time.Date(is.date.Year(), is.date.Month(), is.date.Day(), 6, 0, 0, 0, s.loc)
		next := now
		if i+1 < n {
			d := s.issues[i+1].date
			next = time.Date(d.Year(), d.Month(), d.Day(), 4, 0, 0, 0, s.loc)
		}
		var batch []*spec
		for pos := 1; pos <= s.opts.PerIssue; pos++ {
			sp := &spec{issueID: is.id, position: pos, published: minTime(morning.Add(-time.Duration(pos)*time.Minute), now)}
			switch {
			case pos == 1:
				sp.shape, sp.headline, sp.slug = longRead, is.title, is.slug
			case pos <= 6:
				sp.shape = feature
			default:
				sp.shape = standard
			}
			batch = append(batch, sp)
		}
		count := (i+1)*web/n - i*web/n
		start := minTime(morning.Add(2*time.Hour), now)
		for _, t := range webTimes(newRand(s.opts.Seed, streamTimes, i), start, minTime(next, now), count) {
			batch = append(batch, &spec{published: t})
		}
		for _, sp := range batch {
			r := newRand(s.opts.Seed, streamArticles, g)
			g++
			s.fillSpec(r, sp, is.beat)
			chunk = append(chunk, article(r, sp, &s.library))
			if len(chunk) == importChunk && !send() {
				return
			}
		}
	}
	if len(chunk) > 0 {
		send()
	}
}

// fillSpec chooses an article's section and, for a web-only piece, its
// shape.
func (s *seeder) fillSpec(r *rand.Rand, sp *spec, coverBeat int) {
	b := r.IntN(len(beats))
	if sp.headline != "" {
		b = coverBeat
	}
	if sp.issueID == 0 {
		switch v := r.IntN(100); {
		case v < 65:
			sp.shape = brief
		case v < 97:
			sp.shape = standard
		default:
			sp.shape = longRead
		}
	}
	sp.bt, sp.sectionID = beats[b], s.sectionIDs[b]
}

// webTimes returns count times between start and end, in order.
func webTimes(r *rand.Rand, start, end time.Time, count int) []time.Time {
	span := end.Sub(start)
	times := make([]time.Time, count)
	for i := range times {
		times[i] = start
		if span > 0 {
			times[i] = start.Add(time.Duration(r.Int64N(int64(span))).Truncate(time.Second))
		}
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	return times
}

func minTime(a, b time.Time) time.Time {
	if a.After(b) {
		return b
	}
	return a
}
