// Package billing takes readers' money and turns it into subscriptions. A
// Provider (Stripe, or the built-in test mode) talks to the payment
// network and reports what happened as normalized Events; the Service
// drives the one subscription state machine from those events, so both
// providers share it. This is the only package that imports stripe-go.
package billing

import (
	"context"
	"net/http"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// Provider is a payment provider.
type Provider interface {
	// Name is how subscriptions and payments record the provider: "test"
	// or "stripe".
	Name() string
	// TestMode reports whether no real money moves; pages say TEST MODE.
	TestMode() bool
	// StartCheckout opens a checkout for a subscription recorded as
	// incomplete; the reader is sent to the returned URL.
	StartCheckout(ctx context.Context, req CheckoutRequest) (Checkout, error)
	// Cancel ends the subscription at the provider: at the end of the paid
	// period, or at once.
	Cancel(ctx context.Context, sub store.Subscription, atPeriodEnd bool, idempotencyKey string) error
	// ChangePlan moves the subscription to another plan or interval, at
	// amount per interval from the next payment on (no proration).
	ChangePlan(ctx context.Context, sub store.Subscription, plan magazine.Plan, interval string, amount int64, idempotencyKey string) error
	// Resume undoes a cancellation at period end.
	Resume(ctx context.Context, sub store.Subscription, idempotencyKey string) error
	// Refund returns the whole payment. The same key never refunds twice.
	Refund(ctx context.Context, p store.Payment, idempotencyKey string) (refundID string, err error)
	// ParseWebhook checks a webhook delivery and turns it into events. A
	// forged or malformed one is an EINVALID error.
	ParseWebhook(body []byte, header http.Header) ([]Event, error)
}

// CheckoutRequest is what a provider needs to open a checkout.
type CheckoutRequest struct {
	SubscriptionID int64 // Masthead's, carried in the provider's metadata
	Reader         store.Reader
	Plan           magazine.Plan
	Interval       string // "month" or "year"
	Amount         int64  // per interval, minor units
	SuccessURL     string
	CancelURL      string
}

// Checkout is an open checkout.
type Checkout struct {
	SubscriptionID int64
	ID             string // the provider's checkout (session) id
	URL            string // where to send the reader
	// BrowserKey, from TEST MODE only, is the secret the browser that
	// started the checkout keeps (a cookie): the checkout page opens and
	// pays only for it, as a provider's own session would.
	BrowserKey string
}

// EventType is what a normalized event reports.
type EventType string

// The normalized events. Provider-specific events map onto these.
const (
	// EventCheckoutCompleted: the reader finished checkout.
	EventCheckoutCompleted EventType = "checkout_completed"
	// EventSubscriptionUpdated: a snapshot of the provider's subscription
	// (created or updated).
	EventSubscriptionUpdated EventType = "subscription_updated"
	// EventSubscriptionDeleted: the provider ended the subscription.
	EventSubscriptionDeleted EventType = "subscription_deleted"
	// EventPaymentSucceeded: money arrived for a period.
	EventPaymentSucceeded EventType = "payment_succeeded"
	// EventPaymentFailed: a renewal failed; the grace period starts.
	EventPaymentFailed EventType = "payment_failed"
	// EventPaymentRefunded: a payment was refunded in full.
	EventPaymentRefunded EventType = "payment_refunded"
)

// Event is one thing that happened at the provider, in Masthead's terms.
type Event struct {
	ID           string // the provider's event id: each is applied once
	Type         EventType
	ProviderType string    // the provider's own name for it, for the history
	At           time.Time // when the provider says it happened

	// Which subscription: Masthead's id when the provider carries it in
	// metadata, else the provider's ids.
	LocalSubscriptionID int64
	CheckoutID          string
	SubscriptionID      string
	CustomerID          string

	// Subscription snapshots.
	Status            magazine.SubStatus
	PeriodEnd         time.Time
	CancelAtPeriodEnd bool

	// Payments.
	PaymentID  string // invoice or test payment
	ChargeID   string // what a refund is made against
	Amount     int64
	Currency   string
	ReceiptURL string
	Reason     string // why a payment failed
}
