package billing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// metaSubscriptionID is the metadata key under which Stripe carries
// Masthead's subscription id, on the Checkout Session and on the
// subscription it creates (and so on that subscription's invoices).
const metaSubscriptionID = "masthead_subscription_id"

// StripeConfig configures the Stripe provider.
type StripeConfig struct {
	SecretKey     string // sk_live_… or sk_test_… (a restricted rk_ key works too)
	WebhookSecret string // the endpoint's signing secret, whsec_…
	// APIURL is where the API is: "" is Stripe itself; tests point it at
	// stripe-mock (e.g. http://127.0.0.1:12111).
	APIURL     string
	HTTPClient *http.Client // nil: stripe-go's default client
	// Now is the clock webhook timestamps are checked against (the
	// store's, in serve); time.Now when nil.
	Now func() time.Time
}

// Stripe is the Provider that takes real money through Stripe Checkout and
// learns what happened from Stripe's signed webhooks.
type Stripe struct {
	c             *stripe.Client
	webhookSecret string
	testMode      bool
	now           func() time.Time
}

// NewStripe returns the Stripe provider. Both secrets are required: without
// the signing secret anyone could post events.
func NewStripe(cfg StripeConfig) (*Stripe, error) {
	if cfg.SecretKey == "" {
		return nil, errors.New("stripe: the secret API key is missing (sk_live_… or sk_test_… from the Stripe dashboard)")
	}
	if cfg.WebhookSecret == "" {
		return nil, errors.New("stripe: the webhook signing secret is missing (whsec_… from the webhook endpoint in the Stripe dashboard)")
	}
	bc := &stripe.BackendConfig{
		HTTPClient: cfg.HTTPClient,
		// Errors are returned to the caller, who logs them with context;
		// stripe-go's own logger would print them a second time to stderr.
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if cfg.APIURL != "" {
		bc.URL = stripe.String(strings.TrimRight(cfg.APIURL, "/"))
	}
	key := cfg.SecretKey
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Stripe{
		now:           now,
		c:             stripe.NewClient(key, stripe.WithBackends(stripe.NewBackendsWithConfig(bc))),
		webhookSecret: cfg.WebhookSecret,
		testMode:      strings.HasPrefix(key, "sk_test_") || strings.HasPrefix(key, "rk_test_"),
	}, nil
}

// Name implements Provider.
func (*Stripe) Name() string { return "stripe" }

// TestMode implements Provider: true with a Stripe test key, where no real
// money moves and pages still say TEST MODE.
func (s *Stripe) TestMode() bool { return s.testMode }

// StartCheckout implements Provider with a Checkout Session in subscription
// mode. The price is given inline, so that plans edited in the admin need
// no matching objects in the Stripe dashboard. Masthead's subscription id
// travels as metadata on the session and on the subscription it creates,
// which is how the webhooks find their way back.
func (s *Stripe) StartCheckout(ctx context.Context, req CheckoutRequest) (Checkout, error) {
	local := strconv.FormatInt(req.SubscriptionID, 10)
	meta := map[string]string{metaSubscriptionID: local}
	params := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModeSubscription)),
		CustomerEmail:     stripe.String(req.Reader.Email),
		ClientReferenceID: stripe.String(local),
		SuccessURL:        stripe.String(req.SuccessURL),
		CancelURL:         stripe.String(req.CancelURL),
		Metadata:          meta,
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(strings.ToLower(req.Plan.Currency)),
				UnitAmount:  stripe.Int64(req.Amount),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(req.Plan.Name)},
				Recurring:   &stripe.CheckoutSessionCreateLineItemPriceDataRecurringParams{Interval: stripe.String(req.Interval)},
			},
		}},
		SubscriptionData: &stripe.CheckoutSessionCreateSubscriptionDataParams{Metadata: meta},
	}
	if req.Plan.TrialDays > 0 {
		params.SubscriptionData.TrialPeriodDays = stripe.Int64(int64(req.Plan.TrialDays))
	}
	cs, err := s.c.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return Checkout{}, fmt.Errorf("create checkout session: %w", err)
	}
	if cs.URL == "" {
		return Checkout{}, fmt.Errorf("checkout session %s has no URL", cs.ID)
	}
	return Checkout{ID: cs.ID, URL: cs.URL}, nil
}

// Cancel implements Provider: at period end it sets cancel_at_period_end,
// so the reader keeps what they paid for and can resume; otherwise it
// cancels the subscription at once.
func (s *Stripe) Cancel(ctx context.Context, sub store.Subscription, atPeriodEnd bool, key string) error {
	if sub.ProviderSubscriptionID == "" {
		return fmt.Errorf("subscription %d has no Stripe subscription yet", sub.ID)
	}
	if atPeriodEnd {
		return s.setCancelAtPeriodEnd(ctx, sub.ProviderSubscriptionID, true, key)
	}
	params := &stripe.SubscriptionCancelParams{}
	params.SetIdempotencyKey(key)
	if _, err := s.c.V1Subscriptions.Cancel(ctx, sub.ProviderSubscriptionID, params); err != nil {
		return fmt.Errorf("cancel Stripe subscription %s: %w", sub.ProviderSubscriptionID, err)
	}
	return nil
}

