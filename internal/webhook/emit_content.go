package webhook

import (
	"context"
	"time"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// wanted reports whether some enabled endpoint asked for one of events,
// so that the sites that must read what they send read nothing when no
// webhook is configured.
func (e *Emitter) wanted(ctx context.Context, events ...string) bool {
	if e == nil {
		return false
	}
	all, err := e.Store.WebhookEndpoints(ctx)
	if err != nil {
		e.log().ErrorContext(ctx, "read webhook endpoints; the event is not sent", "events", events, "err", err)
		return false
	}
	for _, ep := range all {
		for _, ev := range events {
			if ep.Enabled() && ep.Wants(ev) {
				return true
			}
		}
	}
	return false
}

// purge tells the CDN to drop the pages of keys and every list of
// articles (home, sections, tags, feeds...), which show them.
func (e *Emitter) purge(ctx context.Context, keys ...string) {
	if e == nil || e.Purge == nil || len(keys) == 0 {
		return
	}
	e.Purge(ctx, append(keys, httpx.KeyLists)...)
}

// ArticleSaved emits what an editor's save did to the live site:
// article.published when the article goes live, article.updated when a
// live article changes. was is its status before the save.
func (e *Emitter) ArticleSaved(ctx context.Context, was magazine.Status, rev store.Revision) {
	if rev.Applied && was == magazine.StatusPublished && rev.Input.Status != magazine.StatusPublished {
		e.purge(ctx, httpx.ArticleKey(rev.ArticleID)) // taken down; Articles purges the others
	}
	if !rev.Applied || rev.Input.Status != magazine.StatusPublished {
		return
	}
	event := magazine.EventArticleUpdated
	if was != magazine.StatusPublished {
		event = magazine.EventArticlePublished
	}
	e.Articles(ctx, event, rev.ArticleID)
}

// Articles emits event for each article, as it is now.
func (e *Emitter) Articles(ctx context.Context, event string, ids ...int64) {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = httpx.ArticleKey(id)
	}
	e.purge(ctx, keys...)
	if len(ids) == 0 || !e.wanted(ctx, event) {
		return
	}
	for _, id := range ids {
		a, err := e.Store.ArticleByID(ctx, id)
		if err != nil {
			e.log().ErrorContext(ctx, "read article for webhook; the event is not sent", "event", event, "article", id, "err", err)
			continue
		}
		e.Article(ctx, event, a)
	}
}

// IssuePublished emits issue.published for an issue that was not out
// before, and article.published for its drafts that went live with it:
// those updated since (the store's clock just before publishing).
func (e *Emitter) IssuePublished(ctx context.Context, issueID int64, wasPublished bool, since time.Time) {
	e.purge(ctx, httpx.IssueKey(issueID))
	if !e.wanted(ctx, magazine.EventIssuePublished, magazine.EventArticlePublished) {
		return
	}
	issue, err := e.Store.IssueByID(ctx, issueID)
	if err != nil {
		e.log().ErrorContext(ctx, "read issue for webhook; the event is not sent", "issue", issueID, "err", err)
		return
	}
	if !wasPublished {
		e.Issue(ctx, issue)
	}
	contents, err := e.Store.IssueContents(ctx, issueID)
	if err != nil {
		e.log().ErrorContext(ctx, "read issue contents for webhook; the events are not sent", "issue", issueID, "err", err)
		return
	}
	var ids []int64
	for _, a := range contents {
		if a.Status == magazine.StatusPublished && !a.UpdatedAt.Before(since.Truncate(time.Second)) {
			ids = append(ids, a.ID)
		}
	}
	e.Articles(ctx, magazine.EventArticlePublished, ids...)
}
