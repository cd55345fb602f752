package billing_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func formValue(r recorded, key string) string {
	if v := r.Form[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// TestStripeCheckout: signing up opens a Checkout Session at Stripe
// (stripe-mock checks the request against Stripe's API description) for
// the plan's price, and the reader is sent to its URL.
func TestStripeCheckout(t *testing.T) {
	url := stripeMockURL(t)
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setupStripe(t, st, url)
		r, err := st.CreateReader(ctx, "reader@example.com", "")
		if err != nil {
			t.Fatal(err)
		}
		co, err := f.svc.StartCheckout(ctx, r.ID, f.plan.ID, "month", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(co.ID, "cs_") || !strings.HasPrefix(co.URL, "https://checkout.stripe.com/") {
			t.Fatalf("checkout = %+v", co)
		}
		sub, _ := st.Subscription(ctx, co.SubscriptionID)
		if sub.CheckoutID != co.ID || sub.Status != magazine.SubIncomplete || sub.Provider != "stripe" {
			t.Fatalf("subscription = %+v", sub)
		}
		reqs := f.rec.requests("POST", "/v1/checkout/sessions")
		if len(reqs) != 1 {
			t.Fatalf("%d session requests", len(reqs))
		}
		local := fmt.Sprint(co.SubscriptionID)
		for k, want := range map[string]string{
			"mode":                               "subscription",
			"customer_email":                     "reader@example.com",
			"client_reference_id":                local,
			"metadata[masthead_subscription_id]": local,
			"subscription_data[metadata][masthead_subscription_id]": local,
			"line_items[0][quantity]":                               "1",
			"line_items[0][price_data][currency]":                   "usd",
			"line_items[0][price_data][unit_amount]":                "900",
			"line_items[0][price_data][recurring][interval]":        "month",
			"line_items[0][price_data][product_data][name]":         "Digital",
			"success_url": "http://x/account?checkout=done",
			"cancel_url":  "http://x/subscribe?checkout=canceled",
		} {
			if got := formValue(reqs[0], k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		if formValue(reqs[0], "subscription_data[trial_period_days]") != "" {
			t.Error("a plan without a trial asked for one")
		}

		trial := magazine.Plan{Name: "Print + Digital", YearlyPrice: 12000, Currency: "EUR", TrialDays: 14, RefundWindowDays: 60,
			Entitlements: []magazine.Entitlement{magazine.EntSubscriberContent}, Active: true}
		if err := st.CreatePlan(ctx, &trial); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.StartCheckout(ctx, r.ID, trial.ID, "year", nil); err != nil {
			t.Fatal(err)
		}
		reqs = f.rec.requests("POST", "/v1/checkout/sessions")
		last := reqs[len(reqs)-1]
		if formValue(last, "subscription_data[trial_period_days]") != "14" || formValue(last, "line_items[0][price_data][recurring][interval]") != "year" ||
			formValue(last, "line_items[0][price_data][currency]") != "eur" || formValue(last, "line_items[0][price_data][unit_amount]") != "12000" {
			t.Errorf("trial checkout request = %v", last.Form)
		}
	})
}

// TestStripeCancelResumeRefund: cancel, resume and refund reach Stripe
// with Masthead's idempotency keys, and a request retried after a dropped
// connection carries the same key, so Stripe acts once.
func TestStripeCancelResumeRefund(t *testing.T) {
	url := stripeMockURL(t)
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setupStripe(t, st, url)
		r, id := f.incomplete(t, "reader@example.com", "cs_api")
		f.activate(t, id, "api", t0)
		subPath := "/v1/subscriptions/sub_api"

		sameKey := func(what string, reqs []recorded, want string) {
			t.Helper()
			if len(reqs) != 2 {
				t.Fatalf("%s: %d attempts, want the dropped one and its retry", what, len(reqs))
			}
			if reqs[0].Key == "" || reqs[0].Key != reqs[1].Key || (want != "" && reqs[0].Key != want) {
				t.Fatalf("%s: idempotency keys %q and %q, want %q twice", what, reqs[0].Key, reqs[1].Key, want)
			}
		}

		f.rec.dropOnce["POST "+subPath] = true
		if err := f.svc.Cancel(ctx, id, billing.Reader(r.ID)); err != nil {
			t.Fatal(err)
		}
		cancels := f.rec.requests("POST", subPath)
		sameKey("cancel", cancels, "")
		if formValue(cancels[1], "cancel_at_period_end") != "true" {
			t.Fatalf("cancel sent %v", cancels[1].Form)
		}
		if sub, _ := st.Subscription(ctx, id); !sub.CancelAtPeriodEnd || !sub.GrantsAccess(t0) {
			t.Fatalf("after cancel: %s", fmtSub(sub))
		}

		if err := f.svc.Resume(ctx, id, billing.Reader(r.ID)); err != nil {
			t.Fatal(err)
		}
		updates := f.rec.requests("POST", subPath)
		resume := updates[len(updates)-1]
		if formValue(resume, "cancel_at_period_end") != "false" || resume.Key == "" || resume.Key == cancels[0].Key {
			t.Fatalf("resume sent %v with key %q (cancel's was %q)", resume.Form, resume.Key, cancels[0].Key)
		}

		pays, _ := st.SubscriptionPayments(ctx, id)
		if len(pays) != 1 {
			t.Fatalf("payments = %+v", pays)
		}
		f.rec.dropOnce["POST /v1/refunds"] = true
		if err := f.svc.Refund(ctx, id, billing.Reader(r.ID)); err != nil {
			t.Fatal(err)
		}
		refunds := f.rec.requests("POST", "/v1/refunds")
		sameKey("refund", refunds, fmt.Sprintf("masthead-refund-payment-%d", pays[0].ID))
		if formValue(refunds[1], "payment_intent") != "pi_api" || formValue(refunds[1], "amount") != "900" {
			t.Fatalf("refund sent %v", refunds[1].Form)
		}
		ended := f.rec.requests("DELETE", subPath)
		if len(ended) != 1 || ended[0].Key != fmt.Sprintf("masthead-refund-cancel-%d", id) {
			t.Fatalf("after the refund the Stripe subscription was ended by %+v", ended)
		}
		pays, _ = st.SubscriptionPayments(ctx, id)
		sub, _ := st.Subscription(ctx, id)
		if pays[0].Status != store.PaymentRefunded || !strings.HasPrefix(pays[0].ProviderRefundID, "re_") ||
			sub.Status != magazine.SubRefunded || sub.GrantsAccess(t0) {
			t.Fatalf("after refund: %+v, %s", pays[0], fmtSub(sub))
		}

		if err := f.svc.Refund(ctx, id, billing.Reader(r.ID)); err == nil {
			t.Fatal("a second refund was accepted")
		}
		if n := len(f.rec.requests("POST", "/v1/refunds")); n != 2 {
			t.Fatalf("the second refund reached Stripe (%d requests)", n)
		}
	})
}

// TestStripeInvoiceWithoutPayments: webhook payloads of current API
// versions do not say which payment paid an invoice, so the provider asks
// Stripe's invoice payments. When Stripe knows none, a refund fails
// before anything is recorded, and the reader can ask again.
func TestStripeInvoiceWithoutPayments(t *testing.T) {
	url := stripeMockURL(t)
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setupStripe(t, st, url)
		r, id := f.incomplete(t, "reader@example.com", "cs_np")
		f.send(t, stripeEvent{"evt_co_np", "checkout.session.completed", t0, checkoutObject("cs_np", "sub_np", "cus_np", id)})
		f.send(t, stripeEvent{"evt_in_np", "invoice.paid", t0,
			invoiceObject("in_np", "sub_np", "cus_np", id, 900, t0.AddDate(0, 1, 0), true, "")})
		looked := f.rec.requests("GET", "/v1/invoice_payments")
		if len(looked) != 1 || !strings.Contains(looked[0].Query, "invoice=in_np") {
			t.Fatalf("invoice payments asked for: %+v", looked)
		}
		pays, _ := st.SubscriptionPayments(ctx, id)
		if len(pays) != 1 || pays[0].Amount != 900 {
			t.Fatalf("payments = %+v", pays)
		}
		// stripe-mock's invoice payment names no payment intent.
		err := f.svc.Refund(ctx, id, billing.Reader(r.ID))
		if err == nil || magazine.ErrorCode(err) != magazine.EINTERNAL {
			t.Fatalf("refund without a known payment: %v", err)
		}
		pays, _ = st.SubscriptionPayments(ctx, id)
		sub, _ := st.Subscription(ctx, id)
		if pays[0].Status != store.PaymentPaid || sub.Status != magazine.SubActive {
			t.Fatalf("a failed refund changed %+v, %s", pays[0], fmtSub(sub))
		}
	})
}

