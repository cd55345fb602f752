package media

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media/mediatest"
)

// memFiles is a Storage in memory that counts what was stored.
type memFiles struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memFiles) Put(_ context.Context, key string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	m.files[key] = data
	return nil
}

func (m *memFiles) Open(context.Context, string) (File, error) {
	return nil, magazine.Errorf(magazine.ENOTFOUND, "File not found.")
}

// FuzzIngest feeds any bytes to Ingest under small limits and checks its
// promises: no panic; a refusal is a plain coded error and stores
// nothing; what is accepted decodes to no more pixels than the limit;
// and a GIF's measured pixels are never fewer than image/gif decodes, so
// the bound holds before decoding.
func FuzzIngest(f *testing.F) {
	still := func(w, h int) image.Image {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = byte(i * 7)
		}
		return img
	}
	var p, j bytes.Buffer
	png.Encode(&p, still(30, 20))
	jpeg.Encode(&j, still(500, 10), nil)
	var anim bytes.Buffer
	pal := color.Palette{color.Black, color.White, color.Transparent}
	gif.EncodeAll(&anim, &gif.GIF{
		Image: []*image.Paletted{image.NewPaletted(image.Rect(0, 0, 8, 8), pal), image.NewPaletted(image.Rect(2, 2, 6, 5), pal)},
		Delay: []int{5, 5}, LoopCount: 3, Disposal: []byte{gif.DisposalBackground, gif.DisposalPrevious},
	})
	for _, seed := range [][]byte{
		p.Bytes(), j.Bytes(), anim.Bytes(),
		mediatest.GIFBomb(2000, 2000, 3), // past the fuzz limit: refused
		mediatest.GIFBomb(3, 3, 40),      // past the frame limit
		[]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"),
		[]byte("RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00"),
		[]byte("<svg onload=alert(1)>"),
		nil,
	} {
		f.Add(seed)
	}
	limits := Limits{MaxPixels: 1 << 20, MaxFrames: 32, Timeout: 10 * time.Second}
	f.Fuzz(func(t *testing.T, data []byte) {
		files := &memFiles{}
		img, err := NewIngester(files, limits).Ingest(context.Background(), data)
		if err != nil {
			if code := magazine.ErrorCode(err); code != magazine.EINVALID && code != magazine.ETOOLARGE {
				t.Fatalf("not a plain refusal: %v", err)
			}
			if len(files.files) != 0 {
				t.Fatalf("a refused image stored %d files", len(files.files))
			}
		} else {
			stored, ok := files.files[img.Key]
			if !ok || len(files.files) != 1+len(img.Variants) {
				t.Fatalf("stored %d files for %+v", len(files.files), img)
			}
			if pixels := decodedPixels(t, stored, img.ContentType); pixels > limits.MaxPixels {
				t.Fatalf("accepted an image of %d pixels, over the limit of %d", pixels, limits.MaxPixels)
			}
		}
		// The measure bounds the decoder, whatever Ingest made of it.
		if m, err := scanGIF(data); err == nil && m.Pixels <= limits.MaxPixels && m.Frames <= limits.MaxFrames {
			if g, err := gif.DecodeAll(bytes.NewReader(data)); err == nil {
				var decoded int64
				for _, fr := range g.Image {
					decoded += int64(fr.Bounds().Dx()) * int64(fr.Bounds().Dy())
				}
				if decoded > m.Pixels || len(g.Image) > m.Frames {
					t.Fatalf("scanGIF measured %d pixels in %d frames, image/gif decoded %d in %d", m.Pixels, m.Frames, decoded, len(g.Image))
				}
			}
		}
	})
}

// decodedPixels decodes a stored file and counts its pixels, every frame
// of a GIF.
func decodedPixels(t *testing.T, data []byte, ct string) int64 {
	t.Helper()
	if ct == "image/gif" {
		g, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("the stored GIF does not decode: %v", err)
		}
		var n int64
		for _, fr := range g.Image {
			n += int64(fr.Bounds().Dx()) * int64(fr.Bounds().Dy())
		}
		return n
	}
	img, _, err := image.Decode(io.Reader(bytes.NewReader(data)))
	if err != nil {
		t.Fatalf("the stored %s does not decode: %v", ct, err)
	}
	return int64(img.Bounds().Dx()) * int64(img.Bounds().Dy())
}
