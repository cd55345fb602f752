package demo_test

import (
	"context"
	"testing"

	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestSeedPlans(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if n, err := demo.SeedPlans(ctx, st); err != nil || n != 2 {
			t.Fatalf("SeedPlans = %d, %v; want 2 plans added", n, err)
		}
		plans, err := st.Plans(ctx, true)
		if err != nil || len(plans) != 2 {
			t.Fatalf("offered plans: %+v, %v", plans, err)
		}
		digital, printed := plans[0], plans[1] // cheapest first
		if digital.Name != "Digital" || digital.MonthlyPrice != 800 || digital.YearlyPrice != 8000 || digital.Grants(magazine.EntPrintEdition) ||
			!digital.Grants(magazine.EntSubscriberContent) || !digital.Grants(magazine.EntAdFree) || len(digital.Entitlements) != 5 {
			t.Errorf("Digital = %+v", digital)
		}
		if printed.Name != "Print + Digital" || printed.MonthlyPrice != 1400 || !printed.NeedsShipping() || len(printed.Entitlements) != 6 {
			t.Errorf("Print + Digital = %+v", printed)
		}
		for _, p := range plans {
			if p.RefundWindowDays != 60 || p.Currency != "USD" {
				t.Errorf("%s: refund window %d days, currency %s", p.Name, p.RefundWindowDays, p.Currency)
			}
		}
		// A second start adds nothing and keeps what staff changed.
		digital.MonthlyPrice = 900
		if err := st.UpdatePlan(ctx, &digital); err != nil {
			t.Fatal(err)
		}
		if n, err := demo.SeedPlans(ctx, st); err != nil || n != 0 {
			t.Fatalf("second SeedPlans = %d, %v; want nothing added", n, err)
		}
		if p, _ := st.PlanBySlug(ctx, "digital"); p.MonthlyPrice != 900 {
			t.Errorf("SeedPlans overwrote the edited price: %d", p.MonthlyPrice)
		}
	})
}
