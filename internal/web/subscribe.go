package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// offer is one plan as the subscribe page presents it.
type offer struct {
	Plan     magazine.Plan
	Monthly  string // "" when not offered monthly
	Yearly   string
	Includes []string
	// Promises are the entitlements' part of Includes.
	Promises []string
}

type subscribePage struct {
	Page     Page
	Offers   []offer
	Signed   bool // a reader is signed in: no e-mail field
	Return   string
	Canceled bool // back from a checkout the reader left
	// The form as sent, when it had a mistake.
	PlanID   int64
	Interval string
	Email    string
	Address  magazine.Address
	Field    string
	Error    string
	// Archive says which plans open the whole archive (archiveNote).
	Archive string
	// Included is what the plans on offer give between them.
	Included []string
}

func (s *Site) offers(ctx context.Context) ([]offer, error) {
	plans, err := s.store.Plans(ctx, true)
	if err != nil {
		return nil, err
	}
	pub, err := s.store.Publication(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]offer, 0, len(plans))
	for _, p := range plans {
		o := offer{Plan: p}
		if p.MonthlyPrice > 0 {
			o.Monthly = store.Money(p.MonthlyPrice, p.Currency)
		}
		if p.YearlyPrice > 0 {
			o.Yearly = store.Money(p.YearlyPrice, p.Currency)
		}
		if !p.Grants(magazine.EntPrintEdition) {
			o.Includes = append(o.Includes, "24 issues a year, online")
		}
		for _, e := range magazine.Entitlements {
			if w := s.promise(ctx, pub, e); w != "" && p.Grants(e) {
				o.Promises = append(o.Promises, w)
			}
		}
		o.Includes = append(o.Includes, o.Promises...)
		if p.TrialDays > 0 {
			o.Includes = append(o.Includes, strconv.Itoa(p.TrialDays)+"-day free trial")
		}
		if p.RefundWindowDays > 0 {
			o.Includes = append(o.Includes, strconv.Itoa(p.RefundWindowDays)+"-day money-back guarantee")
		}
		o.Includes = append(o.Includes, "Cancel anytime, in one step")
		out = append(out, o)
	}
	return out, nil
}

// subscribe presents the offer: each plan, what it includes in plain
// words, and a form to start the checkout.
func (s *Site) subscribe(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	data := subscribePage{Return: localPath(q.Get("return")), Canceled: q.Get("checkout") == "canceled", Interval: "month"}
	return s.renderSubscribe(w, r, http.StatusOK, data)
}

func (s *Site) renderSubscribe(w http.ResponseWriter, r *http.Request, status int, data subscribePage) error {
	ctx := r.Context()
	rs, err := s.readerSession(r)
	if err != nil {
		return err
	}
	page, err := s.newPage(ctx, r, "Subscribe", "")
	if err != nil {
		return err
	}
	if rs != nil {
		page.Reader = &rs.Reader
		data.Signed = true
		private(w)
	}
	page.Description = "Subscribe to " + page.Pub.Name + ": the plans, their prices and what each includes."
	if data.Offers, err = s.offers(ctx); err != nil {
		return err
	}
	data.Included = whatsIncluded(data.Offers)
	data.Archive = archiveNote(page.Pub, data.Offers)
	data.Page = page
	return s.render(w, "subscribe", status, page.Pub, data)
}

// startCheckout records the reader's choice and sends them to the
// provider's checkout. A visitor who is not signed in gives an address:
// a new one gets an account at once (unproven until they open a link we
// send), an address that already has a proven account gets no session
// here — they sign in by link to use what they paid for, so nobody signs
// in as someone else by typing their address.
func (s *Site) startCheckout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if s.billing == nil {
		return magazine.Errorf(magazine.EINVALID, "Online subscriptions are not set up yet.")
	}
	planID, _ := strconv.ParseInt(r.PostFormValue("plan"), 10, 64)
	data := subscribePage{PlanID: planID, Interval: r.PostFormValue("interval"), Email: strings.TrimSpace(r.PostFormValue("email")),
		Return: localPath(r.PostFormValue("return")), Address: addressFromForm(r)}
	fail := func(err error) error {
		var me *magazine.Error
		if !errors.As(err, &me) || (me.Code != magazine.EINVALID && me.Code != magazine.ECONFLICT) {
			return err
		}
		data.Field, data.Error = me.Field, me.Message
		if data.Field == "" {
			data.Field = "plan"
		}
		return s.renderSubscribe(w, r, http.StatusBadRequest, data)
	}
	if !s.ipLimit.Allow(httpx.ClientIP(r)) {
		return fail(magazine.Errorf(magazine.EINVALID, "Too many attempts from your network. Wait a few minutes, then try again."))
	}
	// Everything about the choice is checked before an account is made.
	if _, err := s.billing.Choose(ctx, planID, data.Interval, &data.Address); err != nil {
		return fail(err)
	}
	rs, err := s.readerSession(r)
	if err != nil {
		return err
	}
	var readerID int64
	if rs != nil {
		readerID = rs.Reader.ID
	} else {
		email, err := store.NormalizeEmail(data.Email)
		if err != nil {
			return fail(err)
		}
		reader, err := s.store.ReaderByEmail(ctx, email)
		if magazine.IsNotFound(err) {
			if reader, err = s.store.CreateReader(ctx, email, ""); err == nil {
				s.hooks.Reader(ctx, reader)
			}
		}
		if err != nil {
			return fail(err)
		}
		if !reader.DeletedAt.IsZero() {
			return fail(magazine.FieldError("email", "Enter an e-mail address such as name@example.com."))
		}
		readerID = reader.ID
		if reader.VerifiedAt.IsZero() {
			if err := s.store.CreateUnverifiedSession(ctx, reader.ID, s.newSession(w, r)); err != nil {
				return err
			}
		}
	}
	co, err := s.billing.StartCheckout(ctx, readerID, planID, data.Interval, &data.Address)
	if err != nil {
		return fail(err)
	}
	s.keepCheckout(w, co)
	target := co.URL
	if data.Return != "" && strings.HasPrefix(target, "/") {
		target += "?" + url.Values{"return": {data.Return}}.Encode()
	}
	return &httpx.Redirect{URL: target, Status: http.StatusSeeOther}
}

