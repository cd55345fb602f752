package billing

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// The test cards, as Stripe's test mode knows them.
const (
	TestCardSuccess  = "4242424242424242"
	TestCardDeclined = "4000000000000002"
)

// TestMode is the built-in provider for the demo and for trying Masthead
// out: no money moves. Its checkout is a page of Masthead's own (TEST
// MODE, in large letters) that calls Pay; Pay produces the same events a
// real provider's webhooks would, and the Service applies them.
type TestMode struct {
	svc *Service // set by New

	mu      sync.Mutex
	refunds map[string]string // idempotency key -> refund id
	calls   map[string]int    // "refund", "cancel", "resume": for tests
}

// NewTestMode returns the test-mode provider.
func NewTestMode() *TestMode {
	return &TestMode{refunds: map[string]string{}, calls: map[string]int{}}
}

// Name implements Provider.
func (*TestMode) Name() string { return "test" }

// TestMode implements Provider: always true.
func (*TestMode) TestMode() bool { return true }

// StartCheckout implements Provider: the checkout is Masthead's own page.
// Its id is derived from a secret only the starting browser gets
// (BrowserKey), so that the link alone opens nothing.
func (*TestMode) StartCheckout(ctx context.Context, req CheckoutRequest) (Checkout, error) {
	key := randomID() + randomID()
	id := testCheckoutID(key)
	return Checkout{ID: id, URL: "/billing/test-checkout/" + id, BrowserKey: key}, nil
}

// testCheckoutID is the checkout id of a browser key.
func testCheckoutID(key string) string {
	sum := sha256.Sum256([]byte("masthead test checkout\x00" + key))
	return "tm_cs_" + hex.EncodeToString(sum[:12])
}

// StartedBy reports whether browser key (the cookie of the browser that
// started it) belongs to test checkout checkoutID.
func (*TestMode) StartedBy(checkoutID, key string) bool {
	return key != "" && subtle.ConstantTimeCompare([]byte(testCheckoutID(key)), []byte(checkoutID)) == 1
}

// Cancel implements Provider; nothing to tell anyone.
func (t *TestMode) Cancel(ctx context.Context, sub store.Subscription, atPeriodEnd bool, key string) error {
	t.count("cancel")
	return nil
}

// ChangePlan implements Provider; the next renewal charges the new amount.
func (t *TestMode) ChangePlan(ctx context.Context, sub store.Subscription, plan magazine.Plan, interval string, amount int64, key string) error {
	t.count("change_plan")
	return nil
}

// Resume implements Provider.
func (t *TestMode) Resume(ctx context.Context, sub store.Subscription, key string) error {
	t.count("resume")
	return nil
}

// Refund implements Provider. Like a real provider it refunds once per
// idempotency key.
func (t *TestMode) Refund(ctx context.Context, p store.Payment, key string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.calls["refund"]++
	if id, ok := t.refunds[key]; ok {
		return id, nil
	}
	id := "tm_re_" + randomID()
	t.refunds[key] = id
	return id, nil
}

// Refunds returns how many distinct refunds were made.
func (t *TestMode) Refunds() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.refunds)
}

// Calls returns how many times the service called op ("refund", "cancel",
// "resume").
func (t *TestMode) Calls(op string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.calls[op]
}

func (t *TestMode) count(op string) {
	t.mu.Lock()
	t.calls[op]++
	t.mu.Unlock()
}

// ParseWebhook implements Provider: test mode has no webhooks.
func (*TestMode) ParseWebhook(body []byte, header http.Header) ([]Event, error) {
	return nil, magazine.Errorf(magazine.EINVALID, "Test mode receives no webhooks.")
}

// Pay is the test checkout's form: card 4242 4242 4242 4242 pays (or
// starts the trial) and activates the subscription; 4000 0000 0000 0002
// is declined with the reason, and nothing is activated.
func (t *TestMode) Pay(ctx context.Context, checkoutID, cardNumber string) error {
	sub, err := t.Checkout(ctx, checkoutID)
	if magazine.IsNotFound(err) {
		return magazine.Errorf(magazine.ENOTFOUND, "This checkout does not exist; start again from the subscribe page.")
	} else if err != nil {
		return err
	}
	st := t.svc.st // set: Checkout succeeded
	if sub.Status != magazine.SubIncomplete {
		return magazine.Errorf(magazine.ECONFLICT, "This checkout is already complete.")
	}
	card := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, cardNumber)
	now := st.Now().UTC()
	switch card {
	case TestCardSuccess:
	case TestCardDeclined:
		const reason = "Your card was declined (TEST MODE card 4000 0000 0000 0002)."
		err := st.Billing(ctx, func(btx *store.BillingTx) error {
			return btx.AddEvent(store.SubEvent{SubscriptionID: sub.ID, Kind: "payment_declined", Actor: "reader",
				FromStatus: sub.Status, ToStatus: sub.Status, Detail: reason})
		})
		if err != nil {
			return err
		}
		return magazine.FieldError("card", "%s", reason)
	default:
		return magazine.FieldError("card", "TEST MODE takes only the test cards: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined.")
	}
	plan, err := st.Plan(ctx, sub.PlanID)
	if err != nil {
		return err
	}
	provSub := fmt.Sprintf("tm_sub_%d", sub.ID)
	events := []Event{{ID: "tm_evt_" + randomID(), Type: EventCheckoutCompleted, ProviderType: "test.checkout_completed", At: now,
		LocalSubscriptionID: sub.ID, CheckoutID: checkoutID, SubscriptionID: provSub, CustomerID: fmt.Sprintf("tm_cus_%d", sub.ReaderID)}}
	if plan.TrialDays == 0 {
		periodEnd := now.AddDate(0, 1, 0)
		if sub.Interval == "year" {
			periodEnd = now.AddDate(1, 0, 0)
		}
		pay := "tm_pay_" + randomID()
		events = append(events, Event{ID: "tm_evt_" + randomID(), Type: EventPaymentSucceeded, ProviderType: "test.payment_succeeded",
			At: now, LocalSubscriptionID: sub.ID, SubscriptionID: provSub, PeriodEnd: periodEnd,
			PaymentID: pay, ChargeID: pay, Amount: sub.Amount, Currency: sub.Currency})
	}
	for _, ev := range events {
		if err := t.svc.Apply(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

func randomID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Checkout returns the subscription a test checkout is for.
func (t *TestMode) Checkout(ctx context.Context, checkoutID string) (store.Subscription, error) {
	if t.svc == nil {
		return store.Subscription{}, fmt.Errorf("test mode is not connected to a billing service (use billing.New)")
	}
	var sub store.Subscription
	err := t.svc.st.Billing(ctx, func(btx *store.BillingTx) error {
		var err error
		sub, err = btx.SubscriptionByCheckout(t.Name(), checkoutID)
		return err
	})
	return sub, err
}
