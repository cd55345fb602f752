package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
)

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	for _, p := range []string{"/", "/articles/the-long-road-to-the-harbour", "/no-such-page", "/api/v1/articles"} {
		r := f.get(t, p)
		csp := r.header.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin", "Strict-Transport-Security": "max-age=63072000; includeSubDomains"} {
			if got := r.header.Get(h); got != want {
				t.Errorf("%s: %s = %q, want %q", p, h, got, want)
			}
		}
	}
	// Pages carry no inline script or style for the CSP to refuse.
	body := f.get(t, "/articles/the-long-road-to-the-harbour").body
	if strings.Contains(body, "<script>") || strings.Contains(body, "style=") || strings.Contains(body, "<style") {
		t.Error("inline script or style in the page")
	}
}

func TestConditionalRequests(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	path := "/articles/the-long-road-to-the-harbour"
	r := f.get(t, path)
	etag, lastMod := r.header.Get("ETag"), r.header.Get("Last-Modified")
	if !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") || lastMod == "" {
		t.Fatalf("validators: ETag %q Last-Modified %q", etag, lastMod)
	}
	if cc := r.header.Get("Cache-Control"); cc != "public, max-age=60" {
		t.Errorf("Cache-Control = %q", cc)
	}
	if r.header.Get("Set-Cookie") != "" {
		t.Error("anonymous response sets a cookie")
	}
	if r2 := f.get(t, path, "If-None-Match", etag); r2.status != 304 || r2.body != "" {
		t.Errorf("If-None-Match: %d", r2.status)
	}
	if r2 := f.get(t, path, "If-Modified-Since", lastMod); r2.status != 304 {
		t.Errorf("If-Modified-Since: %d", r2.status)
	}
	if r2 := f.get(t, path, "If-None-Match", `"other"`); r2.status != 200 {
		t.Errorf("stale ETag: %d", r2.status)
	}
}

func TestGzip(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	plain := f.get(t, "/")
	zipped := f.get(t, "/", "Accept-Encoding", "gzip, deflate, br")
	if zipped.header.Get("Content-Encoding") != "gzip" || !strings.Contains(zipped.header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("headers %v", zipped.header)
	}
	if zipped.header.Get("ETag") == plain.header.Get("ETag") {
		t.Error("gzipped and plain bodies share a strong ETag")
	}
	zr, err := gzip.NewReader(strings.NewReader(zipped.body))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if !bytes.Equal(got, []byte(plain.body)) {
		t.Error("gzipped body differs from the plain one")
	}
	if r := f.get(t, "/", "Accept-Encoding", "gzip;q=0"); r.header.Get("Content-Encoding") != "" {
		t.Error("gzip sent to a client that refused it")
	}
}

// TestPageCache: anonymous pages are served from memory and refreshed when
// the content changes; a reader with a session never gets a shared page.
func TestPageCache(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	path := "/articles/the-long-road-to-the-harbour"
	first := f.get(t, path)
	second := f.get(t, path)
	if first.body != second.body || first.header.Get("ETag") != second.header.Get("ETag") {
		t.Fatal("two anonymous views differ")
	}
	a := f.public
	in := magazine.ArticleInput{Headline: "A new headline for the harbour", Slug: a.Slug, SectionID: a.Section.ID, AuthorIDs: []int64{a.Authors[0].ID},
		Status: a.Status, PublishedAt: a.PublishedAt, Visibility: a.Visibility, BodyMarkdown: a.BodyMarkdown}
	if _, err := f.st.UpdateArticle(context.Background(), a.ID, in); err != nil {
		t.Fatal(err)
	}
	after := f.get(t, path)
	if !strings.Contains(after.body, "A new headline for the harbour") || after.header.Get("ETag") == first.header.Get("ETag") {
		t.Error("the cached page outlived the change")
	}
	if home := f.get(t, "/"); !strings.Contains(home.body, "A new headline for the harbour") {
		t.Error("the home page still shows the old headline")
	}
	withSession := f.get(t, path, "Cookie", "masthead_session=abc")
	if cc := withSession.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("a reader with a session got Cache-Control %q", cc)
	}
}

func TestMediaAndAssets(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	r := f.get(t, f.photo)
	if r.status != 200 || r.header.Get("Content-Type") != "image/png" || !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
		t.Errorf("media: %d %v", r.status, r.header)
	}
	if !strings.Contains(r.header.Get("Content-Security-Policy"), "sandbox") {
		t.Error("media served without a sandboxing CSP")
	}
	home := f.get(t, "/")
	css := regexpFind(home.body, `href="(/static/style\.[0-9a-f]+\.css)"`)
	if css == "" {
		t.Fatal("no hashed stylesheet link")
	}
	s := f.get(t, css)
	if s.status != 200 || !strings.HasPrefix(s.header.Get("Content-Type"), "text/css") || !strings.Contains(s.header.Get("Cache-Control"), "max-age=31536000") {
		t.Errorf("stylesheet: %d %v", s.status, s.header)
	}
	if !strings.Contains(s.body, "@media print") {
		t.Error("no print stylesheet")
	}
	// Compressed for a browser (10.5 KB of CSS went out uncompressed).
	for _, enc := range []string{"gzip", "zstd"} {
		z := f.get(t, css, "Accept-Encoding", "gzip, deflate, br"+map[string]string{"zstd": ", zstd"}[enc])
		if z.status != 200 || z.header.Get("Content-Encoding") != enc || len(z.body)*2 > len(s.body) ||
			!strings.Contains(z.header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("stylesheet for a browser taking %s: %d, %q, %d bytes of %d", enc, z.status, z.header.Get("Content-Encoding"), len(z.body), len(s.body))
		}
	}
}

// TestInternalErrorsStayInside: when the database fails, readers get the
// 500 page and the cause goes only to the log.
func TestInternalErrorsStayInside(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	f.st.Close()
	for _, p := range []string{"/sections/politics", "/articles/the-long-road-to-the-harbour", "/api/v1/articles", "/healthz"} {
		r := f.get(t, p)
		if r.status != 500 && r.status != 503 {
			t.Errorf("%s: status %d", p, r.status)
		}
		lacks(t, r, "database is closed", "sql:", "sqlite")
	}
}

func TestHead(t *testing.T) {
	t.Parallel()
	f := sqliteFixture(t)
	req := httptest.NewRequest("HEAD", "/articles/the-long-road-to-the-harbour", nil)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("ETag") == "" {
		t.Errorf("HEAD: %d, %d bytes, %v", rec.Code, rec.Body.Len(), rec.Header())
	}
	post := httptest.NewRequest("POST", "/articles/the-long-road-to-the-harbour", nil)
	rec = httptest.NewRecorder()
	f.h.ServeHTTP(rec, post)
	if rec.Code != 405 && rec.Code != 404 {
		t.Errorf("POST to a page: %d", rec.Code)
	}
}
