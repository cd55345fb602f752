package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/browsertest"
	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/magazine"
)

func awaitPromise(p *runtime.EvaluateParams) { p.AwaitPromise = new(true) }

// TestBrowserDigitalEdition: in headless Chromium, a Digital subscriber
// opens the newest issue, reads its first two articles with the → key,
// and downloads the EPUB and the PDF; the server remembers where they
// are. An anonymous reader sees the cover, the contents and the prompt,
// and every edition URL answers them 403.
func TestBrowserDigitalEdition(t *testing.T) {
	t.Parallel()
	ctx := browsertest.Start(t)
	bg := context.Background()
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	e := newEditionEnv(t, demo.Options{Seed: 5, Issues: 2, PerIssue: 4, WebOnly: 2, Authors: 3, Now: time.Now()}, srv.URL, nil)
	st, svc, tm := e.st, e.svc, e.tm
	h = e.h
	conv, _ := edition.FindPDFConverter()
	e.build(t, srv.URL, conv)
	issue, err := st.CurrentIssue(bg)
	if err != nil {
		t.Fatal(err)
	}
	if conv == nil { // no WeasyPrint here: a replica stands in for the PDF
		e.addReplica(t, issue.ID)
	}
	plan, err := st.PlanBySlug(bg, "digital")
	if err != nil {
		t.Fatal(err)
	}
	sid, readerID := paidReader(t, st, svc, tm, "digital@example.com", plan.ID)
	articles, err := st.EditionArticles(bg, issue.ID)
	if err != nil || len(articles) < 3 {
		t.Fatalf("the issue has %d articles (%v); the test reads two of them", len(articles), err)
	}

	step, read := browsertest.Driver(t, ctx)
	issueURL := fmt.Sprintf("%s/issues/%d/%d", srv.URL, issue.Volume, issue.Number)
	main := chromedp.Text(chromedp.CSS("main"))
	download := func(href string) string {
		t.Helper()
		return read(chromedp.Evaluate[string](`fetch(`+fmt.Sprintf("%q", href)+`).then(r => r.arrayBuffer().then(b =>
			r.status + " " + String.fromCharCode(...new Uint8Array(b.slice(0, 4)))))`, awaitPromise))
	}

	// Anonymous: cover, contents, prompt; 403 from every edition URL.
	step("anonymous opens the issue", chromedp.Navigate(issueURL), chromedp.WaitVisible(chromedp.CSS("aside.edition-prompt")))
	text := read(main)
	if !strings.Contains(text, articles[0].Headline) || !strings.Contains(text, "Subscribe") || strings.Contains(text, "Read this issue") {
		t.Errorf("the anonymous reader's issue page:\n%s", text)
	}
	if n := read(chromedp.Evaluate[string](`String(document.querySelectorAll(".issue-cover img").length)`)); n != "1" {
		t.Errorf("the anonymous reader sees %s cover images, want 1", n)
	}
	for _, p := range []string{"/read", "/download/epub", "/download/pdf"} {
		if got := download(issueURL + p); !strings.HasPrefix(got, "403") {
			t.Errorf("anonymous %s: %q, want 403", p, got)
		}
	}

	// The Digital subscriber.
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: auth.ReaderCookieName, Value: sid, URL: srv.URL, Path: "/"}); err != nil {
		t.Fatal(err)
	}
	step("open the issue", chromedp.Navigate(issueURL), chromedp.WaitVisible(chromedp.CSS(".edition-offer")))
	step("read this issue", chromedp.Click(chromedp.CSS(".edition-offer a.button")), chromedp.WaitVisible(chromedp.CSS("[data-edition]")))
	for i := range 2 {
		step(fmt.Sprintf("→ to article %d", i+1), chromedp.KeyEvent(kb.ArrowRight),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`.edition-article.current#a-%s`, articles[i].Slug))))
		if loc := read(chromedp.Location()); !strings.Contains(loc, "at="+articles[i].Slug) {
			t.Errorf("after → number %d the reader is at %s, want article %s", i+1, loc, articles[i].Slug)
		}
		body := read(chromedp.Text(chromedp.CSS(".edition-article.current .article-body")))
		if len(body) < 200 {
			t.Errorf("article %s in the edition has %d characters of body", articles[i].Slug, len(body))
		}
	}
	if pos, err := st.EditionPosition(bg, readerID, issue.ID); err != nil || pos != articles[1].ID {
		t.Errorf("the server remembers article %d (%v), want %d", pos, err, articles[1].ID)
	}
	step("← back", chromedp.KeyEvent(kb.ArrowLeft), chromedp.WaitVisible(chromedp.CSS(`.edition-article.current#a-`+articles[0].Slug)))
	step("come back later", chromedp.Navigate(issueURL+"/read"), chromedp.WaitVisible(chromedp.CSS(".resume")))
	if resume := read(chromedp.Text(chromedp.CSS(".resume"))); !strings.Contains(resume, articles[0].Headline) {
		t.Errorf("the edition offers to continue at %q, want %q", resume, articles[0].Headline)
	}
	step("back to the issue", chromedp.Navigate(issueURL), chromedp.WaitVisible(chromedp.CSS(".edition-offer")))
	for _, f := range []struct{ sel, magic string }{{`.formats a[href$="/download/epub"]`, "PK\x03\x04"}, {`.formats a[href$="/download/pdf"]`, "%PDF"}} {
		href := read(chromedp.Evaluate[string](`document.querySelector('` + f.sel + `').href`))
		if got := download(href); got != "200 "+f.magic {
			t.Errorf("download %s: %q, want 200 and the file", href, got)
		}
	}
	if !plan.Grants(magazine.EntDigitalEdition) {
		t.Error("the demo's Digital plan has no digital edition")
	}
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
}
