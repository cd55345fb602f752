package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// Sweep does what the calendar asks of subscriptions no provider speaks
// for. A complimentary subscription expires at its end date. In TEST MODE,
// where nothing calls back, it plays the provider's part: at the end of a
// period a subscription canceled at period end ends, a past-due one whose
// grace ran out ends, and the others renew with a new (test) payment, so
// the demo's account pages show a life like a real one. Subscriptions with
// a real provider are left alone: its webhooks say when they renew or end.
// Address changes dated ahead become current on their day. It returns
// how many subscriptions it moved.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	now := s.st.Now()
	// Imported print subscriptions end like comps: nobody bills them.
	providers := []string{"comp", "import"}
	if _, ok := s.p.(*TestMode); ok {
		providers = append(providers, s.p.Name())
	}
	due, err := s.st.DueSubscriptions(ctx, providers, now, 500)
	if err != nil {
		return 0, err
	}
	moved, err := s.applyDueAddresses(ctx, now)
	if err != nil {
		return moved, err
	}
	for _, sub := range due {
		var err error
		switch {
		case sub.Provider == "comp":
			err = s.endAt(ctx, sub.ID, magazine.SubExpired, "expired", "The complimentary period is over.")
		case sub.Provider == "import":
			err = s.endAt(ctx, sub.ID, magazine.SubExpired, "expired", "The period paid at the previous fulfilment house is over.")
		case sub.CancelAtPeriodEnd:
			err = s.endAt(ctx, sub.ID, magazine.SubCanceled, "ended", "Canceled; the paid period is over.")
		case sub.Status == magazine.SubPastDue:
			if !sub.GraceUntil.IsZero() && sub.GraceUntil.After(now) {
				continue
			}
			err = s.endAt(ctx, sub.ID, magazine.SubCanceled, "ended", "No payment arrived during the grace period.")
		default:
			err = s.renewTest(ctx, sub)
		}
		if err != nil {
			return moved, fmt.Errorf("sweep subscription %d: %w", sub.ID, err)
		}
		moved++
	}
	return moved, nil
}

// endAt ends a subscription as of the end of its period.
func (s *Service) endAt(ctx context.Context, subID int64, st magazine.SubStatus, kind, detail string) error {
	return s.billing(ctx, func(btx *store.BillingTx) error {
		sub, err := btx.Subscription(subID)
		if err != nil || isTerminal(sub.Status) {
			return err
		}
		from := sub.Status
		end(&sub, st, sub.CurrentPeriodEnd)
		return btx.SaveSubscription(sub, from, store.SubEvent{Kind: kind, Actor: "system", Detail: detail})
	})
}

// renewTest charges the next period in TEST MODE, as an event the state
// machine applies once: its id is made from the period, so two sweeps at
// once renew once.
func (s *Service) renewTest(ctx context.Context, sub store.Subscription) error {
	start := sub.CurrentPeriodEnd
	next := start.AddDate(0, 1, 0)
	if sub.Interval == "year" {
		next = start.AddDate(1, 0, 0)
	}
	pay := fmt.Sprintf("tm_renew_%d_%d", sub.ID, start.Unix())
	return s.Apply(ctx, Event{ID: "tm_evt_" + pay, Type: EventPaymentSucceeded, ProviderType: "test.renewal", At: start,
		LocalSubscriptionID: sub.ID, SubscriptionID: sub.ProviderSubscriptionID, PeriodEnd: next,
		PaymentID: pay, ChargeID: pay, Amount: sub.Amount, Currency: sub.Currency})
}

// applyDueAddresses makes the address changes dated up to today (in the
// magazine's zone) the current address of their print subscriptions.
func (s *Service) applyDueAddresses(ctx context.Context, now time.Time) (int, error) {
	pub, err := s.st.Publication(ctx)
	if err != nil {
		return 0, err
	}
	return s.st.ApplyDueAddresses(ctx, magazine.DateOf(now, pub.Location()))
}
