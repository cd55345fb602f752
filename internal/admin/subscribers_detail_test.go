package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func subPath(id int64, action string) string {
	p := "/admin/subscribers/" + strconv.FormatInt(id, 10)
	if action != "" {
		p += "/" + action
	}
	return p
}

func TestSubscriberPage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		c := newCirculation(t, st)
		ctx := context.Background()
		// A renewal with a receipt, as a provider reports it.
		if err := c.billing().Apply(ctx, billing.Event{ID: "evt_renewal", Type: billing.EventPaymentSucceeded, At: c.clock.Now(),
			LocalSubscriptionID: c.carol, SubscriptionID: "tm_sub_" + strconv.FormatInt(c.carol, 10), PeriodEnd: c.clock.Now().AddDate(0, 2, 0),
			PaymentID: "pay_2", ChargeID: "ch_2", Amount: 1400, Currency: "USD", ReceiptURL: "https://pay.example/receipts/2"}); err != nil {
			t.Fatal(err)
		}
		w := c.do(http.MethodGet, subPath(c.carol, ""), nil, c.admin)
		body := w.Body.String()
		for _, want := range []string{
			"<h1>=carol@example.com</h1>", ">Print &#43; Digital</a>", `<span class="status status-active">active</span>`, "has access",
			"14.00 USD per month", "2026-05-02 09:00 UTC", // the period end the renewal moved
			"&#43;1 Main Street<br>-2nd floor<br>@Springfield, IL 62701<br>US",
			`<a href="https://pay.example/receipts/2" rel="noopener noreferrer">Receipt</a>`,
			"<strong>checkout_started</strong>", "· incomplete → active", "by provider:",
			`action="/admin/subscribers/` + strconv.FormatInt(c.carol, 10) + `/refund"`,
			"The money-back guarantee applies until May 1, 2026 09:00 UTC.", "Refund 14.00 USD and end the subscription now",
			`action="/admin/subscribers/` + strconv.FormatInt(c.carol, 10) + `/cancel"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if w.Code != http.StatusOK || t.Failed() {
			t.Fatalf("status %d\n%s", w.Code, body)
		}
		if strings.Contains(body, "/resume\"") {
			t.Error("Resume is offered for a subscription that is not canceled")
		}
		if w := c.do(http.MethodGet, "/admin/subscribers/999999", nil, c.admin); w.Code != http.StatusNotFound {
			t.Errorf("unknown subscription: %d", w.Code)
		}
	})
}

func TestCancelAndResume(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		c := newCirculation(t, st)
		w := c.do(http.MethodPost, subPath(c.alice, "cancel"), url.Values{}, c.admin)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != subPath(c.alice, "")+"?done=cancel" {
			t.Fatalf("cancel: %d to %q\n%s", w.Code, w.Header().Get("Location"), w.Body)
		}
		if s := c.sub(c.alice); !s.CancelAtPeriodEnd || !s.GrantsAccess(c.clock.Now()) {
			t.Fatalf("after cancel: %+v", s)
		}
		body := c.do(http.MethodGet, w.Header().Get("Location"), nil, c.admin).Body.String()
		if !strings.Contains(body, "canceled at the end of its period") || !strings.Contains(body, "/resume\"") ||
			!strings.Contains(body, "<strong>cancel_at_period_end</strong>") || !strings.Contains(body, "by staff:admin@example.com") {
			t.Errorf("the page does not confirm the cancellation or offer to resume:\n%s", body)
		}
		if !c.audited("admin@example.com", "subscription.cancel", "alice@example.com") {
			t.Error("the cancellation is not in the audit log")
		}
		if mails, _ := c.store.Mailbox(context.Background(), "alice@example.com", 10); len(mails) == 0 || mails[0].Kind != "cancel_confirmation" {
			t.Errorf("the reader got no cancellation e-mail: %+v", mails)
		}
		// A second click is refused with the reason and changes nothing.
		if w := c.do(http.MethodPost, subPath(c.alice, "cancel"), url.Values{}, c.admin); w.Code != http.StatusConflict ||
			!strings.Contains(w.Body.String(), "already canceled") {
			t.Errorf("second cancel: %d", w.Code)
		}

		if w := c.do(http.MethodPost, subPath(c.alice, "resume"), url.Values{}, c.admin); w.Code != http.StatusSeeOther {
			t.Fatalf("resume: %d\n%s", w.Code, w.Body)
		}
		if s := c.sub(c.alice); s.CancelAtPeriodEnd {
			t.Error("still canceled after resume")
		}
		if !c.audited("subscription.resume", "alice@example.com") {
			t.Error("resume is not in the audit log")
		}

		if w := c.do(http.MethodPost, subPath(c.bob, "cancel-now"), url.Values{}, c.admin); w.Code != http.StatusSeeOther {
			t.Fatalf("cancel now: %d\n%s", w.Code, w.Body)
		}
		if s := c.sub(c.bob); s.Status != magazine.SubCanceled || s.GrantsAccess(c.clock.Now()) {
			t.Errorf("after cancel now: %+v", s)
		}
		body = c.do(http.MethodGet, subPath(c.bob, "")+"?done=cancel-now", nil, c.admin).Body.String()
		if !strings.Contains(body, "ended at once, without a refund") || strings.Contains(body, "/cancel-now\"") ||
			!strings.Contains(body, "no access") {
			t.Errorf("the page after cancel now:\n%s", body)
		}
		if !c.audited("subscription.cancel_now", "bob@example.com", "now canceled") {
			t.Error("cancel now is not in the audit log")
		}
		if w := c.do(http.MethodPost, subPath(c.bob, "resume"), url.Values{}, c.admin); w.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(w.Body.String(), "Only a canceled subscription that has not yet ended can be resumed") {
			t.Errorf("resuming an ended subscription: %d", w.Code)
		}
	})
}

func TestRefundWindowInTheAdmin(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		c := newCirculation(t, st)
		ctx := context.Background()

		// Day 61: the page gives the reason instead of the button, and a
		// forged request is refused with nothing changed.
		c.clock.Add(61 * 24 * time.Hour)
		c.admin = c.session(c.staff[magazine.RoleAdmin]) // the first session has expired
		body := c.do(http.MethodGet, subPath(c.alice, ""), nil, c.admin).Body.String()
		if strings.Contains(body, "/refund\"") || !strings.Contains(body, "The 60-day money-back guarantee ended on May 1, 2026.") {
			t.Errorf("day 61: the page offers a refund or gives no reason:\n%s", body)
		}
		before := c.sub(c.alice)
		w := c.do(http.MethodPost, subPath(c.alice, "refund"), url.Values{}, c.admin)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "money-back guarantee ended on May 1, 2026") {
			t.Fatalf("day 61 refund: %d\n%s", w.Code, w.Body)
		}
		after := c.sub(c.alice)
		pays, _ := st.SubscriptionPayments(ctx, c.alice)
		if after.Status != before.Status || after.UpdatedAt != before.UpdatedAt || c.tm.Refunds() != 0 ||
			len(pays) != 1 || pays[0].Status != store.PaymentPaid {
			t.Fatalf("a refused refund changed something: %+v, %d refunds, payments %+v", after, c.tm.Refunds(), pays)
		}
		if c.audited("subscription.refund") {
			t.Error("a refused refund is in the audit log")
		}

		// Day 59: refunded once, however often the button is pressed.
		c.clock.Add(-2 * 24 * time.Hour)
		w = c.do(http.MethodPost, subPath(c.bob, "refund"), url.Values{}, c.admin)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != subPath(c.bob, "")+"?done=refund" {
			t.Fatalf("day 59 refund: %d\n%s", w.Code, w.Body)
		}
		if s := c.sub(c.bob); s.Status != magazine.SubRefunded || s.GrantsAccess(c.clock.Now()) {
			t.Errorf("after the refund: %+v", s)
		}
		w = c.do(http.MethodPost, subPath(c.bob, "refund"), url.Values{}, c.admin)
		if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "already been refunded") {
			t.Errorf("second refund: %d\n%s", w.Code, w.Body)
		}
		if c.tm.Refunds() != 1 {
			t.Errorf("%d refunds, want 1", c.tm.Refunds())
		}
		body = c.do(http.MethodGet, subPath(c.bob, "")+"?done=refund", nil, c.admin).Body.String()
		if !strings.Contains(body, "refunded in full") || !strings.Contains(body, "<strong>refunded</strong>") ||
			!strings.Contains(body, "8.00 USD refunded") || strings.Contains(body, "/refund\"") {
			t.Errorf("the page after the refund:\n%s", body)
		}
		if !c.audited("admin@example.com", "subscription.refund", "bob@example.com", "now refunded") {
			t.Error("the refund is not in the audit log")
		}
		if mails, _ := st.Mailbox(ctx, "bob@example.com", 10); len(mails) == 0 || mails[0].Kind != "refund_confirmation" {
			t.Errorf("the reader got no refund e-mail: %+v", mails)
		}
	})
}

func TestComp(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		c := newCirculation(t, st)
		ctx := context.Background()
		plan := strconv.FormatInt(c.print.ID, 10)
		count := func(email string) int {
			r, err := st.ReaderByEmail(ctx, email)
			if magazine.IsNotFound(err) {
				return -1
			}
			subs, _ := st.ReaderSubscriptions(ctx, r.ID)
			return len(subs)
		}

		for _, tt := range []struct {
			name  string
			form  url.Values
			field string
			msg   string
		}{
			{"no end date", url.Values{"plan": {plan}, "until": {""}}, "until", "Give the date the complimentary subscription ends"},
			{"bad date", url.Values{"plan": {plan}, "until": {"31/12/2026"}}, "until", "Enter the end date as year-month-day"},
			{"past date", url.Values{"plan": {plan}, "until": {"2026-03-01"}}, "until", "A complimentary subscription needs an end date in the future"},
			{"no plan", url.Values{"plan": {""}, "until": {"2026-12-31"}}, "plan", "Choose the plan"},
			{"unknown plan", url.Values{"plan": {"999999"}, "until": {"2026-12-31"}}, "plan", "There is no such plan"},
		} {
			w := c.do(http.MethodPost, subPath(c.alice, "comp"), tt.form, c.admin)
			body := w.Body.String()
			errID := `id="comp-` + tt.field + `-error">`
			if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, errID+tt.msg) {
				t.Errorf("%s: %d, want 422 with %q at %s\n%s", tt.name, w.Code, tt.msg, tt.field, body)
			}
			if v := tt.form.Get("until"); v != "" && !strings.Contains(body, `name="until" type="date" value="`+v+`"`) {
				t.Errorf("%s: the date typed was not kept", tt.name)
			}
		}
		if n := count("alice@example.com"); n != 1 {
			t.Fatalf("refused comps made subscriptions: alice has %d", n)
		}

		w := c.do(http.MethodPost, subPath(c.alice, "comp"), url.Values{"plan": {plan}, "until": {"2026-12-31"}}, c.admin)
		loc := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther || !strings.HasSuffix(loc, "?done=comp") {
			t.Fatalf("comp: %d\n%s", w.Code, w.Body)
		}
		body := c.do(http.MethodGet, loc, nil, c.admin).Body.String()
		if !strings.Contains(body, "The complimentary subscription was given.") || !strings.Contains(body, "complimentary") ||
			!strings.Contains(body, "2026-12-31 23:59 UTC") || !strings.Contains(body, "Complimentary until December 31, 2026") ||
			!strings.Contains(body, "A complimentary subscription has nothing to refund.") {
			t.Errorf("the new comp's page:\n%s", body)
		}
		if ents, _ := st.ReaderEntitlements(ctx, c.sub(c.alice).ReaderID, c.clock.Now()); !ents[magazine.EntPrintEdition] {
			t.Errorf("the comp gives no print edition: %v", ents)
		}
		if !c.audited("subscription.comp", "alice@example.com", "Print + Digital until 2026-12-31") {
			t.Error("the comp is not in the audit log")
		}

		// From the list, by address: refusals leave no account behind.
		for _, tt := range []struct {
			form url.Values
			msg  string
		}{
			{url.Values{"email": {"not an address"}, "plan": {plan}, "until": {"2026-12-31"}}, "Enter an e-mail address"},
			{url.Values{"email": {"critic@example.com"}, "plan": {"999999"}, "until": {"2026-12-31"}}, "There is no such plan"},
			{url.Values{"email": {"critic@example.com"}, "plan": {plan}}, "Give the date"},
		} {
			w := c.do(http.MethodPost, "/admin/subscribers/comp", tt.form, c.admin)
			if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), tt.msg) ||
				!strings.Contains(w.Body.String(), `value="`+tt.form.Get("email")+`"`) {
				t.Errorf("comp by e-mail %v: %d, want 422 with %q and the address kept", tt.form, w.Code, tt.msg)
			}
		}
		if n := count("critic@example.com"); n != -1 {
			t.Fatal("a refused comp made a reader account")
		}
		w = c.do(http.MethodPost, "/admin/subscribers/comp", url.Values{"email": {" Critic@Example.com"}, "plan": {plan}, "until": {"2026-06-30"}}, c.admin)
		if w.Code != http.StatusSeeOther || count("critic@example.com") != 1 {
			t.Fatalf("comp by e-mail: %d, critic has %d subscriptions\n%s", w.Code, count("critic@example.com"), w.Body)
		}
		if !c.audited("subscription.comp", "critic@example.com") {
			t.Error("the comp by e-mail is not in the audit log")
		}
	})
}

// TestCirculationWithoutBilling: a server without a billing service shows
// the circulation pages with a notice and refuses actions with it, never
// a 500.
func TestCirculationWithoutBilling(t *testing.T) {
	t.Parallel()
	c := newCirculation(t, storetest.SQLite(t))
	c.env.admin.billing = nil
	for _, p := range []string{"/admin/subscribers", subPath(c.alice, "")} {
		w := c.do(http.MethodGet, p, nil, c.admin)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Billing is not configured on this server") ||
			strings.Contains(w.Body.String(), `method="post" action="/admin/subscribers/`) {
			t.Errorf("GET %s: %d, want the page with the notice and no actions\n%s", p, w.Code, w.Body)
		}
	}
	for _, p := range []string{subPath(c.alice, "cancel"), subPath(c.alice, "refund"), subPath(c.alice, "comp"), "/admin/subscribers/comp"} {
		w := c.do(http.MethodPost, p, url.Values{"plan": {"1"}, "until": {"2026-12-31"}, "email": {"x@example.com"}}, c.admin)
		if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "Billing is not configured on this server") {
			t.Errorf("POST %s: %d, want 503 with the notice", p, w.Code)
		}
	}
	if s := c.sub(c.alice); s.CancelAtPeriodEnd || s.Status != magazine.SubActive {
		t.Errorf("an action changed the subscription without billing: %+v", s)
	}
}
