package server_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/storetest"
)

// feedEntry is an item of any of the three formats, as a reader sees it.
type feedEntry struct {
	Title, URL, Content string
}

// parseFeed reads a feed in the format its file names, failing the test
// if it is not well-formed XML or JSON or lacks what the format requires.
func parseFeed(t *testing.T, file string, r response) []feedEntry {
	t.Helper()
	var out []feedEntry
	switch {
	case strings.HasSuffix(file, ".xml"):
		var doc struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			ID      string   `xml:"id"`
			Title   string   `xml:"title"`
			Updated string   `xml:"updated"`
			Entries []struct {
				Title string `xml:"title"`
				ID    string `xml:"id"`
				Link  struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Content string `xml:"content"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(r.body), &doc); err != nil {
			t.Fatalf("%s is not Atom: %v\n%.300s", file, err, r.body)
		}
		if doc.ID == "" || doc.Title == "" || doc.Updated == "" {
			t.Errorf("%s lacks the feed's id, title or updated", file)
		}
		for _, e := range doc.Entries {
			out = append(out, feedEntry{e.Title, e.Link.Href, e.Content})
		}
	case strings.HasSuffix(file, ".rss"):
		var doc struct {
			XMLName xml.Name `xml:"rss"`
			Version string   `xml:"version,attr"`
			Channel struct {
				Title       string `xml:"title"`
				Link        string `xml:"link"`
				Description string `xml:"description"`
				Items       []struct {
					Title   string `xml:"title"`
					Link    string `xml:"link"`
					GUID    string `xml:"guid"`
					Content string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
				} `xml:"item"`
			} `xml:"channel"`
		}
		if err := xml.Unmarshal([]byte(r.body), &doc); err != nil {
			t.Fatalf("%s is not RSS: %v\n%.300s", file, err, r.body)
		}
		if doc.Version != "2.0" || doc.Channel.Title == "" || doc.Channel.Link == "" || doc.Channel.Description == "" {
			t.Errorf("%s lacks what RSS 2.0 requires: %+v", file, doc.Channel)
		}
		for _, e := range doc.Channel.Items {
			out = append(out, feedEntry{e.Title, e.Link, e.Content})
		}
	case strings.HasSuffix(file, ".json"):
		var doc struct {
			Version string `json:"version"`
			Title   string `json:"title"`
			FeedURL string `json:"feed_url"`
			Items   []struct {
				ID          string `json:"id"`
				URL         string `json:"url"`
				Title       string `json:"title"`
				ContentHTML string `json:"content_html"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
			t.Fatalf("%s is not JSON: %v\n%.300s", file, err, r.body)
		}
		if doc.Version != "https://jsonfeed.org/version/1.1" || doc.Title == "" || doc.FeedURL == "" {
			t.Errorf("%s lacks what JSON Feed requires: %q %q %q", file, doc.Version, doc.Title, doc.FeedURL)
		}
		for _, e := range doc.Items {
			if e.ID == "" {
				t.Errorf("%s: an item without an id", file)
			}
			out = append(out, feedEntry{e.Title, e.URL, e.ContentHTML})
		}
	default:
		t.Fatalf("no format for %s", file)
	}
	return out
}

var feedFiles = map[string]string{"feed.xml": "application/atom+xml", "feed.rss": "application/rss+xml", "feed.json": "application/feed+json"}

func entryOf(entries []feedEntry, headline string) (feedEntry, bool) {
	for _, e := range entries {
		if e.Title == headline {
			return e, true
		}
	}
	return feedEntry{}, false
}

