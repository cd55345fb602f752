package server_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestSearchPage is /search as a reader meets it: the box on every page,
// results with highlighted, escaped snippets, filters that find nothing
// offering the search without them, bad input answered plainly.
func TestSearchPage(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	q := func(s string) string { return "/search?q=" + url.QueryEscape(s) }
	tests := []struct {
		path   string
		status int
		wants  []string
		lacks  []string
	}{
		{"/", 200, []string{`<form class="site-search" action="/search"`, `<link rel="search" type="application/opensearchdescription+xml"`}, nil},
		{"/search", 200, []string{`name="q"`}, []string{"articles match", "No articles match"}},
		{q("harbour"), 200, []string{"1 article matches", "The long road to the harbour", "Politics", "Ada Quill", "April 2, 2026",
			`<option value="politics">Politics</option>`}, []string{" selected>"}},
		{q("bridge"), 200, []string{"1 article matches", "Three towns, one bridge"}, []string{"Unfinished draft"}},
		{q("first page begins"), 200, []string{"<mark>first</mark> <mark>page</mark> <mark>begins</mark>"}, nil},
		{q("harbour") + "&section=culture", 200, []string{"No articles match “harbour” with these filters", `href="/search?q=harbour"`,
			`<option value="culture" selected>`}, nil},
		{q("<script>alert(1)</script>"), 200, []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, []string{"<script>alert(1)"}},
		{q("zzzz"), 200, []string{"No articles match “zzzz”."}, nil},
		{q("harbour") + "&page=99", 200, []string{"The long road to the harbour"}, nil},
		{q("harbour") + "&page=x", 400, nil, nil},
		{q(strings.Repeat("word ", 21)), 400, []string{"too many words"}, nil},
		{q(`"lone quote`), 200, []string{"No articles match"}, []string{"Internal error"}},
		{q("harbour") + "&section=nowhere", 400, []string{"no such section"}, nil},
		{q("harbour") + "&from=yesterday", 400, []string{"2024-03-31"}, nil},
		{q("harbour") + "&year=2026&in=print&sort=date", 200, []string{"The long road to the harbour", `<option value="2026" selected>2026</option>`}, nil},
		{"/opensearch.xml", 200, []string{"<OpenSearchDescription", "https://mag.example/search?q={searchTerms}"}, nil},
		{"/api/v1/search?q=" + url.QueryEscape("first page"), 200, []string{`"total":1`, `"headline":"The long road to the harbour"`, `"highlights":[[`}, nil},
		{"/api/v1/search?q=" + url.QueryEscape(strings.Repeat("w ", 30)), 400, []string{"too many words"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := f.get(t, tt.path)
			if r.status != tt.status {
				t.Fatalf("GET %s = %d, want %d\n%.800s", tt.path, r.status, tt.status, r.body)
			}
			contains(t, r, tt.wants...)
			lacks(t, r, tt.lacks...)
		})
	}
}

// TestSearchRateLimit refuses an address's searches past its budget, with
// a plain message.
func TestSearchRateLimit(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	limited := 0
	for i := range 80 {
		// Each query its own: a repeated one may come from the page cache,
		// which costs nothing and is not counted.
		r := f.get(t, "/search?q=harbour+"+strconv.Itoa(i))
		if r.status == 429 {
			limited++
			contains(t, r, "Too many searches")
		}
	}
	if limited == 0 {
		t.Error("80 searches in a row from one address were all answered")
	}
}
