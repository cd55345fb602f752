package admin

import (
	"net/http"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

type dashboardData struct {
	Drafts, Scheduled, Published int
	RecentDrafts                 []magazine.Article
	Upcoming                     []magazine.Article
	RecentlyPublished            []magazine.Article
}

func (a *Admin) dashboard(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	counts, err := a.store.ArticleCounts(ctx)
	if err != nil {
		return err
	}
	d := dashboardData{Drafts: counts[magazine.StatusDraft], Scheduled: counts[magazine.StatusScheduled], Published: counts[magazine.StatusPublished]}
	if d.RecentDrafts, err = a.store.RecentArticles(ctx, magazine.StatusDraft, 10); err != nil {
		return err
	}
	if d.Upcoming, err = a.store.RecentArticles(ctx, magazine.StatusScheduled, 10); err != nil {
		return err
	}
	if d.RecentlyPublished, err = a.store.RecentArticles(ctx, magazine.StatusPublished, 10); err != nil {
		return err
	}
	return a.render(w, http.StatusOK, "dashboard", a.newPage(me, "Dashboard"), d)
}
