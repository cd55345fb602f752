package main

// Issue 9, findings 1 and 9, replayed against a running demo: an image
// that decodes to far more than its size, and bodies far past any form.

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/media/mediatest"
)

// TestSecurityGIFBombUpload: a contributor uploads the 1 MB GIF of 90
// frames of 4000×4000 (1.44 billion pixels) from the editor. It is
// refused with a plain message and a 4xx, having cost the server far
// less memory than one decoded frame would, and nothing is stored. Not
// parallel, so that the allocations counted are the upload's.
func TestSecurityGIFBombUpload(t *testing.T) {
	d := startSecurityDemo(t, nil)
	c := d.staff(t, "contributor")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("alt", "A cat, animated")
	fw, err := mw.CreateFormFile("file", "cat.gif")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(mediatest.GIFBomb(4000, 4000, 90))
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, d.Base+"/admin/articles/upload", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())

	stored := func() int {
		n := 0
		filepath.WalkDir(filepath.Join(d.Data, "media"), func(_ string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				n++
			}
			return nil
		})
		return n
	}
	files := stored()
	if files == 0 {
		t.Fatal("no demo pictures under the media folder: the check below would prove nothing")
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	resp := c.do(req)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	// For the record (issue 9 asks for "within 1 s, under 150 MB"); what
	// is asserted is below, the allocation, which a busy machine does
	// not move. The peak is the whole test process's, demo seeding included.
	t.Logf("the upload was answered in %v and allocated %d KB; process peak resident %s",
		took.Round(time.Millisecond), (after.TotalAlloc-before.TotalAlloc)>>10, peakRSS())
	if n := stored(); n != files {
		t.Errorf("the refused bomb stored %d files", n-files)
	}

	var ans struct{ Error, Field, URL string }
	if err := json.Unmarshal([]byte(resp.Body), &ans); err != nil || resp.Status < 400 || resp.Status > 499 {
		t.Fatalf("the bomb got %d %s, want a 4xx with the editor's JSON answer", resp.Status, resp.Body)
	}
	if ans.Field != "file" || ans.URL != "" || !strings.Contains(ans.Error, "90 frames on a 4000×4000 canvas") || !strings.Contains(ans.Error, "60 megapixels") {
		t.Errorf("the refusal does not say why plainly: %+v", ans)
	}
	// The server runs in this process: what it allocated for the upload
	// (the body, the form, the headers' walk) is far below the 16 MB of
	// a single decoded frame, let alone the 1.44 GB of all of them.
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("the upload allocated %d MB in the server: the bomb was decoded", got>>20)
	}
}

// repeatByte is an endless stream of one byte: a 50 MB body without
// holding 50 MB.
type repeatByte byte

func (b repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// TestSecurityOversizedBodies: 50 MB posted to the admin's sign-in, to
// the editor (signed in as a contributor) and to a reader's form answers
// 413 and states the limit, whether the size is announced or streamed.
func TestSecurityOversizedBodies(t *testing.T) {
	t.Parallel()
	d := startSecurityDemo(t, nil)
	contributor := d.staff(t, "contributor")
	const size = 50 << 20
	for _, tt := range []struct {
		path  string
		who   *secClient
		limit string
	}{
		{"/admin/sign-in", d.client(t), "That form is too large: the limit is 64 KB."},
		{"/admin/articles", contributor, "That form is too large: the limit is 10 MB."},
		{"/sign-in", d.client(t), "That form is too large: the limit is 16 KB."},
	} {
		for _, announced := range []bool{true, false} {
			body := io.LimitReader(io.MultiReader(strings.NewReader("email=x%40example.com&headline=Flood&body="), repeatByte('a')), size)
			req, err := http.NewRequest(http.MethodPost, d.Base+tt.path, body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if announced {
				req.ContentLength = size
			}
			resp := tt.who.do(req)
			if resp.Status != http.StatusRequestEntityTooLarge || !strings.Contains(resp.Body, tt.limit) {
				t.Errorf("POST %s, 50 MB (length announced: %v): %d, want 413 saying %q\n%.300s", tt.path, announced, resp.Status, tt.limit, resp.Body)
			}
		}
	}
}

// peakRSS is this process's peak resident memory as Linux reports it
// (VmHWM), or "unknown".
func peakRSS() string {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
