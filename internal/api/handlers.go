package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

type articleList struct {
	Articles   []Article `json:"articles"`
	NextCursor string    `json:"next_cursor,omitempty"`
	Next       string    `json:"next,omitempty"`
}

// listArticles: GET /api/v1/articles?section=&author=&tag=&issue=&visibility=&limit=&cursor=
// Pages are linked by an opaque cursor, so that an article published while
// a client pages through never shifts the pages it has still to read.
func (a *API) listArticles(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := store.ArticleFilter{Limit: 20}
	if raw := q.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > store.MaxListLimit {
			return httpx.BadRequest("limit must be a number from 1 to %d.", store.MaxListLimit)
		}
		f.Limit = n
	}
	if raw := q.Get("cursor"); raw != "" {
		c, err := decodeCursor(raw)
		if err != nil {
			return httpx.BadRequest("The cursor is not one this API gave out; start again without it.")
		}
		f.Before = &c
	}
	if slug := q.Get("section"); slug != "" {
		sec, err := a.store.PublishedSectionBySlug(ctx, slug)
		if err != nil {
			return filterError(err, "section", slug)
		}
		f.SectionID = sec.ID
	}
	if slug := q.Get("author"); slug != "" {
		au, err := a.store.PublishedAuthorBySlug(ctx, slug)
		if err != nil {
			return filterError(err, "author", slug)
		}
		f.AuthorID = au.ID
	}
	if slug := q.Get("tag"); slug != "" {
		tag, err := a.store.PublishedTagBySlug(ctx, slug)
		if err != nil {
			return filterError(err, "tag", slug)
		}
		f.TagID = tag.ID
	}
	if raw := q.Get("issue"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id < 1 {
			return httpx.BadRequest("issue must be an issue id, a positive number.")
		}
		f.IssueID = id
	}
	if raw := q.Get("visibility"); raw != "" {
		v := magazine.Visibility(raw)
		if !v.Valid() {
			return httpx.BadRequest("visibility must be public, registered or subscribers.")
		}
		f.Visibility = v
	}
	list, more, err := a.store.Articles(ctx, f)
	if err != nil {
		return err
	}
	issues, err := a.issuesOf(r, list)
	if err != nil {
		return err
	}
	out := articleList{Articles: []Article{}}
	for _, x := range list {
		out.Articles = append(out.Articles, a.article(x, issues))
	}
	if more && len(list) > 0 {
		out.NextCursor = encodeCursor(store.CursorOf(list[len(list)-1]))
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("cursor", out.NextCursor)
		out.Next = a.abs("/api/v1/articles?" + next.Encode())
	}
	return writeJSON(w, out)
}

func filterError(err error, name, slug string) error {
	if magazine.IsNotFound(err) {
		return httpx.BadRequest("No %s has the slug %q.", name, truncate(slug, 60))
	}
	return err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}

func (a *API) issuesOf(r *http.Request, list []magazine.Article) (map[int64]magazine.Issue, error) {
	var ids []int64
	seen := map[int64]bool{}
	for _, x := range list {
		if x.IssueID != 0 && !seen[x.IssueID] {
			seen[x.IssueID] = true
			ids = append(ids, x.IssueID)
		}
	}
	return a.store.IssuesByID(r.Context(), ids)
}

func encodeCursor(c store.Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.PublishedAt, 10) + "." + strconv.FormatInt(c.ID, 10)))
}

func decodeCursor(s string) (store.Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return store.Cursor{}, err
	}
	ts, id, ok := strings.Cut(string(raw), ".")
	if !ok {
		return store.Cursor{}, httpx.BadRequest("bad cursor")
	}
	t, err1 := strconv.ParseInt(ts, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n < 1 {
		return store.Cursor{}, httpx.BadRequest("bad cursor")
	}
	return store.Cursor{PublishedAt: t, ID: n}, nil
}

