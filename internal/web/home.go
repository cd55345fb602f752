package web

import (
	"net/http"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

type sectionBlock struct {
	Section  magazine.Section
	Articles []magazine.Article
}

type homePage struct {
	Page       Page
	Lead       *magazine.Article
	Issue      *magazine.Issue
	Latest     []magazine.Article
	PerSection []sectionBlock
}

// home shows the lead story, the current issue, the latest articles and
// the latest of each section.
func (s *Site) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	page, err := s.newPage(ctx, r, "", "")
	if err != nil {
		return err
	}
	page.Title = page.Pub.Name
	page.Canonical = s.abs("/")
	data := homePage{Page: page}
	latest, _, err := s.store.Articles(ctx, store.ArticleFilter{Limit: 13})
	if err != nil {
		return err
	}
	// The lead is the newest article with a picture; the rest follow.
	for i := range latest {
		if latest[i].FeaturedURL != "" {
			lead := latest[i]
			data.Lead = &lead
			latest = append(latest[:i:i], latest[i+1:]...)
			break
		}
	}
	if data.Lead == nil && len(latest) > 0 {
		data.Lead, latest = &latest[0], latest[1:]
	}
	data.Latest = latest[:min(len(latest), 6)]
	seen := map[int64]bool{}
	if data.Lead != nil {
		seen[data.Lead.ID] = true
		data.Page.Image = s.abs(data.Lead.FeaturedURL)
	}
	for _, a := range data.Latest {
		seen[a.ID] = true
	}
	for _, sec := range page.Sections {
		list, _, err := s.store.Articles(ctx, store.ArticleFilter{SectionID: sec.ID, Limit: 8})
		if err != nil {
			return err
		}
		block := sectionBlock{Section: sec}
		for _, a := range list {
			if !seen[a.ID] && len(block.Articles) < 4 {
				block.Articles = append(block.Articles, a)
			}
		}
		if len(block.Articles) > 0 {
			data.PerSection = append(data.PerSection, block)
		}
	}
	issue, err := s.store.CurrentIssue(ctx)
	if err == nil {
		data.Issue = &issue
	} else if !magazine.IsNotFound(err) {
		return err
	}
	data.Page.JSONLD = websiteJSONLD(page.Pub, s.abs("/"))
	ents, err := s.readerEntitlements(r)
	if err != nil {
		return err
	}
	if err := s.fillAds(ctx, &data.Page, "/", ents, magazine.SlotHome); err != nil {
		return err
	}
	httpx.SurrogateKeys(w, httpx.KeyLists, "home")
	return s.render(w, "home", http.StatusOK, page.Pub, data)
}
