package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// accountSub is one subscription as the account page shows it.
type accountSub struct {
	Sub            store.Subscription
	Plan           magazine.Plan
	Status         string // in words
	Amount         string
	NextPayment    time.Time // zero when nothing more will be charged
	AccessUntil    time.Time
	Live           bool // grants access now
	CanCancel      bool
	CanResume      bool
	CanRefund      bool
	RefundDeadline time.Time
	NeedsAddress   bool
	// Print is the address in force, changes to come and holds, for a
	// live print subscription.
	Print    *printBlock
	Payments []store.Payment
	// Choices are the other plans and intervals it can move to.
	Choices []planChoice
}

// planChoice is one option of the change-plan form: "PLAN:INTERVAL".
type planChoice struct {
	Value string
	Label string
}

type accountPage struct {
	Page   Page
	Reader store.Reader
	Subs   []accountSub
	Notice string // what the last action did
	Error  string // why the last action was refused
	// PasswordError is why a password was refused.
	PasswordError string
	ErrorSub      int64 // which subscription the error is about
	NewEmail      string
	Address       *magazine.Address // the address form as sent, with a mistake
	TestMode      bool
	// Podcast is the private feed block, for readers with audio;
	// PodcastURL the feed's address just after it was made.
	Podcast    *feedBlock
	PodcastURL string
	// TextFeed is the private full-text feed block, for subscribers;
	// TextFeedURL the feed's address just after it was made.
	TextFeed    *feedBlock
	TextFeedURL string
	Newsletters []accountNewsletter
}

var notices = map[string]string{
	"checkout":            "Thank you: your subscription has started.",
	"signed_in":           "You are signed in.",
	"email_changed":       "Your e-mail address has been changed.",
	"canceled":            "Your subscription is canceled. You keep access until the end of the period you paid for, and can resume until then. We have sent you a confirmation.",
	"resumed":             "Your subscription is running again.",
	"refunded":            "Your payment has been refunded in full and the subscription has ended. We have sent you a confirmation.",
	"address":             "Your shipping address has been saved.",
	"hold":                "Your delivery hold is saved: issues whose print cut-off falls in it will not be posted to you.",
	"hold_removed":        "Your delivery hold is removed.",
	"linked":              "Your print subscription is now on this account, with everything its plan includes.",
	"email_sent":          "We have sent a link to your new address. Your address changes when you open it.",
	"newsletters":         "Your newsletters are saved.",
	"newsletters_confirm": "Your newsletters are saved. We have sent you a link to confirm the new one: it starts when you open it.",
	"password_set":        "Your password is set. You can sign in with it, or by e-mailed link as before; your other devices were signed out.",
	"password_removed":    "Your password is removed: sign in by e-mailed link.",
	"plan_changed":        "Your plan has changed. What it includes applies now; its price from your next payment.",
}

// account shows the reader's subscriptions, payments and settings.
func (s *Site) account(w http.ResponseWriter, r *http.Request) error {
	data := accountPage{}
	q := r.URL.Query()
	for key, msg := range notices {
		if q.Has(key) {
			data.Notice = msg
		}
	}
	return s.renderAccount(w, r, http.StatusOK, data)
}

