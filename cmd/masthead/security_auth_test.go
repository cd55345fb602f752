package main

// Issue 9, findings 2, 5 and 10, replayed against `masthead serve --demo`
// over real HTTP (finding 7 needs Stripe keys, so it is covered in
// internal/billing: TestStripeWebhookFutureDated).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/admin"
	"github.com/masthead-press/masthead/internal/mailtest"
)

// postFrom posts a form as a client behind the proxy would, from ip.
func (c *secClient) postFrom(ip, path string, form url.Values) secResponse {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", ip)
	return c.do(req)
}

// waitForMail polls mailpit for a message to address whose subject
// contains subject, created after since.
func waitForMail(t *testing.T, apiURL, address, subject string, since time.Time) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	q := url.QueryEscape(fmt.Sprintf("to:%s subject:%q", address, subject))
	for time.Now().Before(deadline) {
		resp, err := http.Get(apiURL + "/api/v1/search?query=" + q)
		if err != nil {
			t.Fatalf("mailpit: %v", err)
		}
		var list struct {
			Messages []struct {
				Subject string
				Created time.Time
			}
		}
		err = json.NewDecoder(resp.Body).Decode(&list)
		resp.Body.Close()
		if err == nil {
			for _, m := range list.Messages {
				if m.Created.After(since.Add(-time.Second)) && strings.Contains(m.Subject, subject) {
					return
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no message %q to %s reached mailpit", subject, address)
}

// TestSecurityOwnerGetsInWhileStrangersGuess: strangers guess the owner's
// password from rotating addresses (behind --trust-proxy); the owner's
// browser, which has signed in before, gets in every time; a new browser
// is refused with the reason; the owner is mailed.
func TestSecurityOwnerGetsInWhileStrangersGuess(t *testing.T) {
	smtpURL, mailpit := mailtest.Mailpit(t)
	start := time.Now()
	d := startSecurityDemo(t, nil, "--trust-proxy", "--smtp-url", smtpURL, "--mail-from", "masthead@demo.masthead.example")
	const email = "owner@demo.masthead.example"
	owner := d.staff(t, "owner")
	right := url.Values{"email": {email}, "password": {admin.DemoPassword}}
	for round := range 6 {
		for i := range 5 {
			n := round*5 + i
			d.client(t).postFrom(fmt.Sprintf("203.0.113.%d", n+1), "/admin/sign-in", url.Values{"email": {email}, "password": {fmt.Sprintf("guess %d", n)}})
		}
		r := owner.post("/admin/sign-in", right)
		if r.Status != http.StatusSeeOther || strings.HasPrefix(r.Header.Get("Location"), "/admin/sign-in?") {
			t.Fatalf("round %d: the owner's browser got %d (Location %q)\n%s", round, r.Status, r.Header.Get("Location"), r.Body)
		}
	}
	r := d.client(t).post("/admin/sign-in", right)
	if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "only accepts its password from a browser that has signed in to it before") {
		t.Fatalf("a new browser with the right password during the lockout: %d\n%s", r.Status, r.Body)
	}
	waitForMail(t, mailpit, email, "Many failed sign-in attempts", start)
}

var (
	planField = regexp.MustCompile(`name="plan" value="(\d+)"`)
	subAction = regexp.MustCompile(`/account/subscriptions/(\d+)/`)
)

// subscribeInTestMode starts a TEST MODE checkout for a new address and
// returns the checkout's path.
func subscribeInTestMode(t *testing.T, c *secClient, email string) string {
	t.Helper()
	page := c.get("/subscribe")
	m := planField.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no plan on /subscribe: %d", page.Status)
	}
	r := c.post("/subscribe", url.Values{"plan": {m[1]}, "interval": {"month"}, "email": {email}})
	link := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(link, "/billing/test-checkout/") {
		t.Fatalf("subscribe as %s: %d to %q\n%s", email, r.Status, link, r.Body)
	}
	return link
}

// TestSecurityTestCheckoutIsTheStartersOnly: another browser can neither
// see nor pay someone's TEST MODE checkout; its own shows the address
// masked. Then the address form for another reader's subscription is
// refused with a message.
func TestSecurityTestCheckoutIsTheStartersOnly(t *testing.T) {
	d := startSecurityDemo(t, nil)
	alice, bob := d.client(t), d.client(t)
	link := subscribeInTestMode(t, alice, "alice.security@example.com")
	for _, r := range []secResponse{bob.get(link), bob.post(link, url.Values{"card": {"4242 4242 4242 4242"}}), d.client(t).get(link)} {
		if r.Status != http.StatusForbidden || strings.Contains(r.Body, "alice") || !strings.Contains(r.Body, "started in another browser") {
			t.Errorf("another browser on the checkout: %d\n%s", r.Status, r.Body)
		}
	}
	own := alice.get(link)
	if own.Status != http.StatusOK || !strings.Contains(own.Body, "a•••@example.com") || strings.Contains(own.Body, "alice.security@") {
		t.Fatalf("the starter's checkout: %d, want the address masked\n%s", own.Status, own.Body)
	}
	if r := alice.post(link, url.Values{"card": {"4242 4242 4242 4242"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("the starter pays: %d\n%s", r.Status, r.Body)
	}
	m := subAction.FindStringSubmatch(alice.get("/account").Body)
	if m == nil {
		t.Fatal("alice's account page shows no subscription")
	}
	// Bob, signed in with a checkout of his own, posts the address form
	// of Alice's subscription.
	bobLink := subscribeInTestMode(t, bob, "bob.security@example.com")
	bob.post(bobLink, url.Values{"card": {"4242 4242 4242 4242"}})
	r := bob.post("/account/subscriptions/"+m[1]+"/address", url.Values{"ship_name": {"Bob"}, "ship_line1": {"1 Quay St"},
		"ship_city": {"Portsmouth"}, "ship_postal_code": {"PO1 2AB"}, "ship_country": {"GB"}})
	if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "not on your account") {
		t.Errorf("address form for another reader's subscription: %d\n%s", r.Status, r.Body)
	}
	if r := bob.post("/account/subscriptions/"+m[1]+"/address", url.Values{"ship_name": {"Bob"}}); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `role="alert"`) {
		t.Errorf("a bad address form for another reader's subscription: %d, want 400 with a message\n%s", r.Status, r.Body)
	}
}
