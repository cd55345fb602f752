package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
)

func TestParseFormLimits(t *testing.T) {
	t.Parallel()
	post := func(body, contentType string, announced bool) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/form", strings.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		if !announced {
			r.ContentLength = -1
		}
		return r
	}
	form := "email=" + strings.Repeat("a", 20<<10)
	for name, tt := range map[string]struct {
		r     *http.Request
		limit int64
		code  string
		msg   string
	}{
		"within the limit":    {post("email=a%40example.com", "application/x-www-form-urlencoded", true), 16 << 10, "", ""},
		"announced too large": {post(form, "application/x-www-form-urlencoded", true), 16 << 10, magazine.ETOOLARGE, "That form is too large: the limit is 16 KB."},
		"streamed too large":  {post(form, "application/x-www-form-urlencoded", false), 16 << 10, magazine.ETOOLARGE, "That form is too large: the limit is 16 KB."},
		"multipart too large": {post("--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n"+form, "multipart/form-data; boundary=b", false), 1500, magazine.ETOOLARGE, "the limit is 1.5 KB."},
		"malformed":           {post("--x\r\nnot a part", "multipart/form-data; boundary=b", true), 16 << 10, magazine.EINVALID, "could not be read"},
	} {
		err := httpx.ParseForm(httptest.NewRecorder(), tt.r, tt.limit)
		if magazine.ErrorCode(err) != tt.code || (err != nil && !strings.Contains(magazine.ErrorMessage(err), tt.msg)) {
			t.Errorf("%s: %v, want %q %q", name, err, tt.code, tt.msg)
		}
		if err != nil && httpx.Status(err) == http.StatusRequestEntityTooLarge != (tt.code == magazine.ETOOLARGE) {
			t.Errorf("%s: status %d", name, httpx.Status(err))
		}
	}
	// net/http refuses urlencoded forms past 10 MB whatever the limit:
	// the message says so rather than a limit that cannot be reached.
	r := post("a=b", "application/x-www-form-urlencoded", true)
	r.ContentLength = 11 << 20
	if err := httpx.ParseForm(httptest.NewRecorder(), r, 40<<20); !strings.Contains(magazine.ErrorMessage(err), "the limit is 10 MB") {
		t.Errorf("urlencoded past net/http's cap: %v", err)
	}
	if _, err := httpx.ReadBody(httptest.NewRecorder(), post(form, "application/json", false), 1<<10); magazine.ErrorMessage(err) != "That request is too large: the limit is 1 KB." {
		t.Errorf("ReadBody: %v", err)
	}
}

func TestBytes(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{512: "512 bytes", 16 << 10: "16 KB", 1536: "1.5 KB", 20 << 20: "20 MB", 2<<20 + 64<<10: "2.1 MB"} {
		if got := httpx.Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}
