package web

import "github.com/masthead-press/masthead/internal/search"

// queryParams lists, by route pattern, the query parameters each cached
// page reads: any other is redirected away before the page cache
// (httpx.CanonicalURL), so that no spelling of a URL makes a cache entry
// of its own. A route not listed reads none.
var queryParams = map[string][]string{
	"GET /sections/{slug}": {"page"},
	"GET /tags/{slug}":     {"page"},
	"GET /authors/{slug}":  {"page"},
	"GET /authors":         {"page"},
	"GET /issues":          {"year"},
	"GET /subscribe":       {"checkout", "return"},
	"GET /search":          search.Params,
}
