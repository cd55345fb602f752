package fulfilment_test

import (
	"context"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

const houseFile = `account_number,name,address_line1,address_line2,city,region,postal_code,country,email,plan,paid_through,copies
FH-1001,Ida Imported,5 Pine St,,Springfield,IL,62701,US,,Print and digital,2026-04-30,
FH-1002,Kay Known,6 Pine St,Apt 2,Ottawa,ON,k1m1m4,CA,kay@example.com,print-and-digital,2026-12-31,1
FH-1003,Lou Longtime,7 Pine St,,London,,sw1a2aa,GB,,Print and digital,2027-01-31,3
`

var circ = store.Actor{Email: "circ@example.com"}

func subscriberCount(t *testing.T, st *store.Store) int {
	t.Helper()
	list, err := st.Subscribers(context.Background(), store.SubscriberFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestImportPrintSubscribers(t *testing.T) {
	runBoth(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		if _, err := w.st.CreateReader(ctx, "kay@example.com", "Kay"); err != nil {
			t.Fatal(err)
		}
		rep, err := fulfilment.Import(ctx, w.st, circ, strings.NewReader(houseFile), true, nil)
		if err != nil || rep.Imported != 3 || subscriberCount(t, w.st) != 0 {
			t.Fatalf("dry run: %+v, %v, %d subscriptions kept; want a report of 3 and nothing kept", rep, err, subscriberCount(t, w.st))
		}
		rep, err = fulfilment.Import(ctx, w.st, circ, strings.NewReader(houseFile), false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Imported != 3 || rep.ExistingReader != 1 || rep.NoEmail != 2 {
			t.Errorf("report %+v: want 3 imported, 1 existing reader, 2 without e-mail", rep)
		}
		kay, err := w.st.ReaderByEmail(ctx, "kay@example.com")
		if err != nil {
			t.Fatal(err)
		}
		subs, err := w.st.ReaderSubscriptions(ctx, kay.ID)
		if err != nil || len(subs) != 1 {
			t.Fatalf("Kay's subscriptions: %v, %v", subs, err)
		}
		if !subs[0].CurrentPeriodEnd.Equal(day("2027-01-01")) || !subs[0].GrantsAccess(w.clock) || subs[0].Shipping.PostalCode != "K1M 1M4" {
			t.Errorf("Kay's imported subscription: ends %s, access %v, postal %q", subs[0].CurrentPeriodEnd, subs[0].GrantsAccess(w.clock), subs[0].Shipping.PostalCode)
		}
		ents, _ := w.st.ReaderEntitlements(ctx, kay.ID, w.clock)
		if !ents[magazine.EntPrintEdition] {
			t.Errorf("Kay's entitlements %v lack the print edition", ents)
		}
		// Importing the same file again is refused whole.
		_, err = fulfilment.Import(ctx, w.st, circ, strings.NewReader(houseFile), false, nil)
		if err == nil || !strings.Contains(err.Error(), "Row 2") || subscriberCount(t, w.st) != 3 {
			t.Errorf("second import: %v, %d subscriptions; want row 2 named and still 3", err, subscriberCount(t, w.st))
		}
		// The imported are on the next mailing list, with their numbers.
		w.clock = day("2026-03-24")
		list, _ := w.download(t)
		var accounts []string
		for _, r := range rows(t, list) {
			accounts = append(accounts, r[0]+"×"+r[8])
		}
		if got := strings.Join(accounts, " "); got != "FH-1002×1 FH-1003×3 FH-1001×1" {
			t.Errorf("mailing list accounts %q, want FH-1002×1 FH-1003×3 FH-1001×1 (CA, GB, US, with their copies)", got)
		}
	})
}

func TestImportRefusesBadRows(t *testing.T) {
	head := strings.SplitN(houseFile, "\n", 2)[0] + "\n"
	good := "FH-1,Ann,1 St,,Springfield,IL,62701,US,,Print and digital,2026-04-30\n"
	for _, tt := range []struct {
		name, file, want string
	}{
		{"postal code", good + "FH-2,Bo,1 St,,Springfield,IL,6270,US,,Print and digital,2026-04-30\n", "Row 3: That is not a postal code"},
		{"plan", good + "FH-2,Bo,1 St,,Springfield,IL,62701,US,,Gold,2026-04-30\n", `Row 3: there is no plan "Gold"`},
		{"digital plan", good + "FH-2,Bo,1 St,,Springfield,IL,62701,US,,Digital,2026-04-30\n", "Row 3: plan \"Digital\" has no print edition"},
		{"date", "FH-2,Bo,1 St,,Springfield,IL,62701,US,,Print and digital,30/04/2026\n", "Row 2: paid_through"},
		{"duplicate", good + good, "Row 3: account number FH-1 is already on row 2"},
		{"e-mail", "FH-2,Bo,1 St,,Springfield,IL,62701,US,not-an-address,Print and digital,2026-04-30\n", "Row 2: \"not-an-address\" is not an e-mail"},
		{"account", "F H,Bo,1 St,,Springfield,IL,62701,US,,Print and digital,2026-04-30\n", "Row 2: An account number"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, sqliteStore(t))
			_, err := fulfilment.Import(context.Background(), w.st, circ, strings.NewReader(head+tt.file), false, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "Nothing was imported") {
				t.Errorf("error %v, want one with %q that says nothing was imported", err, tt.want)
			}
			if n := subscriberCount(t, w.st); n != 0 {
				t.Errorf("%d subscriptions were imported from a file with a bad row", n)
			}
		})
	}
	t.Run("missing column", func(t *testing.T) {
		w := newWorld(t, sqliteStore(t))
		_, err := fulfilment.Import(context.Background(), w.st, circ, strings.NewReader("account_number,name\nFH-1,Ann\n"), false, nil)
		if err == nil || !strings.Contains(err.Error(), "Row 1 has no address_line1 column") {
			t.Errorf("error %v", err)
		}
	})
}

// TestLinkPrintAccount: the right account number and postal code link
// once; any wrong pair gets the same answer.
func TestLinkPrintAccount(t *testing.T) {
	runBoth(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		if _, err := fulfilment.Import(ctx, w.st, circ, strings.NewReader(houseFile), false, nil); err != nil {
			t.Fatal(err)
		}
		me, err := w.st.CreateReader(ctx, "ida@example.net", "Ida")
		if err != nil {
			t.Fatal(err)
		}
		today := w.today()
		for _, wrong := range [][2]string{{"FH-1001", "62702"}, {"FH-9999", "62701"}, {"FH-1001", ""}, {"", "62701"}, {"FH-1003", "62701"}} {
			_, err := w.st.LinkPrintAccount(ctx, me.ID, wrong[0], wrong[1], today)
			if err == nil || err.Error() != store.ErrNoPrintAccount.Error() {
				t.Errorf("%v: %v, want the generic answer", wrong, err)
			}
		}
		if ents, _ := w.st.ReaderEntitlements(ctx, me.ID, w.clock); len(ents) != 0 {
			t.Fatalf("wrong pairs gave %v", ents)
		}
		if _, err := w.st.LinkPrintAccount(ctx, me.ID, " fh-1001 ", "62701", today); err != nil {
			t.Fatalf("the right pair: %v", err)
		}
		ents, _ := w.st.ReaderEntitlements(ctx, me.ID, w.clock)
		if !ents[magazine.EntSubscriberContent] || !ents[magazine.EntPrintEdition] {
			t.Errorf("after linking, entitlements %v", ents)
		}
		other, _ := w.st.CreateReader(ctx, "someone@example.net", "Someone")
		if _, err := w.st.LinkPrintAccount(ctx, other.ID, "FH-1001", "62701", today); err == nil || err.Error() != store.ErrNoPrintAccount.Error() {
			t.Errorf("linking a second time: %v, want the generic answer", err)
		}
		if ents, _ := w.st.ReaderEntitlements(ctx, other.ID, w.clock); len(ents) != 0 {
			t.Errorf("the second reader got %v", ents)
		}
	})
}

