package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// readerEnv is the fixture magazine served over a real loopback server,
// with TEST MODE billing, a "Digital" plan and a clock the test moves.
type readerEnv struct {
	*fixture
	srv  *httptest.Server
	tm   *billing.TestMode
	plan magazine.Plan
	mu   sync.Mutex
	now  time.Time
}

func newReaderEnv(t *testing.T, st *store.Store) *readerEnv {
	t.Helper()
	e := &readerEnv{fixture: newFixture(t, st), tm: billing.NewTestMode(), now: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
	clock := func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
	st.Now = clock
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(nil)
	t.Cleanup(e.srv.Close)
	svc := billing.New(st, e.tm, tmpl, billing.Options{Publication: "The Harbour Review", BaseURL: e.srv.URL})
	h, err := server.New(server.Config{Store: st, Files: e.files, Log: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		BaseURL: e.srv.URL, Billing: svc, Mail: tmpl, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Config.Handler = h
	e.plan = magazine.Plan{Name: "Digital", MonthlyPrice: 800, YearlyPrice: 8000, Currency: "USD", RefundWindowDays: 60, Active: true,
		Entitlements: []magazine.Entitlement{magazine.EntSubscriberContent, magazine.EntDigitalEdition, magazine.EntAudio, magazine.EntArchive}}
	if err := st.CreatePlan(context.Background(), &e.plan); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *readerEnv) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// browser is one reader's browser: its own cookies, redirects not
// followed so that each step can be checked.
type browser struct {
	t *testing.T
	e *readerEnv
	c *http.Client
}

func (e *readerEnv) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (b *browser) get(path string) response {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.e.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) response {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) signedIn() bool {
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "masthead_reader" && c.Value != "" {
			return true
		}
	}
	return false
}

var linkPattern = regexp.MustCompile(`/sign-in/link/([A-Za-z0-9_-]{43})`)

// lastLink is the path of the newest link mailed to addr.
func (e *readerEnv) lastLink(t *testing.T, addr string) string {
	t.Helper()
	box, err := e.st.Mailbox(context.Background(), addr, 1)
	if err != nil || len(box) == 0 {
		t.Fatalf("no mail to %s (%v)", addr, err)
	}
	m := linkPattern.FindString(box[0].Text)
	if m == "" {
		t.Fatalf("mail to %s has no link:\n%s", addr, box[0].Text)
	}
	return m
}

func (e *readerEnv) mailCount(t *testing.T, addr string) int {
	t.Helper()
	box, err := e.st.Mailbox(context.Background(), addr, 100)
	if err != nil {
		t.Fatal(err)
	}
	return len(box)
}

func TestSignUpAndSignInByLink(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newReaderEnv(t, st)
		b := e.browser(t)

		r := b.post("/sign-up", url.Values{"email": {"Reader@Example.com"}, "name": {"Rita"}, "return": {"/articles/" + e.gated.Slug}})
		if r.status != 200 || b.signedIn() {
			t.Fatalf("sign-up: %d, signed in %v", r.status, b.signedIn())
		}
		contains(t, r, "Check your e-mail")
		link := e.lastLink(t, "reader@example.com")

		// Opening the link (as a mail scanner would) signs nobody in.
		r = b.get(link)
		if r.status != 200 || b.signedIn() {
			t.Fatalf("GET link: %d, signed in %v", r.status, b.signedIn())
		}
		contains(t, r, "Create my account and sign in", "reader@example.com")
		if _, err := st.ReaderByEmail(context.Background(), "reader@example.com"); !magazine.IsNotFound(err) {
			t.Fatalf("the account exists before the link was used: %v", err)
		}
		r = b.post(link, nil)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/articles/"+e.gated.Slug || !b.signedIn() {
			t.Fatalf("POST link: %d to %q, signed in %v", r.status, r.header.Get("Location"), b.signedIn())
		}
		r = b.get("/account")
		contains(t, r, "Signed in as <strong>reader@example.com</strong>")
		if cc := r.header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("account Cache-Control %q", cc)
		}

		// The link works once: a second use gets a page offering a new one.
		other := e.browser(t)
		r = other.post(link, nil)
		if r.status != http.StatusGone || other.signedIn() {
			t.Fatalf("reused link: %d, signed in %v", r.status, other.signedIn())
		}
		contains(t, r, "already been used", "E-mail me a new link")

		// Signing in sends a new link; it expires after 15 minutes.
		r = other.post("/sign-in", url.Values{"email": {"reader@example.com"}})
		contains(t, r, "If there is an account for reader@example.com")
		link2 := e.lastLink(t, "reader@example.com")
		e.advance(16 * time.Minute)
		if r = other.get(link2); r.status != http.StatusGone {
			t.Errorf("expired link page: %d", r.status)
		}
		if r = other.post(link2, nil); r.status != http.StatusGone || other.signedIn() {
			t.Fatalf("expired link: %d, signed in %v", r.status, other.signedIn())
		}
		contains(t, r, "expired")

		// Signing out ends the session on the server: the old cookie no
		// longer works.
		u, _ := url.Parse(e.srv.URL)
		old := b.c.Jar.Cookies(u)
		b.post("/sign-out", nil)
		replay := e.browser(t)
		replay.c.Jar.SetCookies(u, old)
		if r = replay.get("/account"); r.status != http.StatusSeeOther {
			t.Errorf("account with a signed-out session: %d", r.status)
		}
	})
}

