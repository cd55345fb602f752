package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// window is the length of the runs of gated text the leak test looks for.
const window = 40

var (
	tagPattern   = regexp.MustCompile(`<[^>]*>`)
	spacePattern = regexp.MustCompile(`\s+`)
)

// plain turns markup (HTML, XML, possibly escaped twice as in a feed)
// into the text a reader would see, with runs of space made one.
func plain(s string) string {
	for range 2 {
		s = html.UnescapeString(tagPattern.ReplaceAllString(s, " "))
	}
	return strings.TrimSpace(spacePattern.ReplaceAllString(s, " "))
}

// jsonText is every string in a JSON document, as plain text.
func jsonText(body string) string {
	var v any
	if json.Unmarshal([]byte(body), &v) != nil {
		return plain(body)
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			b.WriteString(plain(v))
			b.WriteByte('\n')
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return b.String()
}

// windows adds every run of window bytes of each paragraph of text. The
// paragraph is padded with a space each side, as it sits on a page.
func windows(set map[string]bool, paragraphs []string) {
	for _, p := range paragraphs {
		p = " " + plain(p) + " "
		for i := 0; i+window <= len(p); i++ {
			set[p[i:i+window]] = true
		}
	}
}

var paragraphPattern = regexp.MustCompile(`(?s)<(?:p|li|blockquote|figcaption|h[2-6])\b[^>]*>(.*?)</(?:p|li|blockquote|figcaption|h[2-6])>`)

func paragraphs(htmlBody string) []string {
	var out []string
	for _, m := range paragraphPattern.FindAllStringSubmatch(htmlBody, -1) {
		out = append(out, m[1])
	}
	return out
}

// publicRuns adds the runs anyone may read of an article: all of a public
// one; the preview and the public fields of a gated one.
func publicRuns(open map[string]bool, a magazine.Article) {
	// Whole texts, not paragraphs: a run across the end of one paragraph
	// and the start of the next is public too.
	windows(open, []string{a.Headline, a.Dek, a.Description, a.SEOTitle, a.FeaturedAlt})
	if a.Visibility == magazine.VisibilityPublic {
		windows(open, a.Pages)
	} else {
		windows(open, []string{a.PreviewHTML})
	}
}

// gatedRuns returns the runs of an article's text that only an entitled
// reader may see: those of its pages that nobody may read anywhere else.
// (The demo's prose is generated, so sentences recur between articles: a
// run that is public elsewhere proves nothing.)
func gatedRuns(a magazine.Article, open map[string]bool) map[string]bool {
	all := map[string]bool{}
	windows(all, paragraphs(strings.Join(a.Pages, "\n")))
	for run := range all {
		if open[run] {
			delete(all, run)
		}
	}
	return all
}

// leakedRun returns the first run of text that is in runs, or "".
func leakedRun(text string, runs map[string]bool) string {
	for i := 0; i+window <= len(text); i++ {
		if runs[text[i:i+window]] {
			return text[i : i+window]
		}
	}
	return ""
}

// TestNoGatedTextLeaks is the paywall's judge: for every gated article of
// the demo magazine, no 40-character run of its gated text reaches an
// anonymous reader or a registered reader without a subscription, on any
// surface: each page of the article, the JSON API, the feed, the sitemaps,
// lists, meta tags and JSON-LD (all inside the pages). A subscriber, asked
// the same, must see the text: that proves the test can see a leak.
func TestNoGatedTextLeaks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.SQLite(t)
	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	opts := demo.Options{Seed: 7, Issues: 6, PerIssue: 12, WebOnly: 40, Authors: 6, Now: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := demo.Seed(ctx, st, files, opts); err != nil {
		t.Fatal(err)
	}
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	tm := billing.NewTestMode()
	svc := billing.New(st, tm, tmpl, billing.Options{Publication: "Demo", BaseURL: "https://mag.example"})
	h, err := server.New(server.Config{Store: st, Files: files, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		BaseURL: "https://mag.example", Billing: svc, Mail: tmpl})
	if err != nil {
		t.Fatal(err)
	}

	// Three readers: nobody, a registered reader, a subscriber.
	plan := magazine.Plan{Name: "Digital", MonthlyPrice: 800, Currency: "USD", RefundWindowDays: 60, Active: true,
		// With the archive: the control reads every demo article, however
		// old the demo's dates become (leak_edition_test.go checks the window).
		Entitlements: []magazine.Entitlement{magazine.EntSubscriberContent, magazine.EntArchive}}
	if err := st.CreatePlan(ctx, &plan); err != nil {
		t.Fatal(err)
	}
	registered := auth.SecureReaderCookieName + "=" + readerSession(t, st, "registered@example.com")
	sid, subscriberID := paidReader(t, st, svc, tm, "subscriber@example.com", plan.ID)
	subscriber := auth.SecureReaderCookieName + "=" + sid

	fetch := func(path, cookie string) (int, string) {
		req := httptest.NewRequest("GET", path, nil)
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.String()
		if ct := rec.Header().Get("Content-Type"); strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "application/feed+json") {
			return rec.Code, jsonText(body)
		}
		return rec.Code, plain(body)
	}

	// Every published article, and the gated ones among them.
	var gated []magazine.Article
	open := map[string]bool{}
	tags := map[string]bool{}
	var before *store.Cursor
	for {
		list, more, err := st.Articles(ctx, store.ArticleFilter{Limit: 100, Before: before})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			full, err := st.ArticleBySlug(ctx, a.Slug)
			if err != nil {
				t.Fatal(err)
			}
			publicRuns(open, full)
			for _, tg := range full.Tags {
				tags[tg.Slug] = true
			}
			if a.Visibility != magazine.VisibilityPublic {
				gated = append(gated, full)
			}
		}
		if !more || len(list) == 0 {
			break
		}
		c := store.CursorOf(list[len(list)-1])
		before = &c
	}
	if len(gated) < 10 {
		t.Fatalf("the demo has only %d gated articles; the test needs more to mean something", len(gated))
	}

	// The surfaces shared by every article.
	shared := []string{"/", "/sitemap.xml", "/sitemaps/pages.xml", "/sitemaps/news.xml", "/issues", "/authors", "/api/v1/articles?limit=100",
		"/api/v1/issues", "/subscribe", "/api/openapi.json"}
	// Every public feed, in each of its formats.
	feedsOf := func(prefix string) {
		for _, file := range []string{"feed.xml", "feed.rss", "feed.json"} {
			shared = append(shared, prefix+"/"+file)
		}
	}
	feedsOf("")
	for slug := range tags {
		shared = append(shared, "/tags/"+slug)
		feedsOf("/tags/" + slug)
	}
	authors, err := st.PublishedAuthors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, au := range authors {
		shared = append(shared, "/authors/"+au.Slug)
		feedsOf("/authors/" + au.Slug)
	}
	months, err := st.PublishedMonths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range months {
		shared = append(shared, "/sitemaps/articles-"+m.YearMonth+".xml")
	}
	sections, err := st.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sections {
		shared = append(shared, "/sections/"+s.Slug, "/api/v1/articles?section="+s.Slug)
		feedsOf("/sections/" + s.Slug)
	}
	issues, _, err := st.Issues(ctx, store.IssueFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, is := range issues {
		shared = append(shared, fmt.Sprintf("/issues/%d/%d", is.Volume, is.Number), fmt.Sprintf("/api/v1/issues/%d", is.ID))
	}

	ownText := 0
	for _, a := range gated {
		if len(gatedRuns(a, open)) > 0 {
			ownText++
		}
	}
	if ownText < len(gated)*9/10 {
		t.Fatalf("only %d of %d gated articles have gated text of their own to look for", ownText, len(gated))
	}
	checked := 0
	for _, viewer := range []struct{ name, cookie string }{{"anonymous", ""}, {"registered", registered}} {
		var sharedText strings.Builder
		for _, p := range shared {
			code, text := fetch(p, viewer.cookie)
			if code != http.StatusOK {
				t.Fatalf("%s %s: %d", viewer.name, p, code)
			}
			sharedText.WriteString(text + "\n")
		}
		// The Admin API opens only with a key: a reader's session, or
		// nothing, gets 401.
		for _, p := range []string{"/api/admin/v1/articles?status=published", "/api/admin/v1/issues"} {
			if code, text := fetch(p, viewer.cookie); code != http.StatusUnauthorized {
				t.Errorf("%s %s: %d, want 401", viewer.name, p, code)
			} else {
				sharedText.WriteString(text + "\n")
			}
		}
		for _, a := range gated {
			runs := gatedRuns(a, open)
			if len(runs) == 0 {
				// Its whole text is public in another article; the
				// check below keeps such articles few.
				continue
			}
			if a.Visibility == magazine.VisibilityRegistered && viewer.cookie != "" {
				continue // registered readers may read these
			}
			if run := leakedRun(sharedText.String(), runs); run != "" {
				t.Errorf("%s: gated text of %s on a shared page: %q", viewer.name, a.Slug, run)
			}
			paths := []string{"/articles/" + a.Slug, "/api/v1/articles/" + a.Slug, fmt.Sprintf("/api/admin/v1/articles/%d", a.ID)}
			for n := 2; n <= len(a.Pages); n++ {
				paths = append(paths, fmt.Sprintf("/articles/%s/%d", a.Slug, n))
			}
			for _, p := range paths {
				_, text := fetch(p, viewer.cookie)
				if run := leakedRun(text, runs); run != "" {
					t.Errorf("%s: gated text of %s at %s: %q", viewer.name, a.Slug, p, run)
				}
				checked++
			}
		}
	}
	// The control: the subscriber sees the gated text of every page, so
	// the test would see a leak.
	for _, a := range gated {
		runs := gatedRuns(a, open)
		if len(runs) == 0 {
			continue
		}
		var all strings.Builder
		for n := 1; n <= len(a.Pages); n++ {
			path := "/articles/" + a.Slug
			if n > 1 {
				path += fmt.Sprintf("/%d", n)
			}
			_, text := fetch(path, subscriber)
			all.WriteString(text)
		}
		if leakedRun(all.String(), runs) == "" {
			t.Errorf("the subscriber does not see the gated text of %s: the leak test would miss a leak", a.Slug)
		}
	}
	checkPrivateFeed(t, h, fetch, gated, open, registered, subscriber, func() {
		subs, err := st.ReaderSubscriptions(ctx, subscriberID)
		if err != nil || len(subs) != 1 {
			t.Fatal(subs, err)
		}
		if err := svc.CancelNow(ctx, subs[0].ID, billing.Actor{Staff: "test@example.com"}); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%d gated articles, %d article responses and %d shared pages checked for two viewers", len(gated), checked, len(shared))
}

var textFeedURL = regexp.MustCompile(`https://mag\.example(/feeds/[A-Za-z0-9_-]{43}/)feed\.xml`)

// checkPrivateFeed: the subscriber's private full-text feed carries gated
// text in each format (the control, for feeds: the test would see a
// leak), fetched without a cookie as feed readers do. A reader without a
// subscription gets no feed; a reset address answers 404 and a feed
// whose subscription has ended (end does that) 403, with no gated text.
func checkPrivateFeed(t *testing.T, h http.Handler, fetch func(path, cookie string) (int, string), gated []magazine.Article,
	open map[string]bool, registered, subscriber string, end func()) {
	t.Helper()
	post := func(path, cookie string) (int, string) {
		req := httptest.NewRequest("POST", path, nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	runs := map[string]bool{}
	for _, a := range gated {
		for run := range gatedRuns(a, open) {
			runs[run] = true
		}
	}
	formats := []string{"feed.xml", "feed.rss", "feed.json"}
	if code, body := post("/account/feed", registered); code == http.StatusOK || textFeedURL.MatchString(body) {
		t.Errorf("a reader without a subscription got a full-text feed: %d", code)
	}
	newFeed := func() string {
		t.Helper()
		code, body := post("/account/feed", subscriber)
		m := textFeedURL.FindStringSubmatch(body)
		if code != http.StatusOK || m == nil {
			t.Fatalf("making the full-text feed: %d, no feed address", code)
		}
		return m[1]
	}
	first := newFeed()
	for _, f := range formats {
		code, text := fetch(first+f, "")
		if code != http.StatusOK {
			t.Fatalf("the private feed %s: %d", f, code)
		}
		if leakedRun(text, runs) == "" {
			t.Errorf("the subscriber's private %s carries no gated text: the leak test would miss a leak", f)
		}
	}
	second := newFeed()
	if second == first {
		t.Fatal("a reset gave the same feed address")
	}
	for _, f := range formats {
		if code, text := fetch(first+f, ""); code != http.StatusNotFound || leakedRun(text, runs) != "" {
			t.Errorf("the reset feed's %s answered %d", f, code)
		}
		if code, _ := fetch(second+f, ""); code != http.StatusOK {
			t.Errorf("the new feed's %s answered %d", f, code)
		}
	}
	end()
	for _, f := range formats {
		if code, text := fetch(second+f, ""); code != http.StatusForbidden || leakedRun(text, runs) != "" {
			t.Errorf("the feed of an ended subscription: %s answered %d", f, code)
		}
	}
}