// TestAddressesAndHolds: a reader's change dated in the past is refused,
// staff's is kept and audited; the address in force is a query; holds
// that end before they start or last over a year are refused.
func TestAddressesAndHolds(t *testing.T) {
	runBoth(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		id := w.subscribe(t, "Ann Active", w.print, "60601", "US", nil)
		reader := readerOf(t, w.st, id)
		addr := magazine.Address{Name: "Ann Active", Line1: "2 New St", City: "Austin", Region: "TX", PostalCode: "73301", Country: "US"}
		err := w.st.ChangeShippingAddress(ctx, store.ChangeAddress{ReaderID: reader, SubID: id, Address: addr, EffectiveOn: day("2026-02-28"), Today: w.today()})
		if magazine.ErrorCode(err) != magazine.EINVALID || !strings.Contains(err.Error(), "past") {
			t.Errorf("a change dated yesterday: %v", err)
		}
		bad := addr
		bad.PostalCode = "7330"
		if err := w.st.ChangeShippingAddress(ctx, store.ChangeAddress{ReaderID: reader, SubID: id, Address: bad, Today: w.today()}); magazine.ErrorCode(err) != magazine.EINVALID {
			t.Errorf("a bad postal code: %v", err)
		}
		if err := w.st.ChangeShippingAddress(ctx, store.ChangeAddress{ReaderID: reader + 1000, SubID: id, Address: addr, Today: w.today()}); !magazine.IsNotFound(err) {
			t.Errorf("another reader's subscription: %v", err)
		}
		if err := w.st.ChangeShippingAddress(ctx, store.ChangeAddress{ReaderID: reader, SubID: id, Address: addr, EffectiveOn: day("2026-03-03"), Today: w.today()}); err != nil {
			t.Fatal(err)
		}
		for d, want := range map[string]string{"2026-03-02": "60601", "2026-03-03": "73301", "2027-01-01": "73301"} {
			a, err := w.st.AddressOn(ctx, id, day(d))
			if err != nil || a.PostalCode != want {
				t.Errorf("address on %s: %q, %v; want %s", d, a.PostalCode, err, want)
			}
		}
		// The change dated ahead becomes the current address on its day.
		if sub, _ := w.st.Subscription(ctx, id); sub.Shipping.PostalCode != "60601" {
			t.Errorf("before March 3 the current address is %q", sub.Shipping.PostalCode)
		}
		if n, err := w.st.ApplyDueAddresses(ctx, day("2026-03-02")); n != 0 || err != nil {
			t.Errorf("applied on March 2: %d, %v", n, err)
		}
		if n, err := w.st.ApplyDueAddresses(ctx, day("2026-03-03")); n != 1 || err != nil {
			t.Errorf("applied on March 3: %d, %v", n, err)
		}
		if sub, _ := w.st.Subscription(ctx, id); sub.Shipping.PostalCode != "73301" {
			t.Errorf("from March 3 the current address is %q", sub.Shipping.PostalCode)
		}
		if n, _ := w.st.ApplyDueAddresses(ctx, day("2026-03-04")); n != 0 {
			t.Errorf("applied twice: %d", n)
		}
		staff := store.Actor{Email: "circ@example.com"}
		fix := addr
		fix.Line1 = "2A New St"
		if err := w.st.ChangeShippingAddress(ctx, store.ChangeAddress{SubID: id, Staff: &staff, Address: fix, EffectiveOn: day("2026-02-01"), Today: w.today()}); err != nil {
			t.Fatalf("a staff correction: %v", err)
		}
		log, _ := w.st.AuditLog(ctx, 0, 10)
		if len(log) == 0 || log[0].Action != "address.correct" || log[0].ActorEmail != "circ@example.com" {
			t.Errorf("the correction is not audited: %+v", log)
		}
		exp, err := w.st.ExportReader(ctx, reader)
		if err != nil || len(exp.Subs) != 1 || len(exp.Subs[0].Addresses) != 3 {
			t.Errorf("the reader's data export lacks the address history: %+v, %v", exp.Subs, err)
		}
		events, _ := w.st.SubscriptionEvents(ctx, id)
		n := 0
		for _, e := range events {
			if e.Kind == "address_changed" {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d address changes in the timeline, want 2", n)
		}

		for _, tt := range []struct{ start, end, want string }{
			{"2026-03-10", "2026-03-09", "ends before it starts"},
			{"2026-03-10", "2027-03-11", "at most a year"},
			{"2026-02-20", "2026-03-09", "past"},
		} {
			_, err := w.st.AddHold(ctx, store.NewHold{ReaderID: reader, SubID: id, Start: day(tt.start), End: day(tt.end), Today: w.today()})
			if magazine.ErrorCode(err) != magazine.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("hold %s to %s: %v, want %q", tt.start, tt.end, err, tt.want)
			}
		}
		if _, err := w.st.AddHold(ctx, store.NewHold{ReaderID: reader, SubID: id, Start: day("2026-03-10"), End: day("2027-03-09"), Today: w.today()}); err != nil {
			t.Errorf("a hold of just under a year: %v", err)
		}
		holds, _ := w.st.Holds(ctx, id)
		if len(holds) != 1 {
			t.Errorf("%d holds kept, want 1", len(holds))
		}
	})
}

func runBoth(t *testing.T, fn func(t *testing.T, w *world)) {
	t.Helper()
	for name, open := range map[string]func(testing.TB) *store.Store{"sqlite": sqliteStore, "postgres": postgresStore} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, newWorld(t, open(t)))
		})
	}
}
