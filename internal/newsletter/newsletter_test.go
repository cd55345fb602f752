package newsletter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/mailtest"
	"github.com/masthead-press/masthead/internal/newsletter"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// gatedText is a sentence only the body of the subscribers-only article
// holds.
const gatedText = "The minister signed the secret accord at dawn"

// fixture is a magazine with one issue of two articles (one public, one
// for subscribers), published, and readers at domain.
type fixture struct {
	st    *store.Store
	issue magazine.Issue
	tmpl  *mail.Templates
}

func newFixture(t *testing.T, st *store.Store) fixture { return newFixtureTB(t, st) }

func newFixtureTB(t testing.TB, st *store.Store) fixture {
	t.Helper()
	ctx := context.Background()
	sec, err := st.CreateSection(ctx, magazine.Section{Name: "Politics"})
	if err != nil {
		t.Fatal(err)
	}
	au, err := st.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill"})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	issue, err := st.CreateIssue(ctx, magazine.IssueInput{Volume: 3, Number: 7, CoverDate: t0, Title: "The Harbour Issue", CoverURL: "/media/cover.jpg"})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []magazine.Visibility{magazine.VisibilityPublic, magazine.VisibilitySubscribers} {
		_, err := st.CreateArticle(ctx, magazine.ArticleInput{Headline: fmt.Sprintf("Story %d of the harbour", i+1), Dek: fmt.Sprintf("Dek number %d", i+1),
			SectionID: sec.ID, AuthorIDs: []int64{au.ID}, Status: magazine.StatusPublished, PublishedAt: t0, Visibility: v,
			IssueID: issue.ID, IssuePosition: i, BodyMarkdown: "An opening paragraph.\n\n" + gatedText + ".\n"})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.PublishIssue(ctx, store.Actor{}, issue.ID); err != nil {
		t.Fatal(err)
	}
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	return fixture{st: st, issue: issue, tmpl: tmpl}
}

