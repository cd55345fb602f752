package server_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

type apiArticle struct {
	Slug        string   `json:"slug"`
	Visibility  string   `json:"visibility"`
	Accessible  *bool    `json:"accessible"`
	PreviewHTML string   `json:"preview_html"`
	Pages       []string `json:"pages"`
	Tags        []string `json:"tags"`
	Authors     []struct {
		Slug string `json:"slug"`
	} `json:"authors"`
	Issue *struct {
		Volume int `json:"volume"`
		Number int `json:"number"`
	} `json:"issue"`
}

type apiList struct {
	Articles   []apiArticle `json:"articles"`
	NextCursor string       `json:"next_cursor"`
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("Content-Type %q", r.header.Get("Content-Type"))
	}
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return v
}

func slugs(list []apiArticle) string {
	var s []string
	for _, a := range list {
		s = append(s, a.Slug)
	}
	return strings.Join(s, ",")
}

func TestAPIArticles(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	tests := []struct {
		query string
		want  string
	}{
		{"", "members-letters,what-the-memo-says,the-long-road-to-the-harbour"},
		{"?section=politics", "what-the-memo-says,the-long-road-to-the-harbour"},
		{"?author=ben-okafor", "members-letters,the-long-road-to-the-harbour"},
		{"?tag=transport", "what-the-memo-says,the-long-road-to-the-harbour"},
		{"?issue=" + strconv.FormatInt(f.issue.ID, 10), "what-the-memo-says,the-long-road-to-the-harbour"},
		{"?visibility=subscribers", "what-the-memo-says"},
		{"?section=politics&author=ben-okafor", "the-long-road-to-the-harbour"},
	}
	for _, tt := range tests {
		r := f.get(t, "/api/v1/articles"+tt.query)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", tt.query, r.status, r.body)
		}
		if got := slugs(decode[apiList](t, r).Articles); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.query, got, tt.want)
		}
	}
	for _, bad := range []string{"?limit=0", "?limit=101", "?limit=x", "?cursor=%%%", "?cursor=bm90LWEtY3Vyc29y", "?section=nowhere", "?visibility=secret", "?issue=-3"} {
		r := f.get(t, "/api/v1/articles"+bad)
		if r.status != 400 {
			t.Errorf("%s: status %d, want 400", bad, r.status)
		}
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		json.Unmarshal([]byte(r.body), &e)
		if e.Error.Code != "bad_request" || e.Error.Message == "" {
			t.Errorf("%s: error body %s", bad, r.body)
		}
	}
}

// TestAPICursorIsStable: an article published while a client pages
// through does not shift the pages still to come.
func TestAPICursorIsStable(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	first := decode[apiList](t, f.get(t, "/api/v1/articles?limit=2"))
	if slugs(first.Articles) != "members-letters,what-the-memo-says" || first.NextCursor == "" {
		t.Fatalf("first page %+v", first)
	}
	_, err := f.st.CreateArticle(t.Context(), magazine.ArticleInput{Headline: "Breaking news", SectionID: f.public.Section.ID,
		AuthorIDs: []int64{f.public.Authors[0].ID}, Status: magazine.StatusPublished, PublishedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	second := decode[apiList](t, f.get(t, "/api/v1/articles?limit=2&cursor="+first.NextCursor))
	if slugs(second.Articles) != "the-long-road-to-the-harbour" || second.NextCursor != "" {
		t.Errorf("second page %+v", second)
	}
}

func TestAPIArticleBodies(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	pub := decode[apiArticle](t, f.get(t, "/api/v1/articles/the-long-road-to-the-harbour"))
	if pub.Accessible == nil || !*pub.Accessible || len(pub.Pages) != 3 || len(pub.Authors) != 2 || pub.Issue == nil || pub.Issue.Number != 7 {
		t.Errorf("public article %+v", pub)
	}
	r := f.get(t, "/api/v1/articles/what-the-memo-says")
	gated := decode[apiArticle](t, r)
	if gated.Accessible == nil || *gated.Accessible || gated.Pages != nil || !strings.Contains(gated.PreviewHTML, "open first paragraph") {
		t.Errorf("gated article %+v", gated)
	}
	lacks(t, r, gatedPhrase, "timetable")
	list := f.get(t, "/api/v1/articles")
	lacks(t, list, gatedPhrase)
	if r := f.get(t, "/api/v1/articles/unfinished-draft-about-the-bridge"); r.status != 404 {
		t.Errorf("draft: %d", r.status)
	}
	if r := f.get(t, "/api/v1/articles/nope"); r.status != 404 || !strings.Contains(r.body, `"not_found"`) {
		t.Errorf("missing: %d %s", r.status, r.body)
	}
}

func TestAPIIssuesSectionsAuthors(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	var issues struct {
		Issues []struct {
			ID    int64  `json:"id"`
			Label string `json:"label"`
			Cover string `json:"cover_date"`
		} `json:"issues"`
	}
	issues = decode[struct {
		Issues []struct {
			ID    int64  `json:"id"`
			Label string `json:"label"`
			Cover string `json:"cover_date"`
		} `json:"issues"`
	}](t, f.get(t, "/api/v1/issues"))
	if len(issues.Issues) != 1 || issues.Issues[0].Label != "Vol. 3, No. 7" || issues.Issues[0].Cover != "2026-04-01" {
		t.Fatalf("issues %+v", issues)
	}
	one := decode[struct {
		Articles []apiArticle `json:"articles"`
	}](t, f.get(t, "/api/v1/issues/"+strconv.FormatInt(issues.Issues[0].ID, 10)))
	if slugs(one.Articles) != "the-long-road-to-the-harbour,what-the-memo-says" {
		t.Errorf("issue contents %s", slugs(one.Articles))
	}
	for _, p := range []string{"/api/v1/issues/999", "/api/v1/issues/x", "/api/v2/things"} {
		if r := f.get(t, p); r.status != 404 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s", p, r.status, r.header.Get("Content-Type"))
		}
	}
	if r := f.get(t, "/api/v1/issues?year=abc"); r.status != 400 {
		t.Errorf("bad year: %d", r.status)
	}
	sections := f.get(t, "/api/v1/sections")
	contains(t, sections, `"slug":"politics"`, `"slug":"culture"`)
	authors := f.get(t, "/api/v1/authors")
	contains(t, authors, `"name":"Ada Quill"`, `"name":"Ben Okafor"`)
	var _ = store.MaxListLimit
}
