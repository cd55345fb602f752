package admin

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// circulation is an env with two plans and three subscriptions: alice and
// bob pay for Digital, carol has Print + Digital with a hostile address.
type circulation struct {
	*env
	tm                *billing.TestMode
	admin             *http.Cookie
	digital, print    magazine.Plan
	alice, bob, carol int64
}

func newCirculation(t *testing.T, st *store.Store) *circulation {
	e := newEnvOn(t, st, "http://masthead.test")
	c := &circulation{env: e, tm: e.withBilling(), admin: e.session(e.staff[magazine.RoleAdmin])}
	c.digital = e.addPlan("Digital", 800, 8000, magazine.EntSubscriberContent, magazine.EntAudio)
	c.print = e.addPlan("Print + Digital", 1400, 14000, magazine.Entitlements...)
	c.alice = e.subscribe("alice@example.com", c.digital, nil)
	c.bob = e.subscribe("bob@example.com", c.digital, nil)
	c.carol = e.subscribe("=carol@example.com", c.print, &magazine.Address{Name: `=HYPERLINK("http://evil.example","x")`,
		Line1: "+1 Main Street", Line2: "-2nd floor", City: "@Springfield", Region: "IL", PostalCode: "62701", Country: "US"})
	return c
}

func rowsOf(body string) []string {
	var out []string
	for _, part := range strings.Split(body, `<tr id="subscription-`)[1:] {
		out = append(out, part[:strings.Index(part, "</tr>")])
	}
	return out
}

func TestSubscribersList(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		c := newCirculation(t, st)
		get := func(q string) (int, string) {
			w := c.do(http.MethodGet, "/admin/subscribers"+q, nil, c.admin)
			return w.Code, w.Body.String()
		}
		// An abandoned checkout is listed only when asked for.
		dave, err := st.CreateReader(context.Background(), "dave@example.com", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.billing().StartCheckout(context.Background(), dave.ID, c.digital.ID, "month", nil); err != nil {
			t.Fatal(err)
		}
		if _, body := get("?status=incomplete"); len(rowsOf(body)) != 1 || !strings.Contains(body, "dave@example.com") {
			t.Errorf("the incomplete checkout is not listed when asked for")
		}
		code, body := get("")
		if code != http.StatusOK || len(rowsOf(body)) != 3 || !strings.Contains(body, "8.00 USD per month") ||
			!strings.Contains(body, "14.00 USD per month") {
			t.Fatalf("all subscribers: %d, %d rows\n%s", code, len(rowsOf(body)), body)
		}
		for q, want := range map[string][]string{
			"?plan=" + strconv.FormatInt(c.print.ID, 10): {"=carol@example.com"},
			"?email=ALI":                       {"alice@example.com"},
			"?email=example.com&status=active": {"=carol@example.com", "bob@example.com", "alice@example.com"},
			"?status=refunded":                 nil,
			"?email=%25":                       nil, // a literal %, not a wildcard
			"?plan=" + strconv.FormatInt(c.digital.ID, 10) + "&email=bob": {"bob@example.com"},
		} {
			code, body := get(q)
			rows := rowsOf(body)
			if code != http.StatusOK || len(rows) != len(want) {
				t.Errorf("%s: %d, %d rows, want %v", q, code, len(rows), want)
				continue
			}
			for i, r := range rows {
				if !strings.Contains(r, ">"+want[i]+"</a>") {
					t.Errorf("%s: row %d is %q, want %s", q, i, r, want[i])
				}
			}
		}
		// The filter stays in the form and in the export link.
		_, body = get("?status=active&email=bob")
		if !strings.Contains(body, `<option value="active" selected>`) || !strings.Contains(body, `value="bob"`) ||
			!strings.Contains(body, `href="/admin/subscribers.csv?email=bob&amp;status=active"`) {
			t.Errorf("the filter is not kept:\n%s", body)
		}
		for q, msg := range map[string]string{"?status=happy": "There is no subscription status", "?plan=x": "The plan filter must be",
			"?page=0": "The page parameter"} {
			if code, body := get(q); code != http.StatusBadRequest || !strings.Contains(body, msg) {
				t.Errorf("%s: %d, want 400 saying %q", q, code, msg)
			}
		}
	})
}

