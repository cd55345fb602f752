package admin

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// linkIn returns the path of the newest link mailed to address.
func (e *env) linkIn(address string) (path string, m store.Mail) {
	e.t.Helper()
	box, err := e.store.Mailbox(context.Background(), address, 10)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(box) == 0 {
		e.t.Fatalf("no message to %s", address)
	}
	link := regexp.MustCompile(`http://masthead\.test(/admin/password-reset/[A-Za-z0-9_-]{43})`).FindStringSubmatch(box[0].Text)
	if link == nil {
		e.t.Fatalf("no link in the message to %s:\n%s", address, box[0].Text)
	}
	return link[1], box[0]
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	author := e.staff[magazine.RoleAuthor]
	oldSession := e.session(author)

	// Known and unknown addresses get the same page; only the known one
	// gets mail.
	ask := func(email string) string {
		w := e.do(http.MethodPost, "/admin/password-reset", url.Values{"email": {email}}, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("reset for %s: status %d\n%s", email, w.Code, w.Body)
		}
		return strings.ReplaceAll(w.Body.String(), email, "EMAIL")
	}
	if known, unknown := ask(author.Email), ask("nobody@example.com"); known != unknown || !strings.Contains(known, "is on its way") {
		t.Errorf("the answers differ, or say nothing:\n--- known\n%s\n--- unknown\n%s", known, unknown)
	}
	if box, _ := e.store.Mailbox(context.Background(), "nobody@example.com", 10); len(box) != 0 {
		t.Error("mail was queued for an address without an account")
	}
	path, m := e.linkIn(author.Email)
	if m.Kind != "staff_reset" || !strings.Contains(m.Subject, "new password") {
		t.Errorf("message %q (%s)", m.Subject, m.Kind)
	}

	w := e.do(http.MethodGet, path, nil, nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), author.Email) || w.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("the link's page: status %d, Referrer-Policy %q", w.Code, w.Header().Get("Referrer-Policy"))
	}
	w = e.do(http.MethodPost, path, url.Values{"new_password": {"qwertyuiop"}, "confirm_password": {"qwertyuiop"}}, nil)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "among the first an attacker would try") {
		t.Fatalf("a common password through the link: status %d", w.Code)
	}
	const fresh = "plum orchard at dusk"
	w = e.do(http.MethodPost, path, url.Values{"new_password": {fresh}, "confirm_password": {fresh}}, nil)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/sign-in?done=password" {
		t.Fatalf("setting the password: status %d\n%s", w.Code, w.Body)
	}
	if e.signedIn(oldSession) {
		t.Error("a session from before the reset still works")
	}
	if e.sessionCookie(e.signIn(author.Email, testPassword, nil)) != nil {
		t.Error("the old password still works")
	}
	if e.sessionCookie(e.signIn(author.Email, fresh, nil)) == nil {
		t.Error("the new password does not work")
	}
	// The link works once.
	w = e.do(http.MethodPost, path, url.Values{"new_password": {"another fine phrase"}, "confirm_password": {"another fine phrase"}}, nil)
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "no longer works") {
		t.Errorf("the link used again: status %d", w.Code)
	}

	// A link expires after an hour, and a newer one replaces it.
	ask(author.Email)
	first, _ := e.linkIn(author.Email)
	e.clock.Add(10 * time.Second)
	ask(author.Email)
	second, _ := e.linkIn(author.Email)
	if w := e.do(http.MethodGet, first, nil, nil); w.Code != http.StatusNotFound {
		t.Errorf("an older link after a newer was sent: status %d, want 404", w.Code)
	}
	e.clock.Add(time.Hour)
	if w := e.do(http.MethodGet, second, nil, nil); w.Code != http.StatusNotFound {
		t.Errorf("a link after an hour: status %d, want 404", w.Code)
	}

	// Reset requests are limited like sign-ins.
	limited := false
	for i := 0; i < 12 && !limited; i++ {
		limited = e.do(http.MethodPost, "/admin/password-reset", url.Values{"email": {author.Email}}, nil).Code == http.StatusTooManyRequests
	}
	if !limited {
		t.Error("12 reset requests for one address in a row were never limited")
	}
}

func TestInvitation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	admin := e.session(e.staff[magazine.RoleAdmin])
	w := e.do(http.MethodPost, "/admin/staff", url.Values{"email": {"New.Hire@example.com"}, "name": {"Nia Hire"}, "role": {"editor"}, "how": {"invite"}}, admin)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/staff?done=invited" {
		t.Fatalf("invite: status %d\n%s", w.Code, w.Body)
	}
	path, m := e.linkIn("new.hire@example.com")
	if m.Kind != "staff_invite" || !strings.Contains(m.Text, "Test admin has added you to the staff of Masthead as editor") {
		t.Errorf("invitation text:\n%s", m.Text)
	}
	if w := e.do(http.MethodGet, path, nil, nil); !strings.Contains(w.Body.String(), "Welcome to the newsroom") {
		t.Errorf("the invitation link's page does not welcome: %d", w.Code)
	}
	const chosen = "fern, lantern and copper"
	if w := e.do(http.MethodPost, path, url.Values{"new_password": {chosen}, "confirm_password": {chosen}}, nil); w.Code != http.StatusSeeOther {
		t.Fatalf("choosing a password: status %d\n%s", w.Code, w.Body)
	}
	c := e.sessionCookie(e.signIn("new.hire@example.com", chosen, nil))
	if c == nil || !strings.Contains(e.do(http.MethodGet, "/admin/", nil, c).Body.String(), "Nia Hire (editor)") {
		t.Fatal("the invited editor cannot sign in with the password they chose")
	}
	audit := e.do(http.MethodGet, "/admin/audit", nil, admin).Body.String()
	for _, want := range []string{"<td>admin@example.com</td><td>staff.create</td><td>new.hire@example.com</td>",
		"<td>new.hire@example.com</td><td>staff.password_invite</td>"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit log lacks %q", want)
		}
	}
	// A refused invitation leaves no account and no mail.
	w = e.do(http.MethodPost, "/admin/staff", url.Values{"email": {"editor@example.com"}, "role": {"editor"}, "how": {"invite"}}, admin)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `value="invite" checked`) {
		t.Errorf("inviting an existing address: status %d; want the form back, invitation still chosen", w.Code)
	}
	if box, _ := e.store.Mailbox(context.Background(), "editor@example.com", 10); len(box) != 0 {
		t.Error("a refused invitation was mailed")
	}
}
