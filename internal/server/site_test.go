package server_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
)

func TestSiteRoutes(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	tests := []struct {
		path   string
		status int
		wants  []string
	}{
		{"/", 200, []string{"The Harbour Review", "The long road to the harbour", "The ferry question", "Politics"}},
		{"/articles/the-long-road-to-the-harbour", 200, []string{"Page 1 of 3", "The first page begins here.", `<span class="credit">Northwind Wire</span>`}},
		{"/articles/the-long-road-to-the-harbour/2", 200, []string{"Page 2 of 3", "The second page continues.", "<blockquote>"}},
		{"/articles/the-long-road-to-the-harbour/3", 200, []string{"Page 3 of 3", "The third page ends it."}},
		{"/articles/the-long-road-to-the-harbour/4", 404, []string{"Page not found"}},
		{"/articles/the-long-road-to-the-harbour/0", 404, nil},
		{"/articles/the-long-road-to-the-harbour/x", 404, nil},
		{"/articles/no-such-article", 404, []string{"Page not found"}},
		{"/articles/Bad%20Slug", 404, nil},
		{"/articles/unfinished-draft-about-the-bridge", 404, nil},
		{"/sections/politics", 200, []string{"The long road to the harbour", "What the memo says"}},
		{"/sections/politics?page=2", 404, nil},
		{"/sections/politics?page=abc", 400, []string{"page parameter must be a whole number"}},
		{"/sections/politics?page=-1", 400, nil},
		{"/sections/nowhere", 404, nil},
		{"/tags/transport", 200, []string{"The long road to the harbour", "What the memo says"}},
		{"/tags/nothing", 404, nil},
		{"/authors", 200, []string{"Ada Quill", "Ben Okafor"}},
		{"/authors/ada-quill", 200, []string{"Ada covers the assembly.", "Portrait of Ada Quill", "What the memo says"}},
		{"/authors/ada-quill?page=9", 404, nil},
		{"/authors/nobody", 404, nil},
		{"/issues", 200, []string{"Issues of 2026", "Vol. 3, No. 7", "The ferry question"}},
		{"/issues?year=2026", 200, []string{"Vol. 3, No. 7"}},
		{"/issues?year=1999", 404, nil},
		{"/issues?year=twenty", 400, []string{"four-digit year"}},
		{"/issues/3/7", 200, []string{"The ferry question", "Vol. 3, No. 7", "April 1, 2026", "Politics", "The long road to the harbour", "What the memo says"}},
		{"/issues/3/8", 404, nil},
		{"/issues/x/7", 404, nil},
		{"/subscribe", 200, []string{"Online sign-up is not open yet"}}, // no plans on sale: nothing promised (TestEndOfArticleOffer has plans)
		{"/robots.txt", 200, []string{"User-agent: *", "Sitemap: https://mag.example/sitemap.xml"}},
		{"/sitemap.xml", 200, []string{"<sitemapindex", "https://mag.example/sitemaps/pages.xml", "https://mag.example/sitemaps/articles-2026-04.xml"}},
		{"/sitemaps/pages.xml", 200, []string{"https://mag.example/sections/politics", "https://mag.example/authors/ada-quill", "https://mag.example/issues/3/7"}},
		{"/sitemaps/articles-2026-04.xml", 200, []string{"https://mag.example/articles/the-long-road-to-the-harbour", "https://mag.example/articles/what-the-memo-says"}},
		{"/sitemaps/articles-2026-05.xml", 404, nil},
		{"/sitemaps/articles-2026-13.xml", 404, nil},
		{"/feed.xml", 200, []string{"<feed", "The long road to the harbour", "What the memo says", "Three towns, one bridge"}},
		{"/no/such/page", 404, []string{"There is no page at this address"}},
		{"/healthz", 200, []string{"ok"}},
		{"/metrics", 404, nil}, // served on --metrics-addr only (metrics_test.go)
		{"/static/style.css", 404, nil},
		{"/media/ab/not-a-key.png", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := f.get(t, tt.path)
			if r.status != tt.status {
				t.Fatalf("GET %s = %d, want %d\n%.500s", tt.path, r.status, tt.status, r.body)
			}
			contains(t, r, tt.wants...)
			if r.status >= 400 {
				lacks(t, r, "sql", "SQL", "runtime error", "goroutine")
			}
		})
	}
}

func TestPathTraversalServesNothing(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	for _, p := range []string{"/media/../../etc/passwd", "/media/ab/..%2f..%2fetc%2fpasswd", "/static/..%2fsite.go", "/sitemaps/../../etc/passwd", "/sitemaps/..%2f..%2fetc%2fpasswd"} {
		if r := f.get(t, p); r.status == 200 || strings.Contains(r.body, "root:") || strings.Contains(r.body, "package web") {
			t.Errorf("GET %s = %d", p, r.status)
		}
	}
}

