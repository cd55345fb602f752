package admin

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

const subscribersPageSize = 50

// subscriberRow is a subscription as the list shows it.
type subscriberRow struct {
	ID                int64
	Email             string
	PlanName          string
	Status            magazine.SubStatus
	Amount            string // "8.00 USD per month", "complimentary"
	PeriodEnd         time.Time
	CancelAtPeriodEnd bool
	Comp              bool
}

func newSubscriberRow(s store.Subscriber) subscriberRow {
	return subscriberRow{ID: s.ID, Email: s.Email, PlanName: s.PlanName, Status: s.Status, PeriodEnd: s.CurrentPeriodEnd,
		CancelAtPeriodEnd: s.CancelAtPeriodEnd, Comp: s.Comp, Amount: subAmount(s.Subscription)}
}

// subAmount is what a subscription costs, in words.
func subAmount(s store.Subscription) string {
	if s.Comp {
		return "complimentary"
	}
	if s.Amount == 0 {
		return ""
	}
	return money(s.Amount, s.Currency) + " per " + s.Interval
}

type subscribersData struct {
	Plans    []magazine.Plan
	Statuses []magazine.SubStatus
	// The filter as given, to keep it in the form.
	Plan, Status, Email string
	Rows                []subscriberRow
	Page                int
	Prev, Next          string // links to the neighbouring pages, "" at the ends
	CSV                 string // the export of the same filter
	BillingOff          string
}

// subscriberFilter reads the list's filter from the query: ?plan=ID,
// ?status=, ?email=. Unknown values are a 400 with the reason.
func subscriberFilter(r *http.Request) (store.SubscriberFilter, url.Values, error) {
	q := r.URL.Query()
	var f store.SubscriberFilter
	kept := url.Values{}
	if raw := q.Get("plan"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id < 1 {
			return f, nil, httpx.BadRequest("The plan filter must be a plan number, not %q.", truncate(raw, 40))
		}
		f.PlanID = id
		kept.Set("plan", raw)
	}
	if raw := q.Get("status"); raw != "" {
		if !slices.Contains(subStatuses, magazine.SubStatus(raw)) {
			return f, nil, httpx.BadRequest("There is no subscription status %q.", truncate(raw, 40))
		}
		f.Status = magazine.SubStatus(raw)
		kept.Set("status", raw)
	} else {
		f.HideIncomplete = true // abandoned checkouts only when asked for
	}
	if raw := strings.TrimSpace(q.Get("email")); raw != "" {
		if len(raw) > 254 {
			return f, nil, httpx.BadRequest("Search for at most 254 characters of an e-mail address.")
		}
		f.Email = raw
		kept.Set("email", raw)
	}
	return f, kept, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (a *Admin) subscribersPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	return a.renderSubscribers(w, r, http.StatusOK, a.newPage(me, "Subscribers"))
}

func (a *Admin) renderSubscribers(w http.ResponseWriter, r *http.Request, status int, p page) error {
	ctx := r.Context()
	f, kept, err := subscriberFilter(r)
	if err != nil {
		return err
	}
	n, err := httpx.PageParam(r)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = subscribersPageSize+1, (n-1)*subscribersPageSize
	list, err := a.store.Subscribers(ctx, f)
	if err != nil {
		return err
	}
	d := subscribersData{Statuses: subStatuses, Plan: kept.Get("plan"), Status: kept.Get("status"), Email: kept.Get("email"), Page: n}
	if d.Plans, err = a.store.Plans(ctx, false); err != nil {
		return err
	}
	if len(list) > subscribersPageSize {
		list = list[:subscribersPageSize]
		d.Next = pageLink("/admin/subscribers", kept, n+1)
	}
	if n > 1 {
		d.Prev = pageLink("/admin/subscribers", kept, n-1)
	}
	for _, s := range list {
		d.Rows = append(d.Rows, newSubscriberRow(s))
	}
	d.CSV = "/admin/subscribers.csv"
	if len(kept) > 0 {
		d.CSV += "?" + kept.Encode()
	}
	if a.billing == nil {
		d.BillingOff = billingOff
	}
	if _, ok := p.Form["until"]; !ok {
		p.Form["until"] = a.store.Now().AddDate(1, 0, 0).UTC().Format(time.DateOnly)
	}
	return a.render(w, status, "subscribers", p, d)
}

// pageLink is the list's address with the filter and page n.
func pageLink(path string, filter url.Values, n int) string {
	v := url.Values{}
	for k, vs := range filter {
		v[k] = vs
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
