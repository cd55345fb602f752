package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestRefusalsSayWhatHappened is finding 10 of issue 9: a refusal a
// reader can meet shows a message, not an empty page. Posting the address
// form, or an action, for another reader's subscription used to answer
// 400 with nothing to read.
func TestRefusalsSayWhatHappened(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newReaderEnv(t, st)
		alice := e.browser(t)
		e.subscribe(t, alice, "alice@example.com")
		reader, err := st.ReaderByEmail(context.Background(), "alice@example.com")
		if err != nil {
			t.Fatal(err)
		}
		subs, err := st.ReaderSubscriptions(context.Background(), reader.ID)
		if err != nil || len(subs) == 0 {
			t.Fatalf("alice's subscriptions: %v %v", subs, err)
		}
		theirs := "/account/subscriptions/" + itoa(subs[0].ID)
		bob := e.browser(t)
		bob.post("/sign-up", url.Values{"email": {"bob@example.com"}})
		bob.post(e.lastLink(t, "bob@example.com"), nil)
		address := url.Values{"ship_name": {"Bob"}, "ship_line1": {"1 Quay St"}, "ship_city": {"Portsmouth"}, "ship_postal_code": {"PO1 2AB"}, "ship_country": {"GB"}}
		for _, tc := range []struct {
			name, path string
			form       url.Values
			status     int
			says       string
		}{
			{"address for another's subscription", theirs + "/address", address, http.StatusNotFound, "not on your account"},
			{"bad address for another's subscription", theirs + "/address", url.Values{"ship_name": {"Bob"}}, http.StatusBadRequest, "class=\"error\""},
			{"cancel another's subscription", theirs + "/cancel", url.Values{}, http.StatusNotFound, "not on your account"},
			{"refund another's subscription", theirs + "/refund", url.Values{}, http.StatusNotFound, "not on your account"},
			{"address for no subscription", "/account/subscriptions/999999/address", address, http.StatusNotFound, "not on your account"},
		} {
			r := bob.post(tc.path, tc.form)
			if r.status != tc.status || !strings.Contains(r.body, tc.says) || !strings.Contains(r.body, `role="alert"`) {
				t.Errorf("%s: %d, want %d with a message (%q)\n%s", tc.name, r.status, tc.status, tc.says, r.body)
			}
		}
		// A form sent from another site: refused, and the page says why.
		req, _ := http.NewRequest("POST", e.srv.URL+"/account/password", strings.NewReader("new_password=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if r := bob.do(req); r.status != http.StatusForbidden || !strings.Contains(r.body, "sent from another site") {
			t.Errorf("cross-site form: %d\n%s", r.status, r.body)
		}
		if sub, _ := st.Subscription(context.Background(), subs[0].ID); sub.CancelAtPeriodEnd || sub.Shipping.Name == "Bob" {
			t.Errorf("a refused action changed alice's subscription: %+v", sub)
		}
	})
}
