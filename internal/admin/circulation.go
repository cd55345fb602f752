package admin

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// Circulation is the part of the admin where staff run the business:
// plans, subscribers, comps, cancellations, refunds and the CSV export.
// Every page needs magazine.PermManageBilling, which only admins (and the
// owner) have. Editors do not see subscribers: the pages show readers'
// addresses and payments, and an editor's work (articles, issues,
// sections) needs none of that.

// circulationPages are the templates of the circulation pages. Each is
// parsed with the layout and subscriber_comp.html, the comp form that the
// list and the subscriber page share.
var circulationPages = []string{"plans", "plans_edit", "subscribers", "subscriber", "mailing", "mailing_issue", "print_import"}

func (a *Admin) parseCirculationTemplates() error {
	for _, name := range circulationPages {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/subscriber_comp.html", "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("parse admin template %s: %w", name, err)
		}
		a.pages[name] = t
	}
	return nil
}

// billingOff is what the circulation pages say when the server runs
// without a billing service.
const billingOff = "Billing is not configured on this server, so comps, cancellations and refunds are not available. " +
	"Plans and subscribers can still be viewed and edited."

// subStatuses are the statuses the subscribers list filters by, in the
// order of a subscription's life.
var subStatuses = []magazine.SubStatus{magazine.SubIncomplete, magazine.SubTrialing, magazine.SubActive, magazine.SubPastDue,
	magazine.SubCanceled, magazine.SubRefunded, magazine.SubExpired}

// formatAmount writes minor units as a decimal amount: 1250 → "12.50".
// Masthead's currencies have two decimals, as the billing service assumes.
func formatAmount(minor int64) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return fmt.Sprintf("%s%d.%02d", sign, minor/100, minor%100)
}

// money is an amount with its currency: "12.50 USD".
func money(minor int64, currency string) string { return formatAmount(minor) + " " + currency }

// parseAmount reads a decimal amount as staff type it ("12.50", "12",
// "12.5") into minor units; blank is 0.
func parseAmount(field, raw string) (int64, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0, nil
	}
	bad := magazine.FieldError(field, "Enter an amount such as 12.50, with a point before the cents and no currency sign.")
	whole, frac, hasPoint := strings.Cut(raw, ".")
	if whole == "" || len(whole) > 7 || (hasPoint && (frac == "" || len(frac) > 2)) || !digits(whole) || !digits(frac) {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, bad
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// audit records a staff action in the audit log. The action has been done
// by then; a failure to record it is an internal error.
func (a *Admin) audit(r *http.Request, me *store.Session, action, target, detail string) error {
	return a.store.RecordAudit(r.Context(), actor(me, r), action, target, detail)
}

// auditSubscription records a staff action on a subscription.
func (a *Admin) auditSubscription(r *http.Request, me *store.Session, action string, subID int64, email, detail string) error {
	d := fmt.Sprintf("subscription %d", subID)
	if detail != "" {
		d += ": " + detail
	}
	return a.store.RecordAudit(r.Context(), actor(me, r), action, email, d)
}
