package admin

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// printFacts is the print side of a subscriber's page: every address with
// the day it applies from, and the delivery holds.
type printFacts struct {
	Addresses []store.AddressChange
	Holds     []store.Hold
	Today     string
}

func (a *Admin) printFactsFor(r *http.Request, subID int64) (*printFacts, error) {
	ctx := r.Context()
	pub, err := a.store.Publication(ctx)
	if err != nil {
		return nil, err
	}
	f := &printFacts{Today: magazine.DateOf(a.now(), pub.Location()).Format(magazine.DateLayout)}
	if f.Addresses, err = a.store.AddressHistory(ctx, subID); err != nil {
		return nil, err
	}
	if f.Holds, err = a.store.Holds(ctx, subID); err != nil {
		return nil, err
	}
	return f, nil
}

// prefill puts the latest address into an address form not yet sent.
func (f *printFacts) prefill(form map[string]string) {
	if _, sent := form["ship_name"]; sent || len(f.Addresses) == 0 {
		return
	}
	a := f.Addresses[len(f.Addresses)-1].Address
	form["ship_name"], form["ship_line1"], form["ship_line2"], form["ship_city"] = a.Name, a.Line1, a.Line2, a.City
	form["ship_region"], form["ship_postal_code"], form["ship_country"] = a.Region, a.PostalCode, a.Country
}

// printChange runs a staff change to a print subscription: the form's
// fields are kept for the page when change refuses them, and done names
// the notice after it.
func (a *Admin) printChange(w http.ResponseWriter, r *http.Request, me *store.Session, fields []string, done string,
	change func(sub store.Subscription, form map[string]string, pub magazine.Publication, staff *store.Actor) error) error {
	sub, err := a.subscription(r)
	if err != nil {
		return err
	}
	pub, err := a.store.Publication(r.Context())
	if err != nil {
		return err
	}
	p := a.newPage(me, "Subscriber")
	for _, k := range fields {
		p.Form[k] = r.PostFormValue(k)
	}
	staff := actor(me, r)
	err = change(sub, p.Form, pub, &staff)
	if formError(&p, err) {
		return a.renderSubscriber(w, r, http.StatusUnprocessableEntity, p, sub)
	} else if err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/subscribers/" + strconv.FormatInt(sub.ID, 10) + "?done=" + done, Status: http.StatusSeeOther}
}

// changeSubscriberAddress is circulation's change of a print address.
// Staff may date it in the past, to correct a mistake; such a correction
// is audited, and never alters a mailing list already kept.
func (a *Admin) changeSubscriberAddress(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	fields := []string{"ship_name", "ship_line1", "ship_line2", "ship_city", "ship_region", "ship_postal_code", "ship_country", "effective_on"}
	return a.printChange(w, r, me, fields, "address", func(sub store.Subscription, f map[string]string, pub magazine.Publication, staff *store.Actor) error {
		c := store.ChangeAddress{SubID: sub.ID, Staff: staff, Today: magazine.DateOf(a.now(), pub.Location()),
			Address: magazine.Address{Name: f["ship_name"], Line1: f["ship_line1"], Line2: f["ship_line2"], City: f["ship_city"],
				Region: f["ship_region"], PostalCode: f["ship_postal_code"], Country: f["ship_country"]}}
		if raw := strings.TrimSpace(f["effective_on"]); raw != "" {
			var err error
			if c.EffectiveOn, err = magazine.ParseDate("effective_on", raw); err != nil {
				return err
			}
		}
		return a.store.ChangeShippingAddress(r.Context(), c)
	})
}

// addSubscriberHold is circulation's delivery hold.
func (a *Admin) addSubscriberHold(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	return a.printChange(w, r, me, []string{"hold_start", "hold_end"}, "hold", func(sub store.Subscription, f map[string]string, pub magazine.Publication, staff *store.Actor) error {
		h := store.NewHold{SubID: sub.ID, Staff: staff, Today: magazine.DateOf(a.now(), pub.Location()), Run: fulfilment.Run(pub, a.now(), nil)}
		var err error
		if h.Start, err = magazine.ParseDate("hold_start", f["hold_start"]); err != nil {
			return err
		}
		if h.End, err = magazine.ParseDate("hold_end", f["hold_end"]); err != nil {
			return err
		}
		_, err = a.store.AddHold(r.Context(), h)
		return err
	})
}

// removeSubscriberHold takes a hold away.
func (a *Admin) removeSubscriberHold(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	sub, err := a.subscription(r)
	if err != nil {
		return err
	}
	holdID, err := strconv.ParseInt(r.PathValue("hold"), 10, 64)
	if err != nil {
		return httpx.NotFound
	}
	holds, err := a.store.Holds(r.Context(), sub.ID)
	if err != nil {
		return err
	}
	found := false
	for _, h := range holds {
		found = found || h.ID == holdID
	}
	if !found {
		return httpx.NotFound
	}
	staff := actor(me, r)
	if err := a.store.RemoveHold(r.Context(), 0, holdID, a.now(), &staff); err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/subscribers/" + strconv.FormatInt(sub.ID, 10) + "?done=hold_removed", Status: http.StatusSeeOther}
}
