package adminapi

import (
	"net/http"

	"github.com/masthead-press/masthead/internal/magazine"
)

// route is one Admin API route and the scope it needs.
type route struct {
	pattern string
	scope   magazine.APIScope
	h       handler
}

// routes lists every route of the Admin API. The OpenAPI test compares it
// with the document, so a route added here must be described there.
func (a *API) routes() []route {
	const (
		read    = magazine.ScopeRead
		content = magazine.ScopeContentWrite
		readers = magazine.ScopeReadersWrite
	)
	return []route{
		{"GET /api/admin/v1/articles", read, a.listArticles},
		{"POST /api/admin/v1/articles", content, a.createArticle},
		{"GET /api/admin/v1/articles/{id}", read, a.getArticle},
		{"PATCH /api/admin/v1/articles/{id}", content, a.updateArticle},
		{"POST /api/admin/v1/articles/{id}/publish", content, a.publishArticle},
		{"POST /api/admin/v1/articles/{id}/schedule", content, a.scheduleArticle},
		{"POST /api/admin/v1/images", content, a.uploadImage},
		{"GET /api/admin/v1/issues", read, a.listIssues},
		{"POST /api/admin/v1/issues", content, a.createIssue},
		{"GET /api/admin/v1/issues/{id}", read, a.getIssue},
		{"POST /api/admin/v1/issues/{id}/articles", content, a.addToIssue},
		{"GET /api/admin/v1/readers", read, a.findReaders},
		{"POST /api/admin/v1/readers", readers, a.createReader},
		{"GET /api/admin/v1/readers/{id}", read, a.getReader},
		{"POST /api/admin/v1/readers/{id}/comps", readers, a.compReader},
	}
}

// Register adds every route of the Admin API to mux, and the OpenAPI
// document of both APIs.
func (a *API) Register(mux *http.ServeMux) {
	for _, rt := range a.routes() {
		mux.Handle(rt.pattern, a.serve(rt.scope, rt.h))
	}
	mux.Handle("/api/admin/", a.serve(magazine.ScopeRead, func(w http.ResponseWriter, r *http.Request, _ magazine.APIKey) error {
		return magazine.Errorf(magazine.ENOTFOUND, "There is no Admin API call at this address; see /api/openapi.json.")
	}))
	mux.HandleFunc("GET /api/openapi.json", serveOpenAPI)
}
