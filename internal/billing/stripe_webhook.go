package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/masthead-press/masthead/internal/magazine"
)

// lookupTimeout bounds the one API call a webhook may need (see
// invoicePaid); past it the delivery fails and Stripe retries it.
const lookupTimeout = 20 * time.Second

// Webhook timestamps: a signature older than webhookTolerance is a
// replay (stripe-go's default); one, or an event, dated more than
// webhookFutureSkew ahead of the clock is refused too, which stripe-go
// does not check. The skew allows for clocks a little apart.
const (
	webhookTolerance  = webhook.DefaultTolerance
	webhookFutureSkew = 5 * time.Minute
)

// ParseWebhook implements Provider. The raw body is checked against the
// endpoint's signing secret, its signature time must be within 300 s
// before the clock and at most 5 minutes after it, and its API version
// must be on stripe-go's release train: an event shaped for another
// version would be misread, so it is refused like a forgery. Events
// Masthead does not use give no events (acknowledged and ignored).
func (s *Stripe) ParseWebhook(body []byte, header http.Header) ([]Event, error) {
	sig := header.Get("Stripe-Signature")
	// The age is checked here, against the provider's clock, rather than by
	// stripe-go against time.Now: one clock for both bounds.
	se, err := webhook.ConstructEventWithOptions(body, sig, s.webhookSecret, webhook.ConstructEventOptions{IgnoreTolerance: true})
	if err != nil {
		return nil, webhookError(err)
	}
	now := s.now()
	signed, ok := signatureTime(sig)
	switch {
	case !ok:
		return nil, magazine.Errorf(magazine.EINVALID, "The webhook's signature has no time.")
	case now.Sub(signed) > webhookTolerance:
		return nil, webhookError(webhook.ErrTooOld)
	case signed.Sub(now) > webhookFutureSkew:
		return nil, magazine.Errorf(magazine.EINVALID, "The webhook's signature is dated in the future.")
	case time.Unix(se.Created, 0).Sub(now) > webhookFutureSkew:
		return nil, magazine.Errorf(magazine.EINVALID, "The webhook's event is dated in the future.")
	}
	if se.ID == "" || se.Data == nil || len(se.Data.Raw) == 0 {
		return nil, magazine.Errorf(magazine.EINVALID, "The webhook is not a Stripe event.")
	}
	base := Event{ID: se.ID, ProviderType: string(se.Type), At: time.Unix(se.Created, 0).UTC()}
	var evs []Event
	switch se.Type {
	case stripe.EventTypeCheckoutSessionCompleted:
		evs, err = checkoutCompleted(base, se.Data.Raw)
	case stripe.EventTypeCustomerSubscriptionCreated, stripe.EventTypeCustomerSubscriptionUpdated,
		stripe.EventTypeCustomerSubscriptionDeleted:
		evs, err = subscriptionChanged(base, se.Type, se.Data.Raw)
	case stripe.EventTypeInvoicePaid:
		// Stripe also sends invoice.payment_succeeded for the same payment;
		// one of the two is enough, and invoice.paid also covers invoices
		// marked paid by hand.
		evs, err = s.invoicePaid(base, se.Data.Raw)
	case stripe.EventTypeInvoicePaymentFailed:
		evs, err = invoiceFailed(base, se.Data.Raw)
	case stripe.EventTypeChargeRefunded:
		evs, err = chargeRefunded(base, se.Data.Raw)
	}
	return evs, err
}

// signatureTime reads t= of a Stripe-Signature header that stripe-go has
// verified. Like stripe-go, the last t= is the one that was signed.
func signatureTime(header string) (time.Time, bool) {
	var t time.Time
	ok := false
	for _, pair := range strings.Split(header, ",") {
		if v, found := strings.CutPrefix(pair, "t="); found {
			sec, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return time.Time{}, false
			}
			t, ok = time.Unix(sec, 0), true
		}
	}
	return t, ok
}

