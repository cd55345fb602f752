package media_test

import (
	"bytes"
	"context"
	"errors"
	"image/gif"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/media/mediatest"
)

// stored counts the files under a Disk's folder.
func stored(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// TestIngestRefusesGIFBombBeforeDecoding is issue 9's finding 1: a 1 MB
// GIF whose 90 full frames of 4000×4000 decode to 1.44 billion pixels
// took 47 s and 1.5 GB. It is refused from its headers: the whole ingest
// allocates less than one of its frames would (16 MB) and stores nothing.
// Not parallel, so that the allocation count is this test's alone.
func TestIngestRefusesGIFBombBeforeDecoding(t *testing.T) {
	dir := t.TempDir()
	files, _ := media.NewDisk(dir)
	in := media.NewIngester(files, media.Limits{})
	bomb := mediatest.GIFBomb(4000, 4000, 90)
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d bytes; the finding's was under 1 MB", len(bomb))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := in.Ingest(context.Background(), bomb)
	runtime.ReadMemStats(&after)
	if magazine.ErrorCode(err) != magazine.EINVALID {
		t.Fatalf("the bomb got %v, want a plain refusal", err)
	}
	var e *magazine.Error
	if msg := magazine.ErrorMessage(err); !strings.Contains(msg, "90 frames") || !strings.Contains(msg, "60 megapixels") {
		t.Errorf("message %q does not say why (frames, limit)", msg)
	} else if !errors.As(err, &e) || e.Field != "file" {
		t.Errorf("the refusal is not on the file field: %#v", err)
	}
	t.Logf("allocated %d KB", (after.TotalAlloc-before.TotalAlloc)>>10)
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("refusing the bomb allocated %d MB: it was decoded, at least in part", got>>20)
	}
	if n := stored(t, dir); n != 0 {
		t.Errorf("%d files stored for a refused image", n)
	}
}

func TestIngestBoundsAnimations(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files, _ := media.NewDisk(dir)
	in := media.NewIngester(files, media.Limits{MaxPixels: 1_000_000, MaxFrames: 10})
	for name, tt := range map[string]struct {
		data []byte
		want string
	}{
		"many tiny frames": {mediatest.GIFBomb(2, 2, 11), "11 frames; animations are limited to 10"},
		"frames add up":    {mediatest.GIFBomb(600, 600, 3), "3 frames on a 600×600 canvas"},
		"one large still":  {mediatest.GIFBomb(1001, 1000, 1), "1001×1000 pixels"},
	} {
		_, err := in.Ingest(context.Background(), tt.data)
		if magazine.ErrorCode(err) != magazine.EINVALID || !strings.Contains(magazine.ErrorMessage(err), tt.want) {
			t.Errorf("%s: got %v, want a refusal saying %q", name, err, tt.want)
		}
	}
	if n := stored(t, dir); n != 0 {
		t.Fatalf("%d files stored for refused images", n)
	}

	// Within the limits an animation keeps its frames.
	img, err := in.Ingest(context.Background(), mediatest.GIFBomb(500, 400, 4))
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(read(t, files, img.Key)))
	if err != nil || len(g.Image) != 4 || img.Width != 500 || len(img.Variants) != 1 {
		t.Errorf("stored animation: %+v, %v (frames %d)", img, err, len(g.Image))
	}
}
