package admin

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// The actions on a subscription go through the billing service, so that
// the provider hears of them, the reader gets their e-mail and the
// subscription's history records them exactly as when the reader acts.
// Each is then written to the staff audit log and confirmed on the page.

func (a *Admin) cancelSubscription(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	return a.subscriptionAction(w, r, me, "cancel", func(ctx context.Context, id int64, who billing.Actor) error {
		return a.billing.Cancel(ctx, id, who)
	})
}

func (a *Admin) cancelSubscriptionNow(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	return a.subscriptionAction(w, r, me, "cancel-now", func(ctx context.Context, id int64, who billing.Actor) error {
		return a.billing.CancelNow(ctx, id, who)
	})
}

func (a *Admin) resumeSubscription(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	return a.subscriptionAction(w, r, me, "resume", func(ctx context.Context, id int64, who billing.Actor) error {
		return a.billing.Resume(ctx, id, who)
	})
}

// refundSubscription refunds the first payment under the money-back
// guarantee. The billing service refuses outside the window, or a second
// time, with the reason; the page shows it and nothing changes.
func (a *Admin) refundSubscription(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	return a.subscriptionAction(w, r, me, "refund", func(ctx context.Context, id int64, who billing.Actor) error {
		return a.billing.Refund(ctx, id, who)
	})
}

// subscriptionAction runs do on the subscription of the path as the
// signed-in member of staff, then audits and confirms it. A refusal comes
// back on the subscriber page with its reason.
func (a *Admin) subscriptionAction(w http.ResponseWriter, r *http.Request, me *store.Session, kind string,
	do func(ctx context.Context, id int64, who billing.Actor) error) error {
	sub, err := a.subscription(r)
	if err != nil {
		return err
	}
	p := a.newPage(me, "Subscriber")
	if a.billing == nil {
		p.Errors["form"] = billingOff
		return a.renderSubscriber(w, r, http.StatusServiceUnavailable, p, sub)
	}
	if err := do(r.Context(), sub.ID, billing.Staff(me.Staff.Email)); err != nil {
		return a.actionRefused(w, r, p, sub, err)
	}
	if sub, err = a.store.Subscription(r.Context(), sub.ID); err != nil {
		return err
	}
	reader, err := a.store.Reader(r.Context(), sub.ReaderID)
	if err != nil {
		return err
	}
	action := "subscription." + strings.ReplaceAll(kind, "-", "_")
	if err := a.auditSubscription(r, me, action, sub.ID, reader.Email, "now "+string(sub.Status)); err != nil {
		return err
	}
	return &httpx.Redirect{URL: fmt.Sprintf("/admin/subscribers/%d?done=%s", sub.ID, kind), Status: http.StatusSeeOther}
}

// actionRefused shows a refusal of the billing service on the subscriber
// page, with a status that says what kind it was. Internal errors go to
// the error page.
func (a *Admin) actionRefused(w http.ResponseWriter, r *http.Request, p page, sub store.Subscription, err error) error {
	status := http.StatusUnprocessableEntity
	switch magazine.ErrorCode(err) {
	case magazine.EINVALID:
	case magazine.ECONFLICT:
		status = http.StatusConflict
	case magazine.EFORBIDDEN:
		status = http.StatusForbidden
	default:
		return err
	}
	formError(&p, err)
	// Fresh from the store: the page must show what is, not what was.
	if cur, rerr := a.store.Subscription(r.Context(), sub.ID); rerr == nil {
		sub = cur
	}
	return a.renderSubscriber(w, r, status, p, sub)
}

