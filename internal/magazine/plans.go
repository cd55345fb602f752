package magazine

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Plan is something a reader can subscribe to.
type Plan struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	// Prices are in the currency's minor unit (cents); 0 means the plan is
	// not offered at that interval.
	MonthlyPrice int64
	YearlyPrice  int64
	Currency     string // ISO 4217, upper case: "USD"
	TrialDays    int
	// RefundWindowDays is how long after the first payment a subscriber
	// may ask for their money back from the account page.
	RefundWindowDays int
	Entitlements     []Entitlement
	Active           bool // offered on /subscribe
}

// DefaultRefundWindowDays is the offer's money-back guarantee.
const DefaultRefundWindowDays = 60

// Grants reports whether the plan carries entitlement e.
func (p Plan) Grants(e Entitlement) bool { return slices.Contains(p.Entitlements, e) }

// NeedsShipping reports whether subscribers must give a postal address.
func (p Plan) NeedsShipping() bool { return p.Grants(EntPrintEdition) }

var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

// Validate checks a plan as staff edit it.
func (p *Plan) Validate() error {
	p.Name = strings.TrimSpace(p.Name)
	p.Currency = strings.ToUpper(strings.TrimSpace(p.Currency))
	switch {
	case p.Name == "":
		return FieldError("name", "A plan needs a name.")
	case len(p.Name) > 100:
		return FieldError("name", "Plan names are limited to 100 characters.")
	case p.Slug != "" && !ValidSlug(p.Slug):
		return FieldError("slug", "A slug uses lower-case letters, digits and hyphens.")
	case !currencyPattern.MatchString(p.Currency):
		return FieldError("currency", "The currency is a three-letter code such as USD or EUR.")
	case p.MonthlyPrice < 0 || p.YearlyPrice < 0 || p.MonthlyPrice > 1_000_000_00 || p.YearlyPrice > 1_000_000_00:
		return FieldError("price", "Prices are amounts from zero up to a million.")
	case p.MonthlyPrice == 0 && p.YearlyPrice == 0:
		return FieldError("price", "A plan needs a monthly or a yearly price.")
	case p.TrialDays < 0 || p.TrialDays > 90:
		return FieldError("trial_days", "A trial lasts from 0 to 90 days.")
	case p.RefundWindowDays < 0 || p.RefundWindowDays > 365:
		return FieldError("refund_window_days", "The refund window is from 0 to 365 days.")
	case len(p.Entitlements) == 0:
		return FieldError("entitlements", "A plan must give its subscribers something: choose at least one entitlement.")
	}
	seen := map[Entitlement]bool{}
	for _, e := range p.Entitlements {
		if !e.Valid() {
			return FieldError("entitlements", "Unknown entitlement %q.", e)
		}
		if seen[e] {
			return FieldError("entitlements", "Entitlement %q is listed twice.", e)
		}
		seen[e] = true
	}
	if p.Slug == "" {
		p.Slug = Slugify(p.Name)
	}
	return nil
}

// SubStatus is where a subscription is in its life.
type SubStatus string

const (
	SubIncomplete SubStatus = "incomplete" // checkout started, not paid
	SubTrialing   SubStatus = "trialing"
	SubActive     SubStatus = "active"
	SubPastDue    SubStatus = "past_due" // a renewal failed; access kept for the grace period
	SubCanceled   SubStatus = "canceled" // ended by the reader or staff
	SubRefunded   SubStatus = "refunded" // money returned; access ended at once
	SubExpired    SubStatus = "expired"  // ran out (a comp's end date, or never renewed)
)

// Subscription is one reader's subscription to one plan.
type Subscription struct {
	ID       int64
	ReaderID int64
	PlanID   int64
	Status   SubStatus
	Interval string // "month" or "year"
	// CurrentPeriodEnd is when the paid (or trial) period ends.
	CurrentPeriodEnd time.Time
	// CancelAtPeriodEnd: the reader canceled; access lasts to the end of
	// the period and they can resume until then.
	CancelAtPeriodEnd bool
	// GraceUntil ends a past-due subscription's access.
	GraceUntil time.Time
	// FirstPaymentAt starts the refund window; zero until a payment.
	FirstPaymentAt time.Time
	// Comp: granted by staff without payment, until CurrentPeriodEnd.
	Comp      bool
	EndedAt   time.Time
	UpdatedAt time.Time
}

// GrantsAccess reports whether the subscription gives its plan's
// entitlements at now.
func (s Subscription) GrantsAccess(now time.Time) bool {
	switch s.Status {
	case SubTrialing, SubActive:
		return s.CurrentPeriodEnd.IsZero() || now.Before(s.CurrentPeriodEnd)
	case SubPastDue:
		return now.Before(s.GraceUntil)
	}
	return false
}

// CanCancel reports whether the reader may cancel now.
func (s Subscription) CanCancel(now time.Time) error {
	if !s.GrantsAccess(now) {
		return Errorf(EINVALID, "This subscription has already ended.")
	}
	if s.CancelAtPeriodEnd {
		return Errorf(ECONFLICT, "This subscription is already canceled; it ends on %s.", s.CurrentPeriodEnd.Format("January 2, 2006"))
	}
	return nil
}

// CanResume reports whether a canceled-at-period-end subscription can be
// resumed.
func (s Subscription) CanResume(now time.Time) error {
	if !s.CancelAtPeriodEnd || !s.GrantsAccess(now) {
		return Errorf(EINVALID, "Only a canceled subscription that has not yet ended can be resumed.")
	}
	return nil
}

// RefundDeadline is the last moment a refund may be asked for: the window
// counts whole days from the first payment.
func (s Subscription) RefundDeadline(windowDays int) time.Time {
	if s.FirstPaymentAt.IsZero() {
		return time.Time{}
	}
	return s.FirstPaymentAt.Add(time.Duration(windowDays) * 24 * time.Hour)
}

// CanRefund says whether the money-back guarantee applies at now, and if
// not, why, in words for the reader.
func (s Subscription) CanRefund(windowDays int, now time.Time) error {
	switch {
	case s.Status == SubRefunded:
		return Errorf(ECONFLICT, "This subscription has already been refunded.")
	case s.Comp:
		return Errorf(EINVALID, "A complimentary subscription has nothing to refund.")
	case s.FirstPaymentAt.IsZero():
		return Errorf(EINVALID, "Nothing has been paid for this subscription yet.")
	case windowDays <= 0:
		return Errorf(EINVALID, "This plan has no money-back guarantee.")
	case now.After(s.RefundDeadline(windowDays)):
		return Errorf(EINVALID, "The %d-day money-back guarantee ended on %s.", windowDays, s.RefundDeadline(windowDays).Format("January 2, 2006"))
	}
	return nil
}
