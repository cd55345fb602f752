package httpx

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestServeContentManyRanges: a Range header of hundreds of tiny ranges
// gets the whole file once, not a multipart answer many times its size.
func TestServeContentManyRanges(t *testing.T) {
	file := strings.Repeat("narration bytes ", 64) // 1 KiB
	serve := func(rng string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/media/x.mp3", nil)
		r.Header.Set("Range", rng)
		w := httptest.NewRecorder()
		ServeContent(w, r, "x.mp3", time.Unix(0, 0), strings.NewReader(file))
		return w
	}
	if w := serve("bytes=0-99"); w.Code != http.StatusPartialContent || w.Body.Len() != 100 {
		t.Fatalf("one range: %d, %d bytes", w.Code, w.Body.Len())
	}
	if w := serve("bytes=0-0"); w.Code != http.StatusPartialContent || w.Body.String() != "n" {
		t.Fatalf("the first byte: %d, %q", w.Code, w.Body.String())
	}
	if w := serve("bytes=-0"); w.Code != http.StatusRequestedRangeNotSatisfiable {
		t.Fatalf("a suffix of nothing: %d", w.Code)
	}
	if w := serve("bytes=0-1,10-11,20-21"); w.Code != http.StatusPartialContent {
		t.Fatalf("three ranges: %d", w.Code)
	}
	var many []string
	for i := 0; i < 500; i++ {
		many = append(many, "0-0")
	}
	w := serve("bytes=" + strings.Join(many, ","))
	if w.Code != http.StatusOK || w.Body.String() != file {
		t.Fatalf("500 ranges: %d, %d bytes; want the whole file (200, %d bytes)", w.Code, w.Body.Len(), len(file))
	}
}