// webhookError turns stripe-go's verdict on a delivery into the EINVALID
// error the webhook handler answers 400 to; the cause stays for the log.
func webhookError(err error) error {
	msg := "The webhook is not a valid Stripe event."
	switch {
	case errors.Is(err, webhook.ErrNotSigned):
		msg = "The webhook has no Stripe-Signature header."
	case errors.Is(err, webhook.ErrInvalidHeader), errors.Is(err, webhook.ErrNoValidSignature):
		msg = "The webhook's signature does not match the signing secret."
	case errors.Is(err, webhook.ErrTooOld):
		msg = "The webhook's signature is more than 300 seconds old."
	}
	return fmt.Errorf("%w (%v)", magazine.Errorf(magazine.EINVALID, "%s", msg), err)
}

func decodeObject(raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%w (%v)", magazine.Errorf(magazine.EINVALID, "The webhook's object is malformed."), err)
	}
	return nil
}

// localID reads Masthead's subscription id from Stripe metadata; 0 when
// absent or not a number.
func localID(meta map[string]string) int64 {
	id, err := strconv.ParseInt(meta[metaSubscriptionID], 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

func customerID(c *stripe.Customer) string {
	if c == nil {
		return ""
	}
	return c.ID
}

func unixUTC(sec int64) time.Time {
	if sec <= 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

func checkoutCompleted(ev Event, raw json.RawMessage) ([]Event, error) {
	var cs stripe.CheckoutSession
	if err := decodeObject(raw, &cs); err != nil {
		return nil, err
	}
	// Unpaid: an asynchronous payment method still has to clear; the
	// subscription and invoice events that follow tell how it went.
	if cs.Mode != stripe.CheckoutSessionModeSubscription || cs.PaymentStatus == stripe.CheckoutSessionPaymentStatusUnpaid {
		return nil, nil
	}
	ev.Type, ev.CheckoutID, ev.CustomerID = EventCheckoutCompleted, cs.ID, customerID(cs.Customer)
	if ev.LocalSubscriptionID = localID(cs.Metadata); ev.LocalSubscriptionID == 0 {
		ev.LocalSubscriptionID, _ = strconv.ParseInt(cs.ClientReferenceID, 10, 64)
	}
	if cs.Subscription != nil {
		ev.SubscriptionID = cs.Subscription.ID
	}
	return []Event{ev}, nil
}

// subStatus maps Stripe's subscription status onto Masthead's. unpaid
// (Stripe gave up retrying but keeps the subscription) and paused (a trial
// ended without a card) can both come back to active, so neither may end
// the subscription: both are past_due, which keeps access only for the
// grace period.
func subStatus(st stripe.SubscriptionStatus) magazine.SubStatus {
	switch st {
	case stripe.SubscriptionStatusIncomplete:
		return magazine.SubIncomplete
	case stripe.SubscriptionStatusTrialing:
		return magazine.SubTrialing
	case stripe.SubscriptionStatusActive:
		return magazine.SubActive
	case stripe.SubscriptionStatusPastDue, stripe.SubscriptionStatusUnpaid, stripe.SubscriptionStatusPaused:
		return magazine.SubPastDue
	case stripe.SubscriptionStatusCanceled:
		return magazine.SubCanceled
	case stripe.SubscriptionStatusIncompleteExpired:
		return magazine.SubExpired
	}
	return "" // unknown to this version: the status is left as it is
}

func subscriptionChanged(ev Event, typ stripe.EventType, raw json.RawMessage) ([]Event, error) {
	var sub stripe.Subscription
	if err := decodeObject(raw, &sub); err != nil {
		return nil, err
	}
	ev.Type = EventSubscriptionUpdated
	if typ == stripe.EventTypeCustomerSubscriptionDeleted {
		ev.Type = EventSubscriptionDeleted
	}
	ev.SubscriptionID, ev.CustomerID, ev.LocalSubscriptionID = sub.ID, customerID(sub.Customer), localID(sub.Metadata)
	ev.Status = subStatus(sub.Status)
	// Since API version 2025-03-31 the period lives on the items.
	if sub.Items != nil {
		for _, it := range sub.Items.Data {
			if t := unixUTC(it.CurrentPeriodEnd); t.After(ev.PeriodEnd) {
				ev.PeriodEnd = t
			}
		}
	}
	// The dashboard may schedule the end with cancel_at instead of the
	// flag; for the reader it is the same: access until then, resumable.
	ev.CancelAtPeriodEnd = sub.CancelAtPeriodEnd || (sub.CancelAt > 0 && sub.Status != stripe.SubscriptionStatusCanceled)
	return []Event{ev}, nil
}

// invoiceSubscription fills in which subscription an invoice bills, from
// its parent (API version 2025-03-31 and later) or its subscription lines,
// and the end of the period it pays for. ok is false for invoices that
// bill no subscription.
func invoiceSubscription(ev *Event, inv *stripe.Invoice) (ok bool) {
	ev.PaymentID, ev.CustomerID = inv.ID, customerID(inv.Customer)
	ev.Currency = strings.ToUpper(string(inv.Currency))
	if inv.Parent != nil && inv.Parent.SubscriptionDetails != nil {
		d := inv.Parent.SubscriptionDetails
		ev.LocalSubscriptionID = localID(d.Metadata)
		if d.Subscription != nil {
			ev.SubscriptionID = d.Subscription.ID
		}
	}
	if inv.Lines != nil {
		for _, l := range inv.Lines.Data {
			if l.Parent == nil || l.Parent.SubscriptionItemDetails == nil {
				continue
			}
			if ev.SubscriptionID == "" {
				ev.SubscriptionID = l.Parent.SubscriptionItemDetails.Subscription
			}
			// The line's period, not the invoice's: an invoice's
			// period_end is the end of the previous period.
			if l.Period != nil && unixUTC(l.Period.End).After(ev.PeriodEnd) {
				ev.PeriodEnd = unixUTC(l.Period.End)
			}
		}
	}
	return ev.SubscriptionID != "" || ev.LocalSubscriptionID != 0
}

// invoicePaid maps a paid invoice to a payment. What a refund is made
// against is in the invoice's payments when the payload has them; webhook
// payloads of API version 2025-03-31 and later usually do not, and then
// Stripe is asked, so that a refund made in the Stripe dashboard
// (charge.refunded) can be matched to the payment later.
func (s *Stripe) invoicePaid(ev Event, raw json.RawMessage) ([]Event, error) {
	var inv stripe.Invoice
	if err := decodeObject(raw, &inv); err != nil {
		return nil, err
	}
	if !invoiceSubscription(&ev, &inv) {
		return nil, nil
	}
	ev.Type, ev.Amount, ev.ReceiptURL = EventPaymentSucceeded, inv.AmountPaid, inv.HostedInvoiceURL
	if inv.Payments != nil {
		for _, p := range inv.Payments.Data {
			if p.Status == "paid" && ev.ChargeID == "" {
				ev.ChargeID = paymentRef(p.Payment)
			}
		}
	} else if inv.AmountPaid > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
		defer cancel()
		ref, err := s.invoicePaymentRef(ctx, inv.ID)
		if err != nil {
			return nil, fmt.Errorf("find the payment of paid invoice %s: %w", inv.ID, err)
		}
		ev.ChargeID = ref
	}
	return []Event{ev}, nil
}

func invoiceFailed(ev Event, raw json.RawMessage) ([]Event, error) {
	var inv stripe.Invoice
	if err := decodeObject(raw, &inv); err != nil {
		return nil, err
	}
	if !invoiceSubscription(&ev, &inv) {
		return nil, nil
	}
	ev.Type, ev.Amount = EventPaymentFailed, inv.AmountDue
	ev.Reason = fmt.Sprintf("Payment of %s failed (attempt %d); Stripe retries the card.",
		formatMoney(inv.AmountDue, ev.Currency), inv.AttemptCount)
	return []Event{ev}, nil
}

// chargeRefunded reports full refunds only: a partial refund (made by
// staff in the Stripe dashboard) leaves the subscription as it is.
func chargeRefunded(ev Event, raw json.RawMessage) ([]Event, error) {
	var ch stripe.Charge
	if err := decodeObject(raw, &ch); err != nil {
		return nil, err
	}
	if !ch.Refunded {
		return nil, nil
	}
	ev.Type, ev.ChargeID, ev.CustomerID = EventPaymentRefunded, ch.ID, customerID(ch.Customer)
	if ch.PaymentIntent != nil && ch.PaymentIntent.ID != "" {
		ev.ChargeID = ch.PaymentIntent.ID // the same rule as paymentRef
	}
	ev.Amount, ev.Currency = ch.AmountRefunded, strings.ToUpper(string(ch.Currency))
	return []Event{ev}, nil
}
