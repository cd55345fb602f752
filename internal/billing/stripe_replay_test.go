package billing_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// A recorded life, as Stripe reports it by webhook: subscription A signs
// up, pays, misses a renewal, pays it late, cancels at period end and
// ends; subscription B, which paid at the same time, is refunded from the
// Stripe dashboard. All ids carry run, so that several replays share one
// database.
type life struct {
	run        string
	a, b       int64 // Masthead's subscription ids
	readerA    int64
	readerB    int64
	p1, p2     time.Time
	events     []stripeEvent // A's life and B's refund
	refundedAt time.Time
}

func newLife(t *testing.T, f *stripeFixture, run string) *life {
	t.Helper()
	l := &life{run: run, p1: t0.AddDate(0, 1, 0), p2: t0.AddDate(0, 2, 0), refundedAt: t0.Add(5 * 24 * time.Hour)}
	ra, a := f.incomplete(t, "a-"+run+"@example.com", "cs_"+run+"a")
	rb, b := f.incomplete(t, "b-"+run+"@example.com", "cs_"+run+"b")
	l.a, l.b, l.readerA, l.readerB = a, b, ra.ID, rb.ID
	// B's payment is on record before the replay: a refund is of a
	// payment Masthead has seen (see the report on charge.refunded).
	f.activate(t, b, run+"b", t0)

	cs, sub, cus := "cs_"+run+"a", "sub_"+run+"a", "cus_"+run+"a"
	day := 24 * time.Hour
	ev := func(name, typ string, at time.Time, obj map[string]any) stripeEvent {
		return stripeEvent{"evt_" + name + "_" + run, typ, at, obj}
	}
	l.events = []stripeEvent{
		ev("checkout", "checkout.session.completed", t0, checkoutObject(cs, sub, cus, a)),
		ev("created", "customer.subscription.created", t0, subscriptionObject(sub, cus, a, "active", l.p1, false)),
		ev("paid1", "invoice.paid", t0, invoiceObject("in_1"+run, sub, cus, a, 900, l.p1, true, "pi_1"+run)),
		ev("renewal", "customer.subscription.updated", l.p1, subscriptionObject(sub, cus, a, "past_due", l.p2, false)),
		ev("failed", "invoice.payment_failed", l.p1, invoiceObject("in_2"+run, sub, cus, a, 900, l.p2, false, "")),
		ev("paid2", "invoice.paid", l.p1.Add(3*day), invoiceObject("in_2"+run, sub, cus, a, 900, l.p2, true, "pi_2"+run)),
		ev("recovered", "customer.subscription.updated", l.p1.Add(3*day), subscriptionObject(sub, cus, a, "active", l.p2, false)),
		ev("cancel", "customer.subscription.updated", l.p1.Add(10*day), subscriptionObject(sub, cus, a, "active", l.p2, true)),
		ev("deleted", "customer.subscription.deleted", l.p2, subscriptionObject(sub, cus, a, "canceled", l.p2, false)),
		ev("refund", "charge.refunded", l.refundedAt, chargeObject("ch_"+run+"b", "pi_"+run+"b", "cus_"+run+"b", 900, true)),
	}
	return l
}

