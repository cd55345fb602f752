package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/masthead-press/masthead/internal/browsertest"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestBrowserSubscribeCancelRefund is the reader's whole journey in
// headless Chromium against the whole server: an anonymous reader opens a
// gated article, clicks Subscribe, pays in TEST MODE (a declined card
// first), reads the whole article, and cancels; a second reader asks for
// the money back inside the window and loses access.
func TestBrowserSubscribeCancelRefund(t *testing.T) {
	t.Parallel()
	ctx := browsertest.Start(t)
	e := newReaderEnv(t, storetest.SQLite(t))
	step, read := browsertest.Driver(t, ctx)
	base := e.srv.URL
	article := base + "/articles/" + e.gated.Slug
	body := chromedp.Text(chromedp.CSS("main"))

	subscribe := func(email string) {
		t.Helper()
		step("open the gated article", chromedp.Navigate(article), chromedp.WaitVisible(chromedp.CSS("aside.paywall")))
		if text := read(body); strings.Contains(text, gatedPhrase) || !strings.Contains(text, "This article is for subscribers") {
			t.Fatalf("an anonymous reader sees:\n%s", text)
		}
		if banner := read(chromedp.Text(chromedp.CSS(".test-mode"))); !strings.Contains(banner, "TEST MODE") {
			t.Errorf("no TEST MODE banner: %q", banner)
		}
		step("click Subscribe", chromedp.Click(chromedp.CSS("aside.paywall a.button")), chromedp.WaitVisible(chromedp.CSS("form.plan")))
		step("choose the plan",
			chromedp.SendKeys(chromedp.CSS("form.plan input[name=email]"), email),
			chromedp.Click(chromedp.CSS("form.plan button[type=submit]")),
			chromedp.WaitVisible(chromedp.ID("card")),
		)
		if h1 := read(chromedp.Text(chromedp.CSS("main h1"))); !strings.Contains(h1, "TEST MODE") {
			t.Errorf("the checkout heading is %q, want it labelled TEST MODE", h1)
		}
		step("a declined card",
			chromedp.SendKeys(chromedp.ID("card"), "4000 0000 0000 0002"),
			chromedp.Click(chromedp.CSS("form button[type=submit]")),
			chromedp.WaitVisible(chromedp.ID("card-error")),
		)
		if msg := read(chromedp.Text(chromedp.ID("card-error"))); !strings.Contains(msg, "declined") {
			t.Errorf("declined card says %q", msg)
		}
		step("pay",
			chromedp.Clear(chromedp.ID("card")),
			chromedp.SendKeys(chromedp.ID("card"), "4242 4242 4242 4242"),
			chromedp.Click(chromedp.CSS("form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("article.article")),
		)
		if loc := read(chromedp.Location()); loc != article {
			t.Errorf("after paying the reader is at %s, want back at the article", loc)
		}
		if text := read(body); !strings.Contains(text, gatedPhrase) || strings.Contains(text, "This article is for subscribers") {
			t.Fatalf("after paying the reader does not get the whole article:\n%s", text)
		}
	}

	subscribe("first@example.com")
	step("read page 2", chromedp.Click(chromedp.CSS(`a[rel=next]`)), chromedp.WaitVisible(chromedp.CSS(".article-pages")))
	if text := read(body); !strings.Contains(text, "ferry timetable") {
		t.Errorf("page 2 for the subscriber:\n%s", text)
	}

	// Cancel: one click on the account page; access lasts to the period end.
	step("open the account", chromedp.Navigate(base+"/account"), chromedp.WaitVisible(chromedp.CSS(".subscription")))
	step("cancel", chromedp.Click(chromedp.CSS(`form[action$="/cancel"] button`)), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if status := read(chromedp.Text(chromedp.CSS(".subscription .status"))); !strings.Contains(status, "Canceled") {
		t.Errorf("status after canceling: %q", status)
	}
	step("still reads", chromedp.Navigate(article), chromedp.WaitVisible(chromedp.CSS("article.article")))
	if text := read(body); !strings.Contains(text, gatedPhrase) {
		t.Error("the canceled subscriber lost access before the period ended")
	}

	// A second reader, in a fresh browser state, asks for a refund on
	// day 10 and loses access at once.
	step("sign out", chromedp.Navigate(base+"/account"), chromedp.Click(chromedp.CSS(`form[action="/sign-out"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.reader-nav a[href="/sign-in"]`)))
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	subscribe("second@example.com")
	e.advance(10 * 24 * time.Hour)
	step("open the account", chromedp.Navigate(base+"/account"), chromedp.WaitVisible(chromedp.CSS(".subscription")))
	step("refund", chromedp.Click(chromedp.CSS(`form[action$="/refund"] button`)), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if status := read(chromedp.Text(chromedp.CSS(".subscription .status"))); status != "Refunded" {
		t.Errorf("status after the refund: %q", status)
	}
	step("gated again", chromedp.Navigate(article), chromedp.WaitVisible(chromedp.CSS("aside.paywall")))
	if text := read(body); strings.Contains(text, gatedPhrase) {
		t.Error("the refunded reader still reads the article")
	}
	if e.tm.Refunds() != 1 {
		t.Errorf("%d refunds made, want 1", e.tm.Refunds())
	}
}
