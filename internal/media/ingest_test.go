package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
)

func picture(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	return img
}

// jpegWithExif returns a w×h JPEG carrying an EXIF block that says
// "rotate 90° clockwise" (orientation 6) and a fake GPS note.
func jpegWithExif(t *testing.T, w, h int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, picture(w, h), nil); err != nil {
		t.Fatal(err)
	}
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08" + // big-endian TIFF, IFD0 at 8
		"\x00\x01" + // one entry
		"\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00" + // Orientation = 6
		"\x00\x00\x00\x00" + // no next IFD
		"GPS-SECRET 51.5074N 0.1278W")
	app1 := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(app1)+2))
	seg = append(seg, app1...)
	data := buf.Bytes()
	return append(append([]byte{0xFF, 0xD8}, seg...), data[2:]...)
}

// pngWithText adds a tEXt chunk to a PNG.
func pngWithText(t *testing.T, w, h int, text string) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, picture(w, h)); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	chunk := []byte{0, 0, 0, 0}
	binary.BigEndian.PutUint32(chunk, uint32(len(text)))
	body := append([]byte("tEXt"), text...)
	chunk = append(chunk, body...)
	crc := make([]byte, 4)
	binary.BigEndian.PutUint32(crc, crc32.ChecksumIEEE(body))
	chunk = append(chunk, crc...)
	// after the 8-byte signature and the 25-byte IHDR chunk
	return append(append(append([]byte{}, data[:33]...), chunk...), data[33:]...)
}

func read(t *testing.T, files media.Storage, key string) []byte {
	t.Helper()
	f, err := files.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	return b
}

func TestIngestStripsMetadataAndTurnsUpright(t *testing.T) {
	t.Parallel()
	eachStorage(t, func(t *testing.T, files storage) { ingestStripsMetadata(t, files) })
}

func ingestStripsMetadata(t *testing.T, files media.Storage) {
	src := jpegWithExif(t, 2000, 1000)
	if !bytes.Contains(src, []byte("GPS-SECRET")) {
		t.Fatal("fixture lacks its EXIF")
	}
	img, err := media.NewIngester(files, media.Limits{}).Ingest(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if img.Width != 1000 || img.Height != 2000 || img.ContentType != "image/jpeg" {
		t.Errorf("got %dx%d %s, want the picture turned upright: 1000x2000 JPEG", img.Width, img.Height, img.ContentType)
	}
	stored := read(t, files, img.Key)
	if bytes.Contains(stored, []byte("GPS-SECRET")) || bytes.Contains(stored, []byte("Exif")) {
		t.Error("EXIF data survived")
	}
	var widths []int
	for _, v := range img.Variants {
		widths = append(widths, v.Width)
		cfg, _, err := image.DecodeConfig(bytes.NewReader(read(t, files, v.Key)))
		if err != nil || cfg.Width != v.Width {
			t.Errorf("variant %d: %+v %v", v.Width, cfg, err)
		}
	}
	if len(widths) != 2 || widths[0] != 480 || widths[1] != 960 {
		t.Errorf("variant widths %v, want [480 960] for a 1000-pixel-wide image", widths)
	}

	p, err := media.NewIngester(files, media.Limits{}).Ingest(context.Background(), pngWithText(t, 300, 200, "Comment\x00secret note"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(read(t, files, p.Key), []byte("secret note")) || len(p.Variants) != 0 || p.ContentType != "image/png" {
		t.Errorf("PNG: %+v", p)
	}
}

func TestIngestRefusals(t *testing.T) {
	t.Parallel()
	files, _ := media.NewDisk(t.TempDir())
	// A PNG header that claims 100,000 × 100,000 pixels.
	var bomb bytes.Buffer
	png.Encode(&bomb, picture(1, 1))
	b := bomb.Bytes()
	binary.BigEndian.PutUint32(b[16:], 100000)
	binary.BigEndian.PutUint32(b[20:], 100000)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	for name, tt := range map[string]struct {
		data []byte
		code string
	}{
		"svg":        {[]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>`), magazine.EINVALID},
		"html":       {[]byte("<!doctype html><script>alert(1)</script>"), magazine.EINVALID},
		"pdf":        {[]byte("%PDF-1.7\n..."), magazine.EINVALID},
		"truncated":  {jpegWithExif(t, 50, 50)[:300], magazine.EINVALID},
		"bomb":       {b, magazine.EINVALID},
		"too large":  {bytes.Repeat([]byte{0xFF}, media.MaxImageBytes+1), magazine.ETOOLARGE},
		"empty file": {nil, magazine.EINVALID},
	} {
		_, err := media.NewIngester(files, media.Limits{}).Ingest(context.Background(), tt.data)
		if magazine.ErrorCode(err) != tt.code {
			t.Errorf("%s: error %v, want code %s", name, err, tt.code)
		}
		if err != nil && strings.Contains(magazine.ErrorMessage(err), "Internal") {
			t.Errorf("%s: no plain message: %v", name, err)
		}
	}
}

// TestTypeOf: a stored file's type is read back from its key or URL, so
// that what links to it (an OPDS cover) names the right one.
func TestTypeOf(t *testing.T) {
	for _, ct := range []string{"image/png", "image/jpeg", "image/webp", "application/epub+zip"} {
		key, err := media.Key([]byte("x"), ct)
		if err != nil {
			t.Fatal(err)
		}
		if got := media.TypeOf(media.URL(key)); got != ct {
			t.Errorf("TypeOf(%s) = %q, want %q", media.URL(key), got, ct)
		}
	}
	if got := media.TypeOf("/media/ab/cover.tiff"); got != "" {
		t.Errorf("an extension Masthead does not store: %q", got)
	}
}