// ChangePlan implements Provider: the subscription's one item gets the new
// price, inline like at checkout, from the next invoice on (no proration:
// the reader has paid for the current period). An inline price on a
// subscription needs a product, so one is made per change.
func (s *Stripe) ChangePlan(ctx context.Context, sub store.Subscription, plan magazine.Plan, interval string, amount int64, key string) error {
	if sub.ProviderSubscriptionID == "" {
		return fmt.Errorf("subscription %d has no Stripe subscription yet", sub.ID)
	}
	cur, err := s.c.V1Subscriptions.Retrieve(ctx, sub.ProviderSubscriptionID, nil)
	if err != nil {
		return fmt.Errorf("read Stripe subscription %s: %w", sub.ProviderSubscriptionID, err)
	}
	if cur.Items == nil || len(cur.Items.Data) == 0 {
		return fmt.Errorf("Stripe subscription %s has no items", sub.ProviderSubscriptionID)
	}
	pp := &stripe.ProductCreateParams{Name: stripe.String(plan.Name)}
	pp.SetIdempotencyKey(key + "-product")
	prod, err := s.c.V1Products.Create(ctx, pp)
	if err != nil {
		return fmt.Errorf("create Stripe product for plan %s: %w", plan.Slug, err)
	}
	params := &stripe.SubscriptionUpdateParams{
		ProrationBehavior: stripe.String("none"),
		Items: []*stripe.SubscriptionUpdateItemParams{{
			ID: stripe.String(cur.Items.Data[0].ID),
			PriceData: &stripe.SubscriptionUpdateItemPriceDataParams{
				Currency:   stripe.String(strings.ToLower(plan.Currency)),
				Product:    stripe.String(prod.ID),
				UnitAmount: stripe.Int64(amount),
				Recurring:  &stripe.SubscriptionUpdateItemPriceDataRecurringParams{Interval: stripe.String(interval)},
			},
		}},
	}
	params.SetIdempotencyKey(key)
	if _, err := s.c.V1Subscriptions.Update(ctx, sub.ProviderSubscriptionID, params); err != nil {
		return fmt.Errorf("change the price of Stripe subscription %s: %w", sub.ProviderSubscriptionID, err)
	}
	return nil
}

// Resume implements Provider by clearing cancel_at_period_end.
func (s *Stripe) Resume(ctx context.Context, sub store.Subscription, key string) error {
	if sub.ProviderSubscriptionID == "" {
		return fmt.Errorf("subscription %d has no Stripe subscription yet", sub.ID)
	}
	return s.setCancelAtPeriodEnd(ctx, sub.ProviderSubscriptionID, false, key)
}

func (s *Stripe) setCancelAtPeriodEnd(ctx context.Context, id string, cancel bool, key string) error {
	params := &stripe.SubscriptionUpdateParams{CancelAtPeriodEnd: stripe.Bool(cancel)}
	params.SetIdempotencyKey(key)
	if _, err := s.c.V1Subscriptions.Update(ctx, id, params); err != nil {
		return fmt.Errorf("set cancel_at_period_end=%t on Stripe subscription %s: %w", cancel, id, err)
	}
	return nil
}

// Refund implements Provider: the payment's whole amount goes back,
// against its payment intent (or its charge, for payments made without
// one). Stripe answers a repeated idempotency key with the first refund.
func (s *Stripe) Refund(ctx context.Context, p store.Payment, key string) (string, error) {
	ref := p.ProviderChargeID
	if ref == "" {
		// The invoice.paid event did not name the payment (see
		// invoicePaymentRef): ask Stripe now.
		var err error
		if ref, err = s.invoicePaymentRef(ctx, p.ProviderPaymentID); err != nil {
			return "", err
		} else if ref == "" {
			return "", fmt.Errorf("Stripe knows no paid payment for invoice %s", p.ProviderPaymentID)
		}
	}
	params := &stripe.RefundCreateParams{Reason: stripe.String("requested_by_customer"),
		Metadata: map[string]string{"masthead_payment_id": strconv.FormatInt(p.ID, 10)}}
	if p.Amount > 0 {
		params.Amount = stripe.Int64(p.Amount)
	}
	if strings.HasPrefix(ref, "pi_") {
		params.PaymentIntent = stripe.String(ref)
	} else {
		params.Charge = stripe.String(ref)
	}
	params.SetIdempotencyKey(key)
	r, err := s.c.V1Refunds.Create(ctx, params)
	if err != nil {
		return "", fmt.Errorf("refund %s: %w", ref, err)
	}
	return r.ID, nil
}

// invoicePaymentRef returns what a refund of the invoice is made against:
// its paid payment intent, or its charge. Since API version 2025-03-31
// invoices no longer carry their charge or payment intent, and the
// `payments` list on them is only there when expanded, which webhook
// payloads never are.
func (s *Stripe) invoicePaymentRef(ctx context.Context, invoiceID string) (string, error) {
	if invoiceID == "" {
		return "", nil
	}
	params := &stripe.InvoicePaymentListParams{Invoice: stripe.String(invoiceID), Status: stripe.String("paid")}
	for ip, err := range s.c.V1InvoicePayments.List(ctx, params) {
		if err != nil {
			return "", fmt.Errorf("list payments of invoice %s: %w", invoiceID, err)
		}
		if ref := paymentRef(ip.Payment); ref != "" {
			return ref, nil
		}
	}
	return "", nil
}

// paymentRef is the payment intent of an invoice payment, or its charge
// when it has none. charge.refunded events are matched with the same rule
// (chargeRef), so the two always agree.
func paymentRef(p *stripe.InvoicePaymentPayment) string {
	switch {
	case p == nil:
		return ""
	case p.PaymentIntent != nil && p.PaymentIntent.ID != "":
		return p.PaymentIntent.ID
	case p.Charge != nil:
		return p.Charge.ID
	}
	return ""
}
