package admin_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/masthead-press/masthead/internal/admin"
	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestBrowserCirculation: an admin signs in, is refused a plan with a
// price typed with a comma and sees why beside the field, corrects it,
// then finds a subscriber by e-mail and refunds them from their page, in
// headless Chromium.
func TestBrowserCirculation(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	bg := context.Background()
	st := storetest.SQLite(t)
	logins, err := admin.SeedDemoStaff(bg, st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedPlans(bg, st); err != nil {
		t.Fatal(err)
	}
	tm := billing.NewTestMode()
	svc := billing.New(st, tm, nil, billing.Options{Publication: "The Review"})
	digital, err := st.PlanBySlug(bg, "digital")
	if err != nil {
		t.Fatal(err)
	}
	reader, err := st.CreateReader(bg, "reader@example.com", "Rita Reader")
	if err != nil {
		t.Fatal(err)
	}
	co, err := svc.StartCheckout(bg, reader.ID, digital.ID, "year", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tm.Pay(bg, co.ID, billing.TestCardSuccess); err != nil {
		t.Fatal(err)
	}

	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	a, err := admin.New(admin.Config{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: base, Billing: svc})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	ts.Config.Handler = mux
	ts.Start()
	defer ts.Close()
	var adminLogin admin.DemoLogin
	for _, l := range logins {
		if l.Role == magazine.RoleAdmin {
			adminLogin = l
		}
	}

	step, read := driver(t, ctx)

	step("sign in on the way to the plans",
		chromedp.Navigate(base+"/admin/plans/new"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), adminLogin.Email),
		chromedp.SendKeys(chromedp.ID("password"), admin.DemoPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("plan-name")),
	)
	step("a price with a comma",
		chromedp.SendKeys(chromedp.ID("plan-name"), "Student"),
		chromedp.SendKeys(chromedp.ID("plan-monthly_price"), "4,50"),
		chromedp.Click(chromedp.CSS(`input[value="subscriber_content"]`)),
		chromedp.Click(chromedp.CSS(".plan-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("plan-monthly_price-error")),
	)
	if msg := read(chromedp.Text(chromedp.ID("plan-monthly_price-error"))); !strings.Contains(msg, "Enter an amount such as 12.50") {
		t.Errorf("the price error says %q", msg)
	}
	if got := read(chromedp.Value(chromedp.ID("plan-name"))); got != "Student" {
		t.Errorf("the name field holds %q after the refusal", got)
	}
	step("correct the price",
		chromedp.SetValue(chromedp.ID("plan-monthly_price"), "4.50"),
		chromedp.Click(chromedp.CSS(".plan-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if table := read(chromedp.Text(chromedp.CSS("table.plans"))); !strings.Contains(table, "Student") || !strings.Contains(table, "4.50 USD") {
		t.Errorf("the plans list shows %q, want the new plan at 4.50 USD", table)
	}

	step("search the subscribers",
		chromedp.Click(chromedp.CSS(`nav a[href="/admin/subscribers"]`)),
		chromedp.WaitVisible(chromedp.ID("filter-email")),
		chromedp.SendKeys(chromedp.ID("filter-email"), "reader@"+kb.Enter),
	)
	// The unfiltered list shows the subscription too: wait for the
	// search's page, or the click below may land on the old one as it goes.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		// Asked while the page goes, the browser may answer with an
		// error: ask again.
		if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil && strings.Contains(loc, "email=") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the search's page did not load within 15 s")
		}
	}
	step("open the subscription",
		chromedp.WaitVisible(chromedp.CSS("#subscription-"+strconv.FormatInt(co.SubscriptionID, 10)+" a")),
		chromedp.Click(chromedp.CSS("#subscription-"+strconv.FormatInt(co.SubscriptionID, 10)+" a")),
		chromedp.WaitVisible(chromedp.ID("refund-note")),
	)
	step("refund",
		chromedp.Click(chromedp.CSS("button.danger")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if status := read(chromedp.Text(chromedp.ID("sub-status"))); !strings.Contains(status, "refunded") || !strings.Contains(status, "no access") {
		t.Errorf("after the refund the status reads %q", status)
	}
	if tm.Refunds() != 1 {
		t.Errorf("%d refunds at the provider, want 1", tm.Refunds())
	}
}
