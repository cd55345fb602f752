package admin_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/masthead-press/masthead/internal/admin"
	"github.com/masthead-press/masthead/internal/browsertest"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/storetest"
)

// browser starts a headless Chromium for the test (see browsertest).
func browser(t *testing.T) context.Context { return browsertest.Start(t) }

// driver returns the step and read helpers of browsertest.
func driver(t *testing.T, ctx context.Context) (step func(name string, actions ...chromedp.Action[chromedp.Void]), read func(a chromedp.Action[string]) string) {
	return browsertest.Driver(t, ctx)
}

// TestBrowserSignInAndOut signs in through the real form with the keyboard,
// sees the dashboard and signs out, in headless Chromium against the whole
// server (CSP, security headers and all).
func TestBrowserSignInAndOut(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	st := storetest.SQLite(t)
	logins, err := admin.SeedDemoStaff(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil) // listens already, so the URL is known
	base := "http://" + ts.Listener.Addr().String()
	h, err := server.New(server.Config{Store: st, Files: files, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = h
	ts.Start()
	defer ts.Close()
	editor := logins[2]
	if editor.Role != "editor" {
		t.Fatalf("demo logins out of order: %+v", logins)
	}

	step, read := driver(t, ctx)

	// The dashboard sends a visitor to the sign-in form.
	step("open the admin", chromedp.Navigate(base+"/admin/"), chromedp.WaitVisible(chromedp.ID("email")))
	if loc := read(chromedp.Location()); !strings.Contains(loc, "/admin/sign-in") {
		t.Fatalf("not sent to the sign-in page: %s", loc)
	}

	// A wrong password: the form comes back with the address kept.
	step("wrong password",
		chromedp.SendKeys(chromedp.ID("email"), editor.Email),
		chromedp.SendKeys(chromedp.ID("password"), "not the password"+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("form-error")),
	)
	if got := read(chromedp.Value(chromedp.ID("email"))); got != editor.Email {
		t.Errorf("the e-mail field holds %q after a refusal, want %q", got, editor.Email)
	}

	// Sign in with the keyboard alone: type, then Enter.
	step("sign in",
		chromedp.SendKeys(chromedp.ID("password"), admin.DemoPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("count-drafts")),
	)
	if h1 := read(chromedp.Text(chromedp.CSS("main h1"))); h1 != "Dashboard" {
		t.Errorf("after signing in the page says %q, want Dashboard", h1)
	}
	if who := read(chromedp.Text(chromedp.CSS(".who"))); !strings.Contains(who, "(editor)") {
		t.Errorf("the header says %q, want the editor's name and role", who)
	}
	// The stylesheet loaded under the CSP (no inline styles are allowed).
	if bg := read(chromedp.Evaluate[string](`getComputedStyle(document.querySelector('.bar')).backgroundColor`)); bg != "rgb(29, 42, 58)" {
		t.Errorf("the admin stylesheet did not apply: header background %q", bg)
	}

	step("sign out", chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.ID("email")))
	// The session is gone: the dashboard asks to sign in again.
	step("back to the admin", chromedp.Navigate(base+"/admin/"), chromedp.WaitVisible(chromedp.ID("email")))
	if loc := read(chromedp.Location()); !strings.Contains(loc, "/admin/sign-in") {
		t.Errorf("after signing out /admin/ shows %s, want the sign-in page", loc)
	}
}
