package admin

import (
	"net/http"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// The subscriber page is a subscription's page, /admin/subscribers/{id}
// with the subscription's id: the list's rows are subscriptions, and the
// actions (cancel, resume, refund) act on one. The reader's other
// subscriptions are linked from it, and a comp given there goes to the
// same reader.

// paymentRow is a payment as the subscriber page shows it.
type paymentRow struct {
	PaidAt     time.Time
	Amount     string
	Status     string
	ReceiptURL string
	RefundedAt time.Time
}

// otherSub is another subscription of the same reader.
type otherSub struct {
	ID     int64
	Plan   string
	Status magazine.SubStatus
}

type subscriberData struct {
	Sub      store.Subscription
	Reader   store.Reader
	Plan     magazine.Plan
	Amount   string
	Access   bool // the subscription gives its entitlements now
	Shipping bool // there is a shipping address to show
	// Print is the address history and holds, for a print plan.
	Print    *printFacts
	Payments []paymentRow
	Events   []store.SubEvent
	Others   []otherSub
	Plans    []magazine.Plan // for the comp form

	// What staff may do now; each action is only offered when the
	// billing service would accept it.
	BillingOff   string
	CanCancel    bool
	CanResume    bool
	CanCancelNow bool
	CanRefund    bool
	RefundAmount string // what the refund returns: the first payment
	// RefundNote says until when a refund is possible, or why not.
	RefundNote string
}

// subscriberNotices confirm an action, by ?done=.
var subscriberNotices = map[string]string{
	"cancel":       "The subscription was canceled at the end of its period: the reader keeps access until then and can resume.",
	"cancel-now":   "The subscription was ended at once, without a refund. The reader has lost access.",
	"resume":       "The subscription was resumed: it renews as before.",
	"refund":       "The first payment was refunded in full and the subscription ended. The reader has been sent a confirmation.",
	"comp":         "The complimentary subscription was given.",
	"address":      "The address change is saved.",
	"hold":         "The delivery hold is saved.",
	"hold_removed": "The delivery hold is removed.",
}

// subscription reads the subscription named by the {id} of the path.
func (a *Admin) subscription(r *http.Request) (store.Subscription, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return store.Subscription{}, httpx.NotFound
	}
	return a.store.Subscription(r.Context(), id)
}

func (a *Admin) subscriberPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	sub, err := a.subscription(r)
	if err != nil {
		return err
	}
	p := a.newPage(me, "Subscriber")
	p.Notice = subscriberNotices[r.URL.Query().Get("done")]
	return a.renderSubscriber(w, r, http.StatusOK, p, sub)
}

func (a *Admin) renderSubscriber(w http.ResponseWriter, r *http.Request, status int, p page, sub store.Subscription) error {
	ctx := r.Context()
	now := a.store.Now()
	d := subscriberData{Sub: sub, Amount: subAmount(sub), Access: sub.GrantsAccess(now), Shipping: sub.Shipping.Line1 != ""}
	var err error
	if d.Reader, err = a.store.Reader(ctx, sub.ReaderID); err != nil {
		return err
	}
	if d.Plan, err = a.store.Plan(ctx, sub.PlanID); err != nil {
		return err
	}
	if d.Plans, err = a.store.Plans(ctx, false); err != nil {
		return err
	}
	if d.Events, err = a.store.SubscriptionEvents(ctx, sub.ID); err != nil {
		return err
	}
	if d.Plan.NeedsShipping() {
		if d.Print, err = a.printFactsFor(r, sub.ID); err != nil {
			return err
		}
		d.Print.prefill(p.Form)
	}
	payments, err := a.store.SubscriptionPayments(ctx, sub.ID)
	if err != nil {
		return err
	}
	if len(payments) > 0 {
		d.RefundAmount = money(payments[0].Amount, payments[0].Currency)
	}
	for _, pay := range payments {
		d.Payments = append(d.Payments, paymentRow{PaidAt: pay.PaidAt, Amount: money(pay.Amount, pay.Currency), Status: pay.Status,
			ReceiptURL: pay.ReceiptURL, RefundedAt: pay.RefundedAt})
	}
	others, err := a.store.ReaderSubscriptions(ctx, sub.ReaderID)
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID == sub.ID {
			continue
		}
		name := "plan " + strconv.FormatInt(o.PlanID, 10)
		for _, pl := range d.Plans {
			if pl.ID == o.PlanID {
				name = pl.Name
			}
		}
		d.Others = append(d.Others, otherSub{ID: o.ID, Plan: name, Status: o.Status})
	}

	d.CanCancel = sub.CanCancel(now) == nil
	d.CanResume = sub.CanResume(now) == nil
	d.CanCancelNow = !ended(sub.Status)
	if err := sub.CanRefund(d.Plan.RefundWindowDays, now); err != nil {
		d.RefundNote = magazine.ErrorMessage(err)
	} else {
		d.CanRefund = true
		d.RefundNote = "The money-back guarantee applies until " + sub.RefundDeadline(d.Plan.RefundWindowDays).UTC().Format("January 2, 2006 15:04 UTC") + "."
	}
	if a.billing == nil {
		d.BillingOff = billingOff
		d.CanCancel, d.CanResume, d.CanCancelNow, d.CanRefund = false, false, false, false
	}
	if _, ok := p.Form["until"]; !ok {
		p.Form["until"] = now.AddDate(1, 0, 0).UTC().Format(time.DateOnly)
	}
	if _, ok := p.Form["plan"]; !ok {
		p.Form["plan"] = strconv.FormatInt(sub.PlanID, 10)
	}
	p.Title = "Subscriber " + d.Reader.Email
	return a.render(w, status, "subscriber", p, d)
}

// ended reports whether a subscription has reached a status it never
// leaves.
func ended(s magazine.SubStatus) bool {
	return s == magazine.SubCanceled || s == magazine.SubRefunded || s == magazine.SubExpired
}
