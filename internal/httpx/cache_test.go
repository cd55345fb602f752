package httpx

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A page no cache keeps is compressed only for a client that accepts
// gzip, and says Vary: Accept-Encoding either way; a kept page is
// compressed once for everyone after.
func TestPageCompressesWhatIsRead(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("<p>The same paragraph, again and again.</p>\n", 100)
	page := func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, err := io.WriteString(w, body)
		return err
	}
	for _, cache := range []*Cache{nil, NewCache(1<<20, func() int64 { return 1 })} {
		h := (&Surface{Cache: cache, Anonymous: func(*http.Request) bool { return true }}).Page(page)
		for _, gz := range []bool{false, true, false} {
			req := httptest.NewRequest("GET", "/page", nil)
			if gz {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if got := rec.Header().Get("Vary"); !strings.Contains(got, "Accept-Encoding") {
				t.Errorf("cache %v, gzip %v: Vary %q, want Accept-Encoding in it", cache != nil, gz, got)
			}
			got := rec.Body.String()
			if enc := rec.Header().Get("Content-Encoding"); (enc == "gzip") != gz {
				t.Fatalf("cache %v, gzip %v: Content-Encoding %q", cache != nil, gz, enc)
			} else if gz {
				zr, err := gzip.NewReader(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(zr)
				got = string(b)
			}
			if got != body {
				t.Errorf("cache %v, gzip %v: the body differs (%d bytes, want %d)", cache != nil, gz, len(got), len(body))
			}
		}
	}
}
