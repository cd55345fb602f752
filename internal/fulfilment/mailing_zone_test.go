package fulfilment_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestCutoffInPublicationZone: the cut-off day ends at midnight in the
// publication's zone, not in UTC. West of UTC (Los Angeles) the UTC day
// ends hours before the local one; east (Auckland) hours after. A
// subscriber who starts, cancels, moves or holds a minute before local
// midnight at the end of the cut-off day (March 22) lands in the list as
// of before the cut-off, one a minute after as of after it; and the list
// is provisional until that midnight.
func TestCutoffInPublicationZone(t *testing.T) {
	for _, zone := range []string{"America/Los_Angeles", "Pacific/Auckland"} {
		t.Run(zone, func(t *testing.T) {
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Fatal(err)
			}
			storetest.Run(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				w := newWorld(t, st)
				pub, err := st.Publication(ctx)
				if err != nil {
					t.Fatal(err)
				}
				pub.TimeZone = zone
				if err := st.SetPublication(ctx, pub); err != nil {
					t.Fatal(err)
				}
				today := func() time.Time { return magazine.DateOf(w.clock, loc) }
				before := time.Date(2026, time.March, 22, 23, 59, 0, 0, loc)
				after := time.Date(2026, time.March, 23, 0, 1, 0, 0, loc)
				if before.UTC().Day() == 22 && after.UTC().Day() == 23 {
					t.Fatalf("%s: UTC and local days agree around midnight; the test proves nothing", zone)
				}

				bo := w.subscribe(t, "Bo Before", w.print, "10002", "US", nil)
				al := w.subscribe(t, "Al After", w.print, "10001", "US", nil)
				hana := w.subscribe(t, "Hana Holds", w.print, "10003", "US", nil)
				hugo := w.subscribe(t, "Hugo Holds", w.print, "10004", "US", nil)
				mx := w.subscribe(t, "Max Moves", w.print, "10005", "US", nil)
				mia := w.subscribe(t, "Mia Moves", w.print, "10006", "US", nil)
				move := func(sub int64, who string) {
					t.Helper()
					a := magazine.Address{Name: who, Line1: "9 Elm St", City: "Boston", Region: "MA", PostalCode: "02134", Country: "US"}
					if err := st.ChangeShippingAddress(ctx, store.ChangeAddress{SubID: sub, ReaderID: readerOf(t, st, sub), Address: a, Today: today()}); err != nil {
						t.Fatal(err)
					}
				}
				hold := func(sub int64) {
					t.Helper()
					if _, err := st.AddHold(ctx, store.NewHold{SubID: sub, ReaderID: readerOf(t, st, sub), Start: today(), End: today().AddDate(0, 0, 7),
						Today: today(), Run: fulfilment.Run(pub, w.clock, nil)}); err != nil {
						t.Fatal(err)
					}
				}
				cancelNow := func(sub int64) {
					t.Helper()
					w.setStatus(t, sub, func(s *store.Subscription) { s.Status, s.EndedAt = magazine.SubCanceled, w.clock })
				}

				// At each moment one subscriber cancels at once, one moves
				// from today, one holds from today and one starts.
				act := func(at time.Time, cancel, mover int64, moverName string, holder int64, starter, zip string) {
					t.Helper()
					w.clock = at
					cancelNow(cancel)
					move(mover, moverName)
					hold(holder)
					w.subscribe(t, starter, w.print, zip, "US", nil)
				}
				// A minute before local midnight: still the cut-off day.
				act(before, bo, mia, "Mia Moves", hana, "Sue Starter", "10007")
				_, info := w.download(t)
				if info.Frozen != nil || !info.Provisional(w.clock) {
					t.Fatalf("at %s local (%s UTC) the list was kept: the cut-off day has not ended there",
						w.clock.Format("15:04 Jan 2"), w.clock.UTC().Format("15:04 Jan 2"))
				}
				if want := time.Date(2026, time.March, 23, 0, 0, 0, 0, loc); !info.PrintAt.Equal(want) {
					t.Errorf("the list is drawn up at %s, want %s", info.PrintAt.UTC(), want.UTC())
				}

				// A minute after: the day after the cut-off.
				act(after, al, mx, "Max Moves", hugo, "Ned New", "10008")
				got, info := w.download(t)
				if info.Frozen == nil {
					t.Fatal("a list produced after local midnight at the end of the cut-off day is not kept")
				}
				want := [][]string{
					{"Mia Moves", "02134"},   // moved before midnight
					{"Al After", "10001"},    // canceled after
					{"Hugo Holds", "10004"},  // hold starts the day after
					{"Max Moves", "10005"},   // moved after: the old address
					{"Sue Starter", "10007"}, // started before
				}
				var list [][]string
				for _, r := range rows(t, got) {
					list = append(list, []string{r[1], r[6]})
				}
				if d := diffRows(want, list); d != "" {
					t.Errorf("mailing list with the cut-off in %s:\n%s", zone, d)
				}
			})
		})
	}
}