func (f fixture) reader(t *testing.T, email string, list string, confirmed bool) store.Reader {
	t.Helper()
	r, err := f.st.CreateReader(context.Background(), email, "")
	if err != nil {
		t.Fatal(err)
	}
	if list != "" {
		if err := f.st.SubscribeNewsletter(context.Background(), r.ID, list, confirmed); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// deliverAll empties the outbox through d.
func deliverAll(t *testing.T, d *mail.Deliverer) {
	t.Helper()
	for {
		n, err := d.Deliver(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

type mailpitList struct {
	MessagesCount int `json:"messages_count"`
	Messages      []struct {
		ID string
		To []struct{ Address string }
	}
}

// received returns how many messages reached each address at domain,
// waiting until want have arrived (or ten seconds).
func received(t *testing.T, api, domain string, want int) map[string]int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var l mailpitList
		resp, err := http.Get(api + "/api/v1/search?limit=5000&query=" + url.QueryEscape("to:"+domain))
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(resp.Body).Decode(&l)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Messages) >= want || time.Now().After(deadline) {
			got := map[string]int{}
			for _, m := range l.Messages {
				for _, to := range m.To {
					got[to.Address]++
				}
			}
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestNewIssueExactlyOnceAcrossRestart sends an issue's newsletter to a
// few hundred readers, kills the sender midway (its context canceled
// after three batches), starts a new one, and checks in mailpit that
// every confirmed reader got exactly one copy and nobody else got any.
func TestNewIssueExactlyOnceAcrossRestart(t *testing.T) {
	t.Parallel()
	smtpURL, api := mailtest.Mailpit(t)
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		domain := fmt.Sprintf("n%d.%s.example", time.Now().UnixNano(), st.Dialect())
		confirmed := map[string]bool{}
		for i := range 300 {
			email := fmt.Sprintf("r%03d@%s", i, domain)
			switch {
			case i%10 == 0: // asked, never clicked the confirmation
				f.reader(t, email, store.NewsletterNewIssue, false)
			case i%10 == 1: // never asked
				f.reader(t, email, "", false)
			case i%10 == 2: // the weekly digest only
				f.reader(t, email, store.NewsletterWeeklyDigest, true)
			default:
				f.reader(t, email, store.NewsletterNewIssue, true)
				confirmed[email] = true
			}
		}
		smtp, err := mail.ParseSMTP(smtpURL, "news@harbour.example")
		if err != nil {
			t.Fatal(err)
		}
		d := &mail.Deliverer{Store: st, Sender: smtp, Log: quiet()}

		killed, kill := context.WithCancel(ctx)
		batches := 0
		first := &newsletter.Sender{Store: st, Templates: f.tmpl, BaseURL: "https://mag.example", Log: quiet(), Batch: 40,
			Queued: func(context.Context) {
				if batches++; batches == 3 {
					kill()
				}
			}}
		n1, err := first.Run(killed)
		if err == nil {
			t.Fatalf("the killed run finished (%d queued)", n1)
		}
		if n1 != 120 {
			t.Errorf("the killed run queued %d before it stopped, want 120", n1)
		}
		deliverAll(t, d)

		again := &newsletter.Sender{Store: st, Templates: f.tmpl, BaseURL: "https://mag.example", Log: quiet(), Batch: 40, Rate: 5000}
		n2, err := again.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n1+n2 != len(confirmed) {
			t.Errorf("queued %d + %d, want %d in all", n1, n2, len(confirmed))
		}
		if n3, err := again.Run(ctx); err != nil || n3 != 0 {
			t.Errorf("a third run queued %d (%v), want none", n3, err)
		}
		deliverAll(t, d)

		got := received(t, api, domain, len(confirmed))
		for email := range confirmed {
			if got[email] != 1 {
				t.Errorf("%s got %d copies, want 1", email, got[email])
			}
		}
		for email, n := range got {
			if !confirmed[email] {
				t.Errorf("%s got %d copies without having confirmed the newsletter", email, n)
			}
		}

		send, err := st.IssueNewsletterSend(ctx, f.issue.ID)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := st.NewsletterSendReport(ctx, send.ID)
		if err != nil {
			t.Fatal(err)
		}
		if send.Status != "done" || rep != (store.NewsletterReport{Sent: len(confirmed)}) {
			t.Errorf("send %s, report %+v, want done with %d sent", send.Status, rep, len(confirmed))
		}

		// One message read back whole: its headers and its parts.
		m := mailtest.WaitFor(t, api, fmt.Sprintf("r003@%s", domain))
		h := headers(t, api, m.ID)
		lu := strings.Join(h["List-Unsubscribe"], "")
		if !strings.HasPrefix(lu, "<https://mag.example/newsletters/unsubscribe?") || strings.Join(h["List-Unsubscribe-Post"], "") != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe %q, List-Unsubscribe-Post %q", lu, h["List-Unsubscribe-Post"])
		}
		for _, want := range []string{"Vol. 3, No. 7", "Story 1 of the harbour", "Dek number 2", "https://mag.example/articles/", "Unsubscribe"} {
			if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
				t.Errorf("the message lacks %q in a part", want)
			}
		}
		if !strings.Contains(m.HTML, `src="https://mag.example/media/cover.jpg"`) || strings.Contains(m.HTML, "<link") || strings.Contains(m.HTML, "@font-face") {
			t.Errorf("HTML part: want the cover by absolute URL and no external style or font")
		}
		// A reader without a subscription is offered one, not the edition;
		// and no body text of the gated article is in any part.
		if strings.Contains(m.Text, "/read") || strings.Contains(m.HTML, "download/epub") || !strings.Contains(m.Text, "/subscribe") {
			t.Errorf("a reader who may not read the edition got its links:\n%s", m.Text)
		}
		if strings.Contains(m.Text+m.HTML, gatedText) {
			t.Errorf("gated text in a newsletter")
		}
	})
}

func headers(t *testing.T, api, id string) map[string][]string {
	t.Helper()
	resp, err := http.Get(api + "/api/v1/message/" + id + "/headers")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	h := map[string][]string{}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestSignedLinks: a link verifies for its purpose only, and any change
// to its reader, list or signature makes it fail.
func TestSignedLinks(t *testing.T) {
	t.Parallel()
	secret := []byte("0123456789abcdef0123456789abcdef")
	u, _ := url.Parse(newsletter.UnsubscribeURL("https://mag.example", secret, 42, store.NewsletterNewIssue))
	q := u.Query()
	if id, list, ok := newsletter.Verify(secret, "unsubscribe", q); !ok || id != 42 || list != store.NewsletterNewIssue {
		t.Fatalf("a good link: %d %q %v", id, list, ok)
	}
	if _, _, ok := newsletter.Verify(secret, "confirm", q); ok {
		t.Error("an unsubscribe link confirms")
	}
	for name, change := range map[string]func(url.Values){
		"reader":    func(v url.Values) { v.Set("reader", "43") },
		"list":      func(v url.Values) { v.Set("list", store.NewsletterWeeklyDigest) },
		"signature": func(v url.Values) { v.Set("sig", strings.Repeat("0", 64)) },
		"no sig":    func(v url.Values) { v.Del("sig") },
	} {
		v := url.Values{}
		for k, vs := range q {
			v[k] = append([]string(nil), vs...)
		}
		change(v)
		if _, _, ok := newsletter.Verify(secret, "unsubscribe", v); ok {
			t.Errorf("a link with a changed %s verifies", name)
		}
	}
	if _, _, ok := newsletter.Verify([]byte("another key of thirty-two bytes!"), "unsubscribe", q); ok {
		t.Error("a link verifies under another key")
	}
}
