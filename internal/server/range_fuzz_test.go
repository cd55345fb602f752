package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/storetest"
)

// FuzzRange sends any Range header (and sometimes If-Range) to every kind
// of file the server serves: an uploaded file under /media, the site's
// and the admin's static assets. Whatever the header, the answer is
// never a 5xx; it is the whole file (200), the ranges asked for (206,
// each part's bytes those of the file at the offsets its Content-Range
// states), or 416 with the file's size, and never a byte from outside
// the file.
func FuzzRange(f *testing.F) {
	for _, seed := range []string{
		"bytes=0-0", "bytes=0-", "bytes=-1", "bytes=-0", "bytes=10-5", "bytes=4999-", "bytes=5000-", "bytes=0-99999999999999999999",
		"bytes=0-1,3-4,-2", "bytes=0-1,0-1,0-1", "bytes=1-2, 2-3", "bytes= 7 - 9 ", "bytes=-", "bytes=", "bytes=a-b", "items=0-1",
		"bytes=0-1,", "bytes=-9223372036854775808", "bytes=9223372036854775807-", "BYTES=0-1", "bytes=0-0,-0",
		"BYtes=-  0", "bytes=-\t00, 1-2",
	} {
		f.Add(seed, false)
	}
	f.Add("bytes=0-9", true)

	fx := newFixture(f, storetest.SQLite(f))
	data := make([]byte, 5000)
	for i := range data {
		data[i] = byte(i * 31)
	}
	key, _ := media.Key(data, "image/png")
	if err := fx.files.Put(context.Background(), key, data); err != nil {
		f.Fatal(err)
	}
	get := func(path string, header ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "https://mag.example"+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		fx.h.ServeHTTP(w, r)
		return w
	}
	css := regexpFind(get("/").Body.String(), `href="(/static/style\.[0-9a-f]+\.css)"`)
	files := map[string][]byte{media.URL(key): data}
	for _, path := range []string{css, "/admin/static/admin.css"} {
		w := get(path)
		if w.Code != http.StatusOK || w.Body.Len() == 0 {
			f.Fatalf("GET %s: %d", path, w.Code)
		}
		files[path] = w.Body.Bytes()
	}

	f.Fuzz(func(t *testing.T, rangeHeader string, ifRange bool) {
		if strings.ContainsAny(rangeHeader, "\r\n\x00") {
			return // not a header value a client can send
		}
		for path, whole := range files {
			header := []string{"Range", rangeHeader}
			if ifRange {
				header = append(header, "If-Range", get(path).Header().Get("Last-Modified"))
			}
			w := get(path, header...)
			switch w.Code {
			case http.StatusOK:
				if !bytes.Equal(w.Body.Bytes(), whole) {
					t.Fatalf("%s, Range %q: 200 with %d bytes, not the file's %d", path, rangeHeader, w.Body.Len(), len(whole))
				}
			case http.StatusPartialContent:
				checkRanges(t, path, rangeHeader, w, whole)
			case http.StatusRequestedRangeNotSatisfiable:
				if want := fmt.Sprintf("bytes */%d", len(whole)); w.Header().Get("Content-Range") != want {
					t.Fatalf("%s, Range %q: 416 with Content-Range %q, want %q", path, rangeHeader, w.Header().Get("Content-Range"), want)
				}
			default:
				t.Fatalf("%s, Range %q: status %d", path, rangeHeader, w.Code)
			}
		}
	})
}

// checkRanges checks a 206: one range in the body, or several as
// multipart/byteranges, each the file's bytes where its Content-Range
// says.
func checkRanges(t *testing.T, path, rangeHeader string, w *httptest.ResponseRecorder, whole []byte) {
	t.Helper()
	part := func(contentRange string, body []byte) {
		var first, last, size int64
		if _, err := fmt.Sscanf(contentRange, "bytes %d-%d/%d", &first, &last, &size); err != nil {
			t.Fatalf("%s, Range %q: Content-Range %q: %v", path, rangeHeader, contentRange, err)
		}
		if size != int64(len(whole)) || first < 0 || last < first || last >= size {
			t.Fatalf("%s, Range %q: Content-Range %q outside a file of %d bytes", path, rangeHeader, contentRange, len(whole))
		}
		if !bytes.Equal(body, whole[first:last+1]) {
			t.Fatalf("%s, Range %q: the bytes of %q are not the file's", path, rangeHeader, contentRange)
		}
	}
	mt, params, err := mime.ParseMediaType(w.Header().Get("Content-Type"))
	if err != nil || mt != "multipart/byteranges" {
		part(w.Header().Get("Content-Range"), w.Body.Bytes())
		return
	}
	mr := multipart.NewReader(w.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return
		} else if err != nil {
			t.Fatalf("%s, Range %q: multipart/byteranges: %v", path, rangeHeader, err)
		}
		body, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		part(p.Header.Get("Content-Range"), body)
	}
}