// TestPublicFeeds: every public feed, in each format, parses, and carries
// a public article whole (every page, images made absolute), a gated one
// only its preview and a link, nothing of a draft, and only the articles
// of its section, writer or tag.
func TestPublicFeeds(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	scopes := []struct {
		prefix string
		want   []string // headlines
		not    []string
	}{
		{"", []string{f.public.Headline, f.gated.Headline, f.regOnly.Headline}, []string{f.draft.Headline}},
		{"/sections/politics", []string{f.public.Headline, f.gated.Headline}, []string{f.regOnly.Headline, f.draft.Headline}},
		{"/authors/ben-okafor", []string{f.public.Headline, f.regOnly.Headline}, []string{f.gated.Headline, f.draft.Headline}},
		{"/tags/transport", []string{f.public.Headline, f.gated.Headline}, []string{f.regOnly.Headline}},
	}
	for _, sc := range scopes {
		for file, ct := range feedFiles {
			path := sc.prefix + "/" + file
			t.Run(path, func(t *testing.T) {
				// A subscriber's cookie changes nothing: public feeds are
				// the same for everyone.
				for _, cookie := range []string{"", auth.SecureReaderCookieName + "=not-a-session"} {
					r := f.get(t, path, "Cookie", cookie)
					if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), ct) {
						t.Fatalf("GET %s = %d %q", path, r.status, r.header.Get("Content-Type"))
					}
					entries := parseFeed(t, file, r)
					for _, h := range sc.want {
						if _, ok := entryOf(entries, h); !ok {
							t.Errorf("%s lacks %q", path, h)
						}
					}
					for _, h := range sc.not {
						if _, ok := entryOf(entries, h); ok {
							t.Errorf("%s carries %q", path, h)
						}
					}
					if e, ok := entryOf(entries, f.public.Headline); ok {
						for _, w := range []string{"The first page begins here.", "The second page continues.", "The third page ends it.", `src="https://mag.example/media/`} {
							if !strings.Contains(e.Content, w) {
								t.Errorf("%s: the public article lacks %q", path, w)
							}
						}
						if strings.Contains(e.Content, `src="/media/`) {
							t.Errorf("%s: a relative image URL", path)
						}
					}
					if e, ok := entryOf(entries, f.gated.Headline); ok {
						if !strings.Contains(e.Content, "An open first paragraph anyone may read.") || !strings.Contains(e.Content, `href="https://mag.example/articles/what-the-memo-says"`) {
							t.Errorf("%s: the gated article lacks its preview or link: %q", path, e.Content)
						}
						if e.URL != "https://mag.example/articles/what-the-memo-says" {
							t.Errorf("%s: gated link %q", path, e.URL)
						}
					}
					if e, ok := entryOf(entries, f.regOnly.Headline); ok && (!strings.Contains(e.Content, "Three.") || !strings.Contains(e.Content, "Sign in")) {
						t.Errorf("%s: the registered-only article's preview: %q", path, e.Content)
					}
					lacks(t, r, gatedPhrase, "ferry timetable", "registered-only fourth paragraph", "Not ready.")
				}
			})
		}
	}
}

// TestFeedNotFound: a feed of an unknown or malformed slug, and a private
// feed of a malformed or unknown secret, is the plain 404 page.
func TestFeedNotFound(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	for _, p := range []string{"/sections/nowhere/feed.xml", "/sections/Bad%20Slug/feed.rss",
		"/tags/nothing/feed.json", "/tags/-/feed.xml", "/authors/nobody/feed.rss", "/authors/ADA-QUILL/feed.xml",
		"/sections/politics/feed.atom", "/feeds/short/feed.xml", "/feeds/" + strings.Repeat("a", 43) + "/feed.json",
		"/feeds/" + strings.Repeat("a", 44) + "/feed.rss"} {
		r := f.get(t, p)
		if r.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, r.status)
			continue
		}
		contains(t, r, "There is no page at this address")
		lacks(t, r, "sql", "SQL", "runtime error", "<entry>", "<item>")
	}
}

