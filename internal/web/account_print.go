package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// printBlock is what the account page shows of a print subscription:
// the address in force today, changes to come and delivery holds.
type printBlock struct {
	Address  magazine.Address
	Upcoming []store.AddressChange
	Holds    []store.Hold
	Today    string // YYYY-MM-DD in the publication's zone, for the date fields
}

// printBlockFor reads a print subscription's addresses and holds.
func (s *Site) printBlockFor(r *http.Request, sub store.Subscription, today time.Time) (*printBlock, error) {
	ctx := r.Context()
	b := &printBlock{Address: sub.Shipping, Today: today.Format(magazine.DateLayout)}
	history, err := s.store.AddressHistory(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range history {
		if c.EffectiveOn.After(today) {
			b.Upcoming = append(b.Upcoming, c)
		} else {
			b.Address = c.Address
		}
	}
	holds, err := s.store.Holds(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	for _, h := range holds {
		if !h.End.Before(today) {
			b.Holds = append(b.Holds, h)
		}
	}
	return b, nil
}

// today is the date now in the publication's zone, as midnight UTC.
func (s *Site) today(r *http.Request) (time.Time, error) {
	pub, err := s.store.Publication(r.Context())
	if err != nil {
		return time.Time{}, err
	}
	return magazine.DateOf(s.now(), pub.Location()), nil
}

// saveAddress changes the shipping address of a print subscription from
// the date the reader gives (today when none): "I'm moving on March 3".
func (s *Site) saveAddress(w http.ResponseWriter, r *http.Request) error {
	rs, id, err := s.readerSubscription(r)
	if err != nil {
		return err
	}
	today, err := s.today(r)
	if err != nil {
		return err
	}
	a := addressFromForm(r)
	c := store.ChangeAddress{ReaderID: rs.Reader.ID, SubID: id, Address: a, Today: today}
	if raw := strings.TrimSpace(r.PostFormValue("effective_on")); raw != "" {
		c.EffectiveOn, err = magazine.ParseDate("effective_on", raw)
	}
	if err == nil {
		err = s.store.ChangeShippingAddress(r.Context(), c)
	}
	if err != nil {
		var me *magazine.Error
		if errors.As(err, &me) && me.Code == magazine.EINVALID {
			return s.renderAccount(w, r, http.StatusBadRequest, accountPage{Error: me.Message, ErrorSub: id, Address: &a})
		}
		return s.accountRefusal(w, r, id, err)
	}
	return &httpx.Redirect{URL: "/account?address=1", Status: http.StatusSeeOther}
}

// addHold stops the magazine for a while (holidays).
func (s *Site) addHold(w http.ResponseWriter, r *http.Request) error {
	rs, id, err := s.readerSubscription(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	pub, err := s.store.Publication(ctx)
	if err != nil {
		return err
	}
	today := magazine.DateOf(s.now(), pub.Location())
	h := store.NewHold{ReaderID: rs.Reader.ID, SubID: id, Today: today, Run: fulfilment.Run(pub, s.now(), nil)}
	h.Start, err = magazine.ParseDate("hold_start", r.PostFormValue("hold_start"))
	if err == nil {
		h.End, err = magazine.ParseDate("hold_end", r.PostFormValue("hold_end"))
	}
	if err == nil {
		_, err = s.store.AddHold(ctx, h)
	}
	if err != nil {
		return s.accountRefusal(w, r, id, err)
	}
	return &httpx.Redirect{URL: "/account?hold=1", Status: http.StatusSeeOther}
}

// removeHold takes away a hold that has not started.
func (s *Site) removeHold(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return httpx.NotFound
	}
	today, err := s.today(r)
	if err != nil {
		return err
	}
	if err := s.store.RemoveHold(r.Context(), rs.Reader.ID, id, today, nil); err != nil {
		if magazine.IsNotFound(err) {
			return s.renderAccount(w, r, http.StatusNotFound, accountPage{Error: "That hold is not on your account, so nothing was changed."})
		}
		return s.accountRefusal(w, r, 0, err)
	}
	return &httpx.Redirect{URL: "/account?hold_removed=1", Status: http.StatusSeeOther}
}

type linkPage struct {
	Page          Page
	AccountNumber string
	PostalCode    string
	Error         string
}

// linkForm asks a print subscriber brought from the previous fulfilment
// house for the account number on their label and their postal code.
func (s *Site) linkForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderLink(w, r, http.StatusOK, linkPage{})
}

func (s *Site) renderLink(w http.ResponseWriter, r *http.Request, status int, d linkPage) error {
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	if d.Page, err = s.readerPage(r.Context(), r, "Link your print subscription", rs); err != nil {
		return err
	}
	private(w)
	return s.render(w, "link", status, d.Page.Pub, d)
}

// linkAccount moves the print subscription with that account number and
// postal code to the signed-in reader. Attempts are limited per reader
// and per address, and every mismatch gets the same answer, so that the
// form cannot be used to learn account numbers.
func (s *Site) linkAccount(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	d := linkPage{AccountNumber: r.PostFormValue("account_number"), PostalCode: r.PostFormValue("postal_code")}
	if !s.linkLimit.Allow(strconv.FormatInt(rs.Reader.ID, 10)) || !s.linkIPLimit.Allow(httpx.ClientIP(r)) {
		d.Error = "Too many tries. Wait a quarter of an hour, then try again, or write to us with the account number on your label."
		return s.renderLink(w, r, http.StatusTooManyRequests, d)
	}
	today, err := s.today(r)
	if err != nil {
		return err
	}
	if _, err := s.store.LinkPrintAccount(r.Context(), rs.Reader.ID, d.AccountNumber, d.PostalCode, today); err != nil {
		if errors.Is(err, store.ErrNoPrintAccount) {
			d.Error = magazine.ErrorMessage(err)
			return s.renderLink(w, r, http.StatusBadRequest, d)
		}
		return err
	}
	return &httpx.Redirect{URL: "/account?linked=1", Status: http.StatusSeeOther}
}
