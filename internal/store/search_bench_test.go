package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// BenchmarkSearchArchive measures searches of a large magazine, one made
// by "masthead demo --articles 150000": set MASTHEAD_BENCH_DB to its
// database (an SQLite file or a postgres:// URL). Each query class is a
// sub-benchmark, as an anonymous reader and as a subscriber.
func BenchmarkSearchArchive(b *testing.B) {
	dsn := os.Getenv("MASTHEAD_BENCH_DB")
	if dsn == "" {
		b.Skip("set MASTHEAD_BENCH_DB to a large magazine's database")
	}
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{Database: dsn})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	queries := map[string]string{
		"rare name":     "Dunbaley",
		"mid topic":     "falconry",
		"common word":   "said",
		"two words":     "budget housing",
		"phrase":        `"the numbers are stark"`,
		"prefix":        "saff*",
		"common sorted": "said",
	}
	subscriber := magazine.Viewer{Registered: true, Entitlements: map[magazine.Entitlement]bool{magazine.EntSubscriberContent: true}}
	for name, text := range queries {
		for who, v := range map[string]magazine.Viewer{"anonymous": {}, "subscriber": subscriber} {
			q, err := magazine.ParseSearch(text)
			if err != nil {
				b.Fatal(err)
			}
			f := store.SearchFilter{Query: q, Scope: magazine.ScopeOf(v), ByDate: name == "common sorted"}
			b.Run(name+"/"+who, func(b *testing.B) {
				var total int
				for b.Loop() {
					res, err := s.Search(ctx, f)
					if err != nil {
						b.Fatal(err)
					}
					total = res.Total
				}
				b.ReportMetric(float64(total), "matches")
			})
		}
	}
}
