package server_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
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
	"github.com/masthead-press/masthead/internal/store"
)

// TestNoEditionLeaks extends the paywall's judge to the digital edition:
// the web edition, the EPUB and PDF downloads (by session or by signed
// link) and the media keys of the files give nothing to an anonymous
// reader, a registered one, or a subscriber whose plan lacks the digital
// edition; an article beyond the archive window gives a subscriber
// without the archive only its preview. A Digital subscriber, asked the
// same, gets it all: the check would see a leak.
func TestNoEditionLeaks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Fifteen months of issues: the oldest are beyond the 12-month window.
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	e := newEditionEnv(t, demo.Options{Seed: 11, Issues: 30, PerIssue: 3, WebOnly: 10, Authors: 4, Now: now}, "https://mag.example",
		func() time.Time { return now })
	st, h, svc, tm := e.st, e.h, e.svc, e.tm
	e.build(t, "https://mag.example", nil)
	issues, _, err := st.Issues(ctx, store.IssueFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	// A replica for one recent issue, so that PDF downloads exist too.
	e.addReplica(t, issues[0].ID)
	replica := testReplica

	subscribe := func(email string, ents ...magazine.Entitlement) (string, int64) {
		plan := magazine.Plan{Name: email, MonthlyPrice: 800, Currency: "USD", Active: true, Entitlements: ents}
		if err := st.CreatePlan(ctx, &plan); err != nil {
			t.Fatal(err)
		}
		sid, id := paidReader(t, st, svc, tm, email, plan.ID)
		return auth.SecureReaderCookieName + "=" + sid, id
	}
	registered := func() string {
		r, err := st.CreateReader(ctx, "registered@example.com", "")
		if err != nil {
			t.Fatal(err)
		}
		id, hash := auth.NewSessionID()
		if err := st.CreateUnverifiedSession(ctx, r.ID, store.NewReaderSession{IDHash: hash, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		return auth.SecureReaderCookieName + "=" + id
	}()
	webOnly, webID := subscribe("web@example.com", magazine.EntSubscriberContent)
	digital, digitalID := subscribe("digital@example.com", magazine.EntSubscriberContent, magazine.EntDigitalEdition, magazine.EntArchive)

	fetch := func(path, cookie string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	// The text anyone may read, and each issue's gated articles.
	open := map[string]bool{}
	gatedOf := map[int64][]magazine.Article{}
	var old, recent *magazine.Article
	from := magazine.ArchiveStart(now, magazine.DefaultArchiveWindowMonths)
	for _, is := range issues {
		list, err := st.EditionArticles(ctx, is.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			publicRuns(open, a)
			if a.Visibility == magazine.VisibilitySubscribers {
				gatedOf[is.ID] = append(gatedOf[is.ID], a)
				switch {
				case old == nil && a.ArchiveDate().Before(from):
					old = &a
				case recent == nil && !a.ArchiveDate().Before(from):
					recent = &a
				}
			}
		}
	}
	if old == nil || recent == nil {
		t.Fatalf("the demo needs subscribers-only articles both sides of the archive window (old %v, recent %v)", old, recent)
	}

	secret, err := st.EditionSecret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(is magazine.Issue, format string, reader, exp int64) string {
		m := hmac.New(sha256.New, secret)
		fmt.Fprintf(m, "edition/%d/%d/%s/%d/%d", is.Volume, is.Number, format, reader, exp)
		return fmt.Sprintf("/issues/%d/%d/download/%s?reader=%d&expires=%d&sig=%s", is.Volume, is.Number, format, reader, exp, hex.EncodeToString(m.Sum(nil)))
	}
	future, past := now.Add(time.Hour).Unix(), now.Add(-time.Minute).Unix()

	checked := 0
	for _, viewer := range []struct{ name, cookie string }{{"anonymous", ""}, {"registered", registered}, {"subscriber without the edition", webOnly}} {
		for _, is := range issues {
			base := fmt.Sprintf("/issues/%d/%d", is.Volume, is.Number)
			rec := fetch(base+"/read", viewer.cookie)
			if rec.Code != http.StatusForbidden {
				t.Errorf("%s: %s/read: %d, want 403", viewer.name, base, rec.Code)
			}
			text := plain(rec.Body.String())
			// What the public issue page shows (the cover, the contents
			// and their deks) is public; TestNoGatedTextLeaks judges it.
			public := map[string]bool{}
			windows(public, []string{plain(fetch(base, "").Body.String())})
			for _, a := range gatedOf[is.ID] {
				runs := gatedRuns(a, open)
				for run := range public {
					delete(runs, run)
				}
				if run := leakedRun(text, runs); run != "" {
					i := strings.Index(text, run)
					t.Errorf("%s: gated text of %s in %s/read: %q in %q", viewer.name, a.Slug, base, run, text[max(0, i-300):i+100])
				}
			}
			if !strings.Contains(text, "Subscribe") {
				t.Errorf("%s: %s/read has no Subscribe prompt", viewer.name, base)
			}
			for _, format := range []string{"epub", "pdf"} {
				paths := []string{base + "/download/" + format,
					sign(is, format, digitalID, past),                                        // expired
					strings.Replace(sign(is, format, digitalID, future), "sig=", "sig=0", 1), // forged
					sign(is, format, webID, future)}                                          // genuine, but for a reader without the edition
				for _, p := range paths {
					rec := fetch(p, viewer.cookie)
					body := rec.Body.Bytes()
					if rec.Code != http.StatusForbidden || strings.HasPrefix(string(body), "PK") || strings.Contains(string(body), "%PDF") {
						t.Errorf("%s: %s: %d with %d bytes (%.8q), want 403 and none of the file", viewer.name, p, rec.Code, len(body), body)
					}
					checked++
				}
			}
		}
	}
	// The files' own media keys answer nobody.
	for _, is := range issues[:3] {
		eds, _ := st.Editions(ctx, is.ID)
		for _, e := range eds {
			for _, cookie := range []string{"", digital} {
				if rec := fetch("/media/"+e.Key, cookie); rec.Code != http.StatusNotFound {
					t.Errorf("the %s of %s is served by its media key: %d", e.Format, is.Label(), rec.Code)
				}
			}
		}
	}
	// The archive window: the subscriber without the archive reads the
	// recent article and only the preview of the old one.
	oldRuns, recentRuns := gatedRuns(*old, open), gatedRuns(*recent, open)
	if len(oldRuns) == 0 || len(recentRuns) == 0 {
		t.Fatal("the archive-window articles have no gated text of their own to look for")
	}
	if rec := fetch("/articles/"+old.Slug, webOnly); leakedRun(plain(rec.Body.String()), oldRuns) != "" || !strings.Contains(rec.Body.String(), "in the archive") {
		t.Errorf("a subscriber without the archive reads %s (cover date %s) beyond the window: %d %.3000s", old.Slug, old.ArchiveDate().Format("2006-01-02"), rec.Code, plain(rec.Body.String()))
	}
	if rec := fetch("/articles/"+recent.Slug, webOnly); leakedRun(plain(rec.Body.String()), recentRuns) == "" {
		t.Errorf("a subscriber without the archive cannot read %s inside the window", recent.Slug)
	}
	if rec := fetch("/articles/"+old.Slug, digital); leakedRun(plain(rec.Body.String()), oldRuns) == "" {
		t.Errorf("the Digital subscriber (with the archive) cannot read %s", old.Slug)
	}

	// The control: the Digital subscriber gets every issue's edition with
	// its gated text, and the files, by session and by signed link.
	for _, is := range issues {
		base := fmt.Sprintf("/issues/%d/%d", is.Volume, is.Number)
		rec := fetch(base+"/read", digital)
		text := plain(rec.Body.String())
		if rec.Code != http.StatusOK {
			t.Fatalf("Digital subscriber: %s/read: %d", base, rec.Code)
		}
		for _, a := range gatedOf[is.ID] {
			if runs := gatedRuns(a, open); len(runs) > 0 && leakedRun(text, runs) == "" {
				t.Errorf("the Digital subscriber does not see %s in %s/read: the test would miss a leak", a.Slug, base)
			}
		}
		for _, p := range []string{base + "/download/epub", sign(is, "epub", digitalID, future)} {
			rec := fetch(p, digital)
			if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "PK") {
				t.Errorf("Digital subscriber: %s: %d, want the EPUB", p, rec.Code)
			}
		}
	}
	pdfPath := fmt.Sprintf("/issues/%d/%d/download/pdf", issues[0].Volume, issues[0].Number)
	if rec := fetch(pdfPath, digital); rec.Code != http.StatusOK || rec.Body.String() != string(replica) {
		t.Errorf("Digital subscriber: %s: %d, want the replica", pdfPath, rec.Code)
	}
	// Range and ETag, as e-reader apps and browsers resume downloads.
	epub := fmt.Sprintf("/issues/%d/%d/download/epub", issues[0].Volume, issues[0].Number)
	rec := fetch(epub, digital, "Range", "bytes=0-3")
	if rec.Code != http.StatusPartialContent || rec.Body.String() != "PK\x03\x04" {
		t.Errorf("a Range request for the EPUB: %d %q, want 206 and its first four bytes", rec.Code, rec.Body.String())
	}
	etag := rec.Header().Get("ETag")
	if rec := fetch(epub, digital, "If-None-Match", etag); etag == "" || rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match %q: %d, want 304", etag, rec.Code)
	}

	// The private OPDS catalogues: the Digital subscriber's lists every
	// issue with acquisition links that work without a session; the other
	// subscriber's lists none; a reset address answers 403.
	catalogue := func(readerID int64) string {
		token, hash := auth.NewToken()
		if err := st.ResetCatalogue(ctx, readerID, hash); err != nil {
			t.Fatal(err)
		}
		return "/opds/" + token
	}
	digitalCat, webCat := catalogue(digitalID), catalogue(webID)
	rec = fetch(webCat, "")
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "opds-spec.org/acquisition") || strings.Contains(rec.Body.String(), "<entry>") {
		t.Errorf("the catalogue of a subscriber without the edition: %d\n%s", rec.Code, rec.Body.String())
	}
	rec = fetch(digitalCat, "")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Type"), "profile=opds-catalog") {
		t.Fatalf("the Digital subscriber's catalogue: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	links := regexp.MustCompile(`rel="http://opds-spec.org/acquisition" href="([^"]+)" type="application/epub\+zip"`).FindAllStringSubmatch(rec.Body.String(), -1)
	if len(links) != len(issues) {
		t.Errorf("the catalogue has %d EPUB acquisition links, want one for each of the %d issues", len(links), len(issues))
	}
	for _, l := range links[:min(3, len(links))] {
		href := strings.TrimPrefix(html.UnescapeString(l[1]), "https://mag.example")
		if rec := fetch(href, ""); rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "PK") {
			t.Errorf("an acquisition link without a session: %s: %d", href, rec.Code)
		}
	}
	catalogue(digitalID) // reset: the old address stops working
	if rec := fetch(digitalCat, ""); rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "opds-spec.org") {
		t.Errorf("a reset catalogue address: %d, want 403 and no catalogue", rec.Code)
	}
	if rec := fetch("/opds/not-a-secret", ""); rec.Code != http.StatusForbidden {
		t.Errorf("a made-up catalogue address: %d, want 403", rec.Code)
	}
	t.Logf("%d issues, %d forbidden download answers checked", len(issues), checked)
}

// paidReader makes a reader with a session who has paid for the plan in
// TEST MODE, and returns the session id and the reader's id.
func paidReader(t testing.TB, st *store.Store, svc *billing.Service, tm *billing.TestMode, email string, planID int64) (string, int64) {
	t.Helper()
	ctx := context.Background()
	sid := readerSession(t, st, email)
	r, err := st.ReaderByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	co, err := svc.StartCheckout(ctx, r.ID, planID, "month", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tm.Pay(ctx, co.ID, billing.TestCardSuccess); err != nil {
		t.Fatal(err)
	}
	return sid, r.ID
}

// readerSession is the session id of a new reader signed in (by link,
// not yet proven) for an hour.
func readerSession(t testing.TB, st *store.Store, email string) string {
	t.Helper()
	ctx := context.Background()
	r, err := st.CreateReader(ctx, email, "")
	if err != nil {
		t.Fatal(err)
	}
	sid, hash := auth.NewSessionID()
	if err := st.CreateUnverifiedSession(ctx, r.ID, store.NewReaderSession{IDHash: hash, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return sid
}
