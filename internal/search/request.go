// Package search reads a reader's search from a request, the same way for
// the site's /search page and the API's /api/v1/search. What a search
// may match is decided by magazine.ScopeOf; the index is the store's.
package search

import (
	"net/http"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// Params are the query parameters Request reads, for the surfaces' lists
// of what each cached page may be asked (httpx.CanonicalURL).
var Params = []string{"q", "section", "author", "issue", "year", "from", "to", "in", "sort", "page"}

// Request reads a search from the query string of r (q, section, author,
// issue, year, from, to, in, sort, page) for viewer v, with perPage
// results a page. Drafts never count: the newsroom searches them, not
// the reading surfaces. An error is a coded one, with a message to show.
func Request(r *http.Request, st *store.Store, v magazine.Viewer, perPage int) (store.SearchFilter, error) {
	ctx := r.Context()
	qv := r.URL.Query()
	q, err := magazine.ParseSearch(qv.Get("q"))
	f := store.SearchFilter{Query: q, Scope: magazine.ScopeOf(v), PerPage: perPage}
	f.Scope.Drafts = false
	if err != nil {
		return f, err
	}
	if slug := qv.Get("section"); slug != "" {
		sec, err := st.SectionBySlug(ctx, slug)
		if err != nil {
			return f, httpx.BadRequest("There is no such section.")
		}
		f.SectionID = sec.ID
	}
	if slug := qv.Get("author"); slug != "" {
		au, err := st.AuthorBySlug(ctx, slug)
		if err != nil {
			return f, httpx.BadRequest("There is no such writer.")
		}
		f.AuthorID = au.ID
	}
	if id := qv.Get("issue"); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			return f, httpx.BadRequest("There is no such issue.")
		}
		f.IssueID = n
	}
	pub, err := st.Publication(ctx)
	if err != nil {
		return f, err
	}
	loc := pub.Location()
	if y := qv.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1000 || n > 9999 {
			return f, httpx.BadRequest("The year should be four digits, such as 2024.")
		}
		f.From, f.To = time.Date(n, 1, 1, 0, 0, 0, 0, loc), time.Date(n+1, 1, 1, 0, 0, 0, 0, loc)
	}
	for _, d := range []struct {
		name string
		into *time.Time
		days int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		if v := qv.Get(d.name); v != "" {
			t, err := time.ParseInLocation("2006-01-02", v, loc)
			if err != nil {
				return f, httpx.BadRequest("Dates should be written like 2024-03-31.")
			}
			*d.into = t.AddDate(0, 0, d.days) // "to" includes its day
		}
	}
	switch p := qv.Get("in"); p {
	case "", "print", "web":
		f.Print = p
	default:
		return f, httpx.BadRequest("Choose articles in print, web-only, or both.")
	}
	f.ByDate = qv.Get("sort") == "date"
	f.Page, err = httpx.PageParam(r)
	return f, err
}