func TestSignInAnswersAlikeForKnownAndUnknown(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t, storetest.SQLite(t))
	if _, err := e.st.CreateReader(context.Background(), "known@example.com", ""); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	known := b.post("/sign-in", url.Values{"email": {"known@example.com"}})
	unknown := b.post("/sign-in", url.Values{"email": {"unknown@example.com"}})
	if known.status != unknown.status || strings.ReplaceAll(known.body, "known@", "") != strings.ReplaceAll(unknown.body, "unknown@", "") {
		t.Errorf("answers differ:\n%s\n---\n%s", known.body, unknown.body)
	}
	if e.mailCount(t, "known@example.com") != 1 || e.mailCount(t, "unknown@example.com") != 0 {
		t.Error("the known address must get a link and the unknown none")
	}
	if _, err := e.st.ReaderByEmail(context.Background(), "unknown@example.com"); !magazine.IsNotFound(err) {
		t.Errorf("signing in made an account: %v", err)
	}

	// Per-address rate limit: three links, then a plain refusal.
	for i := range 3 {
		if r := b.post("/sign-in", url.Values{"email": {"limit@example.com"}}); r.status != 200 {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
	r := b.post("/sign-in", url.Values{"email": {"limit@example.com"}})
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("4th request: %d", r.status)
	}
	contains(t, r, "Wait a few minutes")

	// Bad input: a clear message, what was typed kept.
	r = b.post("/sign-in", url.Values{"email": {"not an address"}})
	if r.status != http.StatusBadRequest {
		t.Errorf("bad address: %d", r.status)
	}
	contains(t, r, "Enter an e-mail address", `value="not an address"`)

	// A cross-site POST is refused.
	req, _ := http.NewRequest("POST", e.srv.URL+"/sign-in", strings.NewReader("email=x%40example.com"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := b.do(req); r.status != http.StatusForbidden {
		t.Errorf("cross-site POST: %d", r.status)
	}
}

// signIn signs a browser in by link, as the reader would after their
// session ran out.
func (e *readerEnv) signIn(t *testing.T, b *browser, email string) {
	t.Helper()
	b.post("/sign-in", url.Values{"email": {email}})
	if r := b.post(e.lastLink(t, email), nil); r.status != http.StatusSeeOther || !b.signedIn() {
		t.Fatalf("sign in as %s: %d", email, r.status)
	}
}

// subscribe takes a browser from the offer through TEST MODE checkout.
func (e *readerEnv) subscribe(t *testing.T, b *browser, email string) {
	t.Helper()
	r := b.post("/subscribe", url.Values{"plan": {itoa(e.plan.ID)}, "interval": {"month"}, "email": {email}, "return": {"/articles/" + e.gated.Slug}})
	checkout := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(checkout, "/billing/test-checkout/") {
		t.Fatalf("subscribe: %d to %q\n%s", r.status, checkout, r.body)
	}
	page := b.get(checkout)
	contains(t, page, "TEST MODE", "8.00 USD")
	id := strings.TrimPrefix(strings.SplitN(checkout, "?", 2)[0], "/billing/test-checkout/")

	r = b.post("/billing/test-checkout/"+id, url.Values{"card": {"4000 0000 0000 0002"}, "return": {"/articles/" + e.gated.Slug}})
	if r.status != http.StatusPaymentRequired {
		t.Fatalf("declined card: %d", r.status)
	}
	contains(t, r, "declined", `value="4000 0000 0000 0002"`)
	r = b.post("/billing/test-checkout/"+id, url.Values{"card": {"4242 4242 4242 4242"}, "return": {"/articles/" + e.gated.Slug}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/articles/"+e.gated.Slug {
		t.Fatalf("paid: %d to %q", r.status, r.header.Get("Location"))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestSubscribeReadCancelRefund(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newReaderEnv(t, st)
		b := e.browser(t)
		if r := b.get("/articles/" + e.gated.Slug); strings.Contains(r.body, gatedPhrase) {
			t.Fatal("the gated text reached an anonymous reader")
		}
		e.subscribe(t, b, "payer@example.com")

		r := b.get("/articles/" + e.gated.Slug)
		contains(t, r, gatedPhrase)
		if cc := r.header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("subscriber's page Cache-Control %q", cc)
		}
		if r = b.get("/articles/" + e.gated.Slug + "/2"); r.status != 200 || !strings.Contains(r.body, "ferry timetable") {
			t.Errorf("page 2 for a subscriber: %d", r.status)
		}
		// The shared cache never hands the subscriber's page to anyone.
		if r = e.browser(t).get("/articles/" + e.gated.Slug); strings.Contains(r.body, gatedPhrase) {
			t.Fatal("an anonymous reader got the subscriber's page")
		}

		// Cancel: one step; access lasts to the end of the paid period.
		r = b.get("/account")
		contains(t, r, "Active", "Next payment", "Cancel subscription", "Cancel and refund my payment")
		subID := regexpFind(r.body, `/account/subscriptions/(\d+)/cancel`)
		r = b.post("/account/subscriptions/"+subID+"/cancel", nil)
		if r.status != http.StatusSeeOther {
			t.Fatalf("cancel: %d\n%s", r.status, r.body)
		}
		r = b.get("/account?canceled=1")
		contains(t, r, "access until the end of the paid period", "Resume subscription")
		if r = b.get("/articles/" + e.gated.Slug); !strings.Contains(r.body, gatedPhrase) {
			t.Error("a canceled subscriber lost access before the period ended")
		}
		if box := e.mailCount(t, "payer@example.com"); box < 2 {
			t.Errorf("want welcome and cancellation mail, have %d messages", box)
		}
		// Resume, then ask for the money back inside the window.
		b.post("/account/subscriptions/"+subID+"/resume", nil)
		e.advance(59 * 24 * time.Hour)
		e.signIn(t, b, "payer@example.com") // the month-long session has run out
		r = b.post("/account/subscriptions/"+subID+"/refund", url.Values{})
		if r.status != http.StatusSeeOther {
			t.Fatalf("refund on day 59: %d\n%s", r.status, r.body)
		}
		if r = b.get("/articles/" + e.gated.Slug); strings.Contains(r.body, gatedPhrase) {
			t.Error("a refunded reader still reads subscriber articles")
		}
		// A second refund is refused with the reason; one refund was made.
		r = b.post("/account/subscriptions/"+subID+"/refund", nil)
		if r.status != http.StatusConflict {
			t.Errorf("second refund: %d", r.status)
		}
		contains(t, r, "already been refunded")
		if e.tm.Refunds() != 1 {
			t.Errorf("%d refunds made, want 1", e.tm.Refunds())
		}
	})
}

func TestRefundOutsideWindowRefused(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t, storetest.SQLite(t))
	b := e.browser(t)
	e.subscribe(t, b, "late@example.com")
	r := b.get("/account")
	subID := regexpFind(r.body, `/account/subscriptions/(\d+)/cancel`)
	e.advance(61 * 24 * time.Hour)
	e.signIn(t, b, "late@example.com")
	if r = b.get("/account"); strings.Contains(r.body, "Cancel and refund") {
		t.Error("the refund button is offered after the window")
	}
	// A forged request is refused on the server, and nothing changes.
	r = b.post("/account/subscriptions/"+subID+"/refund", nil)
	if r.status != http.StatusBadRequest {
		t.Fatalf("refund on day 61: %d", r.status)
	}
	contains(t, r, "60-day money-back guarantee ended")
	if e.tm.Refunds() != 0 {
		t.Error("a refund was made outside the window")
	}
	// Another reader cannot touch this subscription.
	other := e.browser(t)
	e.subscribe(t, other, "other@example.com")
	if r = other.post("/account/subscriptions/"+subID+"/cancel", nil); r.status != http.StatusNotFound {
		t.Errorf("cancel someone else's subscription: %d", r.status)
	}
}

func TestSubscribeBadInput(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t, storetest.SQLite(t))
	b := e.browser(t)
	for name, form := range map[string]url.Values{
		"unknown plan":  {"plan": {"99999"}, "interval": {"month"}, "email": {"a@example.com"}},
		"no plan":       {"interval": {"month"}, "email": {"a@example.com"}},
		"bad interval":  {"plan": {itoa(e.plan.ID)}, "interval": {"week"}, "email": {"a@example.com"}},
		"bad address":   {"plan": {itoa(e.plan.ID)}, "interval": {"month"}, "email": {"no"}},
		"hostile email": {"plan": {itoa(e.plan.ID)}, "interval": {"month"}, "email": {"a@example.com\r\nBcc: x@example.com"}},
	} {
		r := b.post("/subscribe", form)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: %d", name, r.status)
		}
		lacks(t, r, "sql", "store:", "billing:")
	}
	big := url.Values{"email": {strings.Repeat("a", 20<<10)}}
	if r := b.post("/subscribe", big); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized form: %d", r.status)
	}
	if r := b.get("/billing/test-checkout/tm_cs_nothing"); r.status != http.StatusNotFound {
		t.Errorf("unknown checkout: %d", r.status)
	}
}

