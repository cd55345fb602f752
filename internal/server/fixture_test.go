package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// fixture is a small magazine: two sections, two authors, a published
// issue, and articles of every visibility, one of them three pages long.
type fixture struct {
	st      *store.Store
	files   *media.Disk
	h       http.Handler
	public  magazine.Article // three pages, a figure, in the issue
	gated   magazine.Article // subscribers, with a paywall marker
	regOnly magazine.Article // registered readers
	draft   magazine.Article
	issue   magazine.Issue
	photo   string // media URL of a stored image
}

const gatedSecret = "The minister's private memorandum, seen by this magazine, proposes closing the northern ferry route entirely by the spring."

// gatedPhrase is a run of the gated text as the page renders it (the
// apostrophe above becomes typographic, so it is left out).
const gatedPhrase = "private memorandum, seen by this magazine, proposes closing"

func newFixture(t testing.TB, st *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{st: st}
	var err error
	if f.files, err = media.NewDisk(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	png := []byte("\x89PNG\r\n\x1a\n fake image bytes for tests")
	key, _ := media.Key(png, "image/png")
	if err := f.files.Put(ctx, key, png); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordMedia(ctx, store.Media{Key: key, ContentType: "image/png", Size: int64(len(png))}); err != nil {
		t.Fatal(err)
	}
	f.photo = media.URL(key)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	pub := magazine.DefaultPublication()
	pub.Name, pub.Tagline, pub.TimeZone = "The Harbour Review", "News from the coast", "Europe/London"
	must(st.SetPublication(ctx, pub))
	politics, err := st.CreateSection(ctx, magazine.Section{Name: "Politics", Position: 1})
	must(err)
	culture, err := st.CreateSection(ctx, magazine.Section{Name: "Culture", Position: 2})
	must(err)
	ada, err := st.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill", Bio: "Ada covers the assembly.", PhotoURL: f.photo})
	must(err)
	ben, err := st.CreateAuthor(ctx, magazine.Author{Name: "Ben Okafor"})
	must(err)
	f.issue, err = st.CreateIssue(ctx, magazine.IssueInput{Volume: 3, Number: 7, CoverDate: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), Title: "The ferry question", CoverURL: f.photo, Published: true})
	must(err)
	when := time.Date(2026, 4, 2, 9, 30, 0, 0, time.UTC)
	f.public, err = st.CreateArticle(ctx, magazine.ArticleInput{
		Headline: "The long road to the harbour", Dek: "Three towns, one bridge, and a decade of arguments.",
		SectionID: politics.ID, AuthorIDs: []int64{ada.ID, ben.ID}, Tags: []string{"Transport", "Coast"},
		Status: magazine.StatusPublished, PublishedAt: when, Visibility: magazine.VisibilityPublic, FeaturedURL: f.photo, FeaturedAlt: "The harbour",
		IssueID: f.issue.ID, IssuePosition: 1,
		BodyMarkdown: "The first page begins here.\n\n::: figure\n![Boats at the quay](" + f.photo + ")\nBoats wait out the storm.\nCredit: Northwind Wire\n:::\n\n::pagebreak\n\nThe second page continues.\n\n> A quoted councillor.\n\n::pagebreak\n\nThe third page ends it.\n",
	})
	must(err)
	f.gated, err = st.CreateArticle(ctx, magazine.ArticleInput{
		Headline: "What the memo says", SectionID: politics.ID, AuthorIDs: []int64{ada.ID}, Tags: []string{"Transport"},
		Status: magazine.StatusPublished, PublishedAt: when.Add(time.Hour), Visibility: magazine.VisibilitySubscribers,
		IssueID: f.issue.ID, IssuePosition: 2,
		BodyMarkdown: "An open first paragraph anyone may read.\n\n::paywall\n\n" + gatedSecret + "\n\n::pagebreak\n\nAnd a second page, also for subscribers only: the ferry timetable for next year.\n",
	})
	must(err)
	f.regOnly, err = st.CreateArticle(ctx, magazine.ArticleInput{
		Headline: "Members' letters", SectionID: culture.ID, AuthorIDs: []int64{ben.ID},
		Status: magazine.StatusPublished, PublishedAt: when.Add(2 * time.Hour), Visibility: magazine.VisibilityRegistered,
		BodyMarkdown: "One.\n\nTwo.\n\nThree.\n\nFour: the registered-only fourth paragraph.\n",
	})
	must(err)
	f.draft, err = st.CreateArticle(ctx, magazine.ArticleInput{
		Headline: "Unfinished draft about the bridge", SectionID: culture.ID, AuthorIDs: []int64{ben.ID},
		BodyMarkdown: "Not ready.",
	})
	must(err)
	f.h, err = server.New(server.Config{Store: st, Files: f.files, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "https://mag.example"})
	must(err)
	return f
}

type response struct {
	status int
	header http.Header
	body   string
}

func (f *fixture) get(t *testing.T, path string, headers ...string) response {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

func contains(t *testing.T, r response, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(r.body, w) {
			t.Errorf("response lacks %q", w)
		}
	}
}

func lacks(t *testing.T, r response, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(r.body, w) {
			t.Errorf("response must not contain %q", w)
		}
	}
}

// sqliteFixture is the fixture on SQLite, for handler tests that are
// about HTTP rather than the database.
func sqliteFixture(t *testing.T) *fixture { return newFixture(t, storetest.SQLite(t)) }

func regexpFind(s, pattern string) string {
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}
