package billing_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
	"github.com/masthead-press/masthead/internal/webhook"
)

// TestSubscriptionWebhooks: every way a subscription starts, changes and
// ends emits its event once the change has committed, with the
// subscription as it is after it.
func TestSubscriptionWebhooks(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st)
		f.svc = billing.New(st, f.tm, nil, billing.Options{Publication: "The Review", BaseURL: "http://x", Webhooks: &webhook.Emitter{Store: st}})
		ep := magazine.WebhookEndpoint{URL: "https://93.184.215.14/hooks", Secret: webhook.NewSecret(), Events: []string{
			magazine.EventSubscriptionCreated, magazine.EventSubscriptionUpdated, magazine.EventSubscriptionCanceled, magazine.EventSubscriptionRefunded}}
		if err := st.CreateWebhookEndpoint(ctx, store.CommandLine(), &ep); err != nil {
			t.Fatal(err)
		}
		seen := 0
		next := func(what string, want ...string) []webhook.SubscriptionData {
			t.Helper()
			list, err := st.WebhookDeliveries(ctx, ep.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			slices.Reverse(list)
			var got []string
			var data []webhook.SubscriptionData
			for _, d := range list[seen:] {
				got = append(got, d.Event)
				var m struct{ Data webhook.SubscriptionData }
				if err := json.Unmarshal(d.Payload, &m); err != nil {
					t.Fatal(err)
				}
				data = append(data, m.Data)
			}
			seen = len(list)
			if !slices.Equal(got, want) {
				t.Errorf("%s emitted %v, want %v", what, got, want)
			}
			return data
		}
		staff := billing.Staff("circulation@example.com")

		_, subID := f.subscribe(t, "a@example.com")
		// The checkout completes, then its first payment is recorded (a
		// provider reports the two apart, and so does TEST MODE).
		if d := next("a paid checkout", magazine.EventSubscriptionCreated, magazine.EventSubscriptionUpdated); len(d) == 2 && (d[0].ID != subID || d[0].Status != "active") {
			t.Errorf("subscription.created data: %+v", d[0])
		}
		if err := f.svc.Cancel(ctx, subID, staff); err != nil {
			t.Fatal(err)
		}
		if d := next("cancel at period end", magazine.EventSubscriptionUpdated); len(d) == 1 && !d[0].CancelAtPeriodEnd {
			t.Errorf("subscription.updated data: %+v", d[0])
		}
		if err := f.svc.Resume(ctx, subID, staff); err != nil {
			t.Fatal(err)
		}
		next("resume", magazine.EventSubscriptionUpdated)
		if err := f.svc.Refund(ctx, subID, staff); err != nil {
			t.Fatal(err)
		}
		if d := next("refund", magazine.EventSubscriptionRefunded); len(d) == 1 && (d[0].Status != "refunded" || d[0].EndedAt == nil) {
			t.Errorf("subscription.refunded data: %+v", d[0])
		}

		_, sub2 := f.subscribe(t, "b@example.com")
		next("a second checkout", magazine.EventSubscriptionCreated, magazine.EventSubscriptionUpdated)
		if err := f.svc.CancelNow(ctx, sub2, staff); err != nil {
			t.Fatal(err)
		}
		next("cancel now", magazine.EventSubscriptionCanceled)
		if err := f.svc.CancelNow(ctx, sub2, staff); err == nil {
			next("canceling an ended subscription")
		}

		r, err := st.CreateReader(ctx, "c@example.com", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Comp(ctx, r.ID, f.plan.ID, t0.AddDate(0, 1, 0), staff); err != nil {
			t.Fatal(err)
		}
		if d := next("a comp", magazine.EventSubscriptionCreated); len(d) == 1 && !d[0].Comp {
			t.Errorf("comp data: %+v", d[0])
		}
		// A checkout started and never paid sends nothing.
		if _, err := f.svc.StartCheckout(ctx, r.ID, f.plan.ID, "month", nil); err != nil {
			t.Fatal(err)
		}
		next("an unpaid checkout")
	})
}
