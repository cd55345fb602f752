package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestAudioStore: narration states, segments, the lexicon, positions and
// podcast feeds, on both databases.
func TestAudioStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sec, _ := s.CreateSection(ctx, magazine.Section{Name: "Politics"})
		au, _ := s.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill"})
		a, err := s.CreateArticle(ctx, magazine.ArticleInput{Headline: "The 50% question", SectionID: sec.ID, AuthorIDs: []int64{au.ID},
			Status: magazine.StatusPublished, PublishedAt: time.Now().Add(-time.Hour), BodyMarkdown: "About the ferry_route at 50%."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ArticleAudio(ctx, a.ID); !magazine.IsNotFound(err) {
			t.Fatalf("never queued: %v", err)
		}
		if err := s.SetAudioState(ctx, 999999, store.AudioQueued, ""); !magazine.IsNotFound(err) {
			t.Errorf("state of a missing article: %v", err)
		}
		if err := s.SetAudioState(ctx, a.ID, store.AudioFailed, "no engine"); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CountArticlesWithoutAudio(ctx, time.Time{}); n != 1 {
			t.Errorf("%d articles without audio, want 1", n)
		}
		for _, k := range []string{"aa", "bb"} {
			if err := s.RecordSegment(ctx, store.Segment{Key: k, Duration: 1500 * time.Millisecond, Bytes: 10}); err != nil {
				t.Fatal(err)
			}
		}
		segs, err := s.Segments(ctx, []string{"aa", "bb", "cc"})
		if err != nil || len(segs) != 2 || segs["aa"].Duration != 1500*time.Millisecond {
			t.Fatalf("segments %v %v", segs, err)
		}
		before := s.Version()
		if err := s.FinishAudio(ctx, store.ArticleAudio{ArticleID: a.ID, Engine: "espeak-ng", Segments: []string{"aa", "bb"}, FileKey: "ab/x.mpa",
			Starts: []time.Duration{0, 1526 * time.Millisecond}, Duration: 3 * time.Second, Bytes: 20, Rendered: 2, SourceUpdatedAt: a.UpdatedAt}); err != nil {
			t.Fatal(err)
		}
		if s.Version() <= before {
			t.Error("a finished narration left the content version where it was: pages would keep showing no play controls")
		}
		got, err := s.ArticleAudio(ctx, a.ID)
		if err != nil || got.State != store.AudioReady || len(got.Segments) != 2 || got.Reason != "" || got.Duration != 3*time.Second {
			t.Fatalf("finished: %+v %v", got, err)
		}
		if len(got.Starts) != 2 || got.Starts[1] != 1526*time.Millisecond {
			t.Errorf("segment starts %v, want [0 1.526s]", got.Starts)
		}
		if err := s.FinishAudio(ctx, store.ArticleAudio{ArticleID: a.ID, Segments: []string{"aa", "bb"}, Starts: []time.Duration{0}}); err == nil {
			t.Error("a narration with fewer starts than segments was recorded")
		}
		if list, _ := s.NarratedArticles(ctx, 10); len(list) != 1 {
			t.Errorf("narrated articles: %v", list)
		}
		if err := s.SaveLexicon(ctx, []store.LexiconEntry{{Word: "ferry_route", Say: "ferry root", CaseSensitive: true}, {Word: "50%", Say: "half"}}); err != nil {
			t.Fatal(err)
		}
		lex, _ := s.Lexicon(ctx)
		if len(lex) != 2 || !lex[1].CaseSensitive {
			t.Errorf("lexicon %+v", lex)
		}
		for word, want := range map[string]int{"FERRY_ROUTE": 1, "50%": 1, "ferry%route": 0, "x_y": 0} {
			if ids, err := s.ArticlesMentioning(ctx, word); err != nil || len(ids) != want {
				t.Errorf("articles mentioning %q: %v %v, want %d", word, ids, err, want)
			}
		}
		r, _ := s.CreateReader(ctx, "listener@example.com", "")
		if err := s.SetAudioPosition(ctx, r.ID, a.ID, 12.5); err != nil {
			t.Fatal(err)
		}
		if sec, _ := s.AudioPosition(ctx, r.ID, a.ID); sec != 12.5 {
			t.Errorf("position %v", sec)
		}
		if err := s.SetAudioPosition(ctx, r.ID, a.ID, -1); magazine.ErrorCode(err) != magazine.EINVALID {
			t.Errorf("negative position: %v", err)
		}
		if err := s.SetFeedSecret(ctx, r.ID, store.FeedPodcast, "h1"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetFeedSecret(ctx, r.ID, store.FeedPodcast, "h2"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FeedReader(ctx, store.FeedPodcast, "h1"); !magazine.IsNotFound(err) {
			t.Errorf("a reset secret still works: %v", err)
		}
		if id, err := s.FeedReader(ctx, store.FeedPodcast, "h2"); err != nil || id != r.ID {
			t.Errorf("feed reader %d %v", id, err)
		}
		// Each kind of feed has its own secret: the podcast's opens no
		// other feed, and a second kind leaves the first alone.
		if _, err := s.FeedReader(ctx, store.FeedArticles, "h2"); !magazine.IsNotFound(err) {
			t.Errorf("the podcast's secret opens the articles feed: %v", err)
		}
		if err := s.SetFeedSecret(ctx, r.ID, store.FeedArticles, "a1"); err != nil {
			t.Fatal(err)
		}
		if id, err := s.FeedReader(ctx, store.FeedPodcast, "h2"); err != nil || id != r.ID {
			t.Errorf("the podcast feed after making an articles feed: %d %v", id, err)
		}
		if has, err := s.HasFeed(ctx, r.ID, store.FeedArticles); err != nil || !has {
			t.Errorf("HasFeed(articles) = %v %v", has, err)
		}
		for _, ip := range []string{"ip1", "ip2", "ip1"} {
			if err := s.RecordPodcastHit(ctx, r.ID, ip); err != nil {
				t.Fatal(err)
			}
		}
		if use, err := s.PodcastFeedUse(ctx, time.Now().AddDate(0, 0, -7)); err != nil || len(use) != 1 || use[0].IPs != 2 {
			t.Errorf("feed use %+v %v", use, err)
		}
	})
}
