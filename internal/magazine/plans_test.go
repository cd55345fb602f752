package magazine

import (
	"testing"
	"time"
)

func TestRefundWindow(t *testing.T) {
	paid := time.Date(2026, 1, 10, 15, 0, 0, 0, time.UTC)
	sub := Subscription{Status: SubActive, FirstPaymentAt: paid, CurrentPeriodEnd: paid.AddDate(1, 0, 0)}
	day := func(n int) time.Time { return paid.Add(time.Duration(n) * 24 * time.Hour) }
	for _, tt := range []struct {
		name string
		sub  Subscription
		now  time.Time
		ok   bool
	}{
		{"day 1", sub, day(1), true},
		{"day 59", sub, day(59), true},
		{"the last second of day 60", sub, day(60), true},
		{"day 61", sub, day(61), false},
		{"already refunded", Subscription{Status: SubRefunded, FirstPaymentAt: paid}, day(2), false},
		{"comp", Subscription{Status: SubActive, Comp: true, FirstPaymentAt: paid}, day(2), false},
		{"never paid (trial)", Subscription{Status: SubTrialing}, day(2), false},
	} {
		err := tt.sub.CanRefund(DefaultRefundWindowDays, tt.now)
		if (err == nil) != tt.ok {
			t.Errorf("%s: CanRefund = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && ErrorMessage(err) == "Internal error." {
			t.Errorf("%s: the refusal has no reason for the reader", tt.name)
		}
	}
}

func TestGrantsAccess(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	for _, tt := range []struct {
		sub  Subscription
		want bool
	}{
		{Subscription{Status: SubActive, CurrentPeriodEnd: later}, true},
		{Subscription{Status: SubActive, CurrentPeriodEnd: later, CancelAtPeriodEnd: true}, true},
		{Subscription{Status: SubActive, CurrentPeriodEnd: earlier}, false},
		{Subscription{Status: SubTrialing, CurrentPeriodEnd: later}, true},
		{Subscription{Status: SubPastDue, GraceUntil: later}, true},
		{Subscription{Status: SubPastDue, GraceUntil: earlier}, false},
		{Subscription{Status: SubRefunded, CurrentPeriodEnd: later}, false},
		{Subscription{Status: SubCanceled, CurrentPeriodEnd: later}, false},
		{Subscription{Status: SubIncomplete}, false},
		{Subscription{Status: SubExpired}, false},
	} {
		if got := tt.sub.GrantsAccess(now); got != tt.want {
			t.Errorf("%+v: GrantsAccess = %v, want %v", tt.sub, got, tt.want)
		}
	}
}

func TestPlanValidate(t *testing.T) {
	good := Plan{Name: "Print + Digital", Currency: "usd", MonthlyPrice: 1200, RefundWindowDays: 60,
		Entitlements: []Entitlement{EntSubscriberContent, EntPrintEdition}}
	if err := good.Validate(); err != nil || good.Slug != "print-digital" || good.Currency != "USD" || !good.NeedsShipping() {
		t.Fatalf("%+v: %v", good, err)
	}
	for field, p := range map[string]Plan{
		"name":               {Currency: "USD", MonthlyPrice: 1, Entitlements: []Entitlement{EntAudio}},
		"currency":           {Name: "X", Currency: "dollars", MonthlyPrice: 1, Entitlements: []Entitlement{EntAudio}},
		"price":              {Name: "X", Currency: "USD", Entitlements: []Entitlement{EntAudio}},
		"entitlements":       {Name: "X", Currency: "USD", MonthlyPrice: 1, Entitlements: []Entitlement{"free_lunch"}},
		"refund_window_days": {Name: "X", Currency: "USD", MonthlyPrice: 1, RefundWindowDays: 400, Entitlements: []Entitlement{EntAudio}},
	} {
		err := p.Validate()
		if e, ok := err.(*Error); !ok || e.Field != field {
			t.Errorf("want an error on %s, got %v", field, err)
		}
	}
}

func TestAddress(t *testing.T) {
	for _, tt := range []struct {
		in         Address
		field      string // "" when valid
		wantPostal string
	}{
		{Address{Name: "A", Line1: "1 Main St", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "us"}, "", "62701"},
		{Address{Name: "A", Line1: "1 Main St", City: "Springfield", Region: "IL", PostalCode: "62701-1234", Country: "US"}, "", "62701-1234"},
		{Address{Name: "A", Line1: "1 Main St", City: "Springfield", Region: "IL", PostalCode: "6270", Country: "US"}, "postal_code", ""},
		{Address{Name: "A", Line1: "1 Main St", City: "Springfield", PostalCode: "62701", Country: "US"}, "region", ""},
		{Address{Name: "A", Line1: "24 Sussex Dr", City: "Ottawa", Region: "ON", PostalCode: "k1m1m4", Country: "CA"}, "", "K1M 1M4"},
		{Address{Name: "A", Line1: "24 Sussex Dr", City: "Ottawa", Region: "ON", PostalCode: "D1M 1M4", Country: "CA"}, "postal_code", ""},
		{Address{Name: "A", Line1: "10 Downing St", City: "London", PostalCode: "sw1a2aa", Country: "UK"}, "", "SW1A 2AA"},
		{Address{Name: "A", Line1: "10 Downing St", City: "London", PostalCode: "12345", Country: "GB"}, "postal_code", ""},
		{Address{Name: "A", Line1: "Hauptstr. 1", City: "Berlin", PostalCode: "10115", Country: "DE"}, "", "10115"},
		{Address{Name: "A", Line1: "x", City: "y", PostalCode: "<script>", Country: "FR"}, "postal_code", ""},
		{Address{Line1: "x", City: "y", Country: "FR"}, "name", ""},
		{Address{Name: "A", Line1: "x", City: "y", Country: "France"}, "country", ""},
	} {
		a := tt.in
		err := a.Normalize()
		if tt.field == "" {
			if err != nil || a.PostalCode != tt.wantPostal {
				t.Errorf("%+v: %v, postal %q", tt.in, err, a.PostalCode)
			}
			continue
		}
		if e, ok := err.(*Error); !ok || e.Field != tt.field {
			t.Errorf("%+v: want an error on %s, got %v", tt.in, tt.field, err)
		}
	}
}
