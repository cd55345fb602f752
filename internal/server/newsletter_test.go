package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/newsletter"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// newsletterMail returns the new-issue messages in the outbox for addr.
func newsletterMail(t *testing.T, st *store.Store, addr string) []store.Mail {
	t.Helper()
	box, err := st.Mailbox(context.Background(), addr, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Mail
	for _, m := range box {
		if m.Kind == "newsletter_new_issue" {
			out = append(out, m)
		}
	}
	return out
}

var confirmPattern = regexp.MustCompile(`https?://\S+/newsletters/confirm\?\S+`)

// TestNewsletterOptInAndOneClickUnsubscribe follows a reader from
// choosing the new-issue newsletter on /account, through the confirmation
// link (nothing is mailed before it), to a new issue's message and its
// one-click unsubscribe, posted without a session as a mail provider
// would. A GET of either link changes nothing, and forged links are
// refused with a plain message and no change.
func TestNewsletterOptInAndOneClickUnsubscribe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.SQLite(t)
	e := newReaderEnv(t, st)
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	sender := &newsletter.Sender{Store: st, Templates: tmpl, BaseURL: e.srv.URL, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	run := func() {
		t.Helper()
		if _, err := sender.Run(ctx); err != nil {
			t.Fatal(err)
		}
	}
	publish := func(number int) {
		t.Helper()
		_, err := st.CreateIssue(ctx, magazine.IssueInput{Volume: 9, Number: number, CoverDate: time.Date(2026, 5, number, 0, 0, 0, 0, time.UTC),
			Title: "Newsletter test", Published: true})
		if err != nil {
			t.Fatal(err)
		}
	}

	const addr = "ada@example.com"
	r, err := st.CreateReader(ctx, addr, "Ada")
	if err != nil {
		t.Fatal(err)
	}
	other, err := st.CreateReader(ctx, "bo@example.com", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SubscribeNewsletter(ctx, other.ID, store.NewsletterNewIssue, true); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	e.signIn(t, b, addr)
	contains(t, b.get("/account"), "Newsletters", `name="new_issue"`, `name="weekly_digest"`)
	if resp := b.post("/account/newsletters", url.Values{"new_issue": {"on"}}); resp.status != http.StatusSeeOther || !strings.Contains(resp.header.Get("Location"), "newsletters_confirm") {
		t.Fatalf("save newsletters: %d %s", resp.status, resp.header.Get("Location"))
	}
	contains(t, b.get("/account"), "Waiting for you to open the confirmation link")

	// Not confirmed: an issue published now is not mailed to the reader.
	publish(1)
	run()
	if got := newsletterMail(t, st, addr); len(got) != 0 {
		t.Fatalf("%d newsletters before the confirmation", len(got))
	}
	box, _ := st.Mailbox(ctx, addr, 1)
	link := confirmPattern.FindString(box[0].Text)
	if link == "" {
		t.Fatalf("no confirmation link in:\n%s", box[0].Text)
	}
	u, _ := url.Parse(link)
	anon := e.browser(t)
	contains(t, anon.get(u.RequestURI()), "Yes, send it to me")
	if c, _ := st.ReaderNewsletters(ctx, r.ID); c[store.NewsletterNewIssue].Confirmed {
		t.Fatal("a GET of the confirmation link confirmed")
	}
	forged := strings.Replace(u.RequestURI(), "reader=", "reader=1", 1)
	if resp := anon.post(forged, nil); resp.status != http.StatusBadRequest || !strings.Contains(resp.body, "This link is not valid") {
		t.Errorf("forged confirmation: %d", resp.status)
	}
	if resp := anon.post(u.RequestURI(), nil); resp.status != http.StatusOK {
		t.Fatalf("confirm: %d %s", resp.status, resp.body)
	}

	publish(2)
	run()
	got := newsletterMail(t, st, addr)
	if len(got) != 1 || got[0].ListUnsubscribe == "" {
		t.Fatalf("after confirming, %d newsletters: %+v", len(got), got)
	}
	unsub, _ := url.Parse(got[0].ListUnsubscribe)
	if !strings.Contains(got[0].Text, got[0].ListUnsubscribe) {
		t.Error("the text part lacks the unsubscribe link")
	}

	// Forged or tampered links: a plain message, and nothing changes for
	// either reader.
	q := unsub.Query()
	tampered := []url.Values{}
	for _, change := range []func(url.Values){
		func(v url.Values) { v.Set("sig", strings.Repeat("ab", 32)) },
		func(v url.Values) { v.Set("reader", itoa(other.ID)) },
		func(v url.Values) { v.Del("sig") },
		func(v url.Values) { v.Set("list", "everything") },
	} {
		v := url.Values{}
		for k, vs := range q {
			v[k] = append([]string(nil), vs...)
		}
		change(v)
		tampered = append(tampered, v)
	}
	for _, v := range tampered {
		for _, method := range []string{"GET", "POST"} {
			req, _ := http.NewRequest(method, e.srv.URL+"/newsletters/unsubscribe?"+v.Encode(), strings.NewReader("List-Unsubscribe=One-Click"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp := anon.do(req)
			if resp.status != http.StatusBadRequest || !strings.Contains(resp.body, "Nothing was changed") {
				t.Errorf("%s %s: %d, want 400 and a plain message", method, v.Encode(), resp.status)
			}
		}
	}
	for _, id := range []int64{r.ID, other.ID} {
		if c, _ := st.ReaderNewsletters(ctx, id); !c[store.NewsletterNewIssue].Confirmed {
			t.Errorf("a forged link unsubscribed reader %d", id)
		}
	}

	// GET (a mail scanner following the link) asks; it does not unsubscribe.
	contains(t, anon.get(unsub.RequestURI()), "Unsubscribe", `method="post"`)
	if c, _ := st.ReaderNewsletters(ctx, r.ID); !c[store.NewsletterNewIssue].Subscribed {
		t.Fatal("a GET of the unsubscribe link unsubscribed")
	}
	// The one-click POST, as RFC 8058 has mail providers send it: no
	// cookie, no Origin, the body List-Unsubscribe=One-Click.
	req, _ := http.NewRequest("POST", got[0].ListUnsubscribe, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %d", resp.StatusCode)
	}
	if c, _ := st.ReaderNewsletters(ctx, r.ID); c[store.NewsletterNewIssue].Subscribed {
		t.Fatal("still subscribed after the one-click POST")
	}
	if c, _ := st.ReaderNewsletters(ctx, other.ID); !c[store.NewsletterNewIssue].Confirmed {
		t.Error("unsubscribing one reader unsubscribed another")
	}
	publish(3)
	run()
	if got := newsletterMail(t, st, addr); len(got) != 1 {
		t.Errorf("after unsubscribing, %d newsletters in all, want still 1", len(got))
	}
}
