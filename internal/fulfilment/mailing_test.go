package fulfilment_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func day(s string) time.Time {
	d, err := time.Parse(magazine.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

// world is a magazine with a print plan, a digital plan and one issue
// (Vol. 1, No. 7, cover date April 1, 2026: cut-off March 22 with the
// default ten days), on a clock the test moves.
type world struct {
	st      *store.Store
	clock   time.Time
	print   magazine.Plan
	digital magazine.Plan
	issue   magazine.Issue
	n       int
}

func newWorld(t *testing.T, st *store.Store) *world {
	t.Helper()
	w := &world{st: st, clock: day("2026-03-01").Add(9 * time.Hour)}
	st.Now = func() time.Time { return w.clock }
	ctx := context.Background()
	w.print = magazine.Plan{Name: "Print and digital", Currency: "USD", MonthlyPrice: 900, RefundWindowDays: 60, Active: true,
		Entitlements: []magazine.Entitlement{magazine.EntSubscriberContent, magazine.EntPrintEdition}}
	w.digital = magazine.Plan{Name: "Digital", Currency: "USD", MonthlyPrice: 500, RefundWindowDays: 60, Active: true,
		Entitlements: []magazine.Entitlement{magazine.EntSubscriberContent, magazine.EntDigitalEdition}}
	for _, p := range []*magazine.Plan{&w.print, &w.digital} {
		if err := st.CreatePlan(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if w.issue, err = st.CreateIssue(ctx, magazine.IssueInput{Volume: 1, Number: 7, CoverDate: day("2026-04-01")}); err != nil {
		t.Fatal(err)
	}
	return w
}

// subscribe makes a reader with a subscription to plan at the clock's
// time, shipping to a US address in postal code zip.
func (w *world) subscribe(t *testing.T, name string, plan magazine.Plan, zip, country string, edit func(s *store.Subscription)) int64 {
	t.Helper()
	w.n++
	ctx := context.Background()
	r, err := w.st.CreateReader(ctx, strings.ToLower(strings.ReplaceAll(name, " ", "."))+"@example.com", name)
	if err != nil {
		t.Fatal(err)
	}
	sub := store.Subscription{Provider: "test", Currency: "USD", Amount: 900}
	sub.ReaderID, sub.PlanID, sub.Status, sub.Interval = r.ID, plan.ID, magazine.SubActive, "month"
	sub.CurrentPeriodEnd = day("2026-06-01")
	sub.Shipping = magazine.Address{Name: name, Line1: "1 Main St", City: "Springfield", Region: "IL", PostalCode: zip, Country: country}
	if country == "CA" {
		sub.Shipping.City, sub.Shipping.Region = "Ottawa", "ON"
	}
	if err := sub.Shipping.Normalize(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if edit != nil {
		edit(&sub)
	}
	var id int64
	err = w.st.Billing(ctx, func(btx *store.BillingTx) error {
		id, err = btx.InsertSubscription(sub, store.SubEvent{Kind: "activated", Actor: "system"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *world) setStatus(t *testing.T, id int64, edit func(s *store.Subscription)) {
	t.Helper()
	err := w.st.Billing(context.Background(), func(btx *store.BillingTx) error {
		sub, err := btx.Subscription(id)
		if err != nil {
			return err
		}
		from := sub.Status
		edit(&sub)
		return btx.SaveSubscription(sub, from, store.SubEvent{Kind: "changed", Actor: "system"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (w *world) today() time.Time { return magazine.DateOf(w.clock, time.UTC) }

func (w *world) lists() fulfilment.Lists { return fulfilment.Lists{Store: w.st} }

func (w *world) download(t *testing.T) ([]byte, fulfilment.Info) {
	t.Helper()
	ctx := context.Background()
	l := w.lists()
	info, err := l.Info(ctx, w.issue.ID)
	if err != nil {
		t.Fatal(err)
	}
	if info, err = l.Freeze(ctx, store.Actor{Email: "circ@example.com"}, info); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := l.WriteCSV(ctx, info, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), info
}

func rows(t *testing.T, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("the list is not CSV: %v\n%s", err, b)
	}
	if strings.Join(recs[0], ",") != strings.Join(fulfilment.Header, ",") {
		t.Fatalf("header %q", recs[0])
	}
	return recs[1:]
}

// TestMailingListAroundCutoff: subscribers who start, cancel, move, hold
// and lapse around the cut-off give exactly the expected list, in
// country and postal-code order; the list kept after the cut-off gives
// the same bytes however things change afterwards.
func TestMailingListAroundCutoff(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		if err := st.SetPrintSettings(ctx, store.Actor{Email: "circ@example.com"}, magazine.PrintSettings{HoldsExtend: true, OfficeCopies: 20, ArchiveCopies: 5}); err != nil {
			t.Fatal(err)
		}
		run := fulfilment.Run(magazine.DefaultPublication(), magazine.PrintAt(day("2026-03-22"), time.UTC), &w.issue)

		w.subscribe(t, "Ann Active", w.print, "60601", "US", nil)
		w.subscribe(t, "Carl Canada", w.print, "K1M1M4", "CA", nil)
		w.subscribe(t, "Dora Digital", w.digital, "10001", "US", nil)
		cancel := w.subscribe(t, "Cy Canceled", w.print, "30301", "US", func(s *store.Subscription) { s.CurrentPeriodEnd = day("2026-03-30") })
		w.setStatus(t, cancel, func(s *store.Subscription) { s.CancelAtPeriodEnd = true })
		w.subscribe(t, "Len Lapsed", w.print, "30302", "US", func(s *store.Subscription) {
			s.Status, s.CurrentPeriodEnd, s.EndedAt = magazine.SubExpired, day("2026-03-20"), day("2026-03-20")
		})
		w.subscribe(t, "Pat Pastdue", w.print, "94105", "US", func(s *store.Subscription) {
			s.Status, s.GraceUntil = magazine.SubPastDue, day("2026-03-25")
		})
		w.subscribe(t, "Gus Graceover", w.print, "94106", "US", func(s *store.Subscription) {
			s.Status, s.GraceUntil = magazine.SubPastDue, day("2026-03-21")
		})
		refunded := w.subscribe(t, "Rita Refunded", w.print, "94107", "US", nil)
		w.subscribe(t, "Cam Comp", w.print, "02108", "US", func(s *store.Subscription) {
			s.Provider, s.Comp, s.CurrentPeriodEnd = "comp", true, time.Time{}
		})
		mover := w.subscribe(t, "Mo Mover", w.print, "73301", "US", nil)
		later := w.subscribe(t, "Lee Later", w.print, "73302", "US", nil)
		away := w.subscribe(t, "Hal Holiday", w.print, "80201", "US", nil)
		back := w.subscribe(t, "Bea Back", w.print, "80202", "US", nil)
		ext := w.subscribe(t, "Ed Extended", w.print, "80203", "US", func(s *store.Subscription) { s.CurrentPeriodEnd = day("2026-03-20") })

		// Mo moves before the cut-off, Lee after it: Mo's new address is
		// on the list, Lee's old one.
		moved := magazine.Address{Name: "Mo Mover", Line1: "9 Elm St", City: "Boston", Region: "MA", PostalCode: "02134", Country: "US"}
		if err := st.ChangeShippingAddress(ctx, store.ChangeAddress{SubID: mover, ReaderID: readerOf(t, st, mover), Address: moved,
			EffectiveOn: day("2026-03-15"), Today: w.today()}); err != nil {
			t.Fatal(err)
		}
		if err := st.ChangeShippingAddress(ctx, store.ChangeAddress{SubID: later, ReaderID: readerOf(t, st, later),
			Address:     magazine.Address{Name: "Lee Later", Line1: "1 Bay Rd", City: "Miami", Region: "FL", PostalCode: "33101", Country: "US"},
			EffectiveOn: day("2026-03-25"), Today: w.today()}); err != nil {
			t.Fatal(err)
		}
		// Hal is away over the cut-off; Bea's hold ended the day before.
		for _, h := range []struct {
			sub        int64
			start, end string
		}{{away, "2026-03-20", "2026-03-28"}, {back, "2026-03-10", "2026-03-21"}, {ext, "2026-03-02", "2026-03-10"}} {
			if _, err := st.AddHold(ctx, store.NewHold{SubID: h.sub, ReaderID: readerOf(t, st, h.sub), Start: day(h.start), End: day(h.end),
				Today: w.today(), Run: run}); err != nil {
				t.Fatal(err)
			}
		}
		// Ed's period ended on March 20, but his hold missed the March 15
		// issue (cut-off March 5), and holds extend: he gets April 1's.

		// Rita is refunded on March 10; a new subscriber arrives after
		// the cut-off.
		w.clock = day("2026-03-10").Add(12 * time.Hour)
		w.setStatus(t, refunded, func(s *store.Subscription) { s.Status, s.EndedAt = magazine.SubRefunded, w.clock })
		// Sam starts on the cut-off day itself, Tia on a trial: both in.
		w.clock = day("2026-03-22").Add(20 * time.Hour)
		w.subscribe(t, "Sam Started", w.print, "50301", "US", nil)
		w.subscribe(t, "Tia Trial", w.print, "50302", "US", func(s *store.Subscription) {
			s.Status, s.CurrentPeriodEnd = magazine.SubTrialing, day("2026-03-25")
		})
		w.clock = day("2026-03-23").Add(8 * time.Hour)
		w.subscribe(t, "Nell New", w.print, "10002", "US", nil)
		// Cy cancels at once after the cut-off: he had the magazine at it.
		w.setStatus(t, cancel, func(s *store.Subscription) { s.Status, s.EndedAt = magazine.SubCanceled, w.clock })

		got, info := w.download(t)
		if info.Frozen == nil {
			t.Fatal("a list produced after the cut-off is not kept")
		}
		want := [][]string{
			{"Carl Canada", "K1M 1M4", "CA", "Vol. 1, No. 11"},
			{"Cam Comp", "02108", "US", ""},
			{"Mo Mover", "02134", "US", "Vol. 1, No. 11"},
			{"Cy Canceled", "30301", "US", "Vol. 1, No. 7"},
			{"Sam Started", "50301", "US", "Vol. 1, No. 11"},
			{"Tia Trial", "50302", "US", "Vol. 1, No. 7"},
			{"Ann Active", "60601", "US", "Vol. 1, No. 11"},
			{"Lee Later", "73302", "US", "Vol. 1, No. 11"},
			{"Bea Back", "80202", "US", "Vol. 1, No. 11"},
			{"Ed Extended", "80203", "US", "Vol. 1, No. 7"},
			{"Pat Pastdue", "94105", "US", "Vol. 1, No. 7"},
		}
		var list [][]string
		for _, r := range rows(t, got) {
			list = append(list, []string{r[1], r[6], r[7], r[10]})
			if r[8] != "1" || r[0] == "" {
				t.Errorf("%s: copies %q, account %q", r[1], r[8], r[0])
			}
		}
		if d := diffRows(want, list); d != "" {
			t.Errorf("mailing list:\n%s", d)
		}
		s := info.Frozen.Summary
		if s.Subscribers != 11 || s.Copies != 11 || s.Draw != 11+20+5 {
			t.Errorf("summary %+v: want 11 subscribers, 11 copies, a draw of 36", s)
		}
		if len(s.Countries) != 2 || s.Countries[0].Country != "CA" || s.Countries[0].Copies != 1 || s.Countries[1].Copies != 10 {
			t.Errorf("copies by country: %+v", s.Countries)
		}

		// Later changes do not alter what was sent.
		w.clock = w.clock.Add(48 * time.Hour)
		w.subscribe(t, "Zed Late", w.print, "00501", "US", nil)
		if err := st.ChangeShippingAddress(ctx, store.ChangeAddress{SubID: back, Staff: &store.Actor{Email: "circ@example.com"},
			Address:     magazine.Address{Name: "Bea Back", Line1: "2 Oak", City: "Reno", Region: "NV", PostalCode: "89501", Country: "US"},
			EffectiveOn: day("2026-03-01"), Today: w.today()}); err != nil {
			t.Fatal(err)
		}
		w.setStatus(t, mover, func(s *store.Subscription) { s.Status, s.EndedAt = magazine.SubRefunded, w.clock })
		if err := st.SetPrintSettings(ctx, store.Actor{Email: "circ@example.com"}, magazine.PrintSettings{OfficeCopies: 99}); err != nil {
			t.Fatal(err)
		}
		again, info2 := w.download(t)
		if !bytes.Equal(got, again) {
			t.Errorf("the second download differs from the first:\n%s\n---\n%s", got, again)
		}
		if info2.Frozen.Summary.Draw != 36 || info2.Frozen.SHA256 != info.Frozen.SHA256 {
			t.Errorf("the kept summary changed: %+v", info2.Frozen.Summary)
		}
	})
}

// TestProvisionalList: before the cut-off the list is made afresh and
// not kept, so a change still shows.
func TestProvisionalList(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		w.subscribe(t, "Ann Active", w.print, "60601", "US", nil)
		first, info := w.download(t)
		if info.Frozen != nil || !info.Provisional(w.clock) {
			t.Fatal("a list before the cut-off was kept")
		}
		w.subscribe(t, "Bo Second", w.print, "60602", "US", nil)
		second, _ := w.download(t)
		if len(rows(t, first)) != 1 || len(rows(t, second)) != 2 {
			t.Errorf("provisional lists: %d then %d rows, want 1 then 2", len(rows(t, first)), len(rows(t, second)))
		}
	})
}

func readerOf(t *testing.T, st *store.Store, subID int64) int64 {
	t.Helper()
	sub, err := st.Subscription(context.Background(), subID)
	if err != nil {
		t.Fatal(err)
	}
	return sub.ReaderID
}

func diffRows(want, got [][]string) string {
	var b strings.Builder
	for i := 0; i < max(len(want), len(got)); i++ {
		var w, g string
		if i < len(want) {
			w = strings.Join(want[i], " | ")
		}
		if i < len(got) {
			g = strings.Join(got[i], " | ")
		}
		if w != g {
			fmt.Fprintf(&b, "row %d: want %s\n        got  %s\n", i+1, w, g)
		}
	}
	return b.String()
}

func sqliteStore(t testing.TB) *store.Store   { return storetest.SQLite(t) }
func postgresStore(t testing.TB) *store.Store { return storetest.Postgres(t) }

// TestFreezeOnce: two downloads at once after the cut-off keep one list,
// and both get it.
func TestFreezeOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		for i := 0; i < 20; i++ {
			w.subscribe(t, fmt.Sprintf("Reader %d", i), w.print, fmt.Sprintf("%05d", 10000+i*7), "US", nil)
		}
		w.clock = day("2026-03-24")
		ctx := context.Background()
		l := w.lists()
		info, err := l.Info(ctx, w.issue.ID)
		if err != nil {
			t.Fatal(err)
		}
		sums := make(chan string, 2)
		errs := make(chan error, 2)
		for i := 0; i < 2; i++ {
			go func() {
				got, err := l.Freeze(ctx, store.Actor{Email: "circ@example.com"}, info)
				if err != nil {
					errs <- err
					return
				}
				sums <- got.Frozen.SHA256
			}()
		}
		var got []string
		for i := 0; i < 2; i++ {
			select {
			case err := <-errs:
				t.Fatalf("a concurrent freeze failed: %v", err)
			case s := <-sums:
				got = append(got, s)
			}
		}
		if got[0] != got[1] || got[0] == "" {
			t.Errorf("two freezes kept different lists: %q", got)
		}
		log, _ := st.AuditLog(ctx, 0, 50)
		n := 0
		for _, e := range log {
			if e.Action == "mailing_list.freeze" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("the list was produced %d times, want once", n)
		}
	})
}
