package billing_test

import (
	"context"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// setupStripeOnStoreClock is setupStripe with the provider checking
// webhook times against the store's clock (t0 and on), as serve does.
func setupStripeOnStoreClock(t *testing.T, st *store.Store) *stripeFixture {
	t.Helper()
	f := setupStripe(t, st, "")
	p, err := billing.NewStripe(billing.StripeConfig{SecretKey: "sk_test_masthead", WebhookSecret: whSecret, APIURL: "http://127.0.0.1:1",
		Now: func() time.Time { return st.Now() }})
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	f.svc, f.stripe = billing.New(st, p, tmpl, billing.Options{Publication: "The Review", BaseURL: "http://x"}), p
	return f
}

// TestStripeWebhookFutureDated: a correctly signed event whose signature
// or creation time is more than a few minutes ahead of the clock is
// answered 400 and changes nothing; a few minutes of skew is accepted.
func TestStripeWebhookFutureDated(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setupStripeOnStoreClock(t, st)
		_, subID := f.incomplete(t, "a@example.com", "cs_f")
		h := f.svc.WebhookHandler()
		before, err := st.Subscription(ctx, subID)
		if err != nil {
			t.Fatal(err)
		}
		day := 24 * time.Hour
		tomorrow := stripeEvent{"evt_checkout_f", "checkout.session.completed", t0.Add(day), checkoutObject("cs_f", "sub_f", "cus_f", subID)}
		now := stripeEvent{"evt_checkout_f", "checkout.session.completed", t0, checkoutObject("cs_f", "sub_f", "cus_f", subID)}
		for _, tc := range []struct {
			name     string
			ev       stripeEvent
			signedAt time.Time
		}{
			{"signed and created a day ahead", tomorrow, t0.Add(day)},
			{"signed a day ahead", now, t0.Add(day)},
			{"signed ten minutes ahead", now, t0.Add(10 * time.Minute)},
			{"created a day ahead, signed now", tomorrow, t0},
			{"signed 301 s ago by this clock", now, t0.Add(-301 * time.Second)},
		} {
			body := tc.ev.body()
			code, msg := deliver(h, body, sign(body, whSecret, tc.signedAt))
			if code != http.StatusBadRequest {
				t.Errorf("%s: answered %d %q, want 400", tc.name, code, msg)
			}
			after, _ := st.Subscription(ctx, subID)
			if !reflect.DeepEqual(before, after) {
				t.Errorf("%s changed the subscription:\n%+v\n%+v", tc.name, before, after)
			}
			if seen, err := st.WebhookEventSeen(ctx, "stripe", "evt_checkout_f"); seen || err != nil {
				t.Fatalf("%s recorded the event: %v %v", tc.name, seen, err)
			}
		}
		// Clocks a little apart: three minutes ahead is still Stripe.
		body := now.body()
		if code, msg := deliver(h, body, sign(body, whSecret, t0.Add(3*time.Minute))); code != http.StatusOK {
			t.Fatalf("signed 3 minutes ahead: %d %s", code, msg)
		}
		if sub, _ := st.Subscription(ctx, subID); sub.Status != magazine.SubActive {
			t.Fatalf("after the valid delivery: %s", fmtSub(sub))
		}
	})
}

// TestStripeWebhookFutureDatedRealClock is the probe of issue 9 as it was
// run: on the wall clock, an event signed and created a day from now.
func TestStripeWebhookFutureDatedRealClock(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setupStripe(t, st, "")
		_, subID := f.incomplete(t, "a@example.com", "cs_r")
		tomorrow := time.Now().Add(24 * time.Hour)
		body := stripeEvent{"evt_checkout_r", "checkout.session.completed", tomorrow, checkoutObject("cs_r", "sub_r", "cus_r", subID)}.body()
		if code, msg := deliver(f.svc.WebhookHandler(), body, sign(body, whSecret, tomorrow)); code != http.StatusBadRequest {
			t.Fatalf("answered %d %q, want 400", code, msg)
		}
		if sub, _ := st.Subscription(ctx, subID); sub.Status != magazine.SubIncomplete {
			t.Fatalf("the future-dated event was applied: %s", fmtSub(sub))
		}
	})
}
