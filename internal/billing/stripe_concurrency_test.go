package billing_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestStripeConcurrentWebhooksAndSignups: 50 webhook deliveries over HTTP
// and 50 sign-ups (a new reader and a Stripe checkout each) all at once.
// On SQLite every writer queues on the one write connection, so none
// fails with SQLITE_BUSY, and nothing is lost on either database.
func TestStripeConcurrentWebhooksAndSignups(t *testing.T) {
	url := stripeMockURL(t)
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setupStripe(t, st, url)
		const n = 50
		subs := make([]int64, n)
		deliveries := make([][]byte, n)
		for i := range n {
			run := fmt.Sprintf("c%d", i)
			_, subs[i] = f.incomplete(t, fmt.Sprintf("paying-%d@example.com", i), "cs_"+run)
			e := stripeEvent{"evt_co_" + run, "checkout.session.completed", t0, checkoutObject("cs_"+run, "sub_"+run, "cus_"+run, subs[i])}
			if i%2 == 1 {
				e = stripeEvent{"evt_in_" + run, "invoice.paid", t0,
					invoiceObject("in_"+run, "sub_"+run, "cus_"+run, subs[i], 900, t0.AddDate(0, 1, 0), true, "pi_"+run)}
			}
			deliveries[i] = e.body()
		}
		srv := httptest.NewServer(f.svc.WebhookHandler())
		defer srv.Close()

		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for i := range n {
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				req, _ := http.NewRequest("POST", srv.URL, bytes.NewReader(deliveries[i]))
				req.Header = sign(deliveries[i], whSecret, time.Now())
				resp, err := srv.Client().Do(req)
				if err != nil {
					errs <- err
					return
				}
				msg, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("delivery %d: %d %s", i, resp.StatusCode, msg)
				}
			}()
			go func() {
				defer wg.Done()
				<-start
				r, err := st.CreateReader(ctx, fmt.Sprintf("new-%d@example.com", i), "")
				if err != nil {
					errs <- fmt.Errorf("sign-up %d: %w", i, err)
					return
				}
				if _, err := f.svc.StartCheckout(ctx, r.ID, f.plan.ID, "month", nil); err != nil {
					errs <- fmt.Errorf("checkout %d: %w", i, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if s := err.Error(); strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database is locked") {
				t.Errorf("SQLite refused a writer: %v", err)
			} else {
				t.Error(err)
			}
		}

		for i, id := range subs {
			sub, err := st.Subscription(ctx, id)
			if err != nil || sub.Status != magazine.SubActive || sub.ProviderSubscriptionID != fmt.Sprintf("sub_c%d", i) {
				t.Errorf("delivery %d: subscription %s, %v", i, fmtSub(sub), err)
			}
			eventID := fmt.Sprintf("evt_co_c%d", i)
			if i%2 == 1 {
				eventID = fmt.Sprintf("evt_in_c%d", i)
				if pays, _ := st.SubscriptionPayments(ctx, id); len(pays) != 1 {
					t.Errorf("delivery %d: payments %+v", i, pays)
				}
			}
			if seen, err := st.WebhookEventSeen(ctx, "stripe", eventID); !seen || err != nil {
				t.Errorf("event %s not recorded: %v", eventID, err)
			}
		}
		checkouts := map[string]bool{}
		for i := range n {
			r, err := st.ReaderByEmail(ctx, fmt.Sprintf("new-%d@example.com", i))
			if err != nil {
				t.Errorf("reader %d lost: %v", i, err)
				continue
			}
			rs, err := st.ReaderSubscriptions(ctx, r.ID)
			if err != nil || len(rs) != 1 || rs[0].Status != magazine.SubIncomplete || !strings.HasPrefix(rs[0].CheckoutID, "cs_") {
				t.Errorf("reader %d: subscriptions %+v, %v", i, rs, err)
				continue
			}
			checkouts[rs[0].CheckoutID] = true
		}
		if len(checkouts) != n {
			t.Errorf("%d distinct checkout sessions recorded, want %d", len(checkouts), n)
		}
	})
}
