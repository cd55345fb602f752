package admin

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/newsletter"
	"github.com/masthead-press/masthead/internal/store"
)

// TestNewsletterTestAndReport: staff send the new-issue e-mail to
// themselves only, and after the issue is out its page reports how many
// messages were sent, failed, and refused by the SMTP server.
func TestNewsletterTestAndReport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, "https://masthead.test")
	nr := e.newsroom()
	editor := e.session(e.staff[magazine.RoleEditor])
	var readers []string
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		r, err := e.store.CreateReader(ctx, email, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.SubscribeNewsletter(ctx, r.ID, store.NewsletterNewIssue, true); err != nil {
			t.Fatal(err)
		}
		readers = append(readers, email)
	}
	if w := e.do(http.MethodGet, nr.issue, nil, editor); !strings.Contains(w.Body.String(), "Send a test to myself") || !strings.Contains(w.Body.String(), "When the issue is published") {
		t.Fatalf("issue page lacks the newsletter block:\n%s", w.Body)
	}
	if w := e.do(http.MethodPost, nr.issue+"/newsletter/test", url.Values{}, editor); w.Code != http.StatusSeeOther {
		t.Fatalf("send a test: %d\n%s", w.Code, w.Body)
	}
	box, err := e.store.Mailbox(ctx, "editor@example.com", 10)
	if err != nil || len(box) != 1 {
		t.Fatalf("the editor's mailbox: %d messages (%v)", len(box), err)
	}
	if m := box[0]; !strings.HasPrefix(m.Subject, "[TEST] Vol. 3, No. 1") || !strings.Contains(m.Text, "Read the edition") || m.ListUnsubscribe != "" {
		t.Errorf("test message: %q, unsubscribe %q\n%s", m.Subject, m.ListUnsubscribe, m.Text)
	}
	for _, r := range readers {
		if box, _ := e.store.Mailbox(ctx, r, 10); len(box) != 0 {
			t.Errorf("a test went to reader %s", r)
		}
	}

	if w := e.do(http.MethodPost, nr.issue+"/publish", url.Values{}, editor); w.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%s", w.Code, w.Body)
	}
	s := &newsletter.Sender{Store: e.store, Templates: e.admin.mail, BaseURL: "https://masthead.test"}
	if n, err := s.Run(ctx); err != nil || n != 3 {
		t.Fatalf("queued %d (%v), want 3", n, err)
	}
	outcome := map[string]func(id int64) error{
		"a@example.com": func(id int64) error { return e.store.MarkMailSent(ctx, id, "sent") },
		"b@example.com": func(id int64) error {
			return e.store.MarkMailFailed(ctx, id, "smtp 550: mailbox unavailable", time.Time{})
		},
		"c@example.com": func(id int64) error {
			return e.store.MarkMailFailed(ctx, id, "dial tcp: connection refused", time.Time{})
		},
	}
	for addr, mark := range outcome {
		box, _ := e.store.Mailbox(ctx, addr, 10)
		if len(box) != 1 {
			t.Fatalf("%s: %d messages", addr, len(box))
		}
		if err := mark(box[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	body := e.do(http.MethodGet, nr.issue, nil, editor).Body.String()
	for _, want := range []string{"Sent to 3 readers", "<strong>1</strong> sent", "<strong>0</strong> waiting", "<strong>1</strong> failed", "<strong>1</strong> refused"} {
		if !strings.Contains(body, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
