package billing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/store"
)

const whSecret = "whsec_masthead_test_secret"

// stripeMockURL returns the stripe-mock the API tests talk to. Without one
// the test is skipped, except under CI (CI=true), where it is a failure.
func stripeMockURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("MASTHEAD_TEST_STRIPE_URL")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but MASTHEAD_TEST_STRIPE_URL is not set: the Stripe tests must run against stripe-mock (use .ci/run)")
		}
		t.Skip("MASTHEAD_TEST_STRIPE_URL is not set; .ci/run starts stripe-mock and sets it")
	}
	return u
}

// recorder is an http.RoundTripper that keeps every request it passes on,
// and can fail the first attempt at a path as a dropped connection would,
// so that stripe-go retries it.
type recorder struct {
	next http.RoundTripper

	mu       sync.Mutex
	reqs     []recorded
	dropOnce map[string]bool // "METHOD /path" -> fail the next attempt
}

type recorded struct {
	Method, Path, Query, Key string
	Form                     map[string][]string
}

func newRecorder() *recorder {
	return &recorder{next: http.DefaultTransport, dropOnce: map[string]bool{}}
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	rec := recorded{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Key: req.Header.Get("Idempotency-Key")}
	if f, err := parseForm(body); err == nil {
		rec.Form = f
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	drop := r.dropOnce[req.Method+" "+req.URL.Path]
	delete(r.dropOnce, req.Method+" "+req.URL.Path)
	r.mu.Unlock()
	if drop {
		return nil, errors.New("connection reset by the test")
	}
	return r.next.RoundTrip(req)
}

func parseForm(body []byte) (map[string][]string, error) {
	req, _ := http.NewRequest("POST", "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := req.ParseForm(); err != nil {
		return nil, err
	}
	return req.PostForm, nil
}

func (r *recorder) requests(method, path string) []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []recorded
	for _, q := range r.reqs {
		if q.Method == method && q.Path == path {
			out = append(out, q)
		}
	}
	return out
}

// stripeFixture is the billing fixture with a Service on the Stripe
// provider. apiURL "" points the API at a closed port: tests that only
// receive webhooks prove they need no API call.
type stripeFixture struct {
	*fixture
	stripe *billing.Stripe
	rec    *recorder
}

