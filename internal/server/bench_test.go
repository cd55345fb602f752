package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/store"
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

// BenchmarkWebEdition is a 40-article issue's web edition for a Digital
// subscriber: the edition's body from its cache, the reader's place read
// for each request.
func BenchmarkWebEdition(b *testing.B) {
	ctx := context.Background()
	e := newEditionEnv(b, demo.Options{Seed: 3, Issues: 1, PerIssue: 40, WebOnly: 1, Authors: 4, Now: time.Now()}, "https://mag.example", nil)
	plan, _ := e.st.PlanBySlug(ctx, "digital")
	sid, _ := paidReader(b, e.st, e.svc, e.tm, "reader@example.com", plan.ID)
	issues, _, _ := e.st.Issues(ctx, store.IssueFilter{})
	path := fmt.Sprintf("https://mag.example/issues/%d/%d/read", issues[0].Volume, issues[0].Number)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Cookie", auth.SecureReaderCookieName+"="+sid)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