func TestSubscribersPaging(t *testing.T) {
	t.Parallel()
	c := newCirculation(t, storetest.SQLite(t))
	ctx := context.Background()
	until := c.clock.Now().AddDate(0, 6, 0)
	for i := range subscribersPageSize {
		r, err := c.store.CreateReader(ctx, fmt.Sprintf("comp%02d@example.com", i), "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.billing().Comp(ctx, r.ID, c.digital.ID, until, billing.Staff("admin@example.com")); err != nil {
			t.Fatal(err)
		}
	}
	body := c.do(http.MethodGet, "/admin/subscribers?plan="+strconv.FormatInt(c.digital.ID, 10), nil, c.admin).Body.String()
	next := `href="/admin/subscribers?page=2&amp;plan=` + strconv.FormatInt(c.digital.ID, 10) + `"`
	if n := len(rowsOf(body)); n != subscribersPageSize || !strings.Contains(body, next) || strings.Contains(body, `rel="prev"`) {
		t.Fatalf("page 1: %d rows, want %d and a link to page 2\n%s", n, subscribersPageSize, body)
	}
	body = c.do(http.MethodGet, "/admin/subscribers?page=2&plan="+strconv.FormatInt(c.digital.ID, 10), nil, c.admin).Body.String()
	rows := rowsOf(body)
	if len(rows) != 2 || !strings.Contains(rows[1], "alice@example.com") || strings.Contains(body, `rel="next"`) ||
		!strings.Contains(body, `rel="prev"`) {
		t.Fatalf("page 2: %d rows, want bob and alice, the oldest\n%s", len(rows), body)
	}
}

// billing is the service the admin uses, for setting up tests.
func (c *circulation) billing() *billing.Service { return c.env.admin.billing }

func TestSubscribersCSV(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		c := newCirculation(t, st)
		w := c.do(http.MethodGet, "/admin/subscribers.csv", nil, c.admin)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
			w.Header().Get("Content-Disposition") != `attachment; filename="subscribers-2026-03-02.csv"` {
			t.Fatalf("CSV: %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Header().Get("Content-Disposition"))
		}
		recs, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
		if err != nil {
			t.Fatalf("not CSV: %v\n%s", err, w.Body)
		}
		if len(recs) != 4 || strings.Join(recs[0], ",") != strings.Join(csvHeader, ",") {
			t.Fatalf("got %d records, header %v", len(recs), recs[0])
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		carol := recs[1] // newest first
		for field, want := range map[string]string{
			"subscription_id": strconv.FormatInt(c.carol, 10), "email": "'=carol@example.com", "plan": "Print + Digital",
			"status": "active", "interval": "month", "amount": "14.00", "currency": "USD", "current_period_end": "2026-04-02T09:00:00Z",
			"cancel_at_period_end": "false", "ship_name": `'=HYPERLINK("http://evil.example","x")`, "ship_line1": "'+1 Main Street",
			"ship_line2": "'-2nd floor", "ship_city": "'@Springfield", "ship_postal_code": "62701", "ship_country": "US",
		} {
			if got := carol[col[field]]; got != want {
				t.Errorf("%s = %q, want %q", field, got, want)
			}
		}
		for _, r := range recs[1:] {
			for i, cell := range r {
				if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
					t.Errorf("%s cell %q could run as a formula", recs[0][i], cell)
				}
			}
		}
		if !c.audited("admin@example.com", "subscribers.export", "3 rows") {
			t.Error("the export is not in the audit log")
		}

		w = c.do(http.MethodGet, "/admin/subscribers.csv?status=active&email=bob", nil, c.admin)
		recs, _ = csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
		if len(recs) != 2 || recs[1][col["email"]] != "bob@example.com" {
			t.Errorf("filtered CSV: %v", recs)
		}
		if w := c.do(http.MethodGet, "/admin/subscribers.csv?status=happy", nil, c.admin); w.Code != http.StatusBadRequest {
			t.Errorf("CSV with an unknown status: %d", w.Code)
		}
		if w := c.do(http.MethodGet, "/admin/subscribers.csv", nil, c.session(c.staff[magazine.RoleEditor])); w.Code != http.StatusForbidden ||
			strings.Contains(w.Body.String(), "alice@example.com") {
			t.Errorf("an editor got the export: %d", w.Code)
		}
	})
}