// TestFeedAutodiscovery: every page names the site's feeds in its head;
// a section's, writer's or tag's page names its own first.
func TestFeedAutodiscovery(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	site := []string{
		`<link rel="alternate" type="application/atom+xml" title="The Harbour Review (Atom)" href="https://mag.example/feed.xml">`,
		`<link rel="alternate" type="application/rss+xml" title="The Harbour Review (RSS)" href="https://mag.example/feed.rss">`,
		`<link rel="alternate" type="application/feed+json" title="The Harbour Review (JSON Feed)" href="https://mag.example/feed.json">`,
	}
	for path, own := range map[string]string{"/": "", "/articles/the-long-road-to-the-harbour": "", "/issues/3/7": "",
		"/sections/politics": "/sections/politics", "/authors/ada-quill": "/authors/ada-quill", "/tags/transport": "/tags/transport"} {
		r := f.get(t, path)
		// (html/template writes the + of a media type as &#43;.)
		head := html.UnescapeString(r.body[:strings.Index(r.body, "</head>")])
		for _, l := range site {
			if !strings.Contains(head, l) {
				t.Errorf("%s: the head lacks %s", path, l)
			}
		}
		if own == "" {
			continue
		}
		for _, file := range []string{"feed.xml", "feed.rss", "feed.json"} {
			href := `href="https://mag.example` + own + "/" + file + `"`
			i := strings.Index(head, href)
			if i < 0 || i > strings.Index(head, `href="https://mag.example/feed.xml"`) {
				t.Errorf("%s: the head lacks its own %s before the site's", path, file)
			}
			if r := f.get(t, own+"/"+file); r.status != http.StatusOK {
				t.Errorf("%s: the discovered %s answers %d", path, file, r.status)
			}
		}
	}
}

