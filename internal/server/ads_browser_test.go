package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/browsertest"
)

// TestBrowserAdsAndAdFree: in headless Chromium, with an ad server of
// its own on loopback, an anonymous reader's article page loads the ad
// tag's script (the ad server gets the request) inside its sandboxed
// frame, never in the page; an ad-free subscriber's pages (once ad-free
// is live) make no request at all to the ad server and hold no slot.
func TestBrowserAdsAndAdFree(t *testing.T) {
	t.Parallel()
	ctx := browsertest.Start(t)
	var requests atomic.Int64
	adServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(`document.getElementById("network-ad").textContent = "Ad loaded";`))
	}))
	t.Cleanup(adServer.Close)
	var h http.Handler
	// Another port of loopback: another origin than the ad server's.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	e := newAdsEnv(t, srv.URL, adServer.URL)
	h = e.h
	digital, _ := e.st.PlanBySlug(context.Background(), "digital")
	sid, _ := paidReader(t, e.st, e.svc, e.tm, "adfree@example.com", digital.ID)
	step, read := browsertest.Driver(t, ctx)
	article := srv.URL + "/articles/" + e.article.Slug
	count := func(sel string) int {
		n, _ := strconv.Atoi(read(chromedp.Evaluate[string](`String(document.querySelectorAll(` + strconv.Quote(sel) + `).length)`)))
		return n
	}

	step("anonymous opens an article", chromedp.Navigate(article), chromedp.WaitVisible(chromedp.CSS(`[data-ad-slot="article-inline"] iframe`)))
	deadline := time.Now().Add(15 * time.Second)
	for requests.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if requests.Load() == 0 {
		t.Fatal("the anonymous reader's article page made no request to the ad server")
	}
	if n := count("[data-ad-slot]"); n != 2 {
		t.Errorf("the anonymous reader's article has %d ad slots, want 2 (inline and end)", n)
	}
	if labels := read(chromedp.Evaluate[string](`[...document.querySelectorAll(".ad-label")].map(e => e.textContent).join(",")`)); labels != "Advertisement,Advertisement" {
		t.Errorf("the ads are labelled %q", labels)
	}
	if n := count("#network-ad"); n != 0 {
		t.Error("the ad tag's markup is in the page itself, not in its frame")
	}

	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: auth.ReaderCookieName, Value: sid, URL: srv.URL, Path: "/"}); err != nil {
		t.Fatal(err)
	}
	requests.Store(0)
	for _, path := range []string{"/articles/" + e.article.Slug, "/", e.section} {
		step("the ad-free subscriber opens "+path, chromedp.Navigate(srv.URL+path), chromedp.WaitReady(chromedp.CSS("footer")))
		if n := count("[data-ad-slot], iframe, .ad"); n != 0 {
			t.Errorf("the ad-free subscriber's %s has %d ad elements", path, n)
		}
		if page := read(chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(page, adServer.URL) || strings.Contains(page, "Advertisement") {
			t.Errorf("the ad-free subscriber's %s names the ad server or an advertisement", path)
		}
		if count("a[href='/account']") == 0 {
			t.Errorf("the subscriber is not signed in on %s", path)
		}
	}
	time.Sleep(500 * time.Millisecond) // anything late would have arrived by now
	if n := requests.Load(); n != 0 {
		t.Errorf("the ad-free subscriber's pages made %d requests to the ad server, want none", n)
	}
}
