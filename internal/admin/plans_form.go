package admin

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/masthead-press/masthead/internal/magazine"
)

// planFields are the text fields of the plan form, as they are named in
// the form and in page.Form.
var planFields = []string{"name", "slug", "description", "monthly_price", "yearly_price", "currency", "trial_days", "refund_window_days", "status"}

// planToForm fills the form with a saved plan, prices as decimals.
func planToForm(p *page, plan magazine.Plan) {
	f := p.Form
	f["name"], f["slug"], f["description"], f["currency"] = plan.Name, plan.Slug, plan.Description, plan.Currency
	f["monthly_price"], f["yearly_price"] = priceField(plan.MonthlyPrice), priceField(plan.YearlyPrice)
	f["trial_days"], f["refund_window_days"] = strconv.Itoa(plan.TrialDays), strconv.Itoa(plan.RefundWindowDays)
	f["status"] = "withdrawn"
	if plan.Active {
		f["status"] = "active"
	}
	for _, e := range plan.Entitlements {
		f["ent:"+string(e)] = "on"
	}
}

// priceField is a price as the form shows it: blank when the plan is not
// offered at that interval.
func priceField(minor int64) string {
	if minor == 0 {
		return ""
	}
	return formatAmount(minor)
}

// planFromForm reads the posted plan form into p.Form (so that a refused
// form comes back as typed) and into a plan. Errors are field errors;
// the plan's own rules are checked by Plan.Validate when it is saved.
func planFromForm(r *http.Request, p *page) (magazine.Plan, error) {
	if err := r.ParseForm(); err != nil {
		return magazine.Plan{}, magazine.Errorf(magazine.EINVALID, "The form could not be read; send it again.")
	}
	for _, name := range planFields {
		p.Form[name] = r.PostForm.Get(name)
	}
	var ents []magazine.Entitlement
	for _, raw := range r.PostForm["entitlements"] {
		e := magazine.Entitlement(raw)
		p.Form["ent:"+raw] = "on"
		ents = append(ents, e)
	}
	f := p.Form
	plan := magazine.Plan{Name: f["name"], Slug: strings.TrimSpace(f["slug"]), Description: strings.TrimSpace(f["description"]),
		Currency: f["currency"], Entitlements: ents}
	var err error
	if utf8.RuneCountInString(plan.Description) > 2000 {
		return plan, magazine.FieldError("description", "The description is limited to 2,000 characters.")
	}
	if plan.MonthlyPrice, err = parseAmount("monthly_price", f["monthly_price"]); err != nil {
		return plan, err
	}
	if plan.YearlyPrice, err = parseAmount("yearly_price", f["yearly_price"]); err != nil {
		return plan, err
	}
	if plan.TrialDays, err = parseDays("trial_days", f["trial_days"], 0); err != nil {
		return plan, err
	}
	if plan.RefundWindowDays, err = parseDays("refund_window_days", f["refund_window_days"], magazine.DefaultRefundWindowDays); err != nil {
		return plan, err
	}
	switch f["status"] {
	case "active":
		plan.Active = true
	case "withdrawn":
	default:
		return plan, magazine.FieldError("status", "Choose whether the plan is offered or withdrawn.")
	}
	// Keep the entitlements in the offer's order, whatever order the
	// browser sent them in.
	slices.SortStableFunc(plan.Entitlements, func(x, y magazine.Entitlement) int {
		return slices.Index(magazine.Entitlements, x) - slices.Index(magazine.Entitlements, y)
	})
	return plan, nil
}

// parseDays reads a whole number of days; blank is def.
func parseDays(field, raw string, def int) (int, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, magazine.FieldError(field, "Enter a whole number of days, such as %d.", max(def, 14))
	}
	return n, nil
}

// planSummary describes a new plan, for the audit log.
func planSummary(p magazine.Plan) string {
	return fmt.Sprintf("%s; monthly %s; yearly %s; trial %d days; refund window %d days; entitlements %s; offered %t",
		p.Name, money(p.MonthlyPrice, p.Currency), money(p.YearlyPrice, p.Currency), p.TrialDays, p.RefundWindowDays,
		entList(p.Entitlements), p.Active)
}

// planChanges describes what an edit changed, for the audit log.
func planChanges(old, new magazine.Plan) string {
	var out []string
	add := func(what, from, to string) {
		if from != to {
			out = append(out, fmt.Sprintf("%s %s → %s", what, from, to))
		}
	}
	add("name", old.Name, new.Name)
	add("slug", old.Slug, new.Slug)
	if old.Description != new.Description {
		out = append(out, "description")
	}
	add("monthly", money(old.MonthlyPrice, old.Currency), money(new.MonthlyPrice, new.Currency))
	add("yearly", money(old.YearlyPrice, old.Currency), money(new.YearlyPrice, new.Currency))
	add("trial days", strconv.Itoa(old.TrialDays), strconv.Itoa(new.TrialDays))
	add("refund window days", strconv.Itoa(old.RefundWindowDays), strconv.Itoa(new.RefundWindowDays))
	add("entitlements", entList(old.Entitlements), entList(new.Entitlements))
	add("offered", strconv.FormatBool(old.Active), strconv.FormatBool(new.Active))
	if len(out) == 0 {
		return "no change"
	}
	return strings.Join(out, "; ")
}

func entList(es []magazine.Entitlement) string {
	ss := make([]string, len(es))
	for i, e := range es {
		ss[i] = string(e)
	}
	return strings.Join(ss, ",")
}
