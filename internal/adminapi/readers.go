package adminapi

import (
	"fmt"
	"net/http"
	"time"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

type reader struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	Verified  bool      `json:"verified"`
}

func readerOut(x store.Reader) reader {
	return reader{ID: x.ID, Email: x.Email, Name: x.Name, CreatedAt: x.CreatedAt.UTC(), Verified: !x.VerifiedAt.IsZero()}
}

func (a *API) getReader(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := a.store.Reader(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, readerOut(x))
}

// findReaders looks a reader up by address: a list of one, or empty.
func (a *API) findReaders(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	email, err := store.NormalizeEmail(r.URL.Query().Get("email"))
	if err != nil {
		return err
	}
	out := struct {
		Readers []reader `json:"readers"`
	}{Readers: []reader{}}
	x, err := a.store.ReaderByEmail(r.Context(), email)
	if err == nil {
		out.Readers = append(out.Readers, readerOut(x))
	} else if !magazine.IsNotFound(err) {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// createReader makes a reader account for an address, as a comp from the
// admin does for an address without one, and emits reader.created.
func (a *API) createReader(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	var body struct {
		Email string `json:"email"`
		Name  string `json:"name"`
	}
	if err := decode(w, r, &body); err != nil {
		return err
	}
	ctx := r.Context()
	email, err := store.NormalizeEmail(body.Email)
	if err != nil {
		return err
	}
	if _, err := a.store.ReaderByEmail(ctx, email); err == nil {
		return &magazine.Error{Code: magazine.ECONFLICT, Field: "email", Message: "A reader with this address exists already."}
	} else if !magazine.IsNotFound(err) {
		return err
	}
	x, err := a.store.CreateReader(ctx, email, body.Name)
	if err != nil {
		return err
	}
	a.hooks.Reader(ctx, x)
	if err := a.store.RecordAudit(ctx, actor(k, r), "reader.create", x.Email, ""); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, readerOut(x))
}

// compReader gives a reader a complimentary subscription, through the
// billing service as the admin and `masthead reader comp` do.
func (a *API) compReader(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body struct {
		PlanID int64  `json:"plan_id"`
		Until  string `json:"until"`
	}
	if err := decode(w, r, &body); err != nil {
		return err
	}
	if a.billing == nil {
		return magazine.Errorf(magazine.EUNAVAILABLE, "Subscriptions are not set up on this server, so no comp can be given.")
	}
	day, err := time.Parse(time.DateOnly, body.Until)
	if err != nil {
		return magazine.FieldError("until", "Give the last day of the comp as year-month-day, such as 2027-01-31.")
	}
	until := day.Add(24*time.Hour - time.Second)
	ctx := r.Context()
	x, err := a.store.Reader(ctx, id)
	if err != nil {
		return err
	}
	plan, err := a.store.Plan(ctx, body.PlanID)
	if magazine.IsNotFound(err) {
		return magazine.FieldError("plan_id", "There is no plan %d.", body.PlanID)
	} else if err != nil {
		return err
	}
	who := actor(k, r)
	subID, err := a.billing.Comp(ctx, x.ID, plan.ID, until, billing.Staff(who.Email))
	if err != nil {
		return err
	}
	if err := a.store.RecordAudit(ctx, who, "subscription.comp", x.Email,
		fmt.Sprintf("subscription %d: %s until %s", subID, plan.Name, until.UTC().Format(time.DateOnly))); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, struct {
		SubscriptionID int64  `json:"subscription_id"`
		ReaderID       int64  `json:"reader_id"`
		PlanID         int64  `json:"plan_id"`
		Until          string `json:"until"`
	}{subID, x.ID, plan.ID, body.Until})
}
