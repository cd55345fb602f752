package web

import "net/http"

// Register adds every route of the public site to mux.
func (s *Site) Register(mux *http.ServeMux) {
	page := s.surface.Page
	mux.Handle("GET /{$}", page(s.home))
	mux.Handle("GET /articles/{slug}", page(s.article))
	mux.Handle("GET /articles/{slug}/{page}", page(s.article))
	mux.Handle("GET /sections/{slug}", page(s.section))
	mux.Handle("GET /tags/{slug}", page(s.tag))
	mux.Handle("GET /authors", page(s.authors))
	mux.Handle("GET /authors/{slug}", page(s.author))
	mux.Handle("GET /issues", page(s.issues))
	mux.Handle("GET /issues/{volume}/{number}", page(s.issue))
	mux.Handle("GET /subscribe", page(s.subscribe))
	mux.Handle("GET /robots.txt", page(s.robots))
	mux.Handle("GET /sitemap.xml", page(s.sitemapIndex))
	mux.Handle("GET /sitemaps/{name}", page(s.sitemap))
	mux.Handle("GET /feed.xml", page(s.feed))
	mux.HandleFunc("GET /static/{file}", s.static)
	mux.Handle("GET /media/{dir}/{file}", s.surface.Dynamic(s.media))
	mux.Handle("/", page(s.notFound))
}
