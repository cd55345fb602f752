package admin_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/masthead-press/masthead/internal/admin"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/storetest"
)

const chromiumPath = "/usr/bin/chromium"

// browser starts a headless Chromium for the test. Without Chromium the
// test is skipped, except under CI, where it must run.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is missing: the browser tests must run (.ci/run installs it with apt-get install -y chromium)", chromiumPath)
		}
		t.Skipf("%s is missing; install it (apt-get install -y chromium) to run the browser tests", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// Without these Chromium tries to reach outside hosts.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first action starts the browser; it must not run under the
	// test's timeout, which would stop the browser with it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// driver returns the two things a browser test does: step runs actions
// (failing the test with the page's HTML when one does not complete in
// 15 s), read reads a value from the page.
func driver(t *testing.T, ctx context.Context) (step func(name string, actions ...chromedp.Action[chromedp.Void]), read func(a chromedp.Action[string]) string) {
	step = func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("body")))
			t.Fatalf("%s: %v\npage:\n%s", name, err, html)
		}
	}
	read = func(a chromedp.Action[string]) string {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		v, err := chromedp.Run(sctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	return step, read
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
