package admin

import (
	"net/http"
	"strconv"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// entitlementLabels say in the editor's words what each entitlement gives.
var entitlementLabels = map[magazine.Entitlement]string{
	magazine.EntSubscriberContent: "Subscriber articles: reads articles for subscribers in full",
	magazine.EntDigitalEdition:    "Digital edition: each issue in the web reader, as EPUB and as replica PDF",
	magazine.EntAudio:             "Audio: narration of every article and the private podcast feed",
	magazine.EntArchive:           "Archive: every past issue and full-text search of the archive",
	magazine.EntPrintEdition:      "Print edition: the printed magazine by post (asks for a shipping address)",
	magazine.EntAdFree:            "Ad-free: no advertisements on any page",
}

// entitlementChoice is one checkbox of the plan form.
type entitlementChoice struct {
	Value string
	Label string
}

func entitlementChoices() []entitlementChoice {
	out := make([]entitlementChoice, len(magazine.Entitlements))
	for i, e := range magazine.Entitlements {
		out[i] = entitlementChoice{Value: string(e), Label: entitlementLabels[e]}
	}
	return out
}

// planRow is a plan as the list shows it.
type planRow struct {
	magazine.Plan
	Monthly, Yearly string // "8.00 USD", or "" when not offered
}

func newPlanRow(p magazine.Plan) planRow {
	row := planRow{Plan: p}
	if p.MonthlyPrice > 0 {
		row.Monthly = money(p.MonthlyPrice, p.Currency)
	}
	if p.YearlyPrice > 0 {
		row.Yearly = money(p.YearlyPrice, p.Currency)
	}
	return row
}

type plansData struct {
	Plans []planRow
}

// planNotices are the confirmations after a plan was saved, by ?done=.
var planNotices = map[string]string{
	"created": "The plan was created.",
	"saved":   "The plan was saved. New subscriptions get the new prices; current subscribers keep the price they signed up at.",
}

func (a *Admin) plansPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	plans, err := a.store.Plans(r.Context(), false)
	if err != nil {
		return err
	}
	d := plansData{}
	for _, p := range plans {
		d.Plans = append(d.Plans, newPlanRow(p))
	}
	p := a.newPage(me, "Plans")
	p.Notice = planNotices[r.URL.Query().Get("done")]
	return a.render(w, http.StatusOK, "plans", p, d)
}

// planEditData is the plan form: a new plan when ID is 0.
type planEditData struct {
	ID          int64
	Choices     []entitlementChoice
	Subscribers string // link to the plan's subscribers
}

func (a *Admin) renderPlanForm(w http.ResponseWriter, status int, p page, id int64) error {
	d := planEditData{ID: id, Choices: entitlementChoices()}
	if id != 0 {
		d.Subscribers = "/admin/subscribers?plan=" + strconv.FormatInt(id, 10)
	}
	return a.render(w, status, "plans_edit", p, d)
}

func (a *Admin) newPlanPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "New plan")
	p.Form["currency"] = "USD"
	p.Form["refund_window_days"] = strconv.Itoa(magazine.DefaultRefundWindowDays)
	p.Form["trial_days"] = "0"
	p.Form["status"] = "active"
	return a.renderPlanForm(w, http.StatusOK, p, 0)
}

func (a *Admin) createPlan(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "New plan")
	plan, err := planFromForm(r, &p)
	if err == nil {
		err = a.store.CreatePlan(r.Context(), &plan)
	}
	if err != nil {
		if formError(&p, err) {
			return a.renderPlanForm(w, http.StatusUnprocessableEntity, p, 0)
		}
		return err
	}
	if err := a.store.RecordAudit(r.Context(), actor(me, r), "plan.create", plan.Slug, planSummary(plan)); err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/plans?done=created", Status: http.StatusSeeOther}
}

// plan reads the plan named by the {id} of the path.
func (a *Admin) plan(r *http.Request) (magazine.Plan, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return magazine.Plan{}, httpx.NotFound
	}
	return a.store.Plan(r.Context(), id)
}

func (a *Admin) editPlanPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	plan, err := a.plan(r)
	if err != nil {
		return err
	}
	p := a.newPage(me, "Plan: "+plan.Name)
	planToForm(&p, plan)
	return a.renderPlanForm(w, http.StatusOK, p, plan.ID)
}

func (a *Admin) updatePlan(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	old, err := a.plan(r)
	if err != nil {
		return err
	}
	p := a.newPage(me, "Plan: "+old.Name)
	plan, err := planFromForm(r, &p)
	plan.ID = old.ID
	if err == nil {
		err = a.store.UpdatePlan(r.Context(), &plan)
	}
	if err != nil {
		if formError(&p, err) {
			return a.renderPlanForm(w, http.StatusUnprocessableEntity, p, old.ID)
		}
		return err
	}
	if err := a.store.RecordAudit(r.Context(), actor(me, r), "plan.update", plan.Slug, planChanges(old, plan)); err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/plans?done=saved", Status: http.StatusSeeOther}
}