// TestStripeWebhookRetryable: when Stripe cannot be asked (the API is
// down), the delivery is answered 500 without the cause, nothing is
// recorded, and Stripe's retry applies it.
func TestStripeWebhookRetryable(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setupStripe(t, st, "") // the API is a closed port
		_, id := f.incomplete(t, "reader@example.com", "cs_down")
		e := stripeEvent{"evt_in_down", "invoice.paid", t0, invoiceObject("in_down", "sub_down", "cus_down", id, 900, t0.AddDate(0, 1, 0), true, "")}
		body := e.body()
		code, msg := deliver(f.svc.WebhookHandler(), body, sign(body, whSecret, time.Now()))
		if code != http.StatusInternalServerError || strings.TrimSpace(msg) != "Internal error." {
			t.Fatalf("API down: %d %q", code, msg)
		}
		if seen, _ := st.WebhookEventSeen(ctx, "stripe", e.ID); seen {
			t.Fatal("a failed delivery was recorded as applied")
		}
		if pays, _ := st.SubscriptionPayments(ctx, id); len(pays) != 0 {
			t.Fatalf("a failed delivery recorded %+v", pays)
		}
	})
}

// TestStripeChangePlan moves a subscription to a yearly price at Stripe:
// the item gets the new inline price with no proration, under an
// idempotency key, and the local subscription follows.
func TestStripeChangePlan(t *testing.T) {
	url := stripeMockURL(t)
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setupStripe(t, st, url)
		r, id := f.incomplete(t, "changer@example.com", "cs_change")
		f.activate(t, id, "change", t0)
		if err := f.svc.ChangePlan(ctx, id, f.plan.ID, "year", billing.Reader(r.ID)); err != nil {
			t.Fatal(err)
		}
		updates := f.rec.requests("POST", "/v1/subscriptions/sub_change")
		if len(updates) != 1 || updates[0].Key == "" {
			t.Fatalf("plan change sent %d updates", len(updates))
		}
		u := updates[0]
		if formValue(u, "proration_behavior") != "none" || formValue(u, "items[0][price_data][unit_amount]") != strconv.FormatInt(f.plan.YearlyPrice, 10) ||
			formValue(u, "items[0][price_data][recurring][interval]") != "year" {
			t.Fatalf("plan change sent %v", u.Form)
		}
		sub, _ := st.Subscription(ctx, id)
		if sub.Interval != "year" || sub.Amount != f.plan.YearlyPrice {
			t.Errorf("after the change: %s", fmtSub(sub))
		}
		// The same plan again is refused before Stripe hears of it.
		if err := f.svc.ChangePlan(ctx, id, f.plan.ID, "year", billing.Reader(r.ID)); magazine.ErrorCode(err) != magazine.EINVALID {
			t.Errorf("changing to the current plan: %v", err)
		}
		if n := len(f.rec.requests("POST", "/v1/subscriptions/sub_change")); n != 1 {
			t.Errorf("%d updates after a refused change", n)
		}
	})
}
