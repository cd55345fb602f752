package fulfilment_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// benchSubscribers is the size of the mailing list issue 13 asks to be
// produced in under ten seconds on SQLite.
const benchSubscribers = 100_000

// BenchmarkMailingList produces (and keeps) the mailing list of an issue
// with 100,000 print subscribers, then downloads it: the work circulation
// waits for after a cut-off. It reports the list's size and the peak heap
// while producing it, which stays flat however long the list.
//
//	go test -run '^$' -bench MailingList -benchtime 3x ./internal/fulfilment/
func BenchmarkMailingList(b *testing.B) {
	for _, db := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", sqliteStore}, {"postgres", postgresStore}} {
		b.Run(db.name, func(b *testing.B) {
			st := db.open(b)
			ctx := context.Background()
			clock := day("2030-01-01")
			st.Now = func() time.Time { return clock }
			plan := magazine.Plan{Name: "Print", Currency: "USD", MonthlyPrice: 900, Active: true,
				Entitlements: []magazine.Entitlement{magazine.EntSubscriberContent, magazine.EntPrintEdition}}
			if err := st.CreatePlan(ctx, &plan); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			generateSubscribers(b, st, plan.ID, benchSubscribers)
			b.Logf("%d print subscribers generated in %s", benchSubscribers, time.Since(start).Round(time.Millisecond))
			var peak atomic.Uint64
			var size int
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				issue, err := st.CreateIssue(ctx, magazine.IssueInput{Volume: 2, Number: i + 1, CoverDate: day("2027-01-01").AddDate(0, 0, 14*i)})
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				stop := sampleHeap(&peak)
				b.StartTimer()
				l := fulfilment.Lists{Store: st}
				info, err := l.Info(ctx, issue.ID)
				if err == nil {
					info, err = l.Freeze(ctx, store.Actor{Email: "bench"}, info)
				}
				var out counter
				if err == nil {
					_, err = l.WriteCSV(ctx, info, &out)
				}
				b.StopTimer()
				stop()
				if err != nil {
					b.Fatal(err)
				}
				if info.Frozen == nil || info.Frozen.Summary.Subscribers != benchSubscribers {
					b.Fatalf("the list has %+v, want %d subscribers", info.Frozen, benchSubscribers)
				}
				size = int(out)
				b.StartTimer()
			}
			b.ReportMetric(float64(size)/1e6, "list-MB")
			b.ReportMetric(float64(peak.Load())/1e6, "peak-heap-MB")
		})
	}
}

// counter counts what is written to it, as a download to a client would
// take it, without keeping it.
type counter int64

func (c *counter) Write(p []byte) (int, error) { *c += counter(len(p)); return len(p), nil }

// sampleHeap records the largest live heap until stop is called.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

// generateSubscribers inserts n readers, each with an active print
// subscription and an address (one in ten in Canada), in a few
// statements: the import path would take longer than what is measured.
func generateSubscribers(b *testing.B, st *store.Store, planID int64, n int) {
	b.Helper()
	series := fmt.Sprintf("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) ", n)
	for _, q := range []string{
		`INSERT INTO readers (id, email, name, created_at) SELECT i, 'bench-' || CAST(i AS TEXT) || '@example.com', 'Reader ' || CAST(i AS TEXT), 0 FROM n`,
		fmt.Sprintf(`INSERT INTO subscriptions (id, reader_id, plan_id, status, billing_interval, current_period_end, provider, created_at, updated_at)
			SELECT i, i, %d, 'active', 'year', %d, 'test', 0, 0 FROM n`, planID, day("2035-01-01").Unix()),
		`INSERT INTO shipping_addresses (id, subscription_id, effective_on, name, line1, city, region, postal_code, country, created_at)
			SELECT i, i, 0, 'Reader ' || CAST(i AS TEXT), CAST(i AS TEXT) || ' Main Street', 'Springfield', 'R' || CAST(i % 50 AS TEXT),
			substr(CAST(100000 + (i * 7919) % 90000 AS TEXT), 2), CASE WHEN i % 10 = 0 THEN 'CA' ELSE 'US' END, 0 FROM n`,
	} {
		if _, err := st.DB().Exec(series + q); err != nil {
			b.Fatalf("generate subscribers: %v", err)
		}
	}
	if st.Dialect() == "postgres" {
		for _, t := range []string{"readers", "subscriptions", "shipping_addresses"} {
			if _, err := st.DB().Exec(fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), %d)", t, n)); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := st.DB().Exec("ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
}