// state is what a reader and circulation see of both subscriptions, with
// the run's ids taken out so that runs compare.
func (l *life) state(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, id := range []int64{l.a, l.b} {
		sub, err := st.Subscription(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s provider=%s/%s\n", fmtSub(sub), sub.ProviderSubscriptionID, sub.ProviderCustomerID)
		pays, err := st.SubscriptionPayments(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pays {
			fmt.Fprintf(&b, "  payment %s %d %s charge=%s %s paid=%s refunded=%s receipt=%s\n", p.ProviderPaymentID, p.Amount,
				p.Currency, p.ProviderChargeID, p.Status, p.PaidAt.Format(time.RFC3339), p.RefundedAt.Format(time.RFC3339), p.ReceiptURL)
		}
	}
	return strings.ReplaceAll(b.String(), l.run, "RUN")
}

// TestStripeReplayOrderIndependent replays the recorded life in order, then
// shuffled with several seeds and with duplicate deliveries: every replay
// ends in the same state, and that state is the right one.
func TestStripeReplayOrderIndependent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setupStripe(t, st, "")

		inOrder := newLife(t, f, "ord")
		for _, e := range inOrder.events {
			f.send(t, e)
		}
		want := inOrder.state(t, st)
		t.Logf("end state:\n%s", want)
		p1, p2 := inOrder.p1.Format(time.RFC3339), inOrder.p2.Format(time.RFC3339)
		first, refunded := t0.Format(time.RFC3339), inOrder.refundedAt.Format(time.RFC3339)
		zero := time.Time{}.Format(time.RFC3339)
		for _, line := range []string{
			fmt.Sprintf("canceled end=%s cancel=false grace=%s ended=%s first=%s provider=sub_RUNa/cus_RUNa", p2, zero, p2, first),
			fmt.Sprintf("payment in_1RUN 900 USD charge=pi_1RUN paid paid=%s refunded=%s receipt=https://invoice.stripe.com/i/in_1RUN", first, zero),
			fmt.Sprintf("payment in_2RUN 900 USD charge=pi_2RUN paid paid=%s", inOrder.p1.Add(72*time.Hour).Format(time.RFC3339)),
			fmt.Sprintf("refunded end=%s cancel=false grace=%s ended=%s first=%s provider=sub_RUNb/cus_RUNb", p1, zero, refunded, first),
			fmt.Sprintf("payment in_RUNb 900 USD charge=pi_RUNb refunded paid=%s refunded=%s", first, refunded),
		} {
			if !strings.Contains(want, line) {
				t.Errorf("in-order end state lacks %q:\n%s", line, want)
			}
		}
		after := inOrder.p1.Add(20 * 24 * time.Hour) // inside A's paid period, after B's refund
		for _, r := range []int64{inOrder.readerA, inOrder.readerB} {
			if ents, _ := st.ReaderEntitlements(ctx, r, inOrder.p2.Add(time.Minute)); len(ents) != 0 {
				t.Errorf("reader %d keeps %v after the end", r, ents)
			}
		}
		if ents, _ := st.ReaderEntitlements(ctx, inOrder.readerB, after); len(ents) != 0 {
			t.Errorf("refunded reader keeps %v", ents)
		}

		for seed := uint64(1); seed <= 6; seed++ {
			l := newLife(t, f, fmt.Sprintf("s%d", seed))
			rng := rand.New(rand.NewPCG(seed, 42))
			deliveries := append([]stripeEvent(nil), l.events...)
			for _, e := range l.events {
				if rng.IntN(2) == 0 {
					deliveries = append(deliveries, e) // Stripe delivers at least once
				}
			}
			rng.Shuffle(len(deliveries), func(i, j int) { deliveries[i], deliveries[j] = deliveries[j], deliveries[i] })
			order := make([]string, len(deliveries))
			for i, e := range deliveries {
				f.send(t, e)
				order[i] = strings.TrimSuffix(strings.TrimPrefix(e.ID, "evt_"), "_"+l.run)
			}
			if got := l.state(t, st); got != want {
				t.Errorf("seed %d (%s) ends in\n%s\nwant (in order)\n%s", seed, strings.Join(order, " "), got, want)
			}
		}
	})
}

// TestStripeLateUpdateAfterDeleted: an "updated" snapshot that Stripe
// delivers after "deleted" (older, or a stray retry stamped later) never
// brings the subscription back.
func TestStripeLateUpdateAfterDeleted(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setupStripe(t, st, "")
		l := newLife(t, f, "late")
		// In order, each event moves A where Stripe says it is.
		steps := []struct {
			status magazine.SubStatus
			cancel bool
		}{{"active", false}, {"active", false}, {"active", false}, {"past_due", false}, {"past_due", false},
			{"active", false}, {"active", false}, {"active", true}, {"canceled", false}, {"canceled", false}}
		for i, e := range l.events {
			f.send(t, e)
			s, _ := st.Subscription(ctx, l.a)
			if s.Status != steps[i].status || s.CancelAtPeriodEnd != steps[i].cancel {
				t.Fatalf("after %s: %s, want %s cancel=%t", e.ID, fmtSub(s), steps[i].status, steps[i].cancel)
			}
			if s.Status == magazine.SubPastDue && !s.GrantsAccess(e.Created.Add(time.Hour)) {
				t.Fatalf("past due without the grace period: %s", fmtSub(s))
			}
		}
		if b, _ := st.Subscription(ctx, l.b); b.Status != magazine.SubRefunded || b.GrantsAccess(l.refundedAt) {
			t.Fatalf("after charge.refunded B is %s", fmtSub(b))
		}
		before := l.state(t, st)
		sub, cus := "sub_latea", "cus_latea"
		for _, e := range []stripeEvent{
			{"evt_late_older", "customer.subscription.updated", l.p1.Add(5 * 24 * time.Hour), subscriptionObject(sub, cus, l.a, "active", l.p2, false)},
			{"evt_late_newer", "customer.subscription.updated", l.p2.Add(time.Hour), subscriptionObject(sub, cus, l.a, "active", l.p2, false)},
		} {
			f.send(t, e)
			if got := l.state(t, st); got != before {
				t.Fatalf("%s changed the ended subscription:\n%s\nwas\n%s", e.ID, got, before)
			}
		}
		s, _ := st.Subscription(ctx, l.a)
		if s.Status != magazine.SubCanceled || s.GrantsAccess(l.p2.Add(time.Minute)) {
			t.Fatalf("resurrected: %s", fmtSub(s))
		}
		if ents, _ := st.ReaderEntitlements(ctx, l.readerA, l.p2.Add(2*time.Hour)); len(ents) != 0 {
			t.Fatalf("the reader of the deleted subscription has %v", ents)
		}
	})
}