func TestArticleBylineOnEveryPage(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	for _, p := range []string{"", "/2", "/3"} {
		r := f.get(t, "/articles/the-long-road-to-the-harbour"+p)
		// The byline names both authors, linked, and the date in the
		// publication's zone (London: 10:30 on April 2).
		contains(t, r, `Written by <a href="/authors/ada-quill" rel="author">Ada Quill</a> and <a href="/authors/ben-okafor" rel="author">Ben Okafor</a> on <time datetime="2026-04-02T10:30:00&#43;01:00">April 2, 2026</time>`)
	}
	first := f.get(t, "/articles/the-long-road-to-the-harbour")
	contains(t, first, `rel="next" href="/articles/the-long-road-to-the-harbour/2"`, `<link rel="canonical" href="https://mag.example/articles/the-long-road-to-the-harbour">`)
	second := f.get(t, "/articles/the-long-road-to-the-harbour/2")
	contains(t, second, `rel="prev" href="/articles/the-long-road-to-the-harbour"`, `rel="next" href="/articles/the-long-road-to-the-harbour/3"`,
		`<link rel="canonical" href="https://mag.example/articles/the-long-road-to-the-harbour/2">`)
	if r := f.get(t, "/articles/the-long-road-to-the-harbour/1"); r.status != 301 || r.header.Get("Location") != "/articles/the-long-road-to-the-harbour" {
		t.Errorf("page 1 by number: %d %s", r.status, r.header.Get("Location"))
	}
}

var jsonLD = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

func articleLD(t *testing.T, body string) map[string]any {
	t.Helper()
	m := jsonLD.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no JSON-LD in page")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD is not valid JSON: %v\n%s", err, m[1])
	}
	return ld
}

func TestArticleMetadata(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	r := f.get(t, "/articles/the-long-road-to-the-harbour")
	ld := articleLD(t, r.body)
	if ld["@type"] != "NewsArticle" || ld["headline"] != "The long road to the harbour" || ld["isAccessibleForFree"] != true {
		t.Errorf("JSON-LD = %v", ld)
	}
	authors, _ := ld["author"].([]any)
	if len(authors) != 2 || authors[0].(map[string]any)["url"] != "https://mag.example/authors/ada-quill" {
		t.Errorf("JSON-LD authors = %v", ld["author"])
	}
	if ld["datePublished"] != "2026-04-02T09:30:00Z" {
		t.Errorf("datePublished = %v", ld["datePublished"])
	}
	contains(t, r,
		`<title>The long road to the harbour | The Harbour Review</title>`,
		`<meta property="og:type" content="article">`,
		`<meta property="og:description" content="Three towns, one bridge, and a decade of arguments.">`,
		`<meta property="og:image" content="https://mag.example`+f.photo+`">`,
		`<meta name="twitter:card" content="summary_large_image">`,
		`href="/tags/transport" rel="tag"`, `href="/sections/politics"`)
}

// TestGatedArticle: until reader accounts exist no reader is entitled to a
// subscribers' article; its text past the preview never leaves the server.
func TestGatedArticle(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	r := f.get(t, "/articles/what-the-memo-says")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	contains(t, r, "An open first paragraph anyone may read.", "This article is for subscribers", `href="/subscribe"`)
	lacks(t, r, gatedPhrase, "ferry timetable", "Page 1 of 2")
	ld := articleLD(t, r.body)
	part, _ := ld["hasPart"].(map[string]any)
	if ld["isAccessibleForFree"] != false || part["isAccessibleForFree"] != false || part["cssSelector"] != ".paywalled" {
		t.Errorf("gated JSON-LD = %v", ld)
	}
	if strings.Contains(jsonLD.FindString(r.body), "articleBody") {
		t.Error("JSON-LD of a gated article must not carry its body")
	}
	// The later pages are not served to a reader who may not read them.
	if r := f.get(t, "/articles/what-the-memo-says/2"); r.status != 302 || strings.Contains(r.body, "timetable") {
		t.Errorf("page 2 of a gated article: %d %q", r.status, r.body)
	}
	reg := f.get(t, "/articles/members-letters")
	contains(t, reg, "Three.", "Sign in to read the whole article")
	lacks(t, reg, "registered-only fourth paragraph")
	// Lists and the issue page show the teaser, never the body.
	for _, p := range []string{"/", "/sections/politics", "/issues/3/7", "/tags/transport", "/authors/ada-quill",
		"/feed.xml", "/sitemap.xml", "/sitemaps/pages.xml", "/sitemaps/articles-2026-04.xml"} {
		lacks(t, f.get(t, p), gatedPhrase, "ferry timetable")
	}
	if sm := f.get(t, "/sitemaps/articles-2026-04.xml"); strings.Contains(sm.body, "unfinished-draft") {
		t.Error("a draft is in the sitemap")
	}
}

func TestOldSlugRedirects(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	a := f.public
	in := magazine.ArticleInput{Headline: a.Headline, Slug: "harbour-road", SectionID: a.Section.ID, AuthorIDs: []int64{a.Authors[0].ID},
		Status: a.Status, PublishedAt: a.PublishedAt, Visibility: a.Visibility, BodyMarkdown: a.BodyMarkdown}
	if _, err := f.st.UpdateArticle(context.Background(), a.ID, in); err != nil {
		t.Fatal(err)
	}
	for old, want := range map[string]string{
		"/articles/the-long-road-to-the-harbour":        "/articles/harbour-road",
		"/articles/the-long-road-to-the-harbour/2":      "/articles/harbour-road/2",
		"/api/v1/articles/the-long-road-to-the-harbour": "/api/v1/articles/harbour-road",
	} {
		r := f.get(t, old)
		if r.status != 301 || r.header.Get("Location") != want {
			t.Errorf("GET %s = %d to %q, want 301 to %s", old, r.status, r.header.Get("Location"), want)
		}
	}
	if r := f.get(t, "/articles/harbour-road"); r.status != 200 {
		t.Errorf("new slug: %d", r.status)
	}
}
