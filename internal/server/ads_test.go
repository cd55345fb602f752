package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// adsEnv is the demo magazine with ads in every slot: a house ad (a demo
// picture) on the home page, the lists and at the end of articles, and
// an ad server's tag that loads a script from origin inside articles.
// Ad-free is live, and the demo's Digital plan includes it.
type adsEnv struct {
	*editionEnv
	house, tag magazine.Ad
	article    magazine.Article // public, long enough for the inline slot
	section    string
	origin     string
}

func newAdsEnv(t testing.TB, baseURL, origin string) *adsEnv {
	t.Helper()
	ctx := context.Background()
	e := &adsEnv{editionEnv: newEditionEnv(t, demo.Options{Seed: 5, Issues: 1, PerIssue: 2, WebOnly: 4, Authors: 2, Now: time.Now()}, baseURL, nil), origin: origin}
	pub, err := e.st.Publication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pub.AdFreeLive, pub.AdOrigins = true, origin
	if err := e.st.SavePublication(ctx, store.Actor{}, pub); err != nil {
		t.Fatal(err)
	}
	images, err := e.st.CoverImages(ctx, 1)
	if err != nil || len(images) == 0 {
		t.Fatalf("the demo has no pictures for a house ad: %v", err)
	}
	today := time.Now()
	starts, ends := today.AddDate(0, 0, -2).Truncate(24*time.Hour), today.AddDate(0, 0, 30).Truncate(24*time.Hour)
	e.house = magazine.Ad{Name: "Spring sale", Kind: magazine.AdHouse, ImageKey: images[0].Key, Alt: "A year of the magazine for the price of nine months",
		LinkURL: "https://shop.example/spring?from=ad", Starts: starts, Ends: ends, Weight: 1,
		Slots: []magazine.AdSlot{magazine.SlotHome, magazine.SlotList, magazine.SlotArticleEnd}}
	e.tag = magazine.Ad{Name: "Network", Kind: magazine.AdTag, Starts: starts, Ends: ends, Weight: 1, Slots: []magazine.AdSlot{magazine.SlotArticleInline},
		TagHTML: `<div id="network-ad"></div><script src="` + origin + `/ad.js"></script>`}
	for _, ad := range []*magazine.Ad{&e.house, &e.tag} {
		if err := e.st.CreateAd(ctx, store.Actor{}, ad); err != nil {
			t.Fatal(err)
		}
	}
	list, _, err := e.st.Articles(ctx, store.ArticleFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if a.Visibility != magazine.VisibilityPublic {
			continue
		}
		if a, err = e.st.ArticleBySlug(ctx, a.Slug); err == nil && len(a.Pages) > 0 && strings.Count(a.Pages[0], "<p>") > 4 {
			e.article = a
			break
		}
	}
	if e.article.ID == 0 {
		t.Fatal("the demo has no public article of more than four paragraphs")
	}
	e.section = "/sections/" + e.article.Section.Slug
	return e
}

