package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/audio"
	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/media/s3test"
	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/web"
)

// s3Env is a small demo magazine whose media live in a bucket of the test
// S3 server, with one issue's replica PDF and a Digital subscriber.
func s3Env(t *testing.T, links web.FileLinks) (e *editionEnv, files *media.S3, image string, issue magazine.Issue, digital string) {
	t.Helper()
	files = s3test.Storage(t)
	e = newEditionEnvOn(t, files, links, demo.Options{Seed: 5, Issues: 2, PerIssue: 3, Authors: 2, Now: time.Now()}, "https://mag.example", nil)
	image = regexpFind(e.page(t, "/", ""), `(/media/[0-9a-f]{2}/[0-9a-f]{64}\.(?:jpg|png|webp|gif))`)
	if image == "" {
		t.Fatal("the home page shows no stored image")
	}
	issues, _, err := e.st.Issues(context.Background(), store.IssueFilter{Limit: 1})
	if err != nil || len(issues) == 0 {
		t.Fatalf("issues: %v", err)
	}
	e.addReplica(t, issues[0].ID)
	plan := magazine.Plan{Name: "Digital on S3", MonthlyPrice: 800, Currency: "USD", Active: true,
		Entitlements: []magazine.Entitlement{magazine.EntSubscriberContent, magazine.EntDigitalEdition, magazine.EntArchive}}
	if err := e.st.CreatePlan(context.Background(), &plan); err != nil {
		t.Fatal(err)
	}
	sid, _ := paidReader(t, e.st, e.svc, e.tm, "digital@example.com", plan.ID)
	return e, files, image, issues[0], auth.SecureReaderCookieName + "=" + sid
}

func (e *editionEnv) get(path, cookie string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", "https://mag.example"+path, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

func stored(t *testing.T, files media.Storage, key string) []byte {
	t.Helper()
	f, err := files.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestS3ServedThroughMasthead: with media in a bucket, /media/ answers as
// it does from disk (a Range request gets exactly its bytes, a strong
// ETag, a year's cache lifetime), a key the bucket lacks is a plain 404,
// and the edition downloads keep their access check.
func TestS3ServedThroughMasthead(t *testing.T) {
	t.Parallel()
	e, files, image, issue, digital := s3Env(t, web.FileLinks{})
	whole := stored(t, files, strings.TrimPrefix(image, "/media/"))

	rec := e.get(image, "", "Range", "bytes=10-19")
	if rec.Code != http.StatusPartialContent || !bytes.Equal(rec.Body.Bytes(), whole[10:20]) {
		t.Fatalf("Range 10-19: %d %q, want 206 and the stored bytes %q", rec.Code, rec.Body.Bytes(), whole[10:20])
	}
	h := rec.Header()
	if cr := h.Get("Content-Range"); cr != "bytes 10-19/"+strconv.Itoa(len(whole)) {
		t.Errorf("Content-Range %q", cr)
	}
	etag := h.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || len(etag) != 66 || !strings.Contains(h.Get("Cache-Control"), "max-age=31536000") {
		t.Errorf("ETag %q, Cache-Control %q: want the hash and a year", etag, h.Get("Cache-Control"))
	}
	if rec := e.get(image, "", "Range", "bytes=-5"); rec.Code != http.StatusPartialContent || !bytes.Equal(rec.Body.Bytes(), whole[len(whole)-5:]) {
		t.Errorf("the last five bytes: %d %q", rec.Code, rec.Body.Bytes())
	}
	if rec := e.get(image, "", "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match the ETag: %d, want 304", rec.Code)
	}
	if rec := e.get(image, ""); rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), whole) {
		t.Errorf("the whole image: %d, %d bytes of %d", rec.Code, rec.Body.Len(), len(whole))
	}

	missing := "/media/00/" + strings.Repeat("0", 64) + ".jpg"
	if rec := e.get(missing, ""); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "NoSuchKey") {
		t.Errorf("a key the bucket lacks: %d %.200q, want a plain 404", rec.Code, rec.Body.String())
	}

	download := "/issues/" + strconv.Itoa(issue.Volume) + "/" + strconv.Itoa(issue.Number) + "/download/pdf"
	if rec := e.get(download, ""); rec.Code != http.StatusForbidden || bytes.Contains(rec.Body.Bytes(), testReplica) {
		t.Errorf("anonymous download: %d", rec.Code)
	}
	rec = e.get(download, digital, "Range", "bytes=0-7")
	if rec.Code != http.StatusPartialContent || rec.Body.String() != string(testReplica[:8]) {
		t.Errorf("a subscriber's ranged download: %d %q", rec.Code, rec.Body.String())
	}
}

