package api

import (
	"net/http"

	"github.com/masthead-press/masthead/internal/search"
)

// Register adds every route of the API to mux.
func (a *API) Register(mux *http.ServeMux) {
	page := a.surface.Page
	mux.Handle("GET /api/v1/articles", page(a.listArticles))
	mux.Handle("GET /api/v1/articles/{slug}", page(a.getArticle))
	mux.Handle("GET /api/v1/issues", page(a.listIssues))
	mux.Handle("GET /api/v1/issues/{id}", page(a.getIssue))
	mux.Handle("GET /api/v1/sections", page(a.listSections))
	mux.Handle("GET /api/v1/authors", page(a.listAuthors))
	mux.Handle("GET /api/v1/search", page(a.search))
	mux.Handle("/api/", page(a.notFound))
}

// queryParams lists, by route pattern, the query parameters each endpoint
// reads; any other is redirected away before the page cache
// (httpx.CanonicalURL).
var queryParams = map[string][]string{
	"GET /api/v1/articles": {"section", "author", "tag", "issue", "visibility", "limit", "cursor"},
	"GET /api/v1/issues":   {"year", "page"},
	"GET /api/v1/search":   search.Params,
}
