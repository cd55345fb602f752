package admin

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
)

// upload posts a file as the cover form does.
func (e *env) upload(path, name string, data []byte, cookie *http.Cookie) *httptest.ResponseRecorder {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		e.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	r := httptest.NewRequest(http.MethodPost, "http://masthead.test"+path, &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.AddCookie(cookie)
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, x%h, color.RGBA{R: uint8(x), G: 90, B: 160, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestIssueCover(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	ctx := context.Background()
	ed := e.session(e.staff[magazine.RoleEditor])
	nr := e.newsroom()

	if page := e.do(http.MethodGet, nr.issue, nil, ed).Body.String(); strings.Contains(page, `type="file"`) {
		t.Error("the upload form is offered although the admin has no file storage")
	}
	disk, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.admin.files, e.admin.images = disk, media.NewIngester(disk, media.Limits{})

	w := e.upload(nr.issue+"/cover", "cover.png", []byte("<svg onload=alert(1)></svg>"), ed)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="cover-error">Only JPEG, PNG, GIF and WebP images`) {
		t.Errorf("an SVG named .png: status %d\n%s", w.Code, w.Body)
	}
	w = e.upload(nr.issue+"/cover", "huge.png", make([]byte, media.MaxImageBytes+100<<10), ed)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), `id="cover-error">The image is larger than the 20 MB limit`) {
		t.Errorf("an oversized upload: status %d\n%s", w.Code, w.Body)
	}
	if issue, _ := e.store.IssueByID(ctx, nr.issueID); issue.CoverURL != "" {
		t.Fatalf("a refused upload set the cover to %q", issue.CoverURL)
	}

	w = e.upload(nr.issue+"/cover", "spring.png", pngOf(t, 1000, 600), ed)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("upload: status %d\n%s", w.Code, w.Body)
	}
	issue, _ := e.store.IssueByID(ctx, nr.issueID)
	key := strings.TrimPrefix(issue.CoverURL, "/media/")
	src, ok := e.store.ImageSources(ctx, key)
	if !ok || src.Width != 1000 || !strings.Contains(src.Srcset, " 480w") || !strings.Contains(src.Srcset, " 960w") {
		t.Errorf("the cover %q is not recorded with its smaller copies: %+v", issue.CoverURL, src)
	}
	page := e.do(http.MethodGet, nr.issue+"?done=cover", nil, ed).Body.String()
	if !strings.Contains(page, `<img class="cover" src="`+issue.CoverURL+`"`) || !strings.Contains(page, "The cover was changed.") {
		t.Errorf("the issue page does not show the new cover:\n%s", page)
	}

	// The other issue can reuse the image; an unknown one is refused.
	if w := e.do(http.MethodPost, nr.emptyIssue+"/cover", url.Values{"key": {key}}, ed); w.Code != http.StatusSeeOther {
		t.Errorf("choose an uploaded image: status %d\n%s", w.Code, w.Body)
	}
	if other, _ := e.store.IssueByID(ctx, nr.emptyIssueID); other.CoverURL != issue.CoverURL {
		t.Errorf("chosen cover: %q", other.CoverURL)
	}
	if w := e.do(http.MethodPost, nr.emptyIssue+"/cover", url.Values{"key": {"ab/nothing.jpg"}}, ed); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "That image is no longer stored") {
		t.Errorf("choose an unknown image: status %d", w.Code)
	}
}