// TestS3Redirects: with links on, an image is a redirect to a presigned
// URL that the bucket serves with the image's type and lifetime; an
// edition is one too, only after the access check (a reader without the
// edition gets a 403 and no link), and its link is short-lived and not
// cached. The pages' CSP lets the bucket's images and audio in.
func TestS3Redirects(t *testing.T) {
	t.Parallel()
	e, files, image, issue, digital := s3Env(t, web.FileLinks{Public: true, Private: true})
	origin, err := files.Origin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	follow := func(rec *httptest.ResponseRecorder) *http.Response {
		t.Helper()
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusFound || !strings.HasPrefix(loc, origin+"/") || !strings.Contains(loc, "X-Amz-Signature=") {
			t.Fatalf("%d to %q, want a 302 to a presigned URL of %s", rec.Code, loc, origin)
		}
		resp, err := http.Get(loc)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}

	rec := e.get(image, "")
	if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=3600" {
		t.Errorf("the image's redirect: Cache-Control %q", cc)
	}
	resp := follow(rec)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, stored(t, files, strings.TrimPrefix(image, "/media/"))) {
		t.Errorf("the presigned image: %d, %d bytes", resp.StatusCode, len(body))
	}
	if ct := resp.Header.Get("Content-Type"); ct != media.TypeOf(image) || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("the bucket sent Content-Type %q, Cache-Control %q", ct, resp.Header.Get("Cache-Control"))
	}

	download := "/issues/" + strconv.Itoa(issue.Volume) + "/" + strconv.Itoa(issue.Number) + "/download/pdf"
	if rec := e.get(download, ""); rec.Code != http.StatusForbidden || rec.Header().Get("Location") != "" {
		t.Errorf("anonymous download: %d to %q, want 403 and no link", rec.Code, rec.Header().Get("Location"))
	}
	rec = e.get(download, digital)
	if cc := rec.Header().Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("the edition's redirect: Cache-Control %q", cc)
	}
	loc, _ := url.Parse(rec.Header().Get("Location"))
	if exp := loc.Query().Get("X-Amz-Expires"); exp != "600" {
		t.Errorf("the edition's link lasts %q s, want 600", exp)
	}
	resp = follow(rec)
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, testReplica) || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; filename=") {
		t.Errorf("the presigned edition: %d %q, Content-Disposition %q", resp.StatusCode, body, resp.Header.Get("Content-Disposition"))
	}

	csp := e.get("/", "").Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "media-src 'self' "+origin) || !strings.Contains(csp, "img-src 'self' data: https: "+origin) {
		t.Errorf("CSP %q does not let in %s", csp, origin)
	}
}

// TestS3Narration: narration works on a bucket (the first play narrates,
// stores its segments and file there, and streams), and with private links
// on, later plays are redirects to a short-lived presigned URL, only for
// the listener: readers without audio still get a 403 and no link.
func TestS3Narration(t *testing.T) {
	t.Parallel()
	f := newAudioFixture(t)
	files := s3test.Storage(t)
	narrator := &audio.Narrator{Store: f.st, Files: files}
	h, err := server.New(server.Config{Store: f.st, Files: files, Links: web.FileLinks{Private: true}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		BaseURL: "https://mag.example", Billing: f.svc, Audio: narrator})
	if err != nil {
		t.Fatal(err)
	}
	f.h = h
	url := "/articles/" + f.gated.Slug + "/audio.mp3"
	first := f.get(t, url, "Cookie", f.listener)
	if first.status != http.StatusOK || !isMP3(first.body) {
		t.Fatalf("the first play: %d, %d bytes", first.status, len(first.body))
	}
	aa, err := f.st.ArticleAudio(context.Background(), f.gated.ID)
	if err != nil || aa.FileKey == "" {
		t.Fatalf("no narration recorded: %+v %v", aa, err)
	}
	if _, err := files.Size(context.Background(), aa.FileKey); err != nil {
		t.Fatalf("the narration is not in the bucket: %v", err)
	}

	for _, cookie := range []string{"", f.reading} {
		if r := f.get(t, url, "Cookie", cookie); r.status != http.StatusForbidden || r.header.Get("Location") != "" {
			t.Errorf("a reader without audio: %d to %q", r.status, r.header.Get("Location"))
		}
	}
	r := f.get(t, url, "Cookie", f.listener)
	loc := r.header.Get("Location")
	if r.status != http.StatusFound || !strings.Contains(loc, "X-Amz-Expires=600") || r.header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("a later play: %d to %q (Cache-Control %q), want a private redirect to a 10-minute link", r.status, loc, r.header.Get("Cache-Control"))
	}
	resp, err := http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || int64(len(body)) != aa.Bytes || !isMP3(string(body)) || resp.Header.Get("Content-Type") != "audio/mpeg" {
		t.Errorf("the presigned narration: %d, %d bytes of %d, %q", resp.StatusCode, len(body), aa.Bytes, resp.Header.Get("Content-Type"))
	}
}

// TestS3FailingWhileRunning: when the bucket stops answering, pages that
// need no file are served as before, and files are a plain 503 whose
// text says nothing of S3.
func TestS3FailingWhileRunning(t *testing.T) {
	t.Parallel()
	e, _, image, _, _ := s3Env(t, web.FileLinks{})
	cfg := s3test.Config(t)
	cfg.SecretKey = "wrong"
	broken, err := media.NewS3(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.h, err = server.New(server.Config{Store: e.st, Files: broken, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "https://mag.example", Billing: e.svc})
	if err != nil {
		t.Fatal(err)
	}
	if rec := e.get("/", ""); rec.Code != http.StatusOK {
		t.Errorf("the home page with the bucket down: %d", rec.Code)
	}
	rec := e.get(image, "")
	if body := rec.Body.String(); rec.Code != http.StatusServiceUnavailable || !strings.Contains(body, "file store did not answer") ||
		strings.Contains(body, "Signature") || strings.Contains(body, cfg.Endpoint) {
		t.Errorf("an image with the bucket down: %d %.300q", rec.Code, body)
	}
}
