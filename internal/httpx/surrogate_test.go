package httpx

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestSurrogateKeys: an anonymous page keeps the keys its handler named,
// with the site's key, in Fastly's and Cloudflare's spellings, and the
// CDN's lifetime; a page of another audience, a page that sets a cookie
// and an error page carry none.
func TestSurrogateKeys(t *testing.T) {
	t.Parallel()
	audience := ""
	s := &Surface{Cache: NewCache(1<<20, func() int64 { return 1 }), CDNMaxAge: 4 * time.Hour, Log: slog.New(slog.DiscardHandler),
		Error:    func(w http.ResponseWriter, r *http.Request, status int, msg string) { w.WriteHeader(status) },
		Audience: func(*http.Request) (string, bool) { return audience, true }}
	page := s.Page(func(w http.ResponseWriter, r *http.Request) error {
		SurrogateKeys(w, ArticleKey(7), SectionKey(2))
		switch r.URL.Path {
		case "/cookie":
			http.SetCookie(w, &http.Cookie{Name: "c", Value: "1"})
		case "/missing":
			return NotFound
		}
		w.Header().Set("Content-Type", "text/html")
		_, err := io.WriteString(w, "<p>page</p>")
		return err
	})
	get := func(path string) http.Header {
		rec := httptest.NewRecorder()
		page.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Header()
	}
	for range 2 { // rendered, then from the cache
		h := get("/a")
		if got := h.Get("Surrogate-Key"); got != "article-7 section-2 site" {
			t.Errorf("Surrogate-Key %q", got)
		}
		if got := h.Get("Cache-Tag"); got != "article-7,section-2,site" {
			t.Errorf("Cache-Tag %q", got)
		}
		if h.Get("Surrogate-Control") != "max-age=14400" || h.Get("CDN-Cache-Control") != "max-age=14400" || h.Get("Cache-Control") != "public, max-age=60" {
			t.Errorf("lifetimes: Surrogate-Control %q, CDN-Cache-Control %q, Cache-Control %q",
				h.Get("Surrogate-Control"), h.Get("CDN-Cache-Control"), h.Get("Cache-Control"))
		}
	}
	for _, path := range []string{"/cookie", "/missing"} {
		if h := get(path); h.Get("Surrogate-Key") != "" || h.Get("Cache-Tag") != "" || h.Get("Surrogate-Control") != "" {
			t.Errorf("%s carries keys: %v", path, h)
		}
	}
	audience = "subscribers"
	if h := get("/a"); h.Get("Surrogate-Key") != "" || h.Get("Cache-Tag") != "" || !strings.Contains(h.Get("Cache-Control"), "private") {
		t.Errorf("a subscriber's page carries keys: %v", h)
	}
}
