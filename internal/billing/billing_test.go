package billing_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type fixture struct {
	st   *store.Store
	tm   *billing.TestMode
	svc  *billing.Service
	plan magazine.Plan
	now  *time.Time
}

func setup(t *testing.T, st *store.Store) *fixture {
	t.Helper()
	now := t0
	f := &fixture{st: st, tm: billing.NewTestMode(), now: &now}
	var mu sync.Mutex
	st.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return *f.now }
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	f.svc = billing.New(st, f.tm, tmpl, billing.Options{Publication: "The Review", BaseURL: "http://x"})
	f.plan = magazine.Plan{Name: "Digital", MonthlyPrice: 900, YearlyPrice: 9000, Currency: "USD", RefundWindowDays: 60,
		Entitlements: []magazine.Entitlement{magazine.EntSubscriberContent, magazine.EntAudio}, Active: true}
	if err := st.CreatePlan(context.Background(), &f.plan); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) subscribe(t *testing.T, email string) (store.Reader, int64) {
	t.Helper()
	ctx := context.Background()
	r, err := f.st.CreateReader(ctx, email, "")
	if err != nil {
		t.Fatal(err)
	}
	co, err := f.svc.StartCheckout(ctx, r.ID, f.plan.ID, "month", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.tm.Pay(ctx, co.ID, "4242 4242 4242 4242"); err != nil {
		t.Fatal(err)
	}
	return r, co.SubscriptionID
}

func TestTestModeCheckout(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st)
		r, subID := f.subscribe(t, "a@example.com")
		ents, err := st.ReaderEntitlements(ctx, r.ID, t0)
		if err != nil || !ents[magazine.EntSubscriberContent] || !ents[magazine.EntAudio] || ents[magazine.EntPrintEdition] {
			t.Fatalf("entitlements after paying = %v, %v", ents, err)
		}
		sub, _ := st.Subscription(ctx, subID)
		if sub.Status != magazine.SubActive || sub.FirstPaymentAt.IsZero() {
			t.Fatalf("subscription = %+v", sub)
		}

		r2, _ := st.CreateReader(ctx, "b@example.com", "")
		co, err := f.svc.StartCheckout(ctx, r2.ID, f.plan.ID, "month", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.tm.Pay(ctx, co.ID, "4000 0000 0000 0002"); magazine.ErrorCode(err) != magazine.EINVALID {
			t.Fatalf("declined card: %v", err)
		}
		if ents, _ := st.ReaderEntitlements(ctx, r2.ID, t0); len(ents) != 0 {
			t.Fatalf("declined card gave %v", ents)
		}
		if _, err := f.svc.StartCheckout(ctx, r2.ID, 9999, "month", nil); magazine.ErrorCode(err) != magazine.EINVALID {
			t.Fatalf("unknown plan: %v", err)
		}
		if _, err := f.svc.StartCheckout(ctx, r2.ID, f.plan.ID, "week", nil); magazine.ErrorCode(err) != magazine.EINVALID {
			t.Fatalf("unknown interval: %v", err)
		}
	})
}

func TestRefundWindow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st)
		r1, sub1 := f.subscribe(t, "a@example.com")
		_, sub2 := f.subscribe(t, "b@example.com")

		*f.now = t0.Add(61 * 24 * time.Hour)
		err := f.svc.Refund(ctx, sub2, billing.Staff("c@example.com"))
		if magazine.ErrorCode(err) != magazine.EINVALID {
			t.Fatalf("day 61 refund: %v", err)
		}
		t.Logf("day 61: %s", magazine.ErrorMessage(err))

		*f.now = t0.Add(59 * 24 * time.Hour)
		if err := f.svc.Refund(ctx, sub1, billing.Reader(r1.ID+1000)); !magazine.IsNotFound(err) {
			t.Fatalf("someone else's refund: %v", err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = f.svc.Refund(ctx, sub1, billing.Reader(r1.ID)) }()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if magazine.ErrorCode(err) != magazine.ECONFLICT {
				t.Fatalf("second refund: %v", err)
			}
		}
		if ok != 1 || f.tm.Calls("refund") != 1 || f.tm.Refunds() != 1 {
			t.Fatalf("%d refunds succeeded, %d provider calls", ok, f.tm.Calls("refund"))
		}
		pays, _ := st.SubscriptionPayments(ctx, sub1)
		if len(pays) != 1 || pays[0].Status != store.PaymentRefunded {
			t.Fatalf("payments = %+v", pays)
		}
		sub, _ := st.Subscription(ctx, sub1)
		if sub.Status != magazine.SubRefunded || sub.GrantsAccess(*f.now) {
			t.Fatalf("refunded subscription = %+v", sub)
		}
		if ents, _ := st.ReaderEntitlements(ctx, r1.ID, *f.now); len(ents) != 0 {
			t.Fatalf("refunded reader keeps %v", ents)
		}
		box, _ := st.Mailbox(ctx, "a@example.com", 10)
		refundMails := 0
		for _, m := range box {
			if m.Kind == "refund_confirmation" {
				refundMails++
			}
		}
		if refundMails != 1 {
			t.Fatalf("%d refund e-mails", refundMails)
		}
	})
}

func TestCancelResume(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st)
		r, subID := f.subscribe(t, "a@example.com")
		if err := f.svc.Cancel(ctx, subID, billing.Reader(r.ID)); err != nil {
			t.Fatal(err)
		}
		sub, _ := st.Subscription(ctx, subID)
		if !sub.CancelAtPeriodEnd || !sub.GrantsAccess(*f.now) {
			t.Fatalf("canceled subscription = %+v", sub)
		}
		if err := f.svc.Resume(ctx, subID, billing.Reader(r.ID)); err != nil {
			t.Fatal(err)
		}
		if sub, _ = st.Subscription(ctx, subID); sub.CancelAtPeriodEnd {
			t.Fatal("resume did not resume")
		}
		evs, _ := st.SubscriptionEvents(ctx, subID)
		if len(evs) < 4 {
			t.Fatalf("history = %+v", evs)
		}
	})
}
