package server_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/storetest"
)

// /metrics is not on the public handler; MetricsHandler serves the same
// counters for a private address (issue 9, finding 11).
func TestMetricsOnlyOnTheirOwnHandler(t *testing.T) {
	t.Parallel()
	reg := server.NewMetricsRegistry()
	h, err := server.New(server.Config{Store: storetest.SQLite(t), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		BaseURL: "https://mag.example", Metrics: reg})
	if err != nil {
		t.Fatal(err)
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
	pub := httptest.NewRecorder()
	h.ServeHTTP(pub, httptest.NewRequest("GET", "/metrics", nil))
	if pub.Code != 404 || strings.Contains(pub.Body.String(), "masthead_http_requests_total") {
		t.Errorf("public /metrics = %d\n%.300s", pub.Code, pub.Body.String())
	}
	priv := httptest.NewRecorder()
	server.MetricsHandler(reg).ServeHTTP(priv, httptest.NewRequest("GET", "/metrics", nil))
	if priv.Code != 200 || !strings.Contains(priv.Body.String(), `masthead_http_requests_total{code="200",route="GET /healthz"} 1`) {
		t.Errorf("private /metrics = %d\n%.2000s", priv.Code, priv.Body.String())
	}
}
