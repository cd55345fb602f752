package billing_test

import (
	"bytes"
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestStripeWebhookVerification: a signed delivery is applied; a forged,
// stale or malformed one is answered 400 and changes nothing, neither the
// subscription nor the record of applied events.
func TestStripeWebhookVerification(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setupStripe(t, st, "")
		r, subID := f.incomplete(t, "a@example.com", "cs_v")
		h := f.svc.WebhookHandler()
		valid := stripeEvent{"evt_checkout_v", "checkout.session.completed", t0, checkoutObject("cs_v", "sub_v", "cus_v", subID)}
		body := valid.body()
		before, err := st.Subscription(ctx, subID)
		if err != nil {
			t.Fatal(err)
		}
		tampered := bytes.Replace(body, []byte(`"paid"`), []byte(`"PAID"`), 1)
		// Before the release trains: its objects have another shape.
		oldVersion := bytes.Replace(body, []byte(stripe.APIVersion), []byte("2024-06-20"), 1)
		for _, tc := range []struct {
			name   string
			body   []byte
			header http.Header
			code   int
		}{
			{"body changed after signing", tampered, sign(body, whSecret, time.Now()), 400},
			{"signed with another secret", body, sign(body, "whsec_someone_else", time.Now()), 400},
			{"signature older than 300 s", body, sign(body, whSecret, time.Now().Add(-301*time.Second)), 400},
			{"no signature", body, http.Header{}, 400},
			{"garbage signature header", body, http.Header{"Stripe-Signature": {"t=abc,v1=zz"}}, 400},
			{"malformed JSON, signed", []byte(`{"id": "evt_x", "type":`), sign([]byte(`{"id": "evt_x", "type":`), whSecret, time.Now()), 400},
			{"not an event, signed", []byte(`{"hello": "world"}`), sign([]byte(`{"hello": "world"}`), whSecret, time.Now()), 400},
			{"another API version, signed", oldVersion, sign(oldVersion, whSecret, time.Now()), 400},
			{"over 1 MiB", bytes.Repeat([]byte(" "), 1<<20+1), sign(body, whSecret, time.Now()), 413},
		} {
			code, msg := deliver(h, tc.body, tc.header)
			if code != tc.code {
				t.Errorf("%s: answered %d %q, want %d", tc.name, code, msg, tc.code)
			}
			if strings.Contains(msg, "webhook had") || strings.Contains(msg, "Failed to parse") {
				t.Errorf("%s: internal error text reached the sender: %q", tc.name, msg)
			}
			after, _ := st.Subscription(ctx, subID)
			if !reflect.DeepEqual(before, after) {
				t.Errorf("%s changed the subscription:\n%+v\n%+v", tc.name, before, after)
			}
			if seen, err := st.WebhookEventSeen(ctx, "stripe", "evt_checkout_v"); seen || err != nil {
				t.Fatalf("%s recorded the event: %v %v", tc.name, seen, err)
			}
		}

		code, msg := deliver(h, body, sign(body, whSecret, time.Now().Add(-290*time.Second)))
		if code != http.StatusOK {
			t.Fatalf("valid delivery, 290 s old: %d %s", code, msg)
		}
		sub, _ := st.Subscription(ctx, subID)
		if sub.Status != magazine.SubActive || sub.ProviderSubscriptionID != "sub_v" || sub.ProviderCustomerID != "cus_v" {
			t.Fatalf("after checkout.session.completed: %+v", sub)
		}
		if ents, _ := st.ReaderEntitlements(ctx, r.ID, t0); !ents[magazine.EntSubscriberContent] {
			t.Fatalf("the paying reader has %v", ents)
		}
		if seen, _ := st.WebhookEventSeen(ctx, "stripe", "evt_checkout_v"); !seen {
			t.Fatal("the applied event is not recorded")
		}
	})
}

// TestStripeWebhookDuplicate: Stripe delivers at least once; the same
// event twice pays once and writes one line of history.
func TestStripeWebhookDuplicate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setupStripe(t, st, "")
		_, subID := f.incomplete(t, "a@example.com", "cs_d")
		pe := t0.AddDate(0, 1, 0)
		paid := stripeEvent{"evt_paid_d", "invoice.paid", t0, invoiceObject("in_d", "sub_d", "cus_d", subID, 900, pe, true, "pi_d")}
		for range 3 {
			f.send(t, paid)
		}
		pays, err := st.SubscriptionPayments(ctx, subID)
		if err != nil || len(pays) != 1 {
			t.Fatalf("payments after 3 deliveries = %+v, %v", pays, err)
		}
		p := pays[0]
		if p.Amount != 900 || p.Currency != "USD" || p.ProviderPaymentID != "in_d" || p.ProviderChargeID != "pi_d" ||
			p.ReceiptURL != "https://invoice.stripe.com/i/in_d" || !p.PaidAt.Equal(t0) {
			t.Fatalf("payment = %+v", p)
		}
		sub, _ := st.Subscription(ctx, subID)
		if sub.Status != magazine.SubActive || !sub.CurrentPeriodEnd.Equal(pe) || !sub.FirstPaymentAt.Equal(t0) {
			t.Fatalf("subscription = %s", fmtSub(sub))
		}
		evs, _ := st.SubscriptionEvents(ctx, subID)
		n := 0
		for _, e := range evs {
			if e.Kind == "payment" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d payment entries in the history: %+v", n, evs)
		}

		// Events Masthead does not use are acknowledged and ignored.
		f.send(t, stripeEvent{"evt_other", "customer.created", t0, map[string]any{"id": "cus_d", "object": "customer"}})
		// A partial refund leaves the subscription alone.
		f.send(t, stripeEvent{"evt_partial", "charge.refunded", t0.Add(time.Hour), chargeObject("ch_d", "pi_d", "cus_d", 900, false)})
		if sub, _ := st.Subscription(ctx, subID); sub.Status != magazine.SubActive {
			t.Fatalf("after a partial refund: %s", fmtSub(sub))
		}
	})
}
