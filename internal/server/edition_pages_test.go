package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// TestEditionPages: /archive, the issue page's neighbours and formats,
// and a reader's E-readers page (catalogue reset, Kindle address rules).
func TestEditionPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEditionEnv(t, demo.Options{Seed: 9, Issues: 3, PerIssue: 2, WebOnly: 6, Authors: 3, Now: time.Now()}, "https://mag.example", nil)
	st, h, svc, tm := e.st, e.h, e.svc, e.tm
	plan, _ := st.PlanBySlug(ctx, "digital")
	sid, _ := paidReader(t, st, svc, tm, "reader@example.com", plan.ID)
	cookie := auth.SecureReaderCookieName + "=" + sid
	do := func(method, path, cookie string, form url.Values) *httptest.ResponseRecorder {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req := httptest.NewRequest(method, "https://mag.example"+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	issues, _, _ := st.Issues(ctx, store.IssueFilter{})
	archive := do("GET", "/archive", "", nil).Body.String()
	for _, is := range issues {
		if is.CoverDate.Year() == issues[0].CoverDate.Year() && !strings.Contains(archive, fmt.Sprintf(`href="/issues/%d/%d"`, is.Volume, is.Number)) {
			t.Errorf("/archive lacks %s", is.Label())
		}
	}
	if !strings.Contains(archive, "On the web only") {
		t.Error("/archive does not list the web-only articles")
	}
	middle := do("GET", fmt.Sprintf("/issues/%d/%d", issues[1].Volume, issues[1].Number), cookie, nil).Body.String()
	for _, want := range []string{fmt.Sprintf(`rel="prev" href="/issues/%d/%d"`, issues[2].Volume, issues[2].Number),
		fmt.Sprintf(`rel="next" href="/issues/%d/%d"`, issues[0].Volume, issues[0].Number), "Read this issue", "Read online"} {
		if !strings.Contains(middle, want) {
			t.Errorf("the middle issue's page lacks %s", want)
		}
	}

	for _, bad := range []string{"me@gmail.com", "me@kindle.com.example.org", "not an address"} {
		rec := do("POST", "/account/e-readers/kindle", cookie, url.Values{"kindle_email": {bad}})
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Only Amazon Kindle addresses") && !strings.Contains(rec.Body.String(), "Enter your Kindle") {
			t.Errorf("Kindle address %q: %d", bad, rec.Code)
		}
	}
	if rec := do("POST", "/account/e-readers/kindle", cookie, url.Values{"kindle_email": {"me@kindle.com"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("a Kindle address: %d", rec.Code)
	}
	page := do("POST", "/account/e-readers/catalogue", cookie, url.Values{}).Body.String()
	m := regexp.MustCompile(`https://mag\.example(/opds/[A-Za-z0-9_-]+)`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the new catalogue address is not shown:\n%s", page)
	}
	if rec := do("GET", m[1], "", nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<feed") {
		t.Errorf("the catalogue: %d", rec.Code)
	}
	if page := do("GET", "/account/e-readers", cookie, nil).Body.String(); strings.Contains(page, m[1]) || !strings.Contains(page, "me@kindle.com") {
		t.Error("the E-readers page shows the secret again, or not the Kindle address")
	}
	// One issue on demand: its EPUB goes through the outbox.
	send := url.Values{"issue": {fmt.Sprint(issues[1].ID)}}
	if rec := do("POST", "/account/e-readers/kindle/send", cookie, send); rec.Code != http.StatusConflict {
		t.Errorf("sending an issue whose EPUB is not built yet: %d, want 409", rec.Code)
	}
	e.build(t, "https://mag.example", nil)
	if rec := do("POST", "/account/e-readers/kindle/send", cookie, send); rec.Code != http.StatusSeeOther {
		t.Fatalf("send to Kindle: %d", rec.Code)
	}
	// The newest issue went by itself when its EPUB was built; the one
	// asked for, on demand.
	box, err := st.Mailbox(ctx, "me@kindle.com", 10)
	if err != nil || len(box) != 2 {
		t.Fatalf("the Kindle's outbox: %+v, %v; want the newest issue and the one asked for", box, err)
	}
	for i, is := range []magazine.Issue{issues[1], issues[0]} { // newest message first
		if !strings.Contains(box[i].Subject, is.Label()) || !strings.HasSuffix(box[i].AttachmentName, ".epub") || box[i].AttachmentKey == "" {
			t.Errorf("message %d to the Kindle: %q with %q, want %s with its EPUB", i, box[i].Subject, box[i].AttachmentName, is.Label())
		}
	}
}

// TestWebEditionPlaceAndChanges: the web edition marks the one article
// being read, remembers it for the reader, and shows an edited article
// at once (the edition's body is rendered once and kept, so it must not
// outlive a change), for every entitled reader alike.
func TestWebEditionPlaceAndChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEditionEnv(t, demo.Options{Seed: 4, Issues: 2, PerIssue: 3, WebOnly: 2, Authors: 2, Now: time.Now()}, "https://mag.example", nil)
	plan, _ := e.st.PlanBySlug(ctx, "digital")
	first, _ := paidReader(t, e.st, e.svc, e.tm, "first@example.com", plan.ID)
	second, _ := paidReader(t, e.st, e.svc, e.tm, "second@example.com", plan.ID)
	get := func(path, sid string) string { t.Helper(); return e.page(t, path, sid) }
	issues, _, _ := e.st.Issues(ctx, store.IssueFilter{})
	is := issues[0]
	list, err := e.st.EditionArticles(ctx, is.ID)
	if err != nil || len(list) < 3 {
		t.Fatalf("the issue's articles: %d, %v", len(list), err)
	}
	read := fmt.Sprintf("/issues/%d/%d/read", is.Volume, is.Number)
	current := regexp.MustCompile(`<article class="edition-article current" aria-current="true" id="a-([a-z0-9-]+)"`)

	page := get(read+"?at="+list[1].Slug, first)
	if m := current.FindAllStringSubmatch(page, -1); len(m) != 1 || m[0][1] != list[1].Slug {
		t.Errorf("?at=%s marks %v as being read, want that article alone", list[1].Slug, m)
	}
	if n := strings.Count(page, `<article class="edition-article`); n != len(list) {
		t.Errorf("the edition has %d articles, want %d", n, len(list))
	}
	// The first reader's place is theirs: the second reader, on the same
	// cached edition, has none and no article marked.
	if page := get(read, first); !strings.Contains(page, "Continue where you left off") || !strings.Contains(page, list[1].Headline) || current.MatchString(page) {
		t.Error("the first reader is not offered the article they were reading, or one is marked")
	}
	if page := get(read, second); strings.Contains(page, "Continue where you left off") || current.MatchString(page) {
		t.Error("the second reader is shown the first reader's place")
	}
	if page := get(read+"?at="+list[2].Slug, second); current.FindStringSubmatch(page)[1] != list[2].Slug {
		t.Error("the second reader's article is not the one marked")
	}

	a := list[2]
	in := magazine.ArticleInput{Headline: "An edited headline in the edition", Slug: a.Slug, SectionID: a.Section.ID, AuthorIDs: []int64{a.Authors[0].ID},
		IssueID: is.ID, IssuePosition: a.IssuePosition, Status: a.Status, PublishedAt: a.PublishedAt, Visibility: a.Visibility, BodyMarkdown: a.BodyMarkdown + "\n\nA paragraph added after publication."}
	if _, err := e.st.UpdateArticle(ctx, a.ID, in); err != nil {
		t.Fatal(err)
	}
	page = get(read, first)
	if !strings.Contains(page, "An edited headline in the edition") || !strings.Contains(page, "A paragraph added after publication.") {
		t.Error("the web edition still shows the article as it was before the edit")
	}
}

// TestEndOfArticleOffer: an article ends with the magazine's offer for
// readers without a subscription, with the editor's pitch and what the
// plans on sale deliver today; a subscriber gets none. Nothing offered
// names a benefit that does not work here: no narration engine in this
// server, so no audio; ad-free as coming soon until it is live.
func TestEndOfArticleOffer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEditionEnv(t, demo.Options{Seed: 5, Issues: 1, PerIssue: 2, WebOnly: 2, Authors: 2, Now: time.Now()}, "https://mag.example", nil)
	plan, _ := e.st.PlanBySlug(ctx, "digital")
	sid, _ := paidReader(t, e.st, e.svc, e.tm, "reader@example.com", plan.ID)
	get := func(path, sid string) string { t.Helper(); return e.page(t, path, sid) }
	list, _, err := e.st.Articles(ctx, store.ArticleFilter{Limit: 20})
	if err != nil || len(list) == 0 {
		t.Fatalf("articles: %v", err)
	}
	var gated, public magazine.Article
	for _, a := range list {
		if a.Visibility == magazine.VisibilityPublic {
			public = a
		} else {
			gated = a
		}
	}
	if gated.ID == 0 || public.ID == 0 {
		t.Fatal("the demo needs a public and a gated article")
	}
	pub, _ := e.st.Publication(ctx)
	offer := regexp.MustCompile(`(?s)<aside class="end-offer".*?</aside>`)
	for _, a := range []magazine.Article{public, gated} {
		box := offer.FindString(get("/articles/"+a.Slug, ""))
		for _, want := range []string{"Subscribe to " + pub.Name, magazine.DefaultOfferPitch, `href="/subscribe?return=%2farticles%2f` + a.Slug + `"`,
			"What's included?", "Digital edition access", "Unlimited access to past issues", "Ad-free (coming soon)", "Cancel anytime"} {
			if !strings.Contains(box, want) {
				t.Errorf("%s: the anonymous reader's offer lacks %q:\n%s", a.Slug, want, box)
			}
		}
		if strings.Contains(box, "Audio") || strings.Contains(box, "Ad-free reading") {
			t.Errorf("%s: the offer promises audio (no engine here) or ad-free (not live):\n%s", a.Slug, box)
		}
		if page := get("/articles/"+a.Slug, sid); strings.Contains(page, "end-offer") {
			t.Errorf("%s: a subscriber is offered a subscription", a.Slug)
		}
	}
	if page := get("/subscribe", ""); strings.Contains(page, "Audio provided") || strings.Contains(page, "Ad-free reading") || !strings.Contains(page, "Ad-free (coming soon)") {
		t.Error("/subscribe promises audio without an engine, or ad-free before it is live")
	}

	pub.OfferPitch, pub.AdFreeLive = "Our own words <b>for</b> the offer.", true
	if err := e.st.SavePublication(ctx, store.Actor{}, pub); err != nil {
		t.Fatal(err)
	}
	box := offer.FindString(get("/articles/"+public.Slug, ""))
	if !strings.Contains(box, "Our own words &lt;b&gt;for&lt;/b&gt; the offer.") || !strings.Contains(box, "Ad-free reading") || strings.Contains(box, "coming soon") {
		t.Errorf("the offer does not follow the settings (escaped pitch, ad-free live):\n%s", box)
	}
	pub.OfferPitch = strings.Repeat("x", magazine.MaxOfferPitch+1)
	if err := e.st.SavePublication(ctx, store.Actor{}, pub); err == nil {
		t.Error("a pitch over the limit was saved")
	}
}
