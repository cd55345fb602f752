package server_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/web"
)

// TestSurrogateKeysOnPages: each anonymous page names what it shows for
// a CDN (the article, its section and issue; each list; the site), and a
// missing page, a reader's own pages and files name nothing.
func TestSurrogateKeysOnPages(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	for path, want := range map[string][]string{
		web.ArticleURL(f.public.Slug):        {"article-" + id(f.public.ID), "section-" + id(f.public.Section.ID), "issue-" + id(f.issue.ID), "site"},
		web.ArticleURL(f.public.Slug) + "/2": {"article-" + id(f.public.ID), "site"},
		web.ArticleURL(f.gated.Slug):         {"article-" + id(f.gated.ID), "site"},
		"/":                                  {"lists", "home", "site"},
		"/sections/politics":                 {"lists", "section-" + id(f.public.Section.ID), "site"},
		"/issues/3/7":                        {"lists", "issue-" + id(f.issue.ID), "site"},
		"/issues":                            {"lists", "site"},
		"/authors":                           {"lists", "site"},
		"/feed.xml":                          {"lists", "site"},
		"/sitemap.xml":                       {"lists", "site"},
	} {
		r := f.get(t, path)
		keys := strings.Fields(r.header.Get("Surrogate-Key"))
		for _, k := range want {
			if !strings.Contains(" "+strings.Join(keys, " ")+" ", " "+k+" ") {
				t.Errorf("%s: Surrogate-Key %q lacks %s", path, r.header.Get("Surrogate-Key"), k)
			}
		}
		if r.header.Get("Cache-Tag") != strings.Join(keys, ",") {
			t.Errorf("%s: Cache-Tag %q for Surrogate-Key %q", path, r.header.Get("Cache-Tag"), r.header.Get("Surrogate-Key"))
		}
		if r.header.Get("Surrogate-Control") != "" {
			t.Errorf("%s: a CDN lifetime without a purge configured: %q", path, r.header.Get("Surrogate-Control"))
		}
	}
	for _, path := range []string{"/articles/no-such-article", "/account", "/sign-in", f.photo} {
		if r := f.get(t, path); r.header.Get("Surrogate-Key") != "" || r.header.Get("Cache-Tag") != "" {
			t.Errorf("%s (%d) carries keys %q", path, r.status, r.header.Get("Surrogate-Key"))
		}
	}
}