// TestNewsSitemap: the Google News sitemap lists the articles of the last
// two days, newest first, with news:news, and nothing older or to come;
// robots.txt and the sitemap index name it.
func TestNewsSitemap(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	ctx := context.Background()
	now := time.Now()
	for _, a := range []struct {
		headline string
		at       time.Time
	}{{"An hour old", now.Add(-time.Hour)}, {"Almost two days old", now.Add(-47 * time.Hour)},
		{"Just over two days old", now.Add(-49 * time.Hour)}, {"Due tomorrow", now.Add(24 * time.Hour)}} {
		if _, err := f.st.CreateArticle(ctx, magazine.ArticleInput{Headline: a.headline, SectionID: f.public.Section.ID,
			AuthorIDs: []int64{f.public.Authors[0].ID}, Status: magazine.StatusPublished, PublishedAt: a.at,
			Visibility: magazine.VisibilitySubscribers, BodyMarkdown: "Body of " + a.headline + "."}); err != nil {
			t.Fatal(err)
		}
	}
	r := f.get(t, "/sitemaps/news.xml")
	var doc struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []struct {
			Loc  string `xml:"loc"`
			News struct {
				Name     string `xml:"publication>name"`
				Language string `xml:"publication>language"`
				Date     string `xml:"publication_date"`
				Title    string `xml:"title"`
			} `xml:"http://www.google.com/schemas/sitemap-news/0.9 news"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(r.body), &doc); err != nil || r.status != http.StatusOK {
		t.Fatalf("news sitemap: %d %v\n%s", r.status, err, r.body)
	}
	var got []string
	for _, u := range doc.URLs {
		got = append(got, u.News.Title)
		if u.News.Name != "The Harbour Review" || u.News.Language != "en" || u.Loc == "" {
			t.Errorf("entry %+v", u)
		}
		if _, err := time.Parse(time.RFC3339, u.News.Date); err != nil {
			t.Errorf("publication_date %q: %v", u.News.Date, err)
		}
	}
	if strings.Join(got, "|") != "An hour old|Almost two days old" {
		t.Errorf("news sitemap lists %q, want the two articles of the last two days, newest first", got)
	}
	lacks(t, r, "Body of")
	contains(t, f.get(t, "/robots.txt"), "Sitemap: https://mag.example/sitemap.xml\n", "Sitemap: https://mag.example/sitemaps/news.xml\n", "Disallow: /feeds/")
	contains(t, f.get(t, "/sitemap.xml"), "<loc>https://mag.example/sitemaps/news.xml</loc>")
}

// readersFixture is the fixture with online subscriptions and three
// readers' cookies: registered, a subscriber (subscriber content only)
// and a subscriber whose plan has every entitlement but audio.
type readersFixture struct {
	*fixture
	svc                          *billing.Service
	registered, subscriber, full string
	subscriberID                 int64
}

func newReadersFixture(t *testing.T) *readersFixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.SQLite(t)
	f := &readersFixture{fixture: newFixture(t, st)}
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	tm := billing.NewTestMode()
	f.svc = billing.New(st, tm, tmpl, billing.Options{Publication: "Demo", BaseURL: "https://mag.example"})
	if f.h, err = server.New(server.Config{Store: st, Files: f.files, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		BaseURL: "https://mag.example", Billing: f.svc, Mail: tmpl}); err != nil {
		t.Fatal(err)
	}
	plan := func(name string, ents ...magazine.Entitlement) int64 {
		p := magazine.Plan{Name: name, MonthlyPrice: 800, Currency: "USD", RefundWindowDays: 60, Active: true, Entitlements: ents}
		if err := st.CreatePlan(ctx, &p); err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	reading := plan("Reading", magazine.EntSubscriberContent)
	everything := plan("Everything", magazine.EntSubscriberContent, magazine.EntArchive, magazine.EntDigitalEdition)
	name := auth.SecureReaderCookieName
	f.registered = name + "=" + readerSession(t, st, "registered@example.com")
	sid, id := paidReader(t, st, f.svc, tm, "subscriber@example.com", reading)
	f.subscriber, f.subscriberID = name+"="+sid, id
	sid, _ = paidReader(t, st, f.svc, tm, "full@example.com", everything)
	f.full = name + "=" + sid
	return f
}

func (f *readersFixture) post(t *testing.T, path, cookie string) response {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Cookie", cookie)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

// TestPrivateFeed: the account page offers the full-text feed to
// subscribers only; the feed, fetched without a cookie, carries the gated
// text in every format as far as the subscription reads (an article past
// the archive window gets its preview), is never cached, and follows a
// change of the archive window at once.
func TestPrivateFeed(t *testing.T) {
	t.Parallel()
	f := newReadersFixture(t)
	ctx := context.Background()
	if r := f.get(t, "/account", "Cookie", f.registered); strings.Contains(r.body, "full-text feed") {
		t.Error("the account page offers a full-text feed to a reader without a subscription")
	}
	contains(t, f.get(t, "/account", "Cookie", f.subscriber), "Your full-text feed", `action="/account/feed"`)
	made := f.post(t, "/account/feed", f.subscriber)
	prefix := regexpFind(made.body, textFeedURL.String())
	if made.status != http.StatusOK || prefix == "" {
		t.Fatalf("making the feed: %d, no address", made.status)
	}
	if r := f.get(t, "/account", "Cookie", f.subscriber); strings.Contains(r.body, prefix) || !strings.Contains(r.body, "Make a new feed address") {
		t.Error("the account page shows the feed's address again, or offers no reset")
	}
	read := func(file string) []feedEntry {
		t.Helper()
		r := f.get(t, prefix+file)
		if r.status != http.StatusOK {
			t.Fatalf("private %s: %d", file, r.status)
		}
		if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") || !strings.Contains(cc, "private") {
			t.Errorf("private %s: Cache-Control %q", file, cc)
		}
		return parseFeed(t, file, r)
	}
	for file := range feedFiles {
		entries := read(file)
		e, ok := entryOf(entries, f.gated.Headline)
		if !ok || !strings.Contains(e.Content, "private memorandum, seen by this magazine") || !strings.Contains(e.Content, "ferry timetable") {
			t.Errorf("private %s: the gated article is not whole: %q", file, e.Content)
		}
		if e, ok := entryOf(entries, f.regOnly.Headline); !ok || !strings.Contains(e.Content, "registered-only fourth paragraph") {
			t.Errorf("private %s: the registered-only article is not whole", file)
		}
	}
	// A window of one month puts the April issue out of this plan's reach.
	pub, err := f.st.Publication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pub.ArchiveWindowMonths = 1
	if err := f.st.SetPublication(ctx, pub); err != nil {
		t.Fatal(err)
	}
	for file := range feedFiles {
		e, ok := entryOf(read(file), f.gated.Headline)
		if !ok || strings.Contains(e.Content, "private memorandum, seen by this magazine") || !strings.Contains(e.Content, "An open first paragraph") {
			t.Errorf("private %s past the archive window: %q", file, e.Content)
		}
	}
}

// TestArticleJSONLDPaywall: the paywall properties of an article's
// JSON-LD describe the article, whoever asks; hasPart names an element
// of the page that holds the whole gated text for an entitled reader and
// only the preview for anyone else.
func TestArticleJSONLDPaywall(t *testing.T) {
	t.Parallel()
	f := newReadersFixture(t)
	tests := []struct {
		viewer, cookie string
		article        magazine.Article
		free           bool
		sees           string // text inside .paywalled, "" when there is none
		missing        string
	}{
		{"anonymous", "", f.public, true, "", ""},
		{"subscriber", f.subscriber, f.public, true, "", ""},
		{"anonymous", "", f.gated, false, "An open first paragraph", gatedPhrase},
		{"registered", f.registered, f.gated, false, "An open first paragraph", gatedPhrase},
		{"subscriber", f.subscriber, f.gated, false, gatedPhrase, ""},
		{"full", f.full, f.gated, false, gatedPhrase, ""},
		{"anonymous", "", f.regOnly, false, "Three.", "registered-only fourth paragraph"},
		{"registered", f.registered, f.regOnly, false, "registered-only fourth paragraph", ""},
	}
	for _, tt := range tests {
		t.Run(tt.viewer+"/"+tt.article.Slug, func(t *testing.T) {
			r := f.get(t, "/articles/"+tt.article.Slug, "Cookie", tt.cookie)
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			ld := articleLD(t, r.body)
			if ld["isAccessibleForFree"] != tt.free {
				t.Errorf("isAccessibleForFree = %v, want %v", ld["isAccessibleForFree"], tt.free)
			}
			part, hasPart := ld["hasPart"].(map[string]any)
			if tt.free {
				if hasPart || strings.Contains(r.body, "paywalled") {
					t.Errorf("a public article has a gated part: %v", ld["hasPart"])
				}
				return
			}
			if part["@type"] != "WebPageElement" || part["isAccessibleForFree"] != false || part["cssSelector"] != ".paywalled" {
				t.Fatalf("hasPart = %v", part)
			}
			// The element the selector names, and what it holds.
			start := strings.Index(r.body, `class="article-body`)
			if start < 0 || strings.Count(r.body, ` paywalled"`) != 1 {
				t.Fatalf("the page has not exactly one .paywalled body")
			}
			tag := r.body[start : start+strings.Index(r.body[start:], ">")]
			if !strings.Contains(tag, " paywalled") {
				t.Fatalf("the body element %q is not .paywalled", tag)
			}
			el := r.body[start : start+strings.Index(r.body[start:], "</div>")]
			if !strings.Contains(el, tt.sees) {
				t.Errorf("the .paywalled element lacks %q", tt.sees)
			}
			if tt.missing != "" && strings.Contains(r.body, tt.missing) {
				t.Errorf("the page shows %q", tt.missing)
			}
		})
	}
}

// TestIssueJSONLD: an issue's page is a PublicationIssue within the
// magazine as a Periodical, with its articles.
func TestIssueJSONLD(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	ld := articleLD(t, f.get(t, "/issues/3/7").body)
	periodical, _ := ld["isPartOf"].(map[string]any)
	if ld["@type"] != "PublicationIssue" || ld["issueNumber"] != "7" || ld["datePublished"] != "2026-04-01" ||
		ld["url"] != "https://mag.example/issues/3/7" || ld["name"] != "The ferry question (Vol. 3, No. 7)" {
		t.Errorf("issue JSON-LD = %v", ld)
	}
	if periodical["@type"] != "Periodical" || periodical["name"] != "The Harbour Review" || periodical["url"] != "https://mag.example/" {
		t.Errorf("isPartOf = %v", periodical)
	}
	parts, _ := ld["hasPart"].([]any)
	if len(parts) != 2 || parts[0].(map[string]any)["headline"] != f.public.Headline {
		t.Errorf("hasPart = %v", ld["hasPart"])
	}
}
