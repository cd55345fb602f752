package billing_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/storetest"
)

// refusingAPI answers every Stripe API call at once with a 404, so that a
// fuzzed invoice.paid that needs a lookup fails fast instead of retrying.
type refusingAPI struct{}

func (refusingAPI) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusNotFound, Header: http.Header{"Content-Type": {"application/json"}},
		Body:    io.NopCloser(strings.NewReader(`{"error":{"type":"invalid_request_error","message":"not here"}}`)),
		Request: req}, nil
}

// FuzzStripeWebhook feeds the webhook parser hostile bodies and signature
// headers. It never panics; a delivery whose header is not a valid
// signature of the body under the endpoint's secret is refused and
// applies nothing; the same body correctly signed is parsed or refused
// with a coded error, never applied half-way.
func FuzzStripeWebhook(f *testing.F) {
	st := storetest.SQLite(f)
	st.Now = func() time.Time { return t0 }
	p, err := billing.NewStripe(billing.StripeConfig{SecretKey: "sk_test_masthead", WebhookSecret: whSecret,
		APIURL: "http://127.0.0.1:1", HTTPClient: &http.Client{Transport: refusingAPI{}}, Now: func() time.Time { return t0 }})
	if err != nil {
		f.Fatal(err)
	}
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		f.Fatal(err)
	}
	svc := billing.New(st, p, tmpl, billing.Options{Publication: "The Review", BaseURL: "http://x"})
	pe := t0.AddDate(0, 1, 0)
	for _, e := range []stripeEvent{
		{"evt_1", "checkout.session.completed", t0, checkoutObject("cs_1", "sub_1", "cus_1", 1)},
		{"evt_2", "customer.subscription.updated", t0, subscriptionObject("sub_1", "cus_1", 1, "past_due", pe, false)},
		{"evt_3", "invoice.paid", t0, invoiceObject("in_1", "sub_1", "cus_1", 1, 900, pe, true, "pi_1")},
		{"evt_4", "invoice.payment_failed", t0, invoiceObject("in_1", "sub_1", "cus_1", 1, 900, pe, false, "")},
		{"evt_5", "charge.refunded", t0, chargeObject("ch_1", "pi_1", "cus_1", 900, true)},
	} {
		body := e.body()
		f.Add(body, sign(body, whSecret, t0).Get("Stripe-Signature"))
		f.Add(body, "t=1,v1=00")
	}
	f.Add([]byte(`{"id":"evt_x","object":"event","data":{"object":null}}`), "")
	f.Add([]byte(`not json`), "t=abc,v1=zz,v1=,t=")
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte, sig string) {
		header := http.Header{"Stripe-Signature": {sig}}
		_, err := p.ParseWebhook(body, header)
		genuine := webhook.ValidatePayloadIgnoringTolerance(body, sig, whSecret) == nil
		if err == nil && !genuine {
			t.Fatalf("a header that does not sign the body was accepted: %q", sig)
		}
		if !genuine {
			if err := svc.HandleWebhook(ctx, body, header); err == nil {
				t.Fatalf("an unsigned delivery was handled: %q", sig)
			}
			if other := sign(body, "whsec_someone_else", t0); svc.HandleWebhook(ctx, body, other) == nil {
				t.Fatal("a delivery signed with another secret was handled")
			}
		}
		// Signed as Stripe would: parsed or refused, never a panic.
		p.ParseWebhook(body, sign(body, whSecret, t0))
	})
}
