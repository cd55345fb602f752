package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func planForm(name, monthly, yearly string, ents ...string) url.Values {
	return url.Values{"name": {name}, "monthly_price": {monthly}, "yearly_price": {yearly}, "currency": {"usd"},
		"trial_days": {"0"}, "refund_window_days": {""}, "status": {"active"}, "entitlements": ents,
		"description": {"Everything on the web."}}
}

func TestPlanEditor(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnvOn(t, st, "http://masthead.test")
		e.withBilling()
		admin := e.session(e.staff[magazine.RoleAdmin])

		w := e.do(http.MethodGet, "/admin/plans/new", nil, admin)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Changing a price affects new subscriptions only") ||
			!strings.Contains(w.Body.String(), `id="plan-refund_window_days" name="refund_window_days" value="60"`) {
			t.Fatalf("new plan form: %d, want the form with the 60-day default and the note on prices\n%s", w.Code, w.Body)
		}

		// Refused forms come back as typed, the message at the field, and
		// save nothing.
		for _, tt := range []struct {
			name  string
			form  url.Values
			field string
			msg   string
		}{
			{"comma price", planForm("Digital", "12,50", "", "audio"), "monthly_price", "Enter an amount such as 12.50"},
			{"letters in price", planForm("Digital", "8", "eighty", "audio"), "yearly_price", "Enter an amount such as 12.50"},
			{"no price", planForm("Digital", "", "", "audio"), "price", "needs a monthly or a yearly price"},
			{"unknown entitlement", planForm("Digital", "8", "", "audio", "free_beer"), "entitlements", `Unknown entitlement &#34;free_beer&#34;`},
			{"no entitlement", planForm("Digital", "8", ""), "entitlements", "choose at least one entitlement"},
			{"no name", planForm(" ", "8", "", "audio"), "name", "A plan needs a name"},
			{"bad trial", func() url.Values {
				f := planForm("Digital", "8", "", "audio")
				f.Set("trial_days", "two weeks")
				return f
			}(), "trial_days", "whole number of days"},
			{"long refund window", func() url.Values {
				f := planForm("Digital", "8", "", "audio")
				f.Set("refund_window_days", "400")
				return f
			}(), "refund_window_days", "from 0 to 365 days"},
			{"bad currency", func() url.Values { f := planForm("Digital", "8", "", "audio"); f.Set("currency", "dollars"); return f }(), "currency", "three-letter code"},
		} {
			w := e.do(http.MethodPost, "/admin/plans", tt.form, admin)
			body := w.Body.String()
			errID := `id="plan-` + tt.field + `-error">`
			if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, errID) ||
				!strings.Contains(body[strings.Index(body, errID):], tt.msg) {
				t.Errorf("%s: status %d; want 422 with %q at %s\n%s", tt.name, w.Code, tt.msg, tt.field, body)
				continue
			}
			if v := tt.form.Get("monthly_price"); !strings.Contains(body, `name="monthly_price" value="`+v+`"`) ||
				!strings.Contains(body, "Everything on the web.") {
				t.Errorf("%s: the form did not keep what was typed", tt.name)
			}
			if tt.name == "unknown entitlement" && !strings.Contains(body, `value="audio" checked`) {
				t.Errorf("%s: the ticked entitlement was not kept", tt.name)
			}
		}
		if plans, _ := st.Plans(ctx, false); len(plans) != 0 {
			t.Fatalf("refused forms saved plans: %+v", plans)
		}

		w = e.do(http.MethodPost, "/admin/plans", planForm("Digital", "8", "80.00", "audio", "subscriber_content"), admin)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/plans?done=created" {
			t.Fatalf("create: %d to %q\n%s", w.Code, w.Header().Get("Location"), w.Body)
		}
		plan, err := st.PlanBySlug(ctx, "digital")
		if err != nil {
			t.Fatal(err)
		}
		want := magazine.Plan{ID: plan.ID, Slug: "digital", Name: "Digital", Description: "Everything on the web.", MonthlyPrice: 800,
			YearlyPrice: 8000, Currency: "USD", RefundWindowDays: 60, Active: true,
			Entitlements: []magazine.Entitlement{magazine.EntSubscriberContent, magazine.EntAudio}}
		if !equalPlans(plan, want) {
			t.Fatalf("saved plan %+v\nwant %+v", plan, want)
		}
		list := e.do(http.MethodGet, "/admin/plans?done=created", nil, admin).Body.String()
		if !strings.Contains(list, "The plan was created.") || !strings.Contains(list, "8.00 USD") || !strings.Contains(list, "80.00 USD") {
			t.Errorf("the list does not confirm or show the prices:\n%s", list)
		}
		if !e.audited("admin@example.com", "plan.create", "digital", "monthly 8.00 USD") {
			t.Error("creating the plan is not in the audit log")
		}
		if w := e.do(http.MethodPost, "/admin/plans", planForm("Digital", "9", "", "audio"), admin); w.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(w.Body.String(), "already uses the slug") {
			t.Errorf("a second plan with the same slug: %d", w.Code)
		}

		// A price change leaves the current subscriber's price alone.
		subID := e.subscribe("reader@example.com", plan, nil)
		path := "/admin/plans/" + strconv.FormatInt(plan.ID, 10)
		edit := e.do(http.MethodGet, path, nil, admin).Body.String()
		if !strings.Contains(edit, `name="monthly_price" value="8.00"`) || !strings.Contains(edit, `value="subscriber_content" checked`) ||
			strings.Contains(edit, `value="print_edition" checked`) {
			t.Fatalf("the edit form does not show the plan:\n%s", edit)
		}
		form := planForm("Digital", "9.50", "95", "audio", "subscriber_content", "archive")
		form.Set("status", "withdrawn")
		if w := e.do(http.MethodPost, path, form, admin); w.Code != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", w.Code, w.Body)
		}
		if got, _ := st.Plan(ctx, plan.ID); got.MonthlyPrice != 950 || got.Active || !got.Grants(magazine.EntArchive) {
			t.Errorf("after the edit the plan is %+v", got)
		}
		if s := e.sub(subID); s.Amount != 800 {
			t.Errorf("the subscriber's price became %d, want the 800 they signed up at", s.Amount)
		}
		if !e.audited("plan.update", "monthly 8.00 USD → 9.50 USD", "offered true → false") {
			t.Error("the price change is not in the audit log")
		}
		form.Set("monthly_price", "-3")
		if w := e.do(http.MethodPost, path, form, admin); w.Code != http.StatusUnprocessableEntity {
			t.Errorf("negative price on edit: %d", w.Code)
		}
		if got, _ := st.Plan(ctx, plan.ID); got.MonthlyPrice != 950 {
			t.Errorf("a refused edit changed the price to %d", got.MonthlyPrice)
		}

		for _, p := range []string{"/admin/plans/999999", "/admin/plans/abc"} {
			if w := e.do(http.MethodGet, p, nil, admin); w.Code != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, w.Code)
			}
		}
		if w := e.do(http.MethodGet, path, nil, e.session(e.staff[magazine.RoleEditor])); w.Code != http.StatusForbidden {
			t.Errorf("an editor opened the plan editor: %d", w.Code)
		}
	})
}

func equalPlans(a, b magazine.Plan) bool {
	return a.ID == b.ID && a.Slug == b.Slug && a.Name == b.Name && a.Description == b.Description &&
		a.MonthlyPrice == b.MonthlyPrice && a.YearlyPrice == b.YearlyPrice && a.Currency == b.Currency &&
		a.TrialDays == b.TrialDays && a.RefundWindowDays == b.RefundWindowDays && a.Active == b.Active &&
		entList(a.Entitlements) == entList(b.Entitlements)
}
