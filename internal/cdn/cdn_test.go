package cdn

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

type received struct {
	path, fastlyKeys, fastlyToken, auth string
	tags                                []string
}

// receiver is a local stand-in for Fastly's and Cloudflare's purge APIs:
// it records each request, and answers status.
func receiver(t *testing.T, status int) (*httptest.Server, func() []received) {
	var mu sync.Mutex
	var got []received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := received{path: r.URL.Path, fastlyKeys: r.Header.Get("Surrogate-Key"), fastlyToken: r.Header.Get("Fastly-Key"), auth: r.Header.Get("Authorization")}
		if r.Header.Get("Content-Type") == "application/json" {
			var body struct{ Tags []string }
			b, _ := io.ReadAll(r.Body)
			if err := json.Unmarshal(b, &body); err != nil {
				t.Errorf("a Cloudflare purge's body is not JSON: %q", b)
			}
			rec.tags = body.Tags
		}
		mu.Lock()
		got = append(got, rec)
		mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, `{"status":"ok"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []received {
		mu.Lock()
		defer mu.Unlock()
		return append([]received(nil), got...)
	}
}

// TestPurgeShapes: a Fastly purge names the keys in Surrogate-Key with
// the token in Fastly-Key; a Cloudflare purge sends {"tags": [...]} with
// a bearer token, 30 tags a request at most.
func TestPurgeShapes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, got := receiver(t, http.StatusOK)
	fastly, err := New(srv.URL+"/service/abc/purge", Fastly, "f-token", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := fastly.PurgeNow(ctx, "article-7", "lists"); err != nil {
		t.Fatal(err)
	}
	var many []string
	for i := range 45 {
		many = append(many, fmt.Sprintf("article-%d", i))
	}
	cloudflare, err := New(srv.URL+"/client/v4/zones/z/purge_cache", Cloudflare, "c-token", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := cloudflare.PurgeNow(ctx, many...); err != nil {
		t.Fatal(err)
	}
	r := got()
	if len(r) != 3 {
		t.Fatalf("%d requests, want 1 to Fastly and 2 to Cloudflare: %+v", len(r), r)
	}
	if r[0].path != "/service/abc/purge" || r[0].fastlyKeys != "article-7 lists" || r[0].fastlyToken != "f-token" {
		t.Errorf("Fastly purge: %+v", r[0])
	}
	if r[1].auth != "Bearer c-token" || len(r[1].tags) != 30 || len(r[2].tags) != 15 || r[2].tags[14] != "article-44" {
		t.Errorf("Cloudflare purges: %+v", r[1:])
	}
}

// TestPurgeFailures: a CDN that refuses, or cannot be reached, is an
// error naming the keys; in the background it is logged and told to
// Done, never waited for by the caller. A bad configuration is refused.
func TestPurgeFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, _ := receiver(t, http.StatusForbidden)
	p, _ := New(srv.URL, Fastly, "wrong", nil)
	if err := p.PurgeNow(ctx, "home"); err == nil || !strings.Contains(err.Error(), "403") || !strings.Contains(err.Error(), "home") {
		t.Errorf("a refused purge: %v", err)
	}
	done := make(chan error, 1)
	p.Done = func(keys []string, err error) { done <- err }
	p.Purge(ctx, "home")
	select {
	case err := <-done:
		if err == nil {
			t.Error("a refused background purge reported no error")
		}
	case <-time.After(Timeout + time.Second):
		t.Fatal("the background purge never finished")
	}
	var nilPurger *Purger
	nilPurger.Purge(ctx, "home") // no CDN: nothing, no panic
	for _, c := range []struct{ url, style string }{{"ftp://cdn.example/purge", Fastly}, {"https://cdn.example/purge", "akamai"}} {
		if _, err := New(c.url, c.style, "", nil); err == nil {
			t.Errorf("%s %s accepted", c.url, c.style)
		}
	}
	if p, err := New("", Fastly, "", nil); p != nil || err != nil {
		t.Errorf("no URL: %v, %v", p, err)
	}
}
