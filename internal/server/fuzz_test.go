package server_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/storetest"
)

// FuzzPublicRequests drives the real handler with fuzzed paths, query
// strings and form bodies on the public surfaces: nothing answers 5xx,
// nothing echoes markup it was sent, and no redirect leaves the site.
func FuzzPublicRequests(f *testing.F) {
	for _, seed := range []struct{ method, path, body string }{
		{"GET", "/sections/politics?page=2", ""},
		{"GET", "/articles/the-long-road-to-the-harbour/02", ""},
		{"GET", "/tags/transport?page=%FF%FE", ""},
		{"GET", "/issues?year=<x-fuzz>", ""},
		{"GET", "/api/v1/articles?tag=<x-fuzz>&limit=+5&cursor=%00", ""},
		{"GET", "/subscribe?return=//evil.example&checkout=canceled", ""},
		{"GET", "/sign-in?return=<x-fuzz>\"'", ""},
		{"GET", "/authors/ada-quill/?page=1&page=2", ""},
		{"GET", "/articles/%2e%2e/%2fetc", ""},
		{"POST", "/sign-up", "email=<x-fuzz>%40example.com&name=%FF%FE%C0%AF"},
		{"POST", "/sign-in", "email=a%40example.com&return=javascript:alert(1)"},
		{"POST", "/sign-in/password", "email=a%40example.com&password=%00"},
		{"POST", "/subscribe", "plan=1&interval=<x-fuzz>&email=b%40example.com&ship_country=%C0"},
	} {
		f.Add(seed.method, seed.path, seed.body)
	}
	fx := newFixture(f, storetest.SQLite(f))
	f.Fuzz(func(t *testing.T, method, target, body string) {
		if method != "POST" {
			method = "GET"
		}
		u, err := url.ParseRequestURI(target)
		if err != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "/admin") || strings.HasPrefix(u.Path, "/billing/webhooks") {
			return
		}
		req := httptest.NewRequest(method, "/", strings.NewReader(body))
		req.URL, req.RequestURI = u, u.RequestURI()
		if method == "POST" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		w := httptest.NewRecorder()
		fx.h.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s (%q) = %d\n%.500s", method, target, body, w.Code, w.Body)
		}
		out := w.Body.String()
		if strings.Contains(out, "<x-fuzz") {
			t.Fatalf("%s %s (%q) echoes markup:\n%.2000s", method, target, body, out)
		}
		for _, v := range inputs(u.RawQuery, body) {
			if len(v) < 4 || !strings.Contains(v, "<") || !strings.Contains(out, v) {
				continue
			}
			// Markup the page has anyway (say "<link rel") is no echo:
			// compare with the same page asked for without the input.
			plain := httptest.NewRecorder()
			fx.h.ServeHTTP(plain, httptest.NewRequest("GET", "/", nil))
			base := plain.Body.String()
			if r := httptest.NewRequest("GET", "/", nil); u.Path != "/" {
				r.URL = &url.URL{Path: u.Path}
				plain = httptest.NewRecorder()
				fx.h.ServeHTTP(plain, r)
				base += plain.Body.String()
			}
			if !strings.Contains(base, v) {
				t.Fatalf("%s %s (%q) echoes %q unescaped", method, target, body, v)
			}
		}
		if loc := w.Header().Get("Location"); loc != "" && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\")) {
			t.Fatalf("%s %s redirects off the site, to %q", method, target, loc)
		}
	})
}

// inputs are the decoded values of a query and a form body.
func inputs(query, body string) []string {
	var out []string
	for _, raw := range []string{query, body} {
		vs, _ := url.ParseQuery(raw)
		for k, list := range vs {
			out = append(out, k)
			out = append(out, list...)
		}
	}
	return out
}
