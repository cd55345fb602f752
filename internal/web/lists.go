package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// perPage is how many articles a section, tag or author page lists.
const perPage = 20

type pager struct {
	Number  int
	PrevURL string
	NextURL string
}

type listPage struct {
	Page     Page
	Heading  string
	Intro    string
	Author   *magazine.Author
	Articles []magazine.Article
	Pager    pager
}

// list fills a paginated list page. A page past the end is a 404, except
// the first page of an empty list.
func (s *Site) list(ctx context.Context, r *http.Request, f store.ArticleFilter, title, intro string) (listPage, error) {
	n, err := httpx.PageParam(r)
	if err != nil {
		return listPage{}, err
	}
	f.Offset, f.Limit = (n-1)*perPage, perPage
	articles, more, err := s.store.Articles(ctx, f)
	if err != nil {
		return listPage{}, err
	}
	if len(articles) == 0 && n > 1 {
		return listPage{}, httpx.NotFound
	}
	if n > 1 {
		title += " (page " + strconv.Itoa(n) + ")"
	}
	page, err := s.newPage(ctx, r, title, intro)
	if err != nil {
		return listPage{}, err
	}
	p := pager{Number: n}
	if n > 1 {
		p.PrevURL = listURL(r.URL.Path, n-1)
	}
	if more {
		p.NextURL = listURL(r.URL.Path, n+1)
	}
	page.Canonical = s.abs(listURL(r.URL.Path, n))
	page.PrevURL, page.NextURL = s.abs(p.PrevURL), s.abs(p.NextURL)
	ents, err := s.readerEntitlements(r)
	if err != nil {
		return listPage{}, err
	}
	if err := s.fillAds(ctx, &page, listURL(r.URL.Path, n), ents, magazine.SlotList); err != nil {
		return listPage{}, err
	}
	return listPage{Page: page, Heading: title, Intro: intro, Articles: articles, Pager: p}, nil
}

func listURL(path string, n int) string {
	if n <= 1 {
		return path
	}
	return path + "?" + url.Values{"page": {strconv.Itoa(n)}}.Encode()
}

func (s *Site) section(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	slug := r.PathValue("slug")
	if !magazine.ValidSlug(slug) {
		return httpx.NotFound
	}
	sec, err := s.store.PublishedSectionBySlug(ctx, slug)
	if err != nil {
		return err
	}
	data, err := s.list(ctx, r, store.ArticleFilter{SectionID: sec.ID}, sec.Name, sec.Description)
	if err != nil {
		return err
	}
	data.Page.Feeds = append(s.feedLinks(data.Page.Pub.Name+": "+sec.Name, "/sections/"+sec.Slug), data.Page.Feeds...)
	httpx.SurrogateKeys(w, httpx.KeyLists, httpx.SectionKey(sec.ID))
	return s.render(w, "list", http.StatusOK, data.Page.Pub, data)
}

func (s *Site) tag(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	slug := r.PathValue("slug")
	if !magazine.ValidSlug(slug) {
		return httpx.NotFound
	}
	tag, err := s.store.PublishedTagBySlug(ctx, slug)
	if err != nil {
		return err
	}
	data, err := s.list(ctx, r, store.ArticleFilter{TagID: tag.ID}, tag.Name, "Articles tagged “"+tag.Name+"”.")
	if err != nil {
		return err
	}
	data.Page.Feeds = append(s.feedLinks(data.Page.Pub.Name+": "+tag.Name, "/tags/"+tag.Slug), data.Page.Feeds...)
	httpx.SurrogateKeys(w, httpx.KeyLists)
	return s.render(w, "list", http.StatusOK, data.Page.Pub, data)
}

func (s *Site) author(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	slug := r.PathValue("slug")
	if !magazine.ValidSlug(slug) {
		return httpx.NotFound
	}
	au, err := s.store.PublishedAuthorBySlug(ctx, slug)
	if err != nil {
		return err
	}
	intro := au.Bio
	if intro == "" {
		intro = "Articles by " + au.Name + "."
	}
	data, err := s.list(ctx, r, store.ArticleFilter{AuthorID: au.ID}, au.Name, intro)
	if err != nil {
		return err
	}
	data.Author = &au
	data.Page.Feeds = append(s.feedLinks(data.Page.Pub.Name+": "+au.Name, "/authors/"+au.Slug), data.Page.Feeds...)
	data.Page.OGType = "profile"
	data.Page.Image = s.abs(au.PhotoURL)
	httpx.SurrogateKeys(w, httpx.KeyLists)
	return s.render(w, "list", http.StatusOK, data.Page.Pub, data)
}

type authorsPage struct {
	Page    Page
	Authors []magazine.Author
}

func (s *Site) authors(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if len(r.URL.RawQuery) > 0 {
		if _, err := httpx.PageParam(r); err != nil {
			return err
		}
	}
	page, err := s.newPage(ctx, r, "Writers", "The writers of the magazine.")
	if err != nil {
		return err
	}
	list, err := s.store.PublishedAuthors(ctx)
	if err != nil {
		return err
	}
	httpx.SurrogateKeys(w, httpx.KeyLists)
	return s.render(w, "authors", http.StatusOK, page.Pub, authorsPage{Page: page, Authors: list})
}