func setupStripe(t *testing.T, st *store.Store, apiURL string) *stripeFixture {
	t.Helper()
	f := setup(t, st)
	if apiURL == "" {
		apiURL = "http://127.0.0.1:1"
	}
	rec := newRecorder()
	p, err := billing.NewStripe(billing.StripeConfig{SecretKey: "sk_test_masthead", WebhookSecret: whSecret, APIURL: apiURL,
		HTTPClient: &http.Client{Transport: rec, Timeout: 30 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	f.svc = billing.New(st, p, tmpl, billing.Options{Publication: "The Review", BaseURL: "http://x"})
	return &stripeFixture{fixture: f, stripe: p, rec: rec}
}

// incomplete records a reader and an incomplete Stripe subscription, as
// StartCheckout does before it calls Stripe, with checkout session cs.
func (f *stripeFixture) incomplete(t *testing.T, email, cs string) (store.Reader, int64) {
	t.Helper()
	ctx := context.Background()
	r, err := f.st.CreateReader(ctx, email, "")
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	err = f.st.Billing(ctx, func(btx *store.BillingTx) error {
		sub := store.Subscription{Currency: "USD", Amount: f.plan.MonthlyPrice, Provider: "stripe", CheckoutID: cs}
		sub.ReaderID, sub.PlanID, sub.Status, sub.Interval = r.ID, f.plan.ID, magazine.SubIncomplete, "month"
		id, err = btx.InsertSubscription(sub, store.SubEvent{Kind: "checkout_started", Actor: "reader"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r, id
}

// A stripeEvent is a webhook delivery as Stripe sends it, before signing.
type stripeEvent struct {
	ID      string
	Type    string
	Created time.Time
	Object  map[string]any
}

func (e stripeEvent) body() []byte {
	b, err := json.Marshal(map[string]any{"id": e.ID, "object": "event", "api_version": stripe.APIVersion,
		"created": e.Created.Unix(), "type": e.Type, "livemode": false, "pending_webhooks": 1,
		"data": map[string]any{"object": e.Object}})
	if err != nil {
		panic(err)
	}
	return b
}

// sign signs body as Stripe would at time at with secret.
func sign(body []byte, secret string, at time.Time) http.Header {
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: at})
	return http.Header{"Stripe-Signature": {sp.Header}, "Content-Type": {"application/json"}}
}

// deliver posts a signed body to the webhook handler and returns the
// status code and the answer.
func deliver(h http.Handler, body []byte, header http.Header) (int, string) {
	req := httptest.NewRequest("POST", "/billing/webhooks/stripe", bytes.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Code, w.Body.String()
}

func (f *stripeFixture) send(t *testing.T, e stripeEvent) {
	t.Helper()
	body := e.body()
	if code, msg := deliver(f.svc.WebhookHandler(), body, sign(body, whSecret, time.Now())); code != http.StatusOK {
		t.Fatalf("%s %s: %d %s", e.Type, e.ID, code, msg)
	}
}

func meta(localID int64) map[string]any {
	return map[string]any{"masthead_subscription_id": strconv.FormatInt(localID, 10)}
}

func checkoutObject(cs, sub, cus string, localID int64) map[string]any {
	return map[string]any{"id": cs, "object": "checkout.session", "mode": "subscription", "status": "complete",
		"payment_status": "paid", "customer": cus, "subscription": sub,
		"client_reference_id": strconv.FormatInt(localID, 10), "metadata": meta(localID)}
}

func subscriptionObject(sub, cus string, localID int64, status string, periodEnd time.Time, cancelAtEnd bool) map[string]any {
	return map[string]any{"id": sub, "object": "subscription", "status": status, "customer": cus,
		"cancel_at_period_end": cancelAtEnd, "metadata": meta(localID),
		"items": map[string]any{"object": "list", "data": []any{map[string]any{"id": "si_" + sub, "object": "subscription_item",
			"current_period_start": periodEnd.AddDate(0, -1, 0).Unix(), "current_period_end": periodEnd.Unix()}}}}
}

// invoiceObject is an invoice of subscription sub. pi "" leaves out the
// payments list, as Stripe's webhook payloads do.
func invoiceObject(in, sub, cus string, localID int64, amount int64, periodEnd time.Time, paid bool, pi string) map[string]any {
	o := map[string]any{"id": in, "object": "invoice", "customer": cus, "currency": "usd", "amount_due": amount,
		"attempt_count": 1, "status": "open", "amount_paid": 0,
		"hosted_invoice_url": "https://invoice.stripe.com/i/" + in,
		"parent": map[string]any{"type": "subscription_details",
			"subscription_details": map[string]any{"subscription": sub, "metadata": meta(localID)}},
		"lines": map[string]any{"object": "list", "data": []any{map[string]any{"id": "il_" + in, "object": "line_item",
			"amount": amount, "currency": "usd",
			"period": map[string]any{"start": periodEnd.AddDate(0, -1, 0).Unix(), "end": periodEnd.Unix()},
			"parent": map[string]any{"type": "subscription_item_details",
				"subscription_item_details": map[string]any{"subscription": sub, "subscription_item": "si_" + sub}}}}},
	}
	if paid {
		o["status"], o["amount_paid"] = "paid", amount
		if pi != "" {
			o["payments"] = map[string]any{"object": "list", "data": []any{map[string]any{"id": "inpay_" + in,
				"object": "invoice_payment", "status": "paid", "amount_paid": amount, "currency": "usd",
				"payment": map[string]any{"type": "payment_intent", "payment_intent": pi}}}}
		}
	}
	return o
}

func chargeObject(ch, pi, cus string, amount int64, refunded bool) map[string]any {
	refundedAmount := amount
	if !refunded {
		refundedAmount = amount / 2
	}
	return map[string]any{"id": ch, "object": "charge", "amount": amount, "amount_refunded": refundedAmount,
		"refunded": refunded, "currency": "usd", "payment_intent": pi, "customer": cus, "paid": true, "status": "succeeded"}
}

// activate takes an incomplete subscription through a paid checkout, as
// Stripe reports it: the session, the subscription and its first invoice.
func (f *stripeFixture) activate(t *testing.T, localID int64, run string, at time.Time) {
	t.Helper()
	cs, sub, cus := "cs_"+run, "sub_"+run, "cus_"+run
	pe := at.AddDate(0, 1, 0)
	for _, e := range []stripeEvent{
		{"evt_co_" + run, "checkout.session.completed", at, checkoutObject(cs, sub, cus, localID)},
		{"evt_cr_" + run, "customer.subscription.created", at, subscriptionObject(sub, cus, localID, "active", pe, false)},
		{"evt_in_" + run, "invoice.paid", at, invoiceObject("in_"+run, sub, cus, localID, 900, pe, true, "pi_"+run)},
	} {
		f.send(t, e)
	}
}

func fmtSub(s store.Subscription) string {
	return fmt.Sprintf("%s end=%s cancel=%t grace=%s ended=%s first=%s", s.Status, s.CurrentPeriodEnd.Format(time.RFC3339),
		s.CancelAtPeriodEnd, s.GraceUntil.Format(time.RFC3339), s.EndedAt.Format(time.RFC3339), s.FirstPaymentAt.Format(time.RFC3339))
}
