package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestReaderGetsInWhileStrangersGuess is finding 2 of issue 9 for
// readers: strangers guessing a reader's password from many addresses do
// not keep the reader out on a device that signed in before; a new device
// is told to use the e-mailed link, and the reader is mailed once.
func TestReaderGetsInWhileStrangersGuess(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newReaderEnv(t, st)
		// Strangers come from addresses of their own, as behind a proxy.
		e.srv.Config.Handler = httpx.TrustProxy(e.srv.Config.Handler)
		const email, pw = "pw@example.com", "tide tables for the northern quay"
		b := e.browser(t)
		b.post("/sign-up", url.Values{"email": {email}})
		b.post(e.lastLink(t, email), nil)
		if r := b.post("/account/password", url.Values{"new_password": {pw}}); r.status != http.StatusSeeOther {
			t.Fatalf("set password: %d", r.status)
		}
		guess := func(n int) {
			req, _ := http.NewRequest("POST", e.srv.URL+"/sign-in/password", strings.NewReader(url.Values{"email": {email}, "password": {"a stranger's guess"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", "198.51.100."+strconv.Itoa(n%250))
			e.browser(t).do(req)
		}
		for round := range 8 {
			for i := range 4 {
				e.advance(5 * time.Second)
				guess(round*4 + i)
			}
			if r := b.post("/sign-in/password", url.Values{"email": {email}, "password": {pw}}); r.status != http.StatusSeeOther {
				t.Fatalf("round %d: the reader's own device got %d", round, r.status)
			}
		}
		fresh := e.browser(t)
		r := fresh.post("/sign-in/password", url.Values{"email": {email}, "password": {pw}})
		if r.status != http.StatusTooManyRequests || fresh.signedIn() || !strings.Contains(r.body, "only accepts its password on a device that has signed in to it before") {
			t.Fatalf("a new device during the lockout: %d\n%s", r.status, r.body)
		}
		// The link still works for it.
		if r := fresh.post("/sign-in", url.Values{"email": {email}}); r.status != http.StatusOK {
			t.Errorf("asking for a link during the lockout: %d", r.status)
		}
		box, err := st.Mailbox(context.Background(), email, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range box {
			if m.Kind == "reader_lockout" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d lockout notices, want one for the lockout", n)
		}
	})
}
