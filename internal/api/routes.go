package api

import "net/http"

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
