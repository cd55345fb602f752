package server_test

import (
	"net/http/httptest"
	"testing"

	"github.com/masthead-press/masthead/internal/storetest"
)

// BenchmarkArticlePageAnonymous measures the anonymous article page as the
// server answers it, from the page cache after the first view. The wrk
// comparison with nginx is in docs/BENCHMARKS.md.
func BenchmarkArticlePageAnonymous(b *testing.B) {
	f := newFixture(b, storetest.SQLite(b))
	benchmarkPath(b, f, "/articles/the-long-road-to-the-harbour")
}

// BenchmarkArticlePageUncached renders the article page on every request:
// the cost of a cache miss.
func BenchmarkArticlePageUncached(b *testing.B) {
	f := newFixture(b, storetest.SQLite(b))
	benchmarkPath(b, f, "/articles/the-long-road-to-the-harbour", "Cookie", "masthead_session=x")
}

func BenchmarkAPIList(b *testing.B) {
	f := newFixture(b, storetest.SQLite(b))
	benchmarkPath(b, f, "/api/v1/articles")
}

func benchmarkPath(b *testing.B, f *fixture, path string, headers ...string) {
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
