package billing

import (
	"fmt"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// The state machine. Providers deliver events late, twice and out of
// order, so every step is written to give the same end state in any
// order:
//   - an event is applied once (Service.Apply);
//   - the status follows an event only when it is not older than the
//     last one applied to the status (ProviderAt);
//   - ended states are final: canceled, refunded and expired are never
//     left again, and refunded outranks the others, so a late "updated"
//     never resurrects a deleted or refunded subscription;
//   - what only grows, grows: the period end is the latest one seen, the
//     first payment the earliest, payments are keyed by the provider's id.

func isTerminal(st magazine.SubStatus) bool {
	return st == magazine.SubCanceled || st == magazine.SubRefunded || st == magazine.SubExpired
}

// end moves sub to an ended status at t.
func end(sub *store.Subscription, st magazine.SubStatus, t time.Time) {
	sub.Status = st
	sub.CancelAtPeriodEnd = false
	sub.GraceUntil = time.Time{}
	if sub.EndedAt.IsZero() || t.Before(sub.EndedAt) {
		sub.EndedAt = t
	}
}

func laterOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func (s *Service) findSubscription(btx *store.BillingTx, ev Event) (store.Subscription, error) {
	if ev.LocalSubscriptionID != 0 {
		sub, err := btx.Subscription(ev.LocalSubscriptionID)
		if err == nil && sub.Provider == s.p.Name() {
			return sub, nil
		} else if err != nil && !magazine.IsNotFound(err) {
			return sub, err
		}
	}
	if ev.SubscriptionID != "" {
		sub, err := btx.SubscriptionByProviderID(s.p.Name(), ev.SubscriptionID)
		if !magazine.IsNotFound(err) {
			return sub, err
		}
	}
	if ev.Type == EventPaymentRefunded {
		p, err := btx.PaymentByCharge(s.p.Name(), ev.ChargeID)
		if magazine.IsNotFound(err) && ev.PaymentID != "" {
			p, err = btx.PaymentByProviderID(s.p.Name(), ev.PaymentID)
		}
		if magazine.IsNotFound(err) {
			// The refund can arrive before the payment it refunds: fail,
			// so that the provider delivers it again later, rather than
			// mark it seen and lose it.
			return store.Subscription{}, fmt.Errorf("refund of charge %q before its payment was recorded; the provider will retry", ev.ChargeID)
		} else if err != nil {
			return store.Subscription{}, err
		}
		return btx.Subscription(p.SubscriptionID)
	}
	return btx.SubscriptionByCheckout(s.p.Name(), ev.CheckoutID)
}

func (s *Service) apply(btx *store.BillingTx, ev Event) error {
	sub, err := s.findSubscription(btx, ev)
	if magazine.IsNotFound(err) {
		// Not one of ours (made outside Masthead, or its checkout was
		// never recorded): recorded as seen and left alone.
		s.opt.Logger.Warn("billing event for an unknown subscription", "event", ev.ID, "type", ev.ProviderType,
			"subscription", ev.SubscriptionID, "checkout", ev.CheckoutID)
		return nil
	} else if err != nil {
		return err
	}
	from := sub.Status
	actor := "provider:" + ev.ID
	if ev.SubscriptionID != "" && sub.ProviderSubscriptionID == "" {
		sub.ProviderSubscriptionID = ev.SubscriptionID
	}
	if ev.CustomerID != "" && sub.ProviderCustomerID == "" {
		sub.ProviderCustomerID = ev.CustomerID
	}
	if ev.CheckoutID != "" && sub.CheckoutID == "" {
		sub.CheckoutID = ev.CheckoutID
	}
	// newer: the event may set the status.
	newer := !isTerminal(sub.Status) && !ev.At.Before(sub.ProviderAt)
	kind, detail := "", ""
	mailName := ""
	var mailExtra map[string]any

	switch ev.Type {
	case EventCheckoutCompleted:
		kind = "checkout_completed"
		if newer && sub.Status == magazine.SubIncomplete {
			plan, err := btx.Plan(sub.PlanID)
			if err != nil {
				return err
			}
			sub.Status = magazine.SubActive
			if plan.TrialDays > 0 {
				sub.Status = magazine.SubTrialing
				sub.CurrentPeriodEnd = laterOf(sub.CurrentPeriodEnd, ev.At.AddDate(0, 0, plan.TrialDays))
			}
			sub.ProviderAt = ev.At
		}

	case EventSubscriptionUpdated:
		kind = "provider_update"
		detail = fmt.Sprintf("provider status %s", ev.Status)
		sub.CurrentPeriodEnd = laterOf(sub.CurrentPeriodEnd, ev.PeriodEnd)
		// Never back to incomplete: a "created" snapshot can share its
		// second with the checkout that activated the subscription.
		if newer && !(ev.Status == magazine.SubIncomplete && sub.Status != magazine.SubIncomplete) {
			switch {
			case isTerminal(ev.Status):
				end(&sub, ev.Status, ev.At)
			case ev.Status == magazine.SubPastDue:
				if sub.Status != magazine.SubPastDue || sub.GraceUntil.IsZero() {
					sub.GraceUntil = ev.At.Add(s.opt.GracePeriod)
				}
				sub.Status = ev.Status
				sub.CancelAtPeriodEnd = ev.CancelAtPeriodEnd
			case ev.Status != "":
				sub.Status = ev.Status
				sub.GraceUntil = time.Time{}
				sub.CancelAtPeriodEnd = ev.CancelAtPeriodEnd
			}
			sub.ProviderAt = ev.At
		}

	case EventSubscriptionDeleted:
		kind = "ended_by_provider"
		if !isTerminal(sub.Status) {
			end(&sub, magazine.SubCanceled, ev.At)
		}
		sub.ProviderAt = laterOf(sub.ProviderAt, ev.At)

	case EventPaymentSucceeded:
		kind = "payment"
		sub.CurrentPeriodEnd = laterOf(sub.CurrentPeriodEnd, ev.PeriodEnd)
		if ev.Amount > 0 {
			_, inserted, err := btx.AddPayment(store.Payment{SubscriptionID: sub.ID, Amount: ev.Amount, Currency: ev.Currency,
				Provider: s.p.Name(), ProviderPaymentID: ev.PaymentID, ProviderChargeID: ev.ChargeID, ReceiptURL: ev.ReceiptURL,
				PaidAt: ev.At})
			if err != nil {
				return err
			}
			// A payment after the first is a renewal: its receipt. The
			// first has subscription_started.
			renewal := inserted && !sub.FirstPaymentAt.IsZero() && ev.At.After(sub.FirstPaymentAt)
			if inserted && (sub.FirstPaymentAt.IsZero() || ev.At.Before(sub.FirstPaymentAt)) {
				sub.FirstPaymentAt = ev.At
			}
			if renewal {
				mailName = "renewal_receipt"
				mailExtra = map[string]any{"Amount": formatMoney(ev.Amount, ev.Currency), "PaidOn": formatDate(ev.At)}
			}
			detail = formatMoney(ev.Amount, ev.Currency) + " paid"
			if newer && sub.Status != magazine.SubActive {
				sub.Status, sub.GraceUntil, sub.ProviderAt = magazine.SubActive, time.Time{}, ev.At
			}
		}

	case EventPaymentFailed:
		kind, detail = "payment_failed", ev.Reason
		if newer && (sub.Status == magazine.SubActive || sub.Status == magazine.SubTrialing) {
			sub.Status, sub.GraceUntil, sub.ProviderAt = magazine.SubPastDue, ev.At.Add(s.opt.GracePeriod), ev.At
			mailName = "payment_failed"
			mailExtra = map[string]any{"GraceUntil": formatDate(sub.GraceUntil)}
		}

	case EventPaymentRefunded:
		kind = "refunded"
		p, err := btx.PaymentByCharge(s.p.Name(), ev.ChargeID)
		if magazine.IsNotFound(err) && ev.PaymentID != "" {
			p, err = btx.PaymentByProviderID(s.p.Name(), ev.PaymentID)
		}
		if err == nil {
			if _, err := btx.MarkRefunded(p.ID, "", ev.At); err != nil {
				return err
			}
			detail = formatMoney(p.Amount, p.Currency) + " refunded at the provider"
		} else if !magazine.IsNotFound(err) {
			return err
		}
		if sub.Status != magazine.SubRefunded {
			end(&sub, magazine.SubRefunded, ev.At)
			mailName = "refund_confirmation"
		}

	default:
		return nil
	}
	if (from == magazine.SubIncomplete) && (sub.Status == magazine.SubActive || sub.Status == magazine.SubTrialing) {
		mailName = "subscription_started"
	}
	if err := btx.SaveSubscription(sub, from, store.SubEvent{Kind: kind, At: ev.At, Actor: actor, Detail: detail}); err != nil {
		return err
	}
	if mailName != "" {
		return s.sendMail(btx, sub, mailName, mailExtra)
	}
	return nil
}
