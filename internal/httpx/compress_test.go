package httpx

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// TestAcceptedEncoding: zstd when the client takes it (browsers send
// "gzip, deflate, br, zstd"), else gzip; a q of 0 refuses either.
func TestAcceptedEncoding(t *testing.T) {
	t.Parallel()
	for header, want := range map[string]string{
		"":                         "",
		"identity":                 "",
		"gzip":                     "gzip",
		"GZip;q=0.5":               "gzip",
		"gzip, deflate, br, zstd":  "zstd",
		"zstd;q=0, gzip":           "gzip",
		"gzip;q=0":                 "",
		"gzip;q=0.0, zstd;q=0.000": "",
		"*":                        "zstd",
		"*;q=0.5, gzip":            "gzip",
		"zstd;q=0.4, gzip;q=0.8":   "gzip",
		"br":                       "",
		"gzip;q=bad":               "",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if header != "" {
			r.Header.Set("Accept-Encoding", header)
		}
		if got := AcceptedEncoding(r); got != want {
			t.Errorf("Accept-Encoding %q: %q, want %q", header, got, want)
		}
	}
}

// TestZstdPages: a client that takes zstd gets the page in zstd, with
// an ETag of its own, and the copy is made once however many readers
// ask at the same moment.
func TestZstdPages(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("<p>A paragraph of the magazine, read in zstd.</p>\n", 100)
	renders := 0
	h := (&Surface{Cache: NewCache(1<<20, func() int64 { return 1 }), Anonymous: func(*http.Request) bool { return true }}).Page(
		func(w http.ResponseWriter, r *http.Request) error {
			renders++
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, err := io.WriteString(w, body)
			return err
		})
	get := func(enc string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/page", nil)
		req.Header.Set("Accept-Encoding", enc)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	get("identity") // the page is cached before anyone asks for zstd
	var wg sync.WaitGroup
	recs := make([]*httptest.ResponseRecorder, 8)
	for i := range recs {
		wg.Go(func() { recs[i] = get("gzip, deflate, br, zstd") })
	}
	wg.Wait()
	dec, _ := zstd.NewReader(nil)
	defer dec.Close()
	for _, rec := range recs {
		if rec.Header().Get("Content-Encoding") != "zstd" || !strings.HasSuffix(rec.Header().Get("Etag"), `-zst"`) {
			t.Fatalf("Content-Encoding %q, ETag %q", rec.Header().Get("Content-Encoding"), rec.Header().Get("Etag"))
		}
		got, err := dec.DecodeAll(rec.Body.Bytes(), nil)
		if err != nil || string(got) != body {
			t.Fatalf("the zstd body does not decode to the page: %v", err)
		}
		if !bytes.Equal(rec.Body.Bytes(), recs[0].Body.Bytes()) {
			t.Error("two readers got different zstd copies")
		}
	}
	if renders != 1 {
		t.Errorf("rendered %d times, want once", renders)
	}
	req := httptest.NewRequest("GET", "/page", nil)
	req.Header.Set("Accept-Encoding", "zstd")
	req.Header.Set("If-None-Match", recs[0].Header().Get("Etag"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("a revalidated zstd page: %d, want 304", rec.Code)
	}
}

// BenchmarkCompress compares the compressors on a page: the standard
// library's gzip at its default level (what pages used), and the fast
// levels now used. MASTHEAD_BENCH_PAGE names a saved page to use instead
// of the built-in one.
func BenchmarkCompress(b *testing.B) {
	page := []byte(strings.Repeat("<article><h2>A headline of the magazine</h2><p class=dek>What it is about, in a line.</p>"+
		"<p>A paragraph that says something about the world, as magazines do, with some words that repeat and some that do not.</p></article>\n", 60))
	if f := os.Getenv("MASTHEAD_BENCH_PAGE"); f != "" {
		var err error
		if page, err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		fn   func([]byte) []byte
	}{{"stdlib-gzip-default", stdGzip}, {"gzip-fastest", Gzip}, {"zstd-fastest", Zstd}} {
		b.Run(c.name, func(b *testing.B) {
			var out []byte
			for b.Loop() {
				out = c.fn(page)
			}
			b.ReportMetric(float64(len(out))/float64(len(page))*100, "%size")
		})
	}
}
