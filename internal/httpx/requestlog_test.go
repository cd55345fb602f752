package httpx

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func count(t *testing.T, m *Metrics, route, code string) float64 {
	t.Helper()
	var out dto.Metric
	if err := m.Requests.WithLabelValues(route, code).Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.GetCounter().GetValue()
}

// A request whose client went away is counted as 499 and logged at debug,
// not counted as a 500 and logged as an error (issue 9, finding 8).
func TestClientGoneIs499NotAnError(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	m := NewMetrics(prometheus.NewRegistry())
	s := &Surface{Log: log, Error: func(w http.ResponseWriter, r *http.Request, status int, msg string) {
		w.WriteHeader(status)
		fmt.Fprint(w, msg)
	}}
	mux := http.NewServeMux()
	mux.Handle("GET /slow", s.Dynamic(func(w http.ResponseWriter, r *http.Request) error {
		<-r.Context().Done() // the client hangs up while the page is made
		return fmt.Errorf("list articles: %w", r.Context().Err())
	}))
	mux.Handle("GET /broken", s.Dynamic(func(w http.ResponseWriter, r *http.Request) error {
		return fmt.Errorf("a real failure")
	}))
	h := Observe(mux, log, m, s.Error, LogPolicy{})

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/slow", nil).WithContext(ctx))
	if got := count(t, m, "GET /slow", "499"); got != 1 {
		t.Errorf("abandoned request counted %v times as 499, want 1", got)
	}
	if got := count(t, m, "GET /slow", "500"); got != 0 {
		t.Errorf("abandoned request counted %v times as 500, want 0", got)
	}
	if strings.Contains(logs.String(), "level=ERROR") || strings.Contains(logs.String(), "/slow") {
		t.Errorf("abandoned request logged above debug:\n%s", logs.String())
	}

	// The control: a failure with the client still there is a 500 and an
	// error in the log.
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/broken", nil))
	if got := count(t, m, "GET /broken", "500"); got != 1 {
		t.Errorf("real failure counted %v times as 500, want 1", got)
	}
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("real failure not logged as an error:\n%s", logs.String())
	}
}

// Successful requests are logged at debug, one in Sample at info; errors
// and slow requests always at info (finding 13).
func TestLogPolicy(t *testing.T) {
	t.Parallel()
	never := func() bool { return false }
	for _, c := range []struct {
		name    string
		p       LogPolicy
		status  int
		elapsed time.Duration
		sample  func() bool
		want    slog.Level
	}{
		{"a page view", LogPolicy{}, 200, time.Millisecond, never, slog.LevelDebug},
		{"a 304", LogPolicy{}, 304, time.Millisecond, never, slog.LevelDebug},
		{"a sampled page view", LogPolicy{Sample: 10}, 200, time.Millisecond, func() bool { return true }, slog.LevelInfo},
		{"a 404", LogPolicy{}, 404, time.Millisecond, never, slog.LevelInfo},
		{"a 500", LogPolicy{}, 500, time.Millisecond, never, slog.LevelInfo},
		{"a client that left", LogPolicy{}, 499, 3 * time.Second, never, slog.LevelDebug},
		{"a slow page view", LogPolicy{}, 200, 1500 * time.Millisecond, never, slog.LevelInfo},
		{"slow by the setting", LogPolicy{Slow: 100 * time.Millisecond}, 200, 150 * time.Millisecond, never, slog.LevelInfo},
	} {
		if got := c.p.level(c.status, c.elapsed, c.sample); got != c.want {
			t.Errorf("%s: level %v, want %v", c.name, got, c.want)
		}
	}
	sample := LogPolicy{Sample: 4}.sampler()
	n := 0
	for range 100 {
		if sample() {
			n++
		}
	}
	if n != 25 {
		t.Errorf("one in 4 sampled %d of 100", n)
	}
}