// A print plan needs a shipping address, checked per country.
func TestPrintPlanNeedsAddress(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t, storetest.SQLite(t))
	printPlan := magazine.Plan{Name: "Print + Digital", MonthlyPrice: 1400, Currency: "USD", RefundWindowDays: 60, Active: true,
		Entitlements: magazine.Entitlements}
	if err := e.st.CreatePlan(context.Background(), &printPlan); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	form := url.Values{"plan": {itoa(printPlan.ID)}, "interval": {"month"}, "email": {"print@example.com"},
		"ship_name": {"Pat Reader"}, "ship_line1": {"1 Quay Street"}, "ship_city": {"Portland"}, "ship_region": {"ME"},
		"ship_postal_code": {"0410"}, "ship_country": {"US"}}
	r := b.post("/subscribe", form)
	if r.status != http.StatusBadRequest {
		t.Fatalf("bad ZIP code: %d", r.status)
	}
	contains(t, r, "12345", `value="1 Quay Street"`)
	form.Set("ship_postal_code", "04101")
	if r = b.post("/subscribe", form); r.status != http.StatusSeeOther {
		t.Fatalf("good address: %d\n%s", r.status, r.body)
	}
}

func TestChangePlan(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t, storetest.SQLite(t))
	b := e.browser(t)
	e.subscribe(t, b, "changer@example.com")
	r := b.get("/account")
	contains(t, r, "Change plan", "Digital, 80.00 USD a year")
	subID := regexpFind(r.body, `/account/subscriptions/(\d+)/plan`)
	if r = b.post("/account/subscriptions/"+subID+"/plan", url.Values{"choice": {"999:month"}}); r.status != http.StatusBadRequest {
		t.Errorf("an unknown plan: %d", r.status)
	}
	contains(t, r, "no such plan")
	if r = b.post("/account/subscriptions/"+subID+"/plan", url.Values{"choice": {itoa(e.plan.ID) + ":year"}}); r.status != http.StatusSeeOther {
		t.Fatalf("change to yearly: %d\n%s", r.status, r.body)
	}
	r = b.get("/account?plan_changed=1")
	contains(t, r, "Your plan has changed", "80.00 USD a year")
	if r = b.get("/articles/" + e.gated.Slug); !strings.Contains(r.body, gatedPhrase) {
		t.Error("the subscriber lost access when changing plan")
	}
}

