package httpx

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestTrustProxy(t *testing.T) {
	t.Parallel()
	var got string
	h := TrustProxy(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = ClientIP(r) }))
	for _, c := range []struct {
		name string
		xff  []string
		want string
	}{
		{"no header: the peer", nil, "192.0.2.1"},
		{"the proxy's entry", []string{"203.0.113.7"}, "203.0.113.7"},
		{"a client's forged entries are ignored", []string{"10.0.0.1, 198.51.100.4", "203.0.113.9"}, "203.0.113.9"},
		{"last entry of a list", []string{"10.0.0.1,  203.0.113.8 "}, "203.0.113.8"},
		{"IPv6", []string{"2001:db8::5"}, "2001:db8::5"},
		{"garbage: the peer", []string{"not-an-address"}, "192.0.2.1"},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = "192.0.2.1:4242"
		for _, v := range c.xff {
			req.Header.Add("X-Forwarded-For", v)
		}
		h.ServeHTTP(httptest.NewRecorder(), req)
		if got != c.want {
			t.Errorf("%s: client %q, want %q", c.name, got, c.want)
		}
	}
}

// A link's token never reaches the request log.
func TestObserveKeepsTokensOutOfLogs(t *testing.T) {
	t.Parallel()
	var buf strings.Builder
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sign-in/link/{token}", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /articles/{slug}", func(w http.ResponseWriter, r *http.Request) {})
	h := Observe(mux, slog.New(slog.NewTextHandler(&buf, nil)), nil, nil, LogPolicy{Sample: 1})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/sign-in/link/SECRET-TOKEN-VALUE", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/articles/harbour-dues", nil))
	out := buf.String()
	if strings.Contains(out, "SECRET-TOKEN-VALUE") || !strings.Contains(out, "path=/sign-in/link/{token}") {
		t.Errorf("log shows the token or not the route:\n%s", out)
	}
	if !strings.Contains(out, "path=/articles/harbour-dues") {
		t.Errorf("an ordinary path is not logged as it was:\n%s", out)
	}
}
