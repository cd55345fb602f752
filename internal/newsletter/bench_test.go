package newsletter_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/mailtest"
	"github.com/masthead-press/masthead/internal/newsletter"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// BenchmarkQueueNewIssue measures how fast an issue's newsletter is
// queued into the outbox (rendered, claimed and written) for
// MASTHEAD_BENCH_READERS readers (default 10,000), and reports messages
// per second. Delivery is the outbox's and the SMTP server's.
func BenchmarkQueueNewIssue(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("MASTHEAD_BENCH_READERS")); err == nil && v > 0 {
		n = v
	}
	for range b.N {
		b.StopTimer()
		st := storetest.SQLite(b)
		f := newFixtureTB(b, st)
		ctx := context.Background()
		subscribers(b, st, n, "bench.example")
		s := &newsletter.Sender{Store: st, Templates: f.tmpl, BaseURL: "https://mag.example"}
		b.StartTimer()
		start := time.Now()
		got, err := s.Run(ctx)
		if err != nil || got != n {
			b.Fatalf("queued %d (%v), want %d", got, err, n)
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "msgs/s")
	}
}

// BenchmarkDeliverNewIssue measures the outbox's delivery of an issue's
// newsletter to mailpit (one SMTP session a message, one delivery run at
// a time), for 1,000 readers (MASTHEAD_BENCH_DELIVER for more), in
// messages per second.
func BenchmarkDeliverNewIssue(b *testing.B) {
	smtpURL, _ := mailtest.Mailpit(b)
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("MASTHEAD_BENCH_DELIVER")); err == nil && v > 0 {
		n = v
	}
	for range b.N {
		b.StopTimer()
		st := storetest.SQLite(b)
		f := newFixtureTB(b, st)
		ctx := context.Background()
		subscribers(b, st, n, fmt.Sprintf("deliver%d.bench.example", time.Now().UnixNano()))
		if _, err := (&newsletter.Sender{Store: st, Templates: f.tmpl, BaseURL: "https://mag.example"}).Run(ctx); err != nil {
			b.Fatal(err)
		}
		smtp, err := mail.ParseSMTP(smtpURL, "news@bench.example")
		if err != nil {
			b.Fatal(err)
		}
		d := &mail.Deliverer{Store: st, Sender: smtp, Log: quiet()}
		b.StartTimer()
		start := time.Now()
		sent := 0
		for {
			k, err := d.Deliver(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if k == 0 {
				break
			}
			sent += k
		}
		if sent != n {
			b.Fatalf("delivered %d, want %d", sent, n)
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "msgs/s")
	}
}

// subscribers makes n readers at domain, each confirmed for the new-issue
// newsletter.
func subscribers(b *testing.B, st *store.Store, n int, domain string) {
	b.Helper()
	ctx := context.Background()
	for i := range n {
		r, err := st.CreateReader(ctx, fmt.Sprintf("r%d@%s", i, domain), "")
		if err != nil {
			b.Fatal(err)
		}
		if err := st.SubscribeNewsletter(ctx, r.ID, store.NewsletterNewIssue, true); err != nil {
			b.Fatal(err)
		}
	}
}