// Subscribers all get the same page for a URL, so it is rendered once and
// kept in the process; on the wire it stays private, and it shows nothing
// of one subscriber to another.
func TestSubscriberPagesShared(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t, storetest.SQLite(t))
	ann, bob := e.browser(t), e.browser(t)
	e.subscribe(t, ann, "ann@example.com")
	e.subscribe(t, bob, "bob@example.com")
	path := "/articles/" + e.gated.Slug
	a, b := ann.get(path), bob.get(path)
	if a.header.Get("ETag") == "" || a.header.Get("ETag") != b.header.Get("ETag") || a.body != b.body {
		t.Error("two subscribers got different pages for the same article")
	}
	for _, r := range []response{a, b} {
		if cc := r.header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("a subscriber's page has Cache-Control %q", cc)
		}
		lacks(t, r, "ann@example.com", "bob@example.com")
		contains(t, r, gatedPhrase, "Your account")
	}
	if home := ann.get("/"); !strings.Contains(home.body, "Your account") || strings.Contains(home.body, `href="/sign-in"`) {
		t.Error("a subscriber's home page offers to sign in")
	}
	if anon := e.browser(t).get(path); anon.header.Get("ETag") == a.header.Get("ETag") || strings.Contains(anon.body, gatedPhrase) {
		t.Error("an anonymous reader got the subscribers' page")
	}
	// Bob's refund takes his access away at once, cache or not.
	r := bob.get("/account")
	subID := regexpFind(r.body, `/account/subscriptions/(\d+)/refund`)
	if r = bob.post("/account/subscriptions/"+subID+"/refund", nil); r.status != http.StatusSeeOther {
		t.Fatalf("refund: %d", r.status)
	}
	if r = bob.get(path); strings.Contains(r.body, gatedPhrase) {
		t.Error("the refunded reader still gets the subscribers' page")
	}
	if r = ann.get(path); !strings.Contains(r.body, gatedPhrase) {
		t.Error("another subscriber lost the page")
	}
}

