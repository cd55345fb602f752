package billing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/webhook"
)

// DefaultGracePeriod is how long a past-due subscription keeps access
// while the provider retries the card.
const DefaultGracePeriod = 7 * 24 * time.Hour

// Options configure a Service.
type Options struct {
	Publication string // the magazine's name, for e-mail
	BaseURL     string // e.g. https://example.com, for links in e-mail and checkout return URLs
	GracePeriod time.Duration
	Logger      *slog.Logger
	// KeyPrefix starts every idempotency key sent to the provider. Keys
	// are made from database ids, so an installation needs its own prefix
	// (store.InstallID): a fresh database would otherwise reuse the keys of
	// an old one against the same provider account. Default "masthead".
	KeyPrefix string
	// Webhooks is told of subscriptions created, changed, canceled and
	// refunded; nil sends none.
	Webhooks *webhook.Emitter
}

// Service runs subscriptions: checkout, the state machine, cancel, resume,
// refunds and comps. Its clock is the store's (Store.Now), so tests move
// both together.
type Service struct {
	st   *store.Store
	p    Provider
	tmpl *mail.Templates
	opt  Options
}

// New returns a Service on provider p. A *TestMode provider is connected
// to the service, so that its checkout applies events directly.
func New(st *store.Store, p Provider, tmpl *mail.Templates, opt Options) *Service {
	if opt.GracePeriod <= 0 {
		opt.GracePeriod = DefaultGracePeriod
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	opt.BaseURL = strings.TrimRight(opt.BaseURL, "/")
	if opt.KeyPrefix == "" {
		opt.KeyPrefix = "masthead"
	}
	s := &Service{st: st, p: p, tmpl: tmpl, opt: opt}
	if tm, ok := p.(*TestMode); ok {
		tm.svc = s
	}
	return s
}

// Provider returns the payment provider.
func (s *Service) Provider() Provider { return s.p }

// TestMode reports whether no real money moves.
func (s *Service) TestMode() bool { return s.p.TestMode() }

// Actor is who asks for a change. A reader may only touch their own
// subscriptions; staff may touch any.
type Actor struct {
	ReaderID int64  // the signed-in reader, or 0 for staff
	Staff    string // the staff member's e-mail, for the history
}

func (a Actor) String() string {
	if a.Staff != "" {
		return "staff:" + a.Staff
	}
	return "reader"
}

// Reader is the Actor for a signed-in reader.
func Reader(id int64) Actor { return Actor{ReaderID: id} }

// Staff is the Actor for a staff member.
func Staff(email string) Actor { return Actor{Staff: email} }

func (a Actor) check(sub store.Subscription) error {
	if a.Staff == "" && sub.ReaderID != a.ReaderID {
		return magazine.Errorf(magazine.ENOTFOUND, "Subscription not found.")
	}
	return nil
}

// PriceFor returns what plan costs per interval, or EINVALID when the plan
// is not offered at that interval.
func PriceFor(plan magazine.Plan, interval string) (int64, error) {
	var price int64
	switch interval {
	case "month":
		price = plan.MonthlyPrice
	case "year":
		price = plan.YearlyPrice
	default:
		return 0, magazine.FieldError("interval", "Choose monthly or yearly payment.")
	}
	if price <= 0 {
		return 0, magazine.FieldError("interval", "The %s plan is not offered %sly.", plan.Name, interval)
	}
	return price, nil
}

// Choice is a reader's checked choice of plan, price and address.
type Choice struct {
	Plan     magazine.Plan
	Amount   int64            // per interval, minor units
	Shipping magazine.Address // normalized; empty for plans without print
}

// Choose checks what a reader chose on the subscribe page: a plan on
// offer, a price it has, and a valid shipping address if it has the print
// edition. A refusal is EINVALID, with the field to blame.
func (s *Service) Choose(ctx context.Context, planID int64, interval string, ship *magazine.Address) (Choice, error) {
	plan, err := s.st.Plan(ctx, planID)
	if magazine.IsNotFound(err) || (err == nil && !plan.Active) {
		return Choice{}, magazine.FieldError("plan", "There is no such plan on offer; choose one on the subscribe page.")
	} else if err != nil {
		return Choice{}, err
	}
	c := Choice{Plan: plan}
	if c.Amount, err = PriceFor(plan, interval); err != nil {
		return Choice{}, err
	}
	if plan.NeedsShipping() {
		if ship == nil {
			return Choice{}, magazine.FieldError("address", "The print edition needs a shipping address.")
		}
		c.Shipping = *ship
		if err := c.Shipping.Normalize(); err != nil {
			return Choice{}, err
		}
	}
	return c, nil
}

// StartCheckout records an incomplete subscription of reader to plan and
// opens a checkout for it at the provider. ship is required for plans
// with the print edition. An unknown or withdrawn plan, or a price the
// plan does not offer, is EINVALID.
func (s *Service) StartCheckout(ctx context.Context, readerID, planID int64, interval string, ship *magazine.Address) (Checkout, error) {
	c, err := s.Choose(ctx, planID, interval, ship)
	if err != nil {
		return Checkout{}, err
	}
	plan, amount := c.Plan, c.Amount
	sub := store.Subscription{Currency: plan.Currency, Amount: amount, Provider: s.p.Name(), Shipping: c.Shipping}
	sub.ReaderID, sub.PlanID, sub.Status, sub.Interval = readerID, plan.ID, magazine.SubIncomplete, interval
	reader, err := s.st.Reader(ctx, readerID)
	if err != nil {
		return Checkout{}, err
	}
	err = s.billing(ctx, func(btx *store.BillingTx) error {
		sub.ID, err = btx.InsertSubscription(sub, store.SubEvent{Kind: "checkout_started", Actor: "reader",
			Detail: fmt.Sprintf("%s, %s per %s", plan.Name, formatMoney(amount, plan.Currency), interval)})
		return err
	})
	if err != nil {
		return Checkout{}, err
	}
	co, err := s.p.StartCheckout(ctx, CheckoutRequest{
		SubscriptionID: sub.ID, Reader: reader, Plan: plan, Interval: interval, Amount: amount,
		SuccessURL: s.opt.BaseURL + "/account?checkout=done",
		CancelURL:  s.opt.BaseURL + "/subscribe?checkout=canceled",
	})
	if err != nil {
		return Checkout{}, fmt.Errorf("start %s checkout for subscription %d: %w", s.p.Name(), sub.ID, err)
	}
	co.SubscriptionID = sub.ID
	err = s.billing(ctx, func(btx *store.BillingTx) error {
		cur, err := btx.Subscription(sub.ID)
		if err != nil {
			return err
		}
		cur.CheckoutID = co.ID
		return btx.SaveSubscription(cur, cur.Status, store.SubEvent{})
	})
	return co, err
}

// HandleWebhook verifies a provider's webhook delivery and applies its
// events. A forged or malformed delivery is EINVALID (answer 400) and
// changes nothing; any other error means the provider should retry.
func (s *Service) HandleWebhook(ctx context.Context, body []byte, header http.Header) error {
	events, err := s.p.ParseWebhook(body, header)
	if err != nil {
		return err
	}
	for _, ev := range events {
		if err := s.Apply(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

// Apply applies one normalized event, once: an event id already applied
// is skipped, and the id is recorded in the same transaction as the
// effect.
func (s *Service) Apply(ctx context.Context, ev Event) error {
	if ev.ID == "" {
		return magazine.Errorf(magazine.EINVALID, "A provider event needs an id.")
	}
	var changes []store.SubChange
	_, err := s.st.ApplyWebhook(ctx, s.p.Name(), ev.ID, string(ev.Type), func(btx *store.BillingTx) error {
		err := s.apply(btx, ev)
		changes = btx.Changes()
		return err
	})
	if err == nil {
		s.emit(ctx, changes)
	}
	if err != nil {
		return fmt.Errorf("apply %s event %s (%s): %w", s.p.Name(), ev.ID, ev.Type, err)
	}
	return nil
}

// Cancel cancels a subscription at the end of its paid period: access
// lasts until then and the reader can resume. A confirmation e-mail goes
// out. Canceling twice changes nothing the second time.
func (s *Service) Cancel(ctx context.Context, subID int64, who Actor) error {
	sub, err := s.st.Subscription(ctx, subID)
	if err != nil {
		return err
	}
	if err := who.check(sub); err != nil {
		return err
	}
	if err := sub.CanCancel(s.st.Now()); err != nil {
		return err
	}
	if !sub.Comp {
		key := fmt.Sprintf("%s-cancel-%d-%d", s.opt.KeyPrefix, sub.ID, sub.UpdatedAt.Unix())
		if err := s.p.Cancel(ctx, sub, true, key); err != nil {
			return fmt.Errorf("cancel subscription %d at %s: %w", sub.ID, s.p.Name(), err)
		}
	}
	return s.billing(ctx, func(btx *store.BillingTx) error {
		cur, err := btx.Subscription(subID)
		if err != nil || cur.CancelAtPeriodEnd {
			return err // a double submission: the first one did it
		}
		cur.CancelAtPeriodEnd = true
		if err := btx.SaveSubscription(cur, cur.Status, store.SubEvent{Kind: "cancel_at_period_end", Actor: who.String(),
			Detail: "Access lasts until " + formatDate(cur.CurrentPeriodEnd)}); err != nil {
			return err
		}
		return s.sendMail(btx, cur, "cancel_confirmation", nil)
	})
}

// CancelNow ends a subscription at once, without refund: for staff.
func (s *Service) CancelNow(ctx context.Context, subID int64, who Actor) error {
	sub, err := s.st.Subscription(ctx, subID)
	if err != nil {
		return err
	}
	if err := who.check(sub); err != nil {
		return err
	}
	if isTerminal(sub.Status) {
		return magazine.Errorf(magazine.EINVALID, "This subscription has already ended.")
	}
	if !sub.Comp && sub.ProviderSubscriptionID != "" {
		if err := s.p.Cancel(ctx, sub, false, fmt.Sprintf("%s-cancel-now-%d", s.opt.KeyPrefix, sub.ID)); err != nil {
			return fmt.Errorf("cancel subscription %d at %s: %w", sub.ID, s.p.Name(), err)
		}
	}
	return s.billing(ctx, func(btx *store.BillingTx) error {
		cur, err := btx.Subscription(subID)
		if err != nil || isTerminal(cur.Status) {
			return err
		}
		from := cur.Status
		end(&cur, magazine.SubCanceled, s.st.Now())
		return btx.SaveSubscription(cur, from, store.SubEvent{Kind: "canceled", Actor: who.String(), Detail: "Ended at once"})
	})
}

// ChangePlan moves a running subscription to another plan or interval.
// The new plan's entitlements apply at once; its price from the next
// payment on. A plan with the print edition needs a shipping address on
// the subscription first.
func (s *Service) ChangePlan(ctx context.Context, subID, planID int64, interval string, who Actor) error {
	sub, err := s.st.Subscription(ctx, subID)
	if err != nil {
		return err
	}
	if err := who.check(sub); err != nil {
		return err
	}
	if !sub.GrantsAccess(s.st.Now()) || sub.Comp {
		return magazine.Errorf(magazine.EINVALID, "Only a running paid subscription can change plans.")
	}
	plan, err := s.st.Plan(ctx, planID)
	if magazine.IsNotFound(err) || (err == nil && !plan.Active) {
		return magazine.FieldError("plan", "There is no such plan on offer.")
	} else if err != nil {
		return err
	}
	amount, err := PriceFor(plan, interval)
	if err != nil {
		return err
	}
	if plan.ID == sub.PlanID && interval == sub.Interval {
		return magazine.FieldError("plan", "That is already your plan.")
	}
	if plan.NeedsShipping() && sub.Shipping.Country == "" {
		return magazine.FieldError("address", "The print edition needs a shipping address: subscribe to %s from the subscribe page, which asks for one.", plan.Name)
	}
	key := fmt.Sprintf("%s-change-%d-%d-%s-%d", s.opt.KeyPrefix, sub.ID, plan.ID, interval, sub.UpdatedAt.Unix())
	if err := s.p.ChangePlan(ctx, sub, plan, interval, amount, key); err != nil {
		return fmt.Errorf("change plan of subscription %d at %s: %w", sub.ID, s.p.Name(), err)
	}
	return s.billing(ctx, func(btx *store.BillingTx) error {
		cur, err := btx.Subscription(subID)
		if err != nil {
			return err
		}
		old, err := btx.Plan(cur.PlanID)
		if err != nil {
			return err
		}
		cur.PlanID, cur.Interval, cur.Amount, cur.Currency = plan.ID, interval, amount, plan.Currency
		return btx.SaveSubscription(cur, cur.Status, store.SubEvent{Kind: "plan_changed", Actor: who.String(),
			Detail: fmt.Sprintf("%s → %s, %s per %s from the next payment", old.Name, plan.Name, formatMoney(amount, plan.Currency), interval)})
	})
}

// Resume undoes a cancellation at period end, before the period ends.
func (s *Service) Resume(ctx context.Context, subID int64, who Actor) error {
	sub, err := s.st.Subscription(ctx, subID)
	if err != nil {
		return err
	}
	if err := who.check(sub); err != nil {
		return err
	}
	if err := sub.CanResume(s.st.Now()); err != nil {
		return err
	}
	if !sub.Comp {
		key := fmt.Sprintf("%s-resume-%d-%d", s.opt.KeyPrefix, sub.ID, sub.UpdatedAt.Unix())
		if err := s.p.Resume(ctx, sub, key); err != nil {
			return fmt.Errorf("resume subscription %d at %s: %w", sub.ID, s.p.Name(), err)
		}
	}
	return s.billing(ctx, func(btx *store.BillingTx) error {
		cur, err := btx.Subscription(subID)
		if err != nil || !cur.CancelAtPeriodEnd {
			return err
		}
		cur.CancelAtPeriodEnd = false
		return btx.SaveSubscription(cur, cur.Status, store.SubEvent{Kind: "resumed", Actor: who.String()})
	})
}

// Refund is the money-back guarantee: inside the plan's refund window,
// counted from the first payment, the first payment is refunded in full
// through the provider, access ends at once and a confirmation e-mail goes
// out. Outside the window it is refused with the reason. Two requests at
// once make one refund: the payment is claimed in a transaction before
// the provider is called, and the provider gets an idempotency key made
// from the payment id.
func (s *Service) Refund(ctx context.Context, subID int64, who Actor) error {
	var pay store.Payment
	var sub store.Subscription
	key := ""
	err := s.billing(ctx, func(btx *store.BillingTx) error {
		var err error
		if sub, err = btx.Subscription(subID); err != nil {
			return err
		}
		if err := who.check(sub); err != nil {
			return err
		}
		plan, err := btx.Plan(sub.PlanID)
		if err != nil {
			return err
		}
		if err := sub.CanRefund(plan.RefundWindowDays, s.st.Now()); err != nil {
			return err
		}
		if pay, err = btx.FirstPayment(sub.ID); magazine.IsNotFound(err) {
			return magazine.Errorf(magazine.EINVALID, "Nothing has been paid for this subscription yet.")
		} else if err != nil {
			return err
		}
		key = fmt.Sprintf("%s-refund-payment-%d", s.opt.KeyPrefix, pay.ID)
		return btx.ClaimRefund(pay.ID, key)
	})
	if err != nil {
		return err
	}
	refundID, err := s.p.Refund(ctx, pay, key)
	if err != nil {
		rerr := s.billing(context.WithoutCancel(ctx), func(btx *store.BillingTx) error { return btx.ReleaseRefund(pay.ID) })
		return errors.Join(fmt.Errorf("refund payment %d at %s: %w", pay.ID, s.p.Name(), err), rerr)
	}
	ctx = context.WithoutCancel(ctx) // the money has gone back: record it whatever the caller does
	err = s.billing(ctx, func(btx *store.BillingTx) error {
		// The subscription first, then the payment: the order the claim
		// above takes them in, so that two refunds cannot deadlock.
		cur, err := btx.Subscription(subID)
		if err != nil {
			return err
		}
		if _, err := btx.MarkRefunded(pay.ID, refundID, s.st.Now()); err != nil {
			return err
		}
		if cur.Status == magazine.SubRefunded {
			return nil // the provider's webhook got here first
		}
		from := cur.Status
		end(&cur, magazine.SubRefunded, s.st.Now())
		if err := btx.SaveSubscription(cur, from, store.SubEvent{Kind: "refunded", Actor: who.String(),
			Detail: fmt.Sprintf("%s refunded (%s)", formatMoney(pay.Amount, pay.Currency), refundID)}); err != nil {
			return err
		}
		return s.sendMail(btx, cur, "refund_confirmation", map[string]any{"Amount": formatMoney(pay.Amount, pay.Currency)})
	})
	if err != nil {
		return fmt.Errorf("record refund of payment %d: %w", pay.ID, err)
	}
	// The refund does not stop renewals: end the provider's subscription
	// too. A failure is logged; staff can cancel it at the provider.
	if sub.ProviderSubscriptionID != "" {
		if err := s.p.Cancel(ctx, sub, false, fmt.Sprintf("%s-refund-cancel-%d", s.opt.KeyPrefix, sub.ID)); err != nil {
			s.opt.Logger.Error("refunded subscription still active at the provider", "subscription", sub.ID, "err", err)
		}
	}
	return nil
}

// Comp gives a reader a plan without payment until the end date: a staff
// action, recorded in the subscription's history.
func (s *Service) Comp(ctx context.Context, readerID, planID int64, until time.Time, who Actor) (int64, error) {
	if who.Staff == "" {
		return 0, magazine.Errorf(magazine.EINVALID, "Only staff can give complimentary subscriptions.")
	}
	now := s.st.Now()
	if !until.After(now) {
		return 0, magazine.FieldError("until", "A complimentary subscription needs an end date in the future.")
	}
	if _, err := s.st.Plan(ctx, planID); magazine.IsNotFound(err) {
		return 0, magazine.FieldError("plan", "There is no such plan.")
	} else if err != nil {
		return 0, err
	}
	var id int64
	err := s.billing(ctx, func(btx *store.BillingTx) error {
		sub := store.Subscription{Provider: "comp"}
		sub.ReaderID, sub.PlanID, sub.Status, sub.Comp, sub.CurrentPeriodEnd = readerID, planID, magazine.SubActive, true, until
		var err error
		id, err = btx.InsertSubscription(sub, store.SubEvent{Kind: "comp", Actor: who.String(), Detail: "Complimentary until " + formatDate(until)})
		return err
	})
	return id, err
}

func (s *Service) sendMail(btx *store.BillingTx, sub store.Subscription, name string, extra map[string]any) error {
	if s.tmpl == nil {
		return nil
	}
	reader, err := btx.Reader(sub.ReaderID)
	if err != nil {
		return err
	}
	plan, err := btx.Plan(sub.PlanID)
	if err != nil {
		return err
	}
	data := map[string]any{
		"Publication": s.opt.Publication,
		"Name":        reader.Name,
		"Plan":        plan.Name,
		"Until":       formatDate(sub.CurrentPeriodEnd),
		"Amount":      formatMoney(sub.Amount, sub.Currency),
		"Interval":    sub.Interval,
		"Trial":       sub.Status == magazine.SubTrialing,
		"AccountURL":  s.opt.BaseURL + "/account",
		"TestMode":    s.p.TestMode(),
	}
	for k, v := range extra {
		data[k] = v
	}
	m, err := s.tmpl.Render(name, reader.Email, data)
	if err != nil {
		return err
	}
	return btx.EnqueueMail(m)
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return "the end of the period"
	}
	return t.UTC().Format("January 2, 2006")
}

func formatMoney(amount int64, currency string) string {
	return fmt.Sprintf("%d.%02d %s", amount/100, amount%100, currency)
}