// fetch is the answer to GET path for the reader of session sid ("" for
// an anonymous reader).
func (e *adsEnv) fetch(path, sid string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", "https://mag.example"+path, nil)
	if sid != "" {
		req.Header.Set("Cookie", auth.SecureReaderCookieName+"="+sid)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// adMarkup is what no page of an ad-free reader may hold.
func (e *adsEnv) adMarkup() []string {
	return []string{"data-ad-slot", "Advertisement", "/ads/", e.origin, "<iframe"}
}

// TestAdSlotsAndAdFree: anonymous readers get every slot filled and
// labelled, the tag only as a sandboxed frame; a subscriber with ad-free
// (once it is live) gets pages with no slot, no frame and no ad origin,
// whichever of them asked for a page first, and a subscriber without it
// gets the ads. Until ad-free is live, its subscribers see ads too.
func TestAdSlotsAndAdFree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newAdsEnv(t, "https://mag.example", "https://ads.example")
	digital, _ := e.st.PlanBySlug(ctx, "digital")
	if !digital.Grants(magazine.EntAdFree) {
		t.Fatal("the demo's Digital plan has no ad-free")
	}
	adFree, _ := paidReader(t, e.st, e.svc, e.tm, "adfree@example.com", digital.ID)
	// The same plan without ad-free: the same pages but for the ads.
	basic := magazine.Plan{Name: "Digital with ads", MonthlyPrice: 500, Currency: "USD", Active: true}
	for _, ent := range digital.Entitlements {
		if ent != magazine.EntAdFree {
			basic.Entitlements = append(basic.Entitlements, ent)
		}
	}
	if err := e.st.CreatePlan(ctx, &basic); err != nil {
		t.Fatal(err)
	}
	withAds, _ := paidReader(t, e.st, e.svc, e.tm, "basic@example.com", basic.ID)

	article := "/articles/" + e.article.Slug
	house, tag := strconv.FormatInt(e.house.ID, 10), strconv.FormatInt(e.tag.ID, 10)
	slots := map[string][]string{
		"/":       {`data-ad-slot="home"`, `<a href="/ads/` + house + `/click" rel="sponsored noopener"`, `src="/ads/` + house + `/image"`, `alt="` + e.house.Alt + `"`},
		e.section: {`data-ad-slot="list"`, `/ads/` + house + `/click`},
		article: {`data-ad-slot="article-inline"`, `data-ad-slot="article-end"`,
			`<iframe src="/ads/` + tag + `/frame" title="Advertisement" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"`},
	}
	check := func(t *testing.T, who, path, sid string, ads bool) {
		t.Helper()
		rec := e.fetch(path, sid)
		body := rec.Body.String()
		if rec.Code != http.StatusOK {
			t.Fatalf("%s GET %s: %d", who, path, rec.Code)
		}
		if !ads {
			for _, bad := range e.adMarkup() {
				if strings.Contains(body, bad) {
					t.Errorf("%s's %s holds %q", who, path, bad)
				}
			}
			return
		}
		for _, want := range append(slots[path], `<p class="ad-label">Advertisement</p>`) {
			if !strings.Contains(body, want) {
				t.Errorf("%s's %s lacks %q", who, path, want)
			}
		}
		if strings.Count(body, `aria-label="Advertisement"`) != strings.Count(body, "data-ad-slot=") {
			t.Errorf("%s's %s has an ad without its label", who, path)
		}
		if strings.Contains(body, "allow-same-origin") || strings.Contains(body, e.origin) || strings.Contains(body, "network-ad") {
			t.Errorf("%s's %s runs the ad tag in the page, not in its sandboxed frame", who, path)
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, e.origin) {
			t.Errorf("the page's Content-Security-Policy was loosened for ads: %s", csp)
		}
	}
	// Anonymous first on some pages, the ad-free subscriber first on
	// others: the shared pages never cross.
	for i, path := range []string{"/", e.section, article} {
		if i%2 == 0 {
			check(t, "anonymous", path, "", true)
			check(t, "ad-free subscriber", path, adFree, false)
		} else {
			check(t, "ad-free subscriber", path, adFree, false)
			check(t, "anonymous", path, "", true)
		}
		check(t, "subscriber without ad-free", path, withAds, true)
		check(t, "ad-free subscriber", path, adFree, false)
		check(t, "anonymous", path, "", true)
	}
	// The inline slot comes inside the text, after paragraph 3.
	body := e.fetch(article, "").Body.String()
	text := body[strings.Index(body, `<div class="article-body">`):strings.Index(body, `data-ad-slot="article-inline"`)]
	if n := strings.Count(text, "</p>"); n != magazine.DefaultAdParagraph {
		t.Errorf("the inline ad comes after %d paragraphs, want %d", n, magazine.DefaultAdParagraph)
	}

	pub, _ := e.st.Publication(ctx)
	pub.AdFreeLive = false
	if err := e.st.SavePublication(ctx, store.Actor{}, pub); err != nil {
		t.Fatal(err)
	}
	check(t, "ad-free subscriber before ad-free is live", article, adFree, true)
	if page := e.fetch("/subscribe", "").Body.String(); !strings.Contains(page, "Ad-free (coming soon)") {
		t.Error("/subscribe sells ad-free as delivered while it is not")
	}
}

// TestAdCounting: a house ad's image and clicks are counted by the site,
// without a cookie, as daily totals; a click goes to the ad's own link
// whatever the address says; the tag's frame has its own strict policy.
func TestAdCounting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newAdsEnv(t, "https://mag.example", "https://ads.example")
	house, tag := "/ads/"+strconv.FormatInt(e.house.ID, 10), "/ads/"+strconv.FormatInt(e.tag.ID, 10)

	img := e.fetch(house+"/image", "")
	if img.Code != http.StatusOK || !strings.HasPrefix(img.Header().Get("Content-Type"), "image/") || img.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("the ad's image: %d %s %q", img.Code, img.Header().Get("Content-Type"), img.Header().Get("Cache-Control"))
	}
	if again := e.fetch(house+"/image", "", "If-None-Match", img.Header().Get("ETag")); again.Code != http.StatusNotModified {
		t.Errorf("a browser that has the image: %d, want 304", again.Code)
	}
	for _, p := range []string{house + "/click", house + "/click?url=https://evil.example/", house + "/click?to=//evil.example"} {
		rec := e.fetch(p, "")
		if rec.Code != http.StatusFound || rec.Header().Get("Location") != e.house.LinkURL {
			t.Errorf("GET %s: %d to %q, want 302 to %s", p, rec.Code, rec.Header().Get("Location"), e.house.LinkURL)
		}
	}
	for _, p := range []string{tag + "/click", tag + "/image", house + "/frame", "/ads/999999/click", "/ads/x/image"} {
		if rec := e.fetch(p, ""); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, rec.Code)
		}
	}
	frame := e.fetch(tag+"/frame", "")
	csp := frame.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'unsafe-inline' https://ads.example;", "sandbox allow-scripts", "frame-ancestors 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("the frame's policy lacks %q: %s", want, csp)
		}
	}
	if frame.Code != http.StatusOK || !strings.Contains(frame.Body.String(), e.tag.TagHTML) || frame.Header().Get("X-Frame-Options") != "SAMEORIGIN" {
		t.Errorf("the frame: %d %q\n%s", frame.Code, frame.Header().Get("X-Frame-Options"), frame.Body.String())
	}
	for _, rec := range []*httptest.ResponseRecorder{img, frame, e.fetch(house+"/click", "")} {
		if c := rec.Header().Get("Set-Cookie"); c != "" {
			t.Errorf("counting sets a cookie: %s", c)
		}
	}

	pub, _ := e.st.Publication(ctx)
	today, _ := time.Parse(time.DateOnly, time.Now().In(pub.Location()).Format(time.DateOnly))
	stats, err := e.st.AdStats(ctx, e.house.ID, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != 1 || stats[0].Impressions != 2 || stats[0].Clicks != 4 {
		t.Errorf("the house ad's totals today: %+v, want 2 impressions and 4 clicks", stats)
	}
	if stats, _ := e.st.AdStats(ctx, e.tag.ID, today); len(stats) != 1 || stats[0].Impressions != 1 {
		t.Errorf("the tag's totals today: %+v, want 1 impression", stats)
	}
}