// The meter: with two free articles a month, a registered reader without a
// subscription reads two subscriber articles in full (again as often as
// they like), then gets the preview; next month the count starts again.
// Articles for registered readers are theirs without the meter.
func TestMeter(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newReaderEnv(t, st)
		ctx := context.Background()
		pub, err := st.Publication(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pub.MeterArticles = 2
		if err := st.SetPublication(ctx, pub); err != nil {
			t.Fatal(err)
		}
		var slugs []string
		for i, secret := range []string{"first metered secret about the harbour dues", "second metered secret about the lighthouse",
			"third metered secret about the ferry pier"} {
			a, err := st.CreateArticle(ctx, magazine.ArticleInput{Headline: fmt.Sprintf("Metered story %d", i+1), SectionID: e.gated.Section.ID,
				AuthorIDs: []int64{e.gated.Authors[0].ID}, Status: magazine.StatusPublished, PublishedAt: e.now.Add(-time.Hour),
				Visibility: magazine.VisibilitySubscribers, BodyMarkdown: "Open lede.\n\n::paywall\n\n" + secret + ".\n"})
			if err != nil {
				t.Fatal(err)
			}
			slugs = append(slugs, a.Slug)
		}
		b := e.browser(t)
		b.post("/sign-up", url.Values{"email": {"meter@example.com"}})
		if r := b.post(e.lastLink(t, "meter@example.com"), nil); r.status != http.StatusSeeOther {
			t.Fatalf("sign up: %d", r.status)
		}
		if r := b.get("/articles/" + e.regOnly.Slug); !strings.Contains(r.body, "registered-only fourth paragraph") {
			t.Error("a registered reader does not get the registered-only article")
		}
		r := b.get("/articles/" + slugs[0])
		contains(t, r, "first metered secret", "1 more left this month")
		contains(t, b.get("/articles/"+slugs[1]), "second metered secret", "0 more left this month")
		r = b.get("/articles/" + slugs[2])
		lacks(t, r, "third metered secret")
		contains(t, r, "This article is for subscribers")
		contains(t, b.get("/articles/"+slugs[0]), "first metered secret") // opened before: free again
		// An anonymous reader gets nothing from the meter.
		lacks(t, e.browser(t).get("/articles/"+slugs[0]), "first metered secret")
		// A new month, a new allowance.
		e.advance(31 * 24 * time.Hour)
		e.signIn(t, b, "meter@example.com")
		contains(t, b.get("/articles/"+slugs[2]), "third metered secret")
	})
}