func (s *Site) renderAccount(w http.ResponseWriter, r *http.Request, status int, data accountPage) error {
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	page, err := s.readerPage(ctx, r, "Your account", rs)
	if err != nil {
		return err
	}
	data.Page, data.Reader = page, rs.Reader
	data.TestMode = s.billing != nil && s.billing.TestMode()
	if data.Podcast, err = s.podcastFor(r, rs.Reader.ID, data.PodcastURL); err != nil {
		return err
	}
	if data.TextFeed, err = s.feedBlockFor(r, rs.Reader.ID, store.FeedArticles, magazine.EntSubscriberContent, data.TextFeedURL); err != nil {
		return err
	}
	if data.Newsletters, err = s.accountNewsletters(ctx, rs.Reader.ID); err != nil {
		return err
	}
	subs, err := s.store.ReaderSubscriptions(ctx, rs.Reader.ID)
	if err != nil {
		return err
	}
	now := s.now()
	plans, err := s.store.Plans(ctx, false) // withdrawn too: a subscriber may still be on one
	if err != nil {
		return err
	}
	planByID := make(map[int64]magazine.Plan, len(plans))
	var offered []magazine.Plan
	for _, p := range plans {
		planByID[p.ID] = p
		if p.Active {
			offered = append(offered, p)
		}
	}
	pending := false
	for _, sub := range subs {
		if sub.Status == magazine.SubIncomplete {
			// An abandoned checkout is nothing to show; one just paid for
			// waits for the provider's word (a webhook, seconds away).
			pending = pending || (sub.CheckoutID != "" && now.Sub(sub.CreatedAt) < time.Hour)
			continue
		}
		plan := planByID[sub.PlanID]
		as := accountSub{Sub: sub, Plan: plan, Status: statusWords(sub, now), Amount: store.Money(sub.Amount, sub.Currency),
			Live: sub.GrantsAccess(now), AccessUntil: sub.CurrentPeriodEnd}
		as.CanCancel = sub.CanCancel(now) == nil && !sub.CancelAtPeriodEnd
		as.CanResume = sub.CanResume(now) == nil
		as.CanRefund = !sub.Comp && sub.CanRefund(plan.RefundWindowDays, now) == nil
		as.RefundDeadline = sub.RefundDeadline(plan.RefundWindowDays)
		as.NeedsAddress = plan.NeedsShipping() && as.Live
		if as.NeedsAddress {
			if as.Print, err = s.printBlockFor(r, sub, magazine.DateOf(now, page.Pub.Location())); err != nil {
				return err
			}
		}
		if as.Live && !sub.Comp && !sub.CancelAtPeriodEnd {
			as.NextPayment = sub.CurrentPeriodEnd
		}
		if as.Live && !sub.Comp {
			as.Choices = planChoices(offered, sub)
		}
		if as.Payments, err = s.store.SubscriptionPayments(ctx, sub.ID); err != nil {
			return err
		}
		data.Subs = append(data.Subs, as)
	}
	// A refusal about a subscription the page does not show (another
	// reader's, say) is shown at the top, not dropped.
	if data.ErrorSub != 0 && !slices.ContainsFunc(data.Subs, func(as accountSub) bool { return as.Sub.ID == data.ErrorSub }) {
		data.ErrorSub, data.Address = 0, nil
	}
	if pending && r.URL.Query().Has("checkout") && len(data.Subs) == 0 {
		data.Notice = "Thank you. We are waiting for the payment provider to confirm your payment: reload this page in a moment."
	}
	private(w)
	return s.render(w, "account", status, page.Pub, data)
}

func planChoices(plans []magazine.Plan, sub store.Subscription) []planChoice {
	var out []planChoice
	for _, p := range plans {
		for _, iv := range []struct {
			name  string
			price int64
		}{{"month", p.MonthlyPrice}, {"year", p.YearlyPrice}} {
			if iv.price <= 0 || (p.ID == sub.PlanID && iv.name == sub.Interval) {
				continue
			}
			out = append(out, planChoice{Value: strconv.FormatInt(p.ID, 10) + ":" + iv.name,
				Label: p.Name + ", " + store.Money(iv.price, p.Currency) + " a " + iv.name})
		}
	}
	return out
}

func statusWords(sub store.Subscription, now time.Time) string {
	switch {
	case sub.Provider == "import" && sub.GrantsAccess(now):
		return "Active: paid at the magazine's previous fulfilment house"
	case sub.Comp && sub.GrantsAccess(now):
		return "Complimentary"
	case sub.CancelAtPeriodEnd && sub.GrantsAccess(now):
		return "Canceled: access until the end of the paid period"
	}
	return map[magazine.SubStatus]string{
		magazine.SubTrialing: "Free trial",
		magazine.SubActive:   "Active",
		magazine.SubPastDue:  "Payment failed: we will try again",
		magazine.SubCanceled: "Ended",
		magazine.SubRefunded: "Refunded",
		magazine.SubExpired:  "Expired",
	}[sub.Status]
}

// subscriptionAction runs cancel, resume, refund or a change of plan on
// one of the signed-in reader's subscriptions. The billing service checks
// again what the page offered: a forged request outside the refund window
// is refused there.
func (s *Site) subscriptionAction(w http.ResponseWriter, r *http.Request) error {
	rs, id, err := s.readerSubscription(r)
	if err != nil {
		return err
	}
	if s.billing == nil {
		return httpx.NotFound
	}
	who := billing.Reader(rs.Reader.ID)
	action := r.PathValue("action")
	ctx := r.Context()
	switch action {
	case "cancel":
		err = s.billing.Cancel(ctx, id, who)
	case "resume":
		err = s.billing.Resume(ctx, id, who)
	case "refund":
		err = s.billing.Refund(ctx, id, who)
	case "plan": // the change-plan form's choice is "PLAN:INTERVAL"
		planRaw, interval, _ := strings.Cut(r.PostFormValue("choice"), ":")
		planID, _ := strconv.ParseInt(planRaw, 10, 64)
		err = s.billing.ChangePlan(ctx, id, planID, interval, who)
	default:
		return httpx.NotFound
	}
	if err != nil {
		return s.accountRefusal(w, r, id, err)
	}
	done := map[string]string{"cancel": "canceled", "resume": "resumed", "refund": "refunded", "plan": "plan_changed"}[action]
	return &httpx.Redirect{URL: "/account?" + done + "=1", Status: http.StatusSeeOther}
}

