package server_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/audio"
	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// audioFixture is the fixture's magazine served with narration (espeak-ng,
// the quickest engine) and four readers: nobody, a registered reader, a
// subscriber whose plan has no audio, and one whose plan has it.
type audioFixture struct {
	*fixture
	narrator                      *audio.Narrator
	svc                           *billing.Service
	tm                            *billing.TestMode
	registered, reading, listener string // cookies
	listenerID                    int64
}

func needAudioTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"espeak-ng", "ffmpeg"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed; CI installs it", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
}

func newAudioFixture(t *testing.T) *audioFixture { return newAudioFixtureAt(t, "https://mag.example") }

// newAudioFixtureAt serves the magazine as baseURL; an http:// one makes
// the cookies a browser on a test server can hold.
func newAudioFixtureAt(t *testing.T, baseURL string) *audioFixture {
	t.Helper()
	needAudioTools(t)
	ctx := context.Background()
	st := storetest.SQLite(t)
	f := &audioFixture{fixture: newFixture(t, st)}
	pub, err := st.Publication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pub.AudioEngine = audio.EngineEspeak
	if err := st.SetPublication(ctx, pub); err != nil {
		t.Fatal(err)
	}
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	f.tm = billing.NewTestMode()
	f.svc = billing.New(st, f.tm, tmpl, billing.Options{Publication: "Demo", BaseURL: "https://mag.example"})
	f.narrator = &audio.Narrator{Store: st, Files: f.files}
	f.h, err = server.New(server.Config{Store: st, Files: f.files, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		BaseURL: baseURL, Billing: f.svc, Mail: tmpl, Audio: f.narrator})
	if err != nil {
		t.Fatal(err)
	}
	plan := func(name string, ents ...magazine.Entitlement) magazine.Plan {
		p := magazine.Plan{Name: name, MonthlyPrice: 800, Currency: "USD", RefundWindowDays: 60, Active: true, Entitlements: ents}
		if err := st.CreatePlan(ctx, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	readingPlan := plan("Reading", magazine.EntSubscriberContent)
	audioPlan := plan("Everything", magazine.EntSubscriberContent, magazine.EntAudio)
	var id int64
	name := auth.SecureReaderCookieName
	if !strings.HasPrefix(baseURL, "https://") {
		name = auth.ReaderCookieName
	}
	f.registered, _ = readerCookie(t, st, "registered@example.com")
	f.reading, id = readerCookie(t, st, "reading@example.com")
	f.subscribe(t, id, readingPlan.ID)
	f.listener, f.listenerID = readerCookie(t, st, "listener@example.com")
	f.subscribe(t, f.listenerID, audioPlan.ID)
	f.registered, f.reading, f.listener = name+f.registered, name+f.reading, name+f.listener
	return f
}

func (f *audioFixture) subscribe(t *testing.T, readerID, planID int64) {
	t.Helper()
	co, err := f.svc.StartCheckout(context.Background(), readerID, planID, "month", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.tm.Pay(context.Background(), co.ID, billing.TestCardSuccess); err != nil {
		t.Fatal(err)
	}
}

// readerCookie makes a reader with a session and returns its cookie's
// "=value" (the caller puts the name before it).
func readerCookie(t *testing.T, st *store.Store, email string) (string, int64) {
	t.Helper()
	ctx := context.Background()
	r, err := st.CreateReader(ctx, email, "")
	if err != nil {
		t.Fatal(err)
	}
	id, hash := auth.NewSessionID()
	if err := st.CreateUnverifiedSession(ctx, r.ID, store.NewReaderSession{IDHash: hash, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return "=" + id, r.ID
}

// isMP3 reports whether b starts like an MP3 (an ID3 tag or a frame sync).
func isMP3(b string) bool {
	return strings.HasPrefix(b, "ID3") || len(b) > 2 && b[0] == 0xff && b[1]&0xe0 == 0xe0
}

// TestNoAudioLeaks: a narration is its article's text spoken. Anonymous
// and registered readers, and subscribers without audio, get 403 and no
// audio byte on every request, ranged or not, and the stored file is not
// reachable under /media; the subscriber with audio (the control) hears
// it, with Range and ETag.
func TestNoAudioLeaks(t *testing.T) {
	t.Parallel()
	f := newAudioFixture(t)
	for _, a := range []magazine.Article{f.gated, f.public} {
		url := "/articles/" + a.Slug + "/audio.mp3"
		// The control first: a first play narrates and streams.
		first := f.get(t, url, "Cookie", f.listener)
		if first.status != http.StatusOK || !isMP3(first.body) || first.header.Get("Content-Type") != "audio/mpeg" {
			t.Fatalf("%s: the listener's first play: %d %q, %d bytes", a.Slug, first.status, first.header.Get("Content-Type"), len(first.body))
		}
		aa, err := f.st.ArticleAudio(context.Background(), a.ID)
		if err != nil || aa.State != store.AudioReady {
			t.Fatalf("%s: after the first play: %+v %v", a.Slug, aa, err)
		}
		for _, viewer := range []struct{ name, cookie string }{{"anonymous", ""}, {"registered", f.registered}, {"subscriber without audio", f.reading}} {
			for _, rng := range []string{"", "bytes=0-", "bytes=100-199", "bytes=abc"} {
				headers := []string{"Cookie", viewer.cookie}
				if rng != "" {
					headers = append(headers, "Range", rng)
				}
				r := f.get(t, url, headers...)
				if r.status != http.StatusForbidden || isMP3(r.body) || strings.HasPrefix(r.header.Get("Content-Type"), "audio/") || len(r.body) > 200 {
					t.Errorf("%s, %s, Range %q: %d %q, %d bytes", a.Slug, viewer.name, rng, r.status, r.header.Get("Content-Type"), len(r.body))
				}
			}
			for _, p := range []string{"/media/" + aa.FileKey, "/media/" + aa.Segments[0][:2] + "/" + aa.Segments[0] + ".mpa"} {
				if r := f.get(t, p, "Cookie", viewer.cookie); r.status != http.StatusNotFound || isMP3(r.body) {
					t.Errorf("%s, %s: %s answered %d", a.Slug, viewer.name, p, r.status)
				}
			}
			if r := f.get(t, "/articles/"+a.Slug+"/audio/position", "Cookie", viewer.cookie); r.status != http.StatusForbidden {
				t.Errorf("%s, %s: position answered %d", a.Slug, viewer.name, r.status)
			}
			page := f.get(t, "/articles/"+a.Slug, "Cookie", viewer.cookie)
			lacks(t, page, "audio.mp3", "<audio", "play-from", "data-start")
			contains(t, page, "Listen to this article")
		}

		// The control, from the kept file: whole, ranged, revalidated.
		whole := f.get(t, url, "Cookie", f.listener)
		if whole.status != http.StatusOK || !isMP3(whole.body) || whole.header.Get("ETag") == "" || whole.header.Get("Accept-Ranges") != "bytes" {
			t.Fatalf("%s: the listener: %d, ETag %q, Accept-Ranges %q", a.Slug, whole.status, whole.header.Get("ETag"), whole.header.Get("Accept-Ranges"))
		}
		part := f.get(t, url, "Cookie", f.listener, "Range", "bytes=100-199")
		if part.status != http.StatusPartialContent || part.body != whole.body[100:200] {
			t.Errorf("%s: Range answered %d with %d bytes", a.Slug, part.status, len(part.body))
		}
		if r := f.get(t, url, "Cookie", f.listener, "Range", "bytes=abc"); r.status != http.StatusRequestedRangeNotSatisfiable || isMP3(r.body) {
			t.Errorf("%s: a malformed Range answered %d", a.Slug, r.status)
		}
		if r := f.get(t, url, "Cookie", f.listener, "If-None-Match", whole.header.Get("ETag")); r.status != http.StatusNotModified {
			t.Errorf("%s: If-None-Match answered %d", a.Slug, r.status)
		}
		page := f.get(t, "/articles/"+a.Slug, "Cookie", f.listener)
		contains(t, page, `src="`+url+`"`, "<audio", `class="play-from"`)
	}
}

// TestAudioPosition: the listener's place is remembered on the server.
func TestAudioPosition(t *testing.T) {
	t.Parallel()
	f := newAudioFixture(t)
	url := "/articles/" + f.gated.Slug + "/audio/position"
	req := httptest.NewRequest("POST", url, strings.NewReader("seconds=42.5"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", f.listener)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent {
		t.Fatalf("save: %d %s", rec.Code, rec.Body)
	}
	r := f.get(t, url, "Cookie", f.listener)
	if r.status != http.StatusOK || !bytes.Contains([]byte(r.body), []byte(`"seconds":42.5`)) {
		t.Fatalf("read: %d %s", r.status, r.body)
	}
}

// post sends a form as the site's own page would.
func (f *audioFixture) post(t *testing.T, path, cookie string) response {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Cookie", cookie)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

var feedPattern = `https://mag\.example(/podcast/[A-Za-z0-9_-]{43}/feed\.xml)`

// rss is what the feed test reads of a feed.
type rss struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		Title       string `xml:"title"`
		Link        string `xml:"link"`
		Description string `xml:"description"`
		Language    string `xml:"language"`
		ITunesImage struct {
			Href string `xml:"href,attr"`
		} `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd image"`
		ITunesCategory struct {
			Text string `xml:"text,attr"`
		} `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd category"`
		ITunesExplicit string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd explicit"`
		ITunesAuthor   string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd author"`
		Items          []struct {
			Title     string `xml:"title"`
			GUID      string `xml:"guid"`
			Enclosure struct {
				URL    string `xml:"url,attr"`
				Type   string `xml:"type,attr"`
				Length int64  `xml:"length,attr"`
			} `xml:"enclosure"`
			Duration string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd duration"`
		} `xml:"item"`
	} `xml:"channel"`
}

// TestPodcastFeedLeaks: a subscriber with audio gets a private feed that
// validates as RSS 2.0 with Apple's itunes: tags, whose enclosures answer
// Range with 206. A reset feed URL, and any feed once the subscription has
// ended, give no item and no audio byte; a reader without audio gets no
// feed at all.
func TestPodcastFeedLeaks(t *testing.T) {
	t.Parallel()
	f := newAudioFixture(t)
	ctx := context.Background()
	for _, a := range []magazine.Article{f.gated, f.public} {
		if _, err := f.narrator.Render(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	if r := f.post(t, "/account/podcast", f.reading); r.status == http.StatusOK || regexpFind(r.body, feedPattern) != "" {
		t.Fatalf("a reader without audio got a feed: %d", r.status)
	}
	made := f.post(t, "/account/podcast", f.listener)
	feed := regexpFind(made.body, feedPattern)
	if made.status != http.StatusOK || feed == "" {
		t.Fatalf("making the feed: %d, no feed URL", made.status)
	}
	r := f.get(t, feed) // podcast apps send no cookie
	var doc rss
	if err := xml.Unmarshal([]byte(r.body), &doc); err != nil || r.status != http.StatusOK {
		t.Fatalf("feed: %d %v", r.status, err)
	}
	c := doc.Channel
	if doc.Version != "2.0" || c.Title == "" || c.Link == "" || c.Description == "" || c.Language == "" || c.ITunesImage.Href == "" ||
		c.ITunesCategory.Text == "" || c.ITunesExplicit == "" || c.ITunesAuthor == "" {
		t.Errorf("feed lacks a required tag: %+v", c)
	}
	if len(c.Items) != 2 || c.Items[0].Title != f.gated.Headline {
		t.Fatalf("items %+v, want the two narrated articles, newest first", c.Items)
	}
	encl := strings.TrimPrefix(c.Items[0].Enclosure.URL, "https://mag.example")
	if c.Items[0].Enclosure.Type != "audio/mpeg" || c.Items[0].Enclosure.Length == 0 || c.Items[0].Duration == "" {
		t.Errorf("enclosure %+v", c.Items[0])
	}
	if r := f.get(t, encl, "Range", "bytes=0-99"); r.status != http.StatusPartialContent || len(r.body) != 100 || !isMP3(r.body) {
		t.Fatalf("enclosure with Range: %d, %d bytes", r.status, len(r.body))
	}

	// Reset: the old address stops at once, the new one works.
	reset := regexpFind(f.post(t, "/account/podcast", f.listener).body, feedPattern)
	if reset == "" || reset == feed {
		t.Fatal("no new feed address")
	}
	oldEncl := encl
	for _, p := range []string{feed, oldEncl} {
		if r := f.get(t, p); r.status != http.StatusNotFound || strings.Contains(r.body, "<item>") || isMP3(r.body) {
			t.Errorf("reset feed: %s answered %d", p, r.status)
		}
	}
	if r := f.get(t, reset); r.status != http.StatusOK || !strings.Contains(r.body, "<item>") {
		t.Fatalf("the new feed: %d", r.status)
	}
	newEncl := strings.Replace(oldEncl, strings.Split(feed, "/")[2], strings.Split(reset, "/")[2], 1)

	// The subscription ends: the feed and its enclosures stop.
	subs, err := f.st.ReaderSubscriptions(ctx, f.listenerID)
	if err != nil || len(subs) != 1 {
		t.Fatal(subs, err)
	}
	if err := f.svc.CancelNow(ctx, subs[0].ID, billing.Actor{Staff: "test@example.com"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{reset, newEncl} {
		if r := f.get(t, p, "Range", "bytes=0-99"); r.status != http.StatusForbidden || strings.Contains(r.body, "<item>") || isMP3(r.body) {
			t.Errorf("ended subscription: %s answered %d", p, r.status)
		}
	}
}

// TestAudioCheckedAfterChanges: the audio URL keeps what it reads of the
// database per content version, and the decision follows every change at
// once: a shorter archive window, the subscription ending, the article
// taken down. Each refusal carries no audio byte.
func TestAudioCheckedAfterChanges(t *testing.T) {
	t.Parallel()
	f := newAudioFixture(t)
	ctx := context.Background()
	if _, err := f.narrator.Render(ctx, f.gated.ID); err != nil {
		t.Fatal(err)
	}
	url := "/articles/" + f.gated.Slug + "/audio.mp3"
	hear := func(want int, when string) {
		t.Helper()
		r := f.get(t, url, "Cookie", f.listener, "Range", "bytes=0-1023")
		if r.status != want || (want != http.StatusPartialContent) == isMP3(r.body) {
			t.Fatalf("%s: %d with %d bytes, want %d", when, r.status, len(r.body), want)
		}
	}
	hear(http.StatusPartialContent, "at first")
	hear(http.StatusPartialContent, "again, from what was kept")

	// The listener's plan reads a window of months; the issue is older
	// than one month.
	pub, err := f.st.Publication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	window := pub.ArchiveWindowMonths
	pub.ArchiveWindowMonths = 1
	if err := f.st.SetPublication(ctx, pub); err != nil {
		t.Fatal(err)
	}
	hear(http.StatusForbidden, "outside a one-month archive window")
	pub.ArchiveWindowMonths = window
	if err := f.st.SetPublication(ctx, pub); err != nil {
		t.Fatal(err)
	}
	hear(http.StatusPartialContent, "the window back")

	subs, err := f.st.ReaderSubscriptions(ctx, f.listenerID)
	if err != nil || len(subs) != 1 {
		t.Fatal(subs, err)
	}
	if err := f.svc.CancelNow(ctx, subs[0].ID, billing.Actor{Staff: "test@example.com"}); err != nil {
		t.Fatal(err)
	}
	hear(http.StatusForbidden, "the subscription ended")

	// Staff take the article down: nobody hears it, the staff's own
	// preview aside.
	f.subscribe(t, f.listenerID, subs[0].PlanID)
	hear(http.StatusPartialContent, "subscribed again")
	authors := make([]int64, len(f.gated.Authors))
	for i, a := range f.gated.Authors {
		authors[i] = a.ID
	}
	if _, err := f.st.UpdateArticle(ctx, f.gated.ID, magazine.ArticleInput{Headline: f.gated.Headline, SectionID: f.gated.Section.ID,
		AuthorIDs: authors, Status: magazine.StatusDraft, Visibility: f.gated.Visibility, BodyMarkdown: f.gated.BodyMarkdown}); err != nil {
		t.Fatal(err)
	}
	hear(http.StatusNotFound, "the article taken down")
}
