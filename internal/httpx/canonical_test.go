package httpx

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Every other spelling of a page is a 301 to its canonical URL, made
// before the cache: only the canonical URL is rendered and stored (issue
// 9, finding 12).
func TestNonCanonicalSpellingsMakeNoCacheEntries(t *testing.T) {
	t.Parallel()
	cache := NewCache(1<<20, func() int64 { return 1 })
	renders := 0
	s := &Surface{Cache: cache, Anonymous: func(*http.Request) bool { return true },
		Query: map[string][]string{"GET /tags/{slug}": {"page"}}}
	mux := http.NewServeMux()
	page := s.Page(func(w http.ResponseWriter, r *http.Request) error {
		renders++
		w.Write([]byte("page"))
		return nil
	})
	mux.Handle("GET /articles/{slug}/{page}", page)
	mux.Handle("GET /tags/{slug}", page)
	mux.Handle("/", page) // as the site's not-found page
	for _, c := range []struct{ sent, want string }{
		{"/articles/harbour/02", "/articles/harbour/2"},
		{"/articles/harbour/+2", "/articles/harbour/2"},
		{"/articles/harbour/002", "/articles/harbour/2"},
		{"/articles/%68arbour/2", "/articles/harbour/2"},
		{"/articles/harbour/2/", "/articles/harbour/2"},
		{"/articles/harbour/2?utm_source=x", "/articles/harbour/2"},
		{"/articles/harbour/2?", "/articles/harbour/2"},
		{"/tags/coast?page=1", "/tags/coast"},
		{"/tags/coast?page=03", "/tags/coast?page=3"},
		{"/tags/coast?page=3&page=4", "/tags/coast?page=3"},
		{"/tags/coast?x=1&page=3", "/tags/coast?page=3"},
		{"/tags/coast/", "/tags/coast"},
	} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", c.sent, nil))
		if w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != c.want {
			t.Errorf("GET %s = %d to %q, want 301 to %q", c.sent, w.Code, w.Header().Get("Location"), c.want)
		}
	}
	if renders != 0 || cache.Len() != 0 {
		t.Errorf("non-canonical spellings rendered %d times, %d cache entries", renders, cache.Len())
	}
	// The control: canonical URLs are served and cached once each.
	for _, u := range []string{"/articles/harbour/2", "/tags/coast?page=3", "/tags/coast", "/articles/harbour/2"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", u, nil))
		if w.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", u, w.Code)
		}
	}
	if renders != 3 || cache.Len() != 3 {
		t.Errorf("canonical URLs: %d renders, %d cache entries, want 3 and 3", renders, cache.Len())
	}
	// A request in absolute form, as a proxy sends it, is the same page:
	// served from the cache, not redirected to itself.
	for _, u := range []string{"https://mag.example/tags/coast", "http://other.example/tags/coast"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", u, nil))
		if w.Code != http.StatusOK {
			t.Errorf("GET %s = %d (to %q), want 200", u, w.Code, w.Header().Get("Location"))
		}
	}
	if renders != 3 || cache.Len() != 3 {
		t.Errorf("absolute-form requests: %d renders, %d cache entries, want still 3 and 3", renders, cache.Len())
	}
	// What the handler refuses is left to it: no redirect for a page
	// that is not a number, or a space in a slug.
	for _, u := range []string{"/articles/harbour/x", "/articles/Bad%20Slug/2", "/tags/coast?page=abc"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", u, nil))
		if w.Code == http.StatusMovedPermanently {
			t.Errorf("GET %s redirected to %q", u, w.Header().Get("Location"))
		}
	}
}
