package mail_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/mailtest"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestDeliverThroughSMTP sends a rendered message through the outbox to a
// real SMTP server and reads it back.
func TestDeliverThroughSMTP(t *testing.T) {
	t.Parallel()
	smtpURL, api := mailtest.Mailpit(t)
	st := storetest.SQLite(t)
	tpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	to := "reader-" + time.Now().Format("150405.000000") + "@example.com"
	m, err := tpl.Render("test", to, map[string]string{"Publication": "The Harbour <Review>"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.EnqueueMail(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	sender, err := mail.ParseSMTP(smtpURL, "circulation@harbour.example")
	if err != nil {
		t.Fatal(err)
	}
	d := &mail.Deliverer{Store: st, Sender: sender, Log: quiet()}
	if n, err := d.Deliver(context.Background()); err != nil || n != 1 {
		t.Fatalf("delivered %d: %v", n, err)
	}
	got := mailtest.WaitFor(t, api, to)
	if got.Subject != "A test message from The Harbour <Review>" || got.From.Address != "circulation@harbour.example" {
		t.Errorf("subject %q from %q", got.Subject, got.From.Address)
	}
	if !strings.Contains(got.Text, "If you can read it, e-mail works.") {
		t.Errorf("text part %q", got.Text)
	}
	if !strings.Contains(got.HTML, "The Harbour &lt;Review&gt;") {
		t.Errorf("HTML part not escaped: %q", got.HTML)
	}
	box, _ := st.Mailbox(context.Background(), to, 10)
	if len(box) != 1 || box[0].Status != "sent" {
		t.Errorf("outbox after delivery: %+v", box)
	}
	// Nothing is sent twice.
	if n, _ := d.Deliver(context.Background()); n != 0 {
		t.Errorf("second run delivered %d", n)
	}
}

type failing struct{ calls int }

func (f *failing) Send(context.Context, store.Mail) error {
	f.calls++
	return errors.New("connection refused")
}

// TestRetryWithBackoff: a failed delivery is retried later, then given up.
func TestRetryWithBackoff(t *testing.T) {
	t.Parallel()
	st := storetest.SQLite(t)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	id, err := st.EnqueueMail(context.Background(), store.Mail{Kind: "test", To: "a@example.com", Subject: "Hi", Text: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	f := &failing{}
	d := &mail.Deliverer{Store: st, Sender: f, Log: quiet()}
	for attempt := range len(mail.Backoff) + 1 {
		d.Deliver(context.Background())
		if f.calls != attempt+1 {
			t.Fatalf("attempt %d: %d calls", attempt, f.calls)
		}
		// Not retried before its time...
		d.Deliver(context.Background())
		if f.calls != attempt+1 {
			t.Fatalf("retried before the backoff: %d calls", f.calls)
		}
		if attempt < len(mail.Backoff) {
			now = now.Add(mail.Backoff[attempt])
		}
	}
	box, _ := st.Mailbox(context.Background(), "a@example.com", 1)
	if box[0].ID != id || box[0].Status != "failed" || box[0].Attempts != len(mail.Backoff)+1 || !strings.Contains(box[0].LastError, "connection refused") {
		t.Errorf("after giving up: %+v", box[0])
	}
}

// TestLocalMailbox: without SMTP the message is kept, readable, and logged.
func TestLocalMailbox(t *testing.T) {
	t.Parallel()
	st := storetest.SQLite(t)
	var log strings.Builder
	d := &mail.Deliverer{Store: st, Log: slog.New(slog.NewTextHandler(&log, nil))}
	st.EnqueueMail(context.Background(), store.Mail{Kind: "sign_in_link", To: "b@example.com", Subject: "Sign in", Text: "Open https://mag.example/signin/abc"})
	if n, err := d.Deliver(context.Background()); n != 1 || err != nil {
		t.Fatal(n, err)
	}
	if !strings.Contains(log.String(), "https://mag.example/signin/abc") {
		t.Errorf("the link is not in the log: %s", log.String())
	}
	box, _ := st.Mailbox(context.Background(), "", 10)
	if len(box) != 1 || box[0].Status != "local" {
		t.Errorf("mailbox %+v", box)
	}
}

func TestBadMessagesRefused(t *testing.T) {
	t.Parallel()
	st := storetest.SQLite(t)
	for _, m := range []store.Mail{
		{To: "", Subject: "x", Text: "x"},
		{To: "a@example.com\r\nBcc: victim@example.com", Subject: "x", Text: "x"},
		{To: "a@example.com", Subject: "Hi\r\nBcc: victim@example.com", Text: "x"},
		{To: "a@example.com", Subject: "x", Text: strings.Repeat("x", store.MaxMailBody+1)},
	} {
		if _, err := st.EnqueueMail(context.Background(), m); err == nil {
			t.Errorf("accepted %q / %q", m.To, m.Subject)
		}
	}
	for _, raw := range []string{"http://mail.example", "smtp://", "smtp://host?tls=maybe", "smtp://host:port"} {
		if _, err := mail.ParseSMTP(raw, "a@b.example"); err == nil {
			t.Errorf("ParseSMTP(%q) accepted", raw)
		}
	}
	if s, err := mail.ParseSMTP("smtp://user:secret@mail.example", "a@b.example"); err != nil || s.Port != 587 || s.TLS != "starttls" || s.Password != "secret" {
		t.Errorf("ParseSMTP default: %+v %v", s, err)
	}
}

type counting struct {
	mu    sync.Mutex
	calls map[string]int
}

func (c *counting) Send(_ context.Context, m store.Mail) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[m.To]++
	return nil
}

// TestConcurrentRunsSendOnce: delivery runs that overlap never send a
// message twice.
func TestConcurrentRunsSendOnce(t *testing.T) {
	t.Parallel()
	st := storetest.SQLite(t)
	for i := range 20 {
		st.EnqueueMail(context.Background(), store.Mail{Kind: "test", To: fmt.Sprintf("r%d@example.com", i), Subject: "Hi", Text: "Hello"})
	}
	c := &counting{calls: map[string]int{}}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			(&mail.Deliverer{Store: st, Sender: c, Log: quiet()}).Deliver(context.Background())
		})
	}
	wg.Wait()
	if len(c.calls) != 20 {
		t.Errorf("%d of 20 messages sent", len(c.calls))
	}
	for to, n := range c.calls {
		if n != 1 {
			t.Errorf("%s got %d copies", to, n)
		}
	}
}