// A reader changes their address (confirmed at the new one), downloads
// their data, and deletes the account once the subscription is canceled.
func TestAccountEmailDataDelete(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newReaderEnv(t, st)
		b := e.browser(t)
		e.subscribe(t, b, "old@example.com")

		if r := b.post("/account/email", url.Values{"email": {"New@Example.com"}}); r.status != http.StatusSeeOther {
			t.Fatalf("change e-mail: %d", r.status)
		}
		contains(t, b.get("/account"), "Signed in as <strong>old@example.com</strong>") // not before the link is opened
		if r := b.post(e.lastLink(t, "new@example.com"), nil); r.status != http.StatusSeeOther {
			t.Fatalf("confirm new e-mail: %d", r.status)
		}
		contains(t, b.get("/account?email_changed=1"), "Signed in as <strong>new@example.com</strong>", "Your e-mail address has been changed")

		r := b.get("/account/data.json")
		if r.status != 200 || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") || r.header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("data download: %d %v", r.status, r.header)
		}
		var data struct {
			Email string `json:"email"`
			Subs  []struct {
				Plan     string `json:"plan"`
				Payments []struct {
					Amount string `json:"amount"`
				} `json:"payments"`
			} `json:"subscriptions"`
		}
		if err := json.Unmarshal([]byte(r.body), &data); err != nil {
			t.Fatal(err)
		}
		if data.Email != "new@example.com" || len(data.Subs) != 1 || data.Subs[0].Plan != "Digital" || len(data.Subs[0].Payments) != 1 || data.Subs[0].Payments[0].Amount != "8.00 USD" {
			t.Errorf("export = %+v", data)
		}

		// Deleting needs the box ticked, and a canceled subscription.
		if r = b.post("/account/delete", nil); r.status != http.StatusBadRequest {
			t.Errorf("delete without confirming: %d", r.status)
		}
		if r = b.post("/account/delete", url.Values{"confirm": {"yes"}}); r.status != http.StatusConflict {
			t.Errorf("delete with a running subscription: %d", r.status)
		}
		contains(t, r, "Cancel it first")
		subID := regexpFind(b.get("/account").body, `/account/subscriptions/(\d+)/cancel`)
		b.post("/account/subscriptions/"+subID+"/cancel", nil)
		if r = b.post("/account/delete", url.Values{"confirm": {"yes"}}); r.status != http.StatusSeeOther {
			t.Fatalf("delete: %d\n%s", r.status, r.body)
		}
		if r = b.get("/account"); r.status != http.StatusSeeOther {
			t.Errorf("the deleted account's session still works: %d", r.status)
		}
		if _, err := st.ReaderByEmail(context.Background(), "new@example.com"); !magazine.IsNotFound(err) {
			t.Errorf("the address is still on file: %v", err)
		}
		// Signing in with it now sends nothing.
		before := e.mailCount(t, "new@example.com")
		e.browser(t).post("/sign-in", url.Values{"email": {"new@example.com"}})
		if e.mailCount(t, "new@example.com") != before {
			t.Error("a deleted account still gets sign-in links")
		}
	})
}

