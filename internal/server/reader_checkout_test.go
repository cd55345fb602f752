package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestTestCheckoutBoundToItsBrowser is finding 5 of issue 9: a TEST MODE
// checkout link opened or paid in another browser (a stranger, or another
// signed-in reader) is refused without the buyer's address and changes
// nothing; its own browser sees the address masked and can pay.
func TestTestCheckoutBoundToItsBrowser(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newReaderEnv(t, st)
		buyer := e.browser(t)
		r := buyer.post("/subscribe", url.Values{"plan": {itoa(e.plan.ID)}, "interval": {"month"}, "email": {"alice@example.com"}})
		link := r.header.Get("Location")
		if r.status != http.StatusSeeOther || !strings.HasPrefix(link, "/billing/test-checkout/") {
			t.Fatalf("subscribe: %d to %q", r.status, link)
		}
		id := strings.TrimPrefix(link, "/billing/test-checkout/")
		other := e.browser(t)
		e.signIn(t, other, "alice@example.com") // even the same account, in another browser
		for name, b := range map[string]*browser{"a stranger": e.browser(t), "another browser": other} {
			for _, r := range []response{b.get(link), b.post(link, url.Values{"card": {"4242 4242 4242 4242"}})} {
				if r.status != http.StatusForbidden || !strings.Contains(r.body, "started in another browser") ||
					strings.Contains(r.body, "alice@") || strings.Contains(r.body, "a•••@example.com") {
					t.Errorf("%s: %d\n%s", name, r.status, r.body)
				}
			}
		}
		sub, err := e.tm.Checkout(context.Background(), id)
		if err != nil || sub.Status != magazine.SubIncomplete {
			t.Fatalf("after the others' tries: %v %v", sub.Status, err)
		}
		page := buyer.get(link)
		if page.status != http.StatusOK || !strings.Contains(page.body, "a•••@example.com") || strings.Contains(page.body, "alice@example.com") {
			t.Fatalf("the buyer's own checkout: %d, want the address masked\n%s", page.status, page.body)
		}
		if r := buyer.post(link, url.Values{"card": {"4242 4242 4242 4242"}}); r.status != http.StatusSeeOther && r.status != http.StatusOK {
			t.Fatalf("the buyer pays: %d", r.status)
		}
		if sub, _ := e.tm.Checkout(context.Background(), id); sub.Status != magazine.SubActive {
			t.Fatalf("after paying: %s", sub.Status)
		}
	})
}
