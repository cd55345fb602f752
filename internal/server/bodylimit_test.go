package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/storetest"
)

// repeat is an endless stream of one byte: a large body without
// holding it in memory.
type repeat byte

func (b repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// hugeForm is a urlencoded form of n bytes whose field is field.
func hugeForm(field string, n int64) io.Reader {
	return io.LimitReader(io.MultiReader(strings.NewReader(field+"="), repeat('a')), n)
}

// TestOversizedBodiesAnswer413 is issue 9's finding 9 over real HTTP: a
// 50 MB body to any surface that reads bodies (the readers' forms, the
// admin's sign-in, the billing webhook) answers 413 and says the limit,
// whether its size is announced (Content-Length) or not (chunked).
func TestOversizedBodiesAnswer413(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t, storetest.SQLite(t))
	const size = 50 << 20
	for _, tt := range []struct {
		path, field, limit string
	}{
		{"/sign-in", "email", "the limit is 16 KB"},
		{"/subscribe", "email", "the limit is 16 KB"},
		{"/account/email", "email", "the limit is 16 KB"},
		{"/admin/sign-in", "email", "the limit is 64 KB"},
		{"/admin/password-reset", "email", "the limit is 64 KB"},
		{"/billing/webhooks/stripe", "payload", "the limit is 1 MB"},
	} {
		for _, announced := range []bool{true, false} {
			req, err := http.NewRequest(http.MethodPost, e.srv.URL+tt.path, hugeForm(tt.field, size))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if announced {
				req.ContentLength = size
			}
			r := e.browser(t).do(req)
			if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "too large: "+tt.limit) {
				t.Errorf("POST %s of 50 MB (Content-Length announced: %v): %d, want 413 saying %q\n%.300s", tt.path, announced, r.status, tt.limit, r.body)
			}
		}
	}
}
