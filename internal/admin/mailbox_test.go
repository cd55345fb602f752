package admin

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// The mailbox shows the text of mail kept locally (no SMTP server), and
// hides the text of mail that went out: its links are for its recipient.
func TestMailbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	ctx := context.Background()
	kept, err := e.store.EnqueueMail(ctx, store.Mail{Kind: "reader_sign_in", To: "kept@example.com", Subject: "Your sign-in link", Text: "Open http://masthead.test/sign-in/link/KEPT-SECRET\n"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.MarkMailSent(ctx, kept, "local"); err != nil {
		t.Fatal(err)
	}
	sent, err := e.store.EnqueueMail(ctx, store.Mail{Kind: "reader_sign_in", To: "sent@example.com", Subject: "Your sign-in link", Text: "Open http://masthead.test/sign-in/link/SENT-SECRET\n"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.MarkMailSent(ctx, sent, "sent"); err != nil {
		t.Fatal(err)
	}
	admin := e.session(e.staff[magazine.RoleAdmin])

	list := e.do("GET", "/admin/mailbox?to=KEPT@example.com", nil, admin)
	if list.Code != 200 || !strings.Contains(list.Body.String(), "kept@example.com") || strings.Contains(list.Body.String(), "sent@example.com") {
		t.Fatalf("filtered mailbox: %d\n%s", list.Code, list.Body)
	}
	if w := e.do("GET", "/admin/mailbox/"+strconv.FormatInt(kept, 10), nil, admin); !strings.Contains(w.Body.String(), "KEPT-SECRET") {
		t.Errorf("a kept message does not show its text: %d", w.Code)
	}
	if w := e.do("GET", "/admin/mailbox/"+strconv.FormatInt(sent, 10), nil, admin); w.Code != 200 || strings.Contains(w.Body.String(), "SENT-SECRET") {
		t.Errorf("a sent message shows its text to staff: %d", w.Code)
	}
	if w := e.do("GET", "/admin/mailbox/"+strconv.FormatInt(kept, 10), nil, e.session(e.staff[magazine.RoleEditor])); w.Code != 403 {
		t.Errorf("an editor opens the mailbox: %d", w.Code)
	}
	if w := e.do("GET", "/admin/mailbox/nope", nil, admin); w.Code != 404 {
		t.Errorf("a bad message id: %d", w.Code)
	}
}
