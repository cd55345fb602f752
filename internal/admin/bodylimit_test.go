package admin

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/storetest"
)

// repeat is an endless stream of one byte: a large body without holding
// it in memory.
type repeat byte

func (b repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// TestOversizedAdminBodies is issue 9's finding 9 on the signed-in admin
// routes: a 50 MB body answers 413 with the route's limit in the
// message, announced or not, urlencoded or multipart, before any of it is
// saved.
func TestOversizedAdminBodies(t *testing.T) {
	t.Parallel()
	n := newEditorEnv(t, storetest.SQLite(t))
	contributor := n.session(n.staff[magazine.RoleContributor])
	owner := n.session(n.staff[magazine.RoleOwner])
	const size = 50 << 20
	const multipartType = "multipart/form-data; boundary=b"
	for _, tt := range []struct {
		path        string
		who         *http.Cookie
		contentType string
		announced   bool
		limit       string
	}{
		{"/admin/articles", contributor, "application/x-www-form-urlencoded", true, "10 MB"},
		{"/admin/articles", contributor, "application/x-www-form-urlencoded", false, "10 MB"},
		{"/admin/articles", contributor, multipartType, true, "43 MB"},
		{"/admin/articles", contributor, multipartType, false, "43 MB"},
		{"/admin/articles/autosave", contributor, "application/x-www-form-urlencoded", false, "10 MB"},
		{"/admin/articles/preview", contributor, "application/x-www-form-urlencoded", true, "2.1 MB"},
		{"/admin/articles/upload", contributor, multipartType, true, "41 MB"},
		{"/admin/settings", owner, "application/x-www-form-urlencoded", false, "64 KB"},
		{"/admin/staff", owner, "application/x-www-form-urlencoded", true, "64 KB"},
	} {
		body := io.MultiReader(strings.NewReader("headline=Flood&body="), repeat('a'))
		if tt.contentType == multipartType {
			body = io.MultiReader(strings.NewReader("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"flood.png\"\r\n\r\n"), repeat('a'))
		}
		r := httptest.NewRequest(http.MethodPost, "http://masthead.test"+tt.path, io.LimitReader(body, size))
		r.ContentLength = -1
		if tt.announced {
			r.ContentLength = size
		}
		r.Header.Set("Content-Type", tt.contentType)
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		r.AddCookie(tt.who)
		w := httptest.NewRecorder()
		n.h.ServeHTTP(w, r)
		if want := "That form is too large: the limit is " + tt.limit + "."; w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), want) {
			t.Errorf("POST %s (%s, length announced %v): %d, want 413 saying %q\n%.400s", tt.path, tt.contentType, tt.announced, w.Code, want, w.Body)
		}
	}
	if list := n.do(http.MethodGet, "/admin/articles", nil, owner).Body.String(); strings.Contains(list, "Flood") {
		t.Error("a refused body saved an article")
	}
}
