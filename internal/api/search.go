package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/search"
)

type searchResults struct {
	Query  string      `json:"query"`
	Total  int         `json:"total"`
	Capped bool        `json:"capped,omitempty"` // more than total matched; the most recent are ranked
	Page   int         `json:"page"`
	Pages  int         `json:"pages"`
	Hits   []searchHit `json:"results"`
	Next   string      `json:"next,omitempty"`
}

type searchHit struct {
	Article
	// Snippet is plain text; the matched words are Highlights' runs of it.
	Snippet    string  `json:"snippet"`
	Highlights [][]int `json:"highlights,omitempty"` // [start, end) byte offsets in snippet
}

// search: GET /api/v1/search?q=&section=&author=&issue=&year=&from=&to=&in=&sort=&page=
// with the rules of the site's /search, for an anonymous reader: gated
// articles are matched and quoted by their public part only.
func (a *API) search(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, err := search.Request(r, a.store, viewer(r), 10)
	if err != nil {
		return err
	}
	out := searchResults{Query: f.Query.Text, Page: 1, Pages: 1, Hits: []searchHit{}}
	if f.Query.Empty() {
		return writeJSON(w, out)
	}
	if !a.searchLimit.Allow(httpx.ClientIP(r)) {
		writeError(w, r, http.StatusTooManyRequests, "Too many searches from your address. Wait a minute, then try again.")
		return nil
	}
	res, err := a.store.Search(ctx, f)
	if err != nil {
		return err
	}
	list := make([]magazine.Article, len(res.Hits))
	for i, h := range res.Hits {
		list[i] = h.Article
	}
	issues, err := a.issuesOf(r, list)
	if err != nil {
		return err
	}
	out.Total, out.Capped, out.Page, out.Pages = res.Total, res.Capped, res.Page, res.Pages
	for _, h := range res.Hits {
		hit := searchHit{Article: a.article(h.Article, issues)}
		var b strings.Builder
		for _, p := range h.Snippet {
			if p.Match {
				hit.Highlights = append(hit.Highlights, []int{b.Len(), b.Len() + len(p.Text)})
			}
			b.WriteString(p.Text)
		}
		hit.Snippet = b.String()
		out.Hits = append(out.Hits, hit)
	}
	if res.Page < res.Pages {
		next := url.Values{}
		for k, v := range r.URL.Query() {
			next[k] = v
		}
		next.Set("page", strconv.Itoa(res.Page+1))
		out.Next = a.abs("/api/v1/search?" + next.Encode())
	}
	return writeJSON(w, out)
}