// readerSubscription is the signed-in reader and the subscription id of
// the path. Whether the subscription is theirs is checked where it is
// read: the billing service and the store refuse another reader's.
func (s *Site) readerSubscription(r *http.Request) (*store.ReaderSession, int64, error) {
	rs, err := s.requireReader(r)
	if err != nil {
		return nil, 0, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, 0, httpx.NotFound
	}
	return rs, id, nil
}

// accountRefusal shows the account page with the reason an action was
// refused; anything but a refusal is an internal error.
func (s *Site) accountRefusal(w http.ResponseWriter, r *http.Request, subID int64, err error) error {
	var me *magazine.Error
	if !errors.As(err, &me) || me.Code == magazine.EINTERNAL {
		return err
	}
	status, msg := http.StatusBadRequest, me.Message
	if me.Code == magazine.ENOTFOUND {
		status, msg = http.StatusNotFound, notYourSubscription
	} else if me.Code == magazine.ECONFLICT {
		status = http.StatusConflict
	}
	return s.renderAccount(w, r, status, accountPage{Error: msg, ErrorSub: subID})
}

// notYourSubscription answers an action on a subscription that is not the
// reader's (or no longer exists).
const notYourSubscription = "That subscription is not on your account, so nothing was changed. Your own subscriptions are below."

// changeEmail sends a confirmation link to the new address; the account
// keeps the old one until the link is opened.
func (s *Site) changeEmail(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	raw := r.PostFormValue("email")
	email, err := store.NormalizeEmail(raw)
	if err == nil && email == rs.Reader.Email {
		err = magazine.FieldError("email", "That is already your address.")
	}
	if err == nil && (!s.ipLimit.Allow(httpx.ClientIP(r)) || !s.addrLimit.Allow(email)) {
		err = magazine.FieldError("email", "Too many links were asked for. Wait a few minutes, then try again.")
	}
	if err != nil {
		return s.renderAccount(w, r, http.StatusBadRequest, accountPage{Error: magazine.ErrorMessage(err), NewEmail: raw})
	}
	// An address that belongs to another account gets the link too, and
	// the change is refused when it is opened: this page must not tell
	// who has an account.
	err = s.sendLink(r, store.ReaderLink{Purpose: store.LinkEmailChange, Email: email, ReaderID: rs.Reader.ID, Name: rs.Reader.Name})
	if err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/account?email_sent=1", Status: http.StatusSeeOther}
}

// exportData downloads everything kept about the reader, as JSON.
func (s *Site) exportData(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	data, err := s.store.ExportReader(r.Context(), rs.Reader.ID)
	if err != nil {
		return err
	}
	body, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return err
	}
	private(w)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="my-data.json"`)
	_, err = w.Write(append(body, '\n'))
	return err
}

// deleteAccount removes the account after the reader ticks the box that
// says they mean it.
func (s *Site) deleteAccount(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	if r.PostFormValue("confirm") != "yes" {
		return s.renderAccount(w, r, http.StatusBadRequest, accountPage{Error: "Tick the box to confirm that you want to delete your account."})
	}
	if err := s.store.DeleteReader(r.Context(), rs.Reader.ID); err != nil {
		return s.accountRefusal(w, r, 0, err)
	}
	s.cookies.Clear(w)
	s.log.InfoContext(r.Context(), "reader deleted their account", "reader", rs.Reader.ID)
	return &httpx.Redirect{URL: "/?account_deleted=1", Status: http.StatusSeeOther}
}

type receiptPage struct {
	Page    Page
	Payment store.Payment
	Plan    magazine.Plan
	Reader  store.Reader
	Amount  string
}

// receipt shows one of the reader's payments as a receipt.
func (s *Site) receipt(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return httpx.NotFound
	}
	p, err := s.store.Payment(ctx, id)
	if magazine.IsNotFound(err) {
		return httpx.NotFound
	} else if err != nil {
		return err
	}
	sub, err := s.store.Subscription(ctx, p.SubscriptionID)
	if err != nil {
		return err
	}
	if sub.ReaderID != rs.Reader.ID {
		return httpx.NotFound
	}
	plan, err := s.store.Plan(ctx, sub.PlanID)
	if err != nil {
		return err
	}
	page, err := s.readerPage(ctx, r, "Receipt", rs)
	if err != nil {
		return err
	}
	private(w)
	return s.render(w, "receipt", http.StatusOK, page.Pub, receiptPage{Page: page, Payment: p, Plan: plan, Reader: rs.Reader,
		Amount: store.Money(p.Amount, p.Currency)})
}
