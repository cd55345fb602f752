package billing_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestSweep plays the calendar in TEST MODE: a monthly subscription renews
// with a new payment once per period, one canceled at period end ends
// when the period does, and a comp expires on its date.
func TestSweep(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st)
		_, renewing := f.subscribe(t, "renew@example.com")
		_, leaving := f.subscribe(t, "leave@example.com")
		if err := f.svc.Cancel(ctx, leaving, billing.Reader(mustSub(t, st, leaving).ReaderID)); err != nil {
			t.Fatal(err)
		}
		comped, err := st.CreateReader(ctx, "comp@example.com", "")
		if err != nil {
			t.Fatal(err)
		}
		compID, err := f.svc.Comp(ctx, comped.ID, f.plan.ID, t0.Add(10*24*time.Hour), billing.Staff("editor@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		if n, err := f.svc.Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("a sweep before anything is due moved %d (%v)", n, err)
		}

		*f.now = t0.AddDate(0, 1, 1) // a day past the first period
		n, err := f.svc.Sweep(ctx)
		if err != nil || n != 3 {
			t.Fatalf("sweep moved %d subscriptions (%v), want 3", n, err)
		}
		if n, _ := f.svc.Sweep(ctx); n != 0 {
			t.Errorf("a second sweep moved %d more", n)
		}
		r := mustSub(t, st, renewing)
		if r.Status != magazine.SubActive || !r.CurrentPeriodEnd.Equal(t0.AddDate(0, 2, 0)) || !r.GrantsAccess(*f.now) {
			t.Errorf("renewed subscription: %s until %v", r.Status, r.CurrentPeriodEnd)
		}
		if pays, _ := st.SubscriptionPayments(ctx, renewing); len(pays) != 2 {
			t.Errorf("%d payments after one renewal, want 2", len(pays))
		}
		if got := mailKinds(t, st, "renew@example.com"); got != "subscription_started renewal_receipt" {
			t.Errorf("mail to a renewing subscriber: %s, want the welcome then one receipt", got)
		}
		if l := mustSub(t, st, leaving); l.Status != magazine.SubCanceled || l.GrantsAccess(*f.now) {
			t.Errorf("canceled subscription after its period: %s", l.Status)
		}
		if c := mustSub(t, st, compID); c.Status != magazine.SubExpired || c.GrantsAccess(*f.now) {
			t.Errorf("comp after its date: %s", c.Status)
		}
	})
}

func mustSub(t *testing.T, st *store.Store, id int64) store.Subscription {
	t.Helper()
	sub, err := st.Subscription(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// An imported print subscription ends at its paid-through date as a comp
// does: nobody bills it.
func TestSweepEndsImported(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st)
		ps := store.PrintSubscriber{Row: 2, AccountNumber: "FH-1", PlanID: f.plan.ID, PaidThrough: t0.AddDate(0, 0, 5).Truncate(24 * time.Hour),
			Address: magazine.Address{Name: "Ida", Line1: "5 Pine St", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"}}
		if _, err := st.ImportPrintSubscribers(ctx, store.CommandLine(), []store.PrintSubscriber{ps}, false, nil); err != nil {
			t.Fatal(err)
		}
		list, _ := st.Subscribers(ctx, store.SubscriberFilter{})
		if n, err := f.svc.Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("a sweep before the paid-through date moved %d (%v)", n, err)
		}
		*f.now = t0.AddDate(0, 0, 7)
		if n, err := f.svc.Sweep(ctx); err != nil || n != 1 {
			t.Fatalf("sweep moved %d (%v), want 1", n, err)
		}
		if s := mustSub(t, st, list[0].ID); s.Status != magazine.SubExpired || s.GrantsAccess(*f.now) {
			t.Errorf("imported subscription after its paid-through date: %s", s.Status)
		}
	})
}

// mailKinds lists the kinds of the messages to addr, oldest first.
func mailKinds(t *testing.T, st *store.Store, addr string) string {
	t.Helper()
	box, err := st.Mailbox(context.Background(), addr, 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for i := len(box) - 1; i >= 0; i-- {
		kinds = append(kinds, box[i].Kind)
	}
	return strings.Join(kinds, " ")
}

// TestPaymentFailedMail: a failed renewal mails the subscriber once, with
// the link to fix the payment and the end of the grace period; a second
// failure in the same grace period mails nothing more.
func TestPaymentFailedMail(t *testing.T) {
	t.Parallel()
	st := storetest.SQLite(t)
	ctx := context.Background()
	f := setup(t, st)
	_, id := f.subscribe(t, "late@example.com")
	for i, at := range []time.Time{t0.AddDate(0, 1, 0), t0.AddDate(0, 1, 3)} {
		ev := billing.Event{ID: fmt.Sprintf("evt_fail_%d", i), Type: billing.EventPaymentFailed, ProviderType: "test.failure", At: at,
			LocalSubscriptionID: id, Reason: "card declined"}
		if err := f.svc.Apply(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if got := mailKinds(t, st, "late@example.com"); got != "subscription_started payment_failed" {
		t.Fatalf("mail: %s", got)
	}
	box, _ := st.Mailbox(ctx, "late@example.com", 1)
	if !strings.Contains(box[0].Text, "http://x/account") || !strings.Contains(box[0].HTML, "Fix my payment") {
		t.Errorf("payment failed mail lacks the link to fix it:\n%s", box[0].Text)
	}
}
