package webhook_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
	"github.com/masthead-press/masthead/internal/webhook"
)

// TestContentChangesPurge: with no webhook endpoint at all, a save of a
// live article, its publishing or its taking down, a scheduled
// publishing run and an issue going out each name their pages' keys and
// every list for the CDN; a draft's save and a kept-aside autosave name
// none.
func TestContentChangesPurge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var got []string
	e := &webhook.Emitter{Store: storetest.SQLite(t), Purge: func(_ context.Context, keys ...string) {
		got = append(got, strings.Join(keys, " "))
	}}
	live := magazine.ArticleInput{Status: magazine.StatusPublished}
	draft := magazine.ArticleInput{Status: magazine.StatusDraft}
	e.ArticleSaved(ctx, magazine.StatusPublished, store.Revision{ArticleID: 1, Applied: true, Input: live})
	e.ArticleSaved(ctx, magazine.StatusDraft, store.Revision{ArticleID: 2, Applied: true, Input: live})
	e.ArticleSaved(ctx, magazine.StatusPublished, store.Revision{ArticleID: 3, Applied: true, Input: draft})
	e.ArticleSaved(ctx, magazine.StatusDraft, store.Revision{ArticleID: 4, Applied: true, Input: draft})
	e.ArticleSaved(ctx, magazine.StatusPublished, store.Revision{ArticleID: 5, Applied: false, Input: live})
	e.Articles(ctx, magazine.EventArticlePublished, 6, 7)
	e.IssuePublished(ctx, 9, false, time.Now())
	want := []string{"article-1 lists", "article-2 lists", "article-3 lists", "article-6 article-7 lists", "issue-9 lists"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("purged %q, want %q", got, want)
	}
}
