package httpx

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// SecurityHeaders are sent with every response. The CSP allows no inline
// script or style: the site needs no JavaScript to read, and JSON-LD data
// blocks are not scripts that CSP governs. fileOrigins are where files
// may come from besides the site (the object store that readers are
// redirected to): images, and audio for the players.
func SecurityHeaders(next http.Handler, https bool, fileOrigins ...string) http.Handler {
	img, media := "img-src 'self' data: https:", ""
	if len(fileOrigins) > 0 {
		o := strings.Join(fileOrigins, " ")
		img += " " + o
		media = "media-src 'self' " + o + "; "
	}
	csp := []string{"default-src 'self'; " + img + "; " + media + "style-src 'self'; script-src 'self'; " +
		"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"}
	nosniff := []string{"nosniff"}
	referrer := []string{"strict-origin-when-cross-origin"}
	frame := []string{"DENY"}
	coop := []string{"same-origin"}
	hsts := []string{"max-age=63072000; includeSubDomains"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Security-Policy"] = csp
		h["X-Content-Type-Options"] = nosniff
		h["Referrer-Policy"] = referrer
		h["X-Frame-Options"] = frame
		h["Cross-Origin-Opener-Policy"] = coop
		if https {
			h["Strict-Transport-Security"] = hsts
		}
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.size += n
	return n, err
}

// ReadFrom keeps the connection's own ReadFrom within reach of io.Copy:
// behind it a file is sent with sendfile(2), not copied through a buffer
// in user space, which is most of the cost of serving a large file.
func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := io.Copy(w.ResponseWriter, r)
	w.size += int(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Metrics are the Prometheus collectors of the HTTP layer.
type Metrics struct {
	Requests    *prometheus.CounterVec
	Duration    *prometheus.HistogramVec
	CacheHits   prometheus.Counter
	CacheMisses prometheus.Counter

	// Resolving labels hashes them on every call; the children are kept
	// per route and status instead.
	counters  sync.Map // routeCode -> prometheus.Counter
	observers sync.Map // route -> prometheus.Observer
}

type routeCode struct {
	route string
	code  int
}

func (m *Metrics) observe(route string, code int, elapsed time.Duration) {
	c, ok := m.counters.Load(routeCode{route, code})
	if !ok {
		c, _ = m.counters.LoadOrStore(routeCode{route, code}, m.Requests.WithLabelValues(route, statusText(code)))
	}
	c.(prometheus.Counter).Inc()
	o, ok := m.observers.Load(route)
	if !ok {
		o, _ = m.observers.LoadOrStore(route, m.Duration.WithLabelValues(route))
	}
	o.(prometheus.Observer).Observe(elapsed.Seconds())
}

// NewMetrics registers the HTTP collectors on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "masthead_http_requests_total", Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "masthead_http_request_duration_seconds", Help: "Time to answer HTTP requests, by route pattern.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}, []string{"route"}),
		CacheHits:   prometheus.NewCounter(prometheus.CounterOpts{Name: "masthead_page_cache_hits_total", Help: "Anonymous responses served from the page cache."}),
		CacheMisses: prometheus.NewCounter(prometheus.CounterOpts{Name: "masthead_page_cache_misses_total", Help: "Anonymous responses that had to be rendered."}),
	}
	reg.MustRegister(m.Requests, m.Duration, m.CacheHits, m.CacheMisses)
	return m
}

// Observe logs requests as policy says, counts each by route pattern, and
// turns a panic into a 500 that shows no internal detail. A request whose
// client went away before the answer is counted as 499 (nginx's "client
// closed request"), not as a server error.
func Observe(next http.Handler, log *slog.Logger, m *Metrics, render ErrorRenderer, policy LogPolicy) http.Handler {
	sample := policy.sampler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", logPath(r), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					render(sw, r, http.StatusInternalServerError, "Internal error.")
				}
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			if status >= 500 && clientGone(r) {
				status = StatusClientClosedRequest
			}
			elapsed := time.Since(start)
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			if m != nil {
				m.observe(route, status, elapsed)
			}
			level := policy.level(status, elapsed, sample)
			if log.Enabled(r.Context(), level) {
				attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", logPath(r)), slog.Int("status", status),
					slog.Int("bytes", sw.size), slog.Duration("duration", elapsed), slog.String("remote", ClientIP(r))}
				if elapsed >= policy.slow() {
					attrs = append(attrs, slog.Bool("slow", true))
				}
				log.LogAttrs(r.Context(), level, "request", attrs...)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// logPath is the path as logs show it. A route whose path carries a secret
// (a sign-in or reset link's token) is logged by its pattern: logs are read
// by more people than the link was for.
func logPath(r *http.Request) string {
	if strings.Contains(r.Pattern, "{token}") {
		_, pattern, _ := strings.Cut(r.Pattern, " ")
		return pattern
	}
	return r.URL.Path
}

var statusTexts = map[int]string{200: "200", 301: "301", 302: "302", 303: "303", 304: "304", 400: "400", 404: "404", 405: "405", 413: "413", 499: "499", 500: "500"}

func statusText(code int) string {
	if s, ok := statusTexts[code]; ok {
		return s
	}
	return itoa(code)
}

// ClientIP is the address of the client: the connection's peer, or what
// TrustProxy put there.
func ClientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// TrustProxy is for a server behind one reverse proxy (or load balancer)
// that appends the client's address to X-Forwarded-For: the last entry is
// the one that proxy added, so it is taken as the client's; entries before
// it come from the client and are ignored. Without a proxy, do not use it:
// anyone could then choose their address, and rate limits per address
// would mean nothing.
func TrustProxy(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if vals := r.Header.Values("X-Forwarded-For"); len(vals) > 0 {
			last := vals[len(vals)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
				r2 := *r
				r2.RemoteAddr = netip.AddrPortFrom(ip.Unmap(), 0).String()
				r = &r2
			}
		}
		next.ServeHTTP(w, r)
	})
}
