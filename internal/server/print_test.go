package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// printEnv is the reader environment with a print plan.
func printEnv(t *testing.T) (*readerEnv, magazine.Plan) {
	t.Helper()
	e := newReaderEnv(t, storetest.SQLite(t))
	plan := magazine.Plan{Name: "Print and digital", Slug: "print", MonthlyPrice: 1400, Currency: "USD", RefundWindowDays: 60, Active: true,
		Entitlements: []magazine.Entitlement{magazine.EntSubscriberContent, magazine.EntPrintEdition}}
	if err := e.st.CreatePlan(context.Background(), &plan); err != nil {
		t.Fatal(err)
	}
	return e, plan
}

// TestAccountAddressAndHold: a print subscriber moves from a future date
// and holds delivery from /account; a date in the past and a hold that
// ends before it starts are refused with a reason.
func TestAccountAddressAndHold(t *testing.T) {
	t.Parallel()
	e, plan := printEnv(t)
	ctx := context.Background()
	printComp(t, e, plan, "pat@example.com", &magazine.Address{Name: "Pat Reader", Line1: "1 Quay Street", City: "Portland",
		Region: "ME", PostalCode: "04101", Country: "US"})
	b := e.browser(t)
	e.signIn(t, b, "pat@example.com")
	page := b.get("/account")
	contains(t, page, "Posted to: Pat Reader, 1 Quay Street, Portland, ME 04101, US", `name="effective_on" value="2026-05-04"`, "Hold delivery")
	id := regexpFind(page.body, `/account/subscriptions/(\d+)/address`)

	move := url.Values{"ship_name": {"Pat Reader"}, "ship_line1": {"9 Elm St"}, "ship_city": {"Boston"}, "ship_region": {"MA"},
		"ship_postal_code": {"02134"}, "ship_country": {"US"}, "effective_on": {"2026-05-03"}}
	res := b.post("/account/subscriptions/"+id+"/address", move)
	if res.status != http.StatusBadRequest {
		t.Fatalf("a move dated yesterday: %d", res.status)
	}
	contains(t, res, "cannot start in the past", `value="9 Elm St"`)
	move.Set("effective_on", "2026-06-01")
	if res = b.post("/account/subscriptions/"+id+"/address", move); res.status != http.StatusSeeOther {
		t.Fatalf("a move on June 1: %d\n%s", res.status, res.body)
	}
	page = b.get("/account?address=1")
	contains(t, page, "Posted to: Pat Reader, 1 Quay Street", "From June 1, 2026: 9 Elm St, Boston 02134, US")

	res = b.post("/account/subscriptions/"+id+"/holds", url.Values{"hold_start": {"2026-07-10"}, "hold_end": {"2026-07-01"}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("a hold that ends before it starts: %d", res.status)
	}
	contains(t, res, "ends before it starts")
	if res = b.post("/account/subscriptions/"+id+"/holds", url.Values{"hold_start": {"2026-07-01"}, "hold_end": {"2026-07-20"}}); res.status != http.StatusSeeOther {
		t.Fatalf("a hold: %d\n%s", res.status, res.body)
	}
	page = b.get("/account?hold=1")
	contains(t, page, "No magazine from July 1, 2026 to July 20, 2026")
	hold := regexpFind(page.body, `/account/holds/(\d+)/remove`)

	// Another reader cannot touch Pat's subscription or hold.
	other := e.browser(t)
	if _, err := e.st.CreateReader(ctx, "mallory@example.com", "M"); err != nil {
		t.Fatal(err)
	}
	e.signIn(t, other, "mallory@example.com")
	if res = other.post("/account/subscriptions/"+id+"/holds", url.Values{"hold_start": {"2026-08-01"}, "hold_end": {"2026-08-02"}}); res.status != http.StatusNotFound {
		t.Errorf("a hold on another's subscription: %d", res.status)
	}
	if res = other.post("/account/holds/"+hold+"/remove", nil); res.status != http.StatusNotFound {
		t.Errorf("removing another's hold: %d", res.status)
	}
	if res = b.post("/account/holds/"+hold+"/remove", nil); res.status != http.StatusSeeOther {
		t.Errorf("removing one's hold: %d", res.status)
	}
	lacks(t, b.get("/account"), "No magazine from")
}

var errorParagraph = regexp.MustCompile(`<p class="error"[^>]*>([^<]*)</p>`)

// TestLinkPrintAccountPage: the right account number and postal code
// link once; a wrong one gets the generic answer; the rate limit holds.
func TestLinkPrintAccountPage(t *testing.T) {
	t.Parallel()
	e, _ := printEnv(t)
	ctx := context.Background()
	file := "account_number,name,address_line1,city,region,postal_code,country,email,plan,paid_through\n" +
		"FH-1001,Ida Imported,5 Pine St,Springfield,IL,62701,US,,print,2026-12-31\n" +
		"FH-1002,Jo Imported,6 Pine St,Ottawa,ON,K1M 1M4,CA,,print,2026-12-31\n"
	if _, err := fulfilment.Import(ctx, e.st, store.Actor{Email: "circ@example.com"}, strings.NewReader(file), false, nil); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"ida@example.net", "guesser@example.net", "late@example.net"} {
		if _, err := e.st.CreateReader(ctx, email, ""); err != nil {
			t.Fatal(err)
		}
	}
	if r := e.browser(t).get("/account/link"); r.status != http.StatusSeeOther {
		t.Errorf("/account/link signed out: %d, want a redirect to sign in", r.status)
	}
	b := e.browser(t)
	e.signIn(t, b, "ida@example.net")
	contains(t, b.get("/account/link"), "account number printed on your mailing label")

	var answers []string
	for _, wrong := range [][2]string{{"FH-1001", "62702"}, {"FH-9999", "62701"}, {"FH-1002", "62701"}} {
		r := b.post("/account/link", url.Values{"account_number": {wrong[0]}, "postal_code": {wrong[1]}})
		if r.status != http.StatusBadRequest {
			t.Errorf("%v: %d", wrong, r.status)
		}
		m := errorParagraph.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("%v: no answer on the page", wrong)
		}
		answers = append(answers, m[1])
	}
	if answers[0] != answers[1] || answers[1] != answers[2] || !strings.Contains(answers[0], "could not match") {
		t.Errorf("the answers differ by which part is wrong: %q", answers)
	}
	r := b.post("/account/link", url.Values{"account_number": {"fh-1001"}, "postal_code": {"62701"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account?linked=1" {
		t.Fatalf("the right pair: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	contains(t, b.get("/account?linked=1"), "Print and digital", "Posted to: Ida Imported, 5 Pine St")
	me, _ := e.st.ReaderByEmail(ctx, "ida@example.net")
	if ents, _ := e.st.ReaderEntitlements(ctx, me.ID, e.now); !ents[magazine.EntSubscriberContent] {
		t.Errorf("after linking, Ida has %v", ents)
	}

	// Linked once: nobody links it again, not even with the right pair.
	g := e.browser(t)
	e.signIn(t, g, "guesser@example.net")
	r = g.post("/account/link", url.Values{"account_number": {"FH-1001"}, "postal_code": {"62701"}})
	if m := errorParagraph.FindStringSubmatch(r.body); r.status != http.StatusBadRequest || m == nil || m[1] != answers[0] {
		t.Errorf("linking again: %d, want the generic answer", r.status)
	}
	// Four more guesses use up the reader's five; the sixth try is
	// refused even with the right pair for FH-1002.
	for i := 0; i < 4; i++ {
		g.post("/account/link", url.Values{"account_number": {"FH-2000"}, "postal_code": {"62701"}})
	}
	r = g.post("/account/link", url.Values{"account_number": {"FH-1002"}, "postal_code": {"K1M1M4"}})
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("the sixth try: %d, want 429", r.status)
	}
	contains(t, r, "Too many tries")
	guesser, _ := e.st.ReaderByEmail(ctx, "guesser@example.net")
	if ents, _ := e.st.ReaderEntitlements(ctx, guesser.ID, e.now); len(ents) != 0 {
		t.Errorf("a rate-limited try linked: %v", ents)
	}
	// The limit refills: a quarter of an hour later the right pair links.
	e.advance(15 * time.Minute)
	if r = g.post("/account/link", url.Values{"account_number": {"FH-1002"}, "postal_code": {"K1M1M4"}}); r.status != http.StatusSeeOther {
		t.Errorf("after waiting: %d", r.status)
	}
}

// printComp makes a reader with a complimentary print subscription for a
// year, posted to ship (none when nil).
func printComp(t *testing.T, e *readerEnv, plan magazine.Plan, email string, ship *magazine.Address) {
	t.Helper()
	ctx := context.Background()
	r, err := e.st.CreateReader(ctx, email, "")
	if err != nil {
		t.Fatal(err)
	}
	err = e.st.Billing(ctx, func(btx *store.BillingTx) error {
		sub := store.Subscription{Provider: "comp"}
		if ship != nil {
			sub.Shipping = *ship
		}
		sub.ReaderID, sub.PlanID, sub.Status, sub.Comp, sub.CurrentPeriodEnd = r.ID, plan.ID, magazine.SubActive, true, e.now.AddDate(1, 0, 0)
		_, err := btx.InsertSubscription(sub, store.SubEvent{Kind: "comp", Actor: "system"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A print subscription with no address yet (a comp given by staff) asks
// for one on /account, and has it once given.
func TestAccountAsksForMissingAddress(t *testing.T) {
	t.Parallel()
	e, plan := printEnv(t)
	printComp(t, e, plan, "gift@example.com", nil)
	b := e.browser(t)
	e.signIn(t, b, "gift@example.com")
	page := b.get("/account")
	contains(t, page, "We have no address for the printed magazine yet")
	id := regexpFind(page.body, `/account/subscriptions/(\d+)/address`)
	form := url.Values{"ship_name": {"Gil Gift"}, "ship_line1": {"3 Bay Rd"}, "ship_city": {"Halifax"}, "ship_region": {"NS"},
		"ship_postal_code": {"b3h 1a1"}, "ship_country": {"ca"}}
	if res := b.post("/account/subscriptions/"+id+"/address", form); res.status != http.StatusSeeOther {
		t.Fatalf("the first address: %d\n%s", res.status, res.body)
	}
	contains(t, b.get("/account"), "Posted to: Gil Gift, 3 Bay Rd, Halifax, NS B3H 1A1, CA")
}
