package demo

import (
	"context"
	"fmt"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// Plans are the demo magazine's offer: "Digital", and "Print +
// Digital", which adds the printed magazine. Both carry the 60-day
// money-back guarantee.
func Plans() []magazine.Plan {
	digital := []magazine.Entitlement{magazine.EntSubscriberContent, magazine.EntDigitalEdition, magazine.EntAudio,
		magazine.EntArchive, magazine.EntAdFree}
	return []magazine.Plan{
		{Slug: "digital", Name: "Digital",
			Description:  "24 issues a year on the web and as digital editions, every subscriber article, audio for all articles and the whole archive.",
			MonthlyPrice: 800, YearlyPrice: 8000, Currency: "USD", RefundWindowDays: magazine.DefaultRefundWindowDays,
			Entitlements: digital, Active: true},
		{Slug: "print-digital", Name: "Print + Digital",
			Description:  "Everything in Digital, and the printed magazine by post, 24 issues a year.",
			MonthlyPrice: 1400, YearlyPrice: 14000, Currency: "USD", RefundWindowDays: magazine.DefaultRefundWindowDays,
			Entitlements: magazine.Entitlements, Active: true},
	}
}

// SeedPlans adds the demo plans that are missing, by slug, and returns
// how many it added: a magazine that has them (or has edited them) keeps
// what it has, so `serve --demo` can call it on every start.
func SeedPlans(ctx context.Context, st *store.Store) (int, error) {
	added := 0
	for _, p := range Plans() {
		_, err := st.PlanBySlug(ctx, p.Slug)
		if err == nil {
			continue
		} else if !magazine.IsNotFound(err) {
			return added, err
		}
		p.Entitlements = append([]magazine.Entitlement(nil), p.Entitlements...)
		if err := st.CreatePlan(ctx, &p); err != nil {
			return added, fmt.Errorf("demo plan %s: %w", p.Name, err)
		}
		added++
	}
	return added, nil
}