// Back from the provider's checkout before its webhook has arrived, the
// account page says the payment is being confirmed.
func TestAccountWhileCheckoutConfirms(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t, storetest.SQLite(t))
	b := e.browser(t)
	r := b.post("/subscribe", url.Values{"plan": {itoa(e.plan.ID)}, "interval": {"month"}, "email": {"waiting@example.com"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("subscribe: %d", r.status)
	}
	contains(t, b.get("/account?checkout=done"), "waiting for the payment provider to confirm")
	lacks(t, b.get("/account"), "waiting for the payment provider")
}

// A reader may add a password: only once the address is proven, never a
// common one; it ends their other sessions; signing in with it answers
// alike for a wrong password, an unknown address and an account without
// one.
func TestReaderPassword(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newReaderEnv(t, st)
		// An account made at checkout is not proven: no password yet.
		fresh := e.browser(t)
		e.subscribe(t, fresh, "fresh@example.com")
		if r := fresh.post("/account/password", url.Values{"new_password": {"a long and private sentence"}}); r.status != http.StatusBadRequest {
			t.Errorf("password on an unproven account: %d", r.status)
		}

		b, other := e.browser(t), e.browser(t)
		b.post("/sign-up", url.Values{"email": {"pw@example.com"}})
		b.post(e.lastLink(t, "pw@example.com"), nil)
		e.signIn(t, other, "pw@example.com")
		for _, bad := range []string{"short", "password123456", "pw@example.com-pw"} {
			if r := b.post("/account/password", url.Values{"new_password": {bad}}); r.status != http.StatusBadRequest {
				t.Errorf("password %q accepted: %d", bad, r.status)
			}
		}
		const pw = "tide tables for the northern quay"
		if r := b.post("/account/password", url.Values{"new_password": {pw}}); r.status != http.StatusSeeOther {
			t.Fatalf("set password: %d", r.status)
		}
		if r := other.get("/account"); r.status != http.StatusSeeOther {
			t.Errorf("another device stayed signed in after the password was set: %d", r.status)
		}
		if r := b.get("/account"); r.status != 200 || !strings.Contains(r.body, "Change password") {
			t.Fatalf("this device was signed out, or the page offers no change: %d", r.status)
		}

		c := e.browser(t)
		wrong := c.post("/sign-in/password", url.Values{"email": {"pw@example.com"}, "password": {"not it at all, sorry"}})
		unknown := c.post("/sign-in/password", url.Values{"email": {"nobody@example.com"}, "password": {"not it at all, sorry"}})
		none := c.post("/sign-in/password", url.Values{"email": {"fresh@example.com"}, "password": {"not it at all, sorry"}})
		for _, r := range []response{wrong, unknown, none} {
			if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "do not match") {
				t.Errorf("refused sign-in: %d", r.status)
			}
		}
		if c.signedIn() {
			t.Fatal("a wrong password signed in")
		}
		if r := c.post("/sign-in/password", url.Values{"email": {"PW@example.com"}, "password": {pw}, "return": {"/articles/" + e.public.Slug}}); r.status != http.StatusSeeOther ||
			r.header.Get("Location") != "/articles/"+e.public.Slug || !c.signedIn() {
			t.Fatalf("sign in with the password: %d %q", r.status, r.header.Get("Location"))
		}
		// Removing it needs the current password.
		if r := c.post("/account/password", url.Values{"action": {"remove"}, "current_password": {"guess"}}); r.status != http.StatusBadRequest {
			t.Errorf("removed with a wrong current password: %d", r.status)
		}
		if r := c.post("/account/password", url.Values{"action": {"remove"}, "current_password": {pw}}); r.status != http.StatusSeeOther {
			t.Errorf("remove: %d", r.status)
		}
		if r := e.browser(t).post("/sign-in/password", url.Values{"email": {"pw@example.com"}, "password": {pw}}); r.status != http.StatusUnauthorized {
			t.Errorf("a removed password still signs in: %d", r.status)
		}
		// Guessing is limited per address.
		limited := false
		for range 6 {
			if r := e.browser(t).post("/sign-in/password", url.Values{"email": {"fresh@example.com"}, "password": {"guess guess guess"}}); r.status == http.StatusTooManyRequests {
				limited = true
			}
		}
		if !limited {
			t.Error("six guesses at one address were all answered")
		}
	})
}
