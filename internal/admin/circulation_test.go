package admin

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/store"
)

// withBilling gives the admin a billing service on the built-in test
// mode, with mail templates so that confirmations land in the outbox. Its
// clock is the store's, which newEnvOn shares with the admin.
func (e *env) withBilling() *billing.TestMode {
	e.t.Helper()
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		e.t.Fatal(err)
	}
	tm := billing.NewTestMode()
	e.admin.billing = billing.New(e.store, tm, tmpl, billing.Options{Publication: "The Review", BaseURL: "http://masthead.test"})
	return tm
}

// addPlan creates a plan straight in the store.
func (e *env) addPlan(name string, monthly, yearly int64, ents ...magazine.Entitlement) magazine.Plan {
	e.t.Helper()
	p := magazine.Plan{Name: name, MonthlyPrice: monthly, YearlyPrice: yearly, Currency: "USD",
		RefundWindowDays: magazine.DefaultRefundWindowDays, Entitlements: ents, Active: true}
	if err := e.store.CreatePlan(context.Background(), &p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// subscribe makes a reader who pays for plan monthly in test mode, as the
// reader would at checkout, and returns the subscription's id.
func (e *env) subscribe(email string, plan magazine.Plan, ship *magazine.Address) int64 {
	e.t.Helper()
	ctx := context.Background()
	r, err := e.store.CreateReader(ctx, email, "")
	if err != nil {
		e.t.Fatal(err)
	}
	co, err := e.admin.billing.StartCheckout(ctx, r.ID, plan.ID, "month", ship)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.admin.billing.Provider().(*billing.TestMode).Pay(ctx, co.ID, billing.TestCardSuccess); err != nil {
		e.t.Fatal(err)
	}
	return co.SubscriptionID
}

// sub reads a subscription back from the store.
func (e *env) sub(id int64) store.Subscription {
	e.t.Helper()
	s, err := e.store.Subscription(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// audited reports whether the audit log has a line with all of parts.
func (e *env) audited(parts ...string) bool {
	e.t.Helper()
	entries, err := e.store.AuditLog(context.Background(), 0, 500)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, en := range entries {
		line := strings.Join([]string{en.ActorEmail, en.Action, en.Target, en.Detail}, " | ")
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			return true
		}
	}
	return false
}

func TestCirculationMenuFollowsPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	for _, role := range magazine.Roles() {
		body := e.do(http.MethodGet, "/admin/", nil, e.session(e.staff[role])).Body.String()
		for _, link := range []string{`href="/admin/plans"`, `href="/admin/subscribers"`} {
			if strings.Contains(body, link) != role.Can(magazine.PermManageBilling) {
				t.Errorf("%s: menu link %s shown = %v", role, link, strings.Contains(body, link))
			}
		}
	}
}

func TestAmountsAndCells(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"": 0, "12.50": 1250, "12.5": 1250, "12": 1200, " 8.00 ": 800, "0.07": 7, "1000000": 100000000} {
		if got, err := parseAmount("price", in); err != nil || got != want {
			t.Errorf("parseAmount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"12,50", "$12", "-1", "12.", ".5", "12.505", "1e3", "twelve", "12345678", "1 000"} {
		if _, err := parseAmount("monthly_price", bad); magazine.ErrorCode(err) != magazine.EINVALID {
			t.Errorf("parseAmount(%q) accepted: %v", bad, err)
		}
	}
	for in, want := range map[int64]string{0: "0.00", 7: "0.07", 1250: "12.50", 100000000: "1000000.00"} {
		if got := formatAmount(in); got != want {
			t.Errorf("formatAmount(%d) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"=1+1": "'=1+1", "+44 20": "'+44 20", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)",
		"\t=cmd": "'\t=cmd", "Ada": "Ada", "": "", "a=b": "a=b"} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