func addressFromForm(r *http.Request) magazine.Address {
	return magazine.Address{
		Name: r.PostFormValue("ship_name"), Line1: r.PostFormValue("ship_line1"), Line2: r.PostFormValue("ship_line2"),
		City: r.PostFormValue("ship_city"), Region: r.PostFormValue("ship_region"),
		PostalCode: r.PostFormValue("ship_postal_code"), Country: r.PostFormValue("ship_country"),
	}
}

type checkoutPage struct {
	Page     Page
	ID       string
	Plan     magazine.Plan
	Amount   string
	Interval string
	Email    string
	Return   string
	Card     string
	Error    string
}

// testCheckout is TEST MODE's checkout page: Masthead's own stand-in for
// the payment provider's, taking only the test cards.
func (s *Site) testCheckout(w http.ResponseWriter, r *http.Request) error {
	return s.renderCheckout(w, r, http.StatusOK, "", "")
}

func (s *Site) renderCheckout(w http.ResponseWriter, r *http.Request, status int, card, msg string) error {
	ctx := r.Context()
	tm, ok := s.testMode()
	if !ok {
		return httpx.NotFound
	}
	sub, err := tm.Checkout(ctx, r.PathValue("id"))
	if magazine.IsNotFound(err) {
		return httpx.NotFound
	} else if err != nil {
		return err
	}
	if !s.startedHere(r, tm, r.PathValue("id")) {
		return magazine.Errorf(magazine.EFORBIDDEN, "%s", notYourCheckout)
	}
	back := localPath(r.FormValue("return"))
	if sub.Status != magazine.SubIncomplete {
		if back == "" {
			back = "/account?checkout=done"
		}
		return &httpx.Redirect{URL: back, Status: http.StatusSeeOther}
	}
	plan, err := s.store.Plan(ctx, sub.PlanID)
	if err != nil {
		return err
	}
	reader, err := s.store.Reader(ctx, sub.ReaderID)
	if err != nil {
		return err
	}
	page, err := s.readerPage(ctx, r, "Checkout (TEST MODE)", nil)
	if err != nil {
		return err
	}
	private(w)
	return s.render(w, "checkout", status, page.Pub, checkoutPage{Page: page, ID: r.PathValue("id"), Plan: plan,
		Amount: store.Money(sub.Amount, sub.Currency), Interval: sub.Interval, Email: maskEmail(reader.Email), Return: back, Card: card, Error: msg})
}

// payTestCheckout takes the test card. A declined card keeps the reader
// on the checkout with the reason.
func (s *Site) payTestCheckout(w http.ResponseWriter, r *http.Request) error {
	tm, ok := s.testMode()
	if !ok {
		return httpx.NotFound
	}
	if _, err := tm.Checkout(r.Context(), r.PathValue("id")); magazine.IsNotFound(err) {
		return httpx.NotFound
	} else if err != nil {
		return err
	}
	if !s.startedHere(r, tm, r.PathValue("id")) {
		return magazine.Errorf(magazine.EFORBIDDEN, "%s", notYourCheckout)
	}
	card := r.PostFormValue("card")
	if len(card) > 40 {
		card = card[:40]
	}
	err := tm.Pay(r.Context(), r.PathValue("id"), card)
	var me *magazine.Error
	if errors.As(err, &me) && me.Code == magazine.EINVALID {
		return s.renderCheckout(w, r, http.StatusPaymentRequired, card, me.Message)
	} else if magazine.IsNotFound(err) {
		return httpx.NotFound
	} else if err != nil && magazine.ErrorCode(err) != magazine.ECONFLICT {
		return err
	}
	back := localPath(r.PostFormValue("return"))
	if back == "" {
		back = "/account?checkout=done"
	}
	// Paid for an account this browser is not signed in to (its address
	// was already proven): the way in is a link to that address.
	sub, err := tm.Checkout(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	rs, err := s.readerSession(r)
	if err != nil {
		return err
	}
	if rs == nil || rs.Reader.ID != sub.ReaderID {
		reader, err := s.store.Reader(r.Context(), sub.ReaderID)
		if err != nil {
			return err
		}
		if err := s.sendLink(r, store.ReaderLink{Purpose: store.LinkSignIn, Email: reader.Email, ReaderID: reader.ID,
			Name: reader.Name, ReturnTo: back}); err != nil {
			return err
		}
		return s.renderSignIn(w, r, http.StatusOK, signInPage{Mode: "sent",
			Message: "Thank you: your subscription has started. To read, sign in with the link we have sent to " + maskEmail(reader.Email) + "."})
	}
	return &httpx.Redirect{URL: back, Status: http.StatusSeeOther}
}

func (s *Site) testMode() (*billing.TestMode, bool) {
	if s.billing == nil {
		return nil, false
	}
	tm, ok := s.billing.Provider().(*billing.TestMode)
	return tm, ok
}
