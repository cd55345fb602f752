package billing

import (
	"context"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// billing runs fn in one billing transaction and, once it has committed,
// emits the webhook events of the subscriptions it wrote.
func (s *Service) billing(ctx context.Context, fn func(btx *store.BillingTx) error) error {
	var changes []store.SubChange
	err := s.st.Billing(ctx, func(btx *store.BillingTx) error {
		if err := fn(btx); err != nil {
			return err
		}
		changes = btx.Changes()
		return nil
	})
	if err == nil {
		s.emit(ctx, changes)
	}
	return err
}

func (s *Service) emit(ctx context.Context, changes []store.SubChange) {
	for _, c := range changes {
		if ev := subscriptionEvent(c); ev != "" {
			s.opt.Webhooks.Subscription(ctx, ev, c.Sub.Subscription)
		}
	}
}

// subscriptionEvent names the webhook event of a change: created when a
// subscription starts (a checkout completes, a comp or an imported print
// subscription is made), canceled or refunded when it ends so, updated
// for any other change of a live one (renewal, plan, cancel at period
// end, past due, expired). Checkouts not completed send nothing, nor do
// writes to a subscription that had ended already.
func subscriptionEvent(c store.SubChange) string {
	from, to := c.From, c.Sub.Status
	switch {
	case to == magazine.SubIncomplete:
		return ""
	case from == "" || from == magazine.SubIncomplete:
		if isTerminal(to) {
			return ""
		}
		return magazine.EventSubscriptionCreated
	case isTerminal(from) && from == to:
		return ""
	case to == magazine.SubRefunded:
		return magazine.EventSubscriptionRefunded
	case to == magazine.SubCanceled:
		return magazine.EventSubscriptionCanceled
	}
	return magazine.EventSubscriptionUpdated
}