// getArticle: GET /api/v1/articles/{slug}. The pages of the body are sent
// only when the viewer may read them; the preview always.
func (a *API) getArticle(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	if !magazine.ValidSlug(slug) {
		return httpx.NotFound
	}
	x, err := a.store.ArticleBySlug(r.Context(), slug)
	var moved *store.Moved
	if errors.As(err, &moved) {
		return &httpx.Redirect{URL: "/api/v1/articles/" + moved.Slug, Status: http.StatusMovedPermanently}
	} else if err != nil {
		return err
	}
	issues, err := a.issuesOf(r, []magazine.Article{x})
	if err != nil {
		return err
	}
	out := a.article(x, issues)
	ok := magazine.Decide(viewer(r), x).Access == magazine.AccessFull
	out.Accessible = &ok
	out.PreviewHTML = x.PreviewHTML
	if ok {
		out.Pages = x.Pages
	}
	return writeJSON(w, out)
}

// Issue is an issue as the API shows it.
type Issue struct {
	ID        int64     `json:"id"`
	Volume    int       `json:"volume"`
	Number    int       `json:"number"`
	Label     string    `json:"label"`
	Title     string    `json:"title,omitempty"`
	CoverDate string    `json:"cover_date"`
	CoverURL  string    `json:"cover_url,omitempty"`
	URL       string    `json:"url"`
	Articles  []Article `json:"articles,omitempty"`
}

func (a *API) issue(i magazine.Issue) Issue {
	return Issue{ID: i.ID, Volume: i.Volume, Number: i.Number, Label: i.Label(), Title: i.Title,
		CoverDate: i.CoverDate.Format("2006-01-02"), CoverURL: a.abs(i.CoverURL),
		URL: a.abs("/issues/" + strconv.Itoa(i.Volume) + "/" + strconv.Itoa(i.Number))}
}

type issueList struct {
	Issues []Issue `json:"issues"`
	Next   string  `json:"next,omitempty"`
}

// listIssues: GET /api/v1/issues?year=&page=
func (a *API) listIssues(w http.ResponseWriter, r *http.Request) error {
	n, err := httpx.PageParam(r)
	if err != nil {
		return err
	}
	f := store.IssueFilter{Limit: 24, Offset: (n - 1) * 24}
	if raw := r.URL.Query().Get("year"); raw != "" {
		y, err := strconv.Atoi(raw)
		if err != nil || y < 1000 || y > 9999 {
			return httpx.BadRequest("year must be a four-digit year such as 2025.")
		}
		f.Year = y
	}
	list, more, err := a.store.Issues(r.Context(), f)
	if err != nil {
		return err
	}
	out := issueList{Issues: []Issue{}}
	for _, i := range list {
		out.Issues = append(out.Issues, a.issue(i))
	}
	if more {
		next := r.URL.Query()
		next.Set("page", strconv.Itoa(n+1))
		out.Next = a.abs("/api/v1/issues?" + next.Encode())
	}
	return writeJSON(w, out)
}

// getIssue: GET /api/v1/issues/{id}, with its table of contents.
func (a *API) getIssue(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return httpx.NotFound
	}
	i, err := a.store.IssueByID(r.Context(), id)
	if err != nil {
		return err
	}
	if !i.Published {
		return httpx.NotFound
	}
	articles, err := a.store.IssueArticles(r.Context(), id)
	if err != nil {
		return err
	}
	out := a.issue(i)
	out.Articles = []Article{}
	issues := map[int64]magazine.Issue{i.ID: i}
	for _, x := range articles {
		out.Articles = append(out.Articles, a.article(x, issues))
	}
	return writeJSON(w, out)
}

func (a *API) listSections(w http.ResponseWriter, r *http.Request) error {
	list, err := a.store.PublishedSections(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Sections []Section `json:"sections"`
	}{Sections: []Section{}}
	for _, s := range list {
		out.Sections = append(out.Sections, a.section(s))
	}
	return writeJSON(w, out)
}

func (a *API) listAuthors(w http.ResponseWriter, r *http.Request) error {
	list, err := a.store.PublishedAuthors(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Authors []Author `json:"authors"`
	}{Authors: []Author{}}
	for _, u := range list {
		out.Authors = append(out.Authors, a.author(u))
	}
	return writeJSON(w, out)
}

func (a *API) notFound(w http.ResponseWriter, r *http.Request) error {
	return magazine.Errorf(magazine.ENOTFOUND, "No such API endpoint. See /api/v1/articles, /api/v1/issues, /api/v1/sections and /api/v1/authors.")
}