// compForm reads the plan and end date of a comp. The comp runs to the
// end of the day given, in UTC.
func compForm(r *http.Request, p *page) (planID int64, until time.Time, err error) {
	p.Form["plan"], p.Form["until"] = r.PostFormValue("plan"), strings.TrimSpace(r.PostFormValue("until"))
	planID, perr := strconv.ParseInt(p.Form["plan"], 10, 64)
	if perr != nil || planID < 1 {
		return 0, until, magazine.FieldError("plan", "Choose the plan to give.")
	}
	if p.Form["until"] == "" {
		return 0, until, magazine.FieldError("until", "Give the date the complimentary subscription ends.")
	}
	day, derr := time.Parse(time.DateOnly, p.Form["until"])
	if derr != nil {
		return 0, until, magazine.FieldError("until", "Enter the end date as year-month-day, such as 2027-01-31.")
	}
	return planID, day.Add(24*time.Hour - time.Second), nil
}

// compSubscription gives the reader of this subscription a complimentary
// subscription: a new one, next to this.
func (a *Admin) compSubscription(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	sub, err := a.subscription(r)
	if err != nil {
		return err
	}
	p := a.newPage(me, "Subscriber")
	if a.billing == nil {
		p.Errors["form"] = billingOff
		return a.renderSubscriber(w, r, http.StatusServiceUnavailable, p, sub)
	}
	planID, until, err := compForm(r, &p)
	var id int64
	if err == nil {
		id, err = a.comp(r, me, sub.ReaderID, planID, until)
	}
	if err != nil {
		return a.actionRefused(w, r, p, sub, err)
	}
	return compDone(id)
}

// compDone sends staff to the new subscription's page.
func compDone(id int64) error {
	return &httpx.Redirect{URL: fmt.Sprintf("/admin/subscribers/%d?done=comp", id), Status: http.StatusSeeOther}
}

// compByEmail gives a comp to a reader named by e-mail address, from the
// subscribers list: a reader account is made for an address without one,
// so that a journalist or a prize winner can be given a subscription.
func (a *Admin) compByEmail(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	p := a.newPage(me, "Subscribers")
	p.Form["email"] = r.PostFormValue("email")
	if a.billing == nil {
		p.Errors["form"] = billingOff
		return a.renderSubscribers(w, r, http.StatusServiceUnavailable, p)
	}
	email, err := store.NormalizeEmail(p.Form["email"])
	planID, until, ferr := compForm(r, &p)
	if err == nil {
		err = ferr
	}
	// Check what Comp would refuse before an account is made, so that a
	// refused comp leaves nothing behind.
	if err == nil {
		if _, perr := a.store.Plan(ctx, planID); magazine.IsNotFound(perr) {
			err = magazine.FieldError("plan", "There is no such plan.")
		} else if perr != nil {
			return perr
		}
	}
	if err == nil && !until.After(a.store.Now()) {
		err = magazine.FieldError("until", "A complimentary subscription needs an end date in the future.")
	}
	var reader store.Reader
	if err == nil {
		reader, err = a.store.ReaderByEmail(ctx, email)
		if magazine.IsNotFound(err) {
			if reader, err = a.store.CreateReader(ctx, email, ""); err == nil {
				a.hooks.Reader(ctx, reader)
			}
		}
	}
	var id int64
	if err == nil {
		id, err = a.comp(r, me, reader.ID, planID, until)
	}
	if err != nil {
		if formError(&p, err) {
			return a.renderSubscribers(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	return compDone(id)
}

// comp gives the comp and audits it; it returns the new subscription's
// id.
func (a *Admin) comp(r *http.Request, me *store.Session, readerID, planID int64, until time.Time) (int64, error) {
	id, err := a.billing.Comp(r.Context(), readerID, planID, until, billing.Staff(me.Staff.Email))
	if err != nil {
		return 0, err
	}
	reader, err := a.store.Reader(r.Context(), readerID)
	if err != nil {
		return 0, err
	}
	plan, err := a.store.Plan(r.Context(), planID)
	if err != nil {
		return 0, err
	}
	return id, a.auditSubscription(r, me, "subscription.comp", id, reader.Email, plan.Name+" until "+until.UTC().Format(time.DateOnly))
}
