package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"

	"github.com/disintegration/imaging"
	_ "golang.org/x/image/webp" // decode WebP uploads

	"github.com/masthead-press/masthead/internal/magazine"
)

// ResponsiveWidths are the widths made of every uploaded image narrower
// than its own, for srcset.
var ResponsiveWidths = []int{480, 960, 1600}

// Image is an ingested image: the cleaned original and its smaller copies.
type Image struct {
	Key         string
	ContentType string
	Width       int
	Height      int
	Size        int
	Variants    []Variant // narrowest first
}

// Variant is a smaller copy of an image.
type Variant struct {
	Key   string
	Width int
	Size  int
}

// Ingest checks an upload by its content, not its name, and stores it
// without its metadata. Only JPEG, PNG, GIF and WebP are accepted (SVG and
// HTML never: they can carry script). JPEG and WebP are decoded, turned
// upright by their EXIF orientation and re-encoded as JPEG, which drops
// EXIF and GPS data; PNG and GIF are re-encoded, which drops their text
// chunks and comments. Smaller copies are made for srcset.
//
// What decoding will cost is measured from the headers before any pixel
// is decoded (measureImage), and an image past the limits is refused
// then. Decoding waits for one of the ingester's slots, and everything
// stops at its deadline. Nothing is stored unless every copy was made.
func (in *Ingester) Ingest(ctx context.Context, data []byte) (Image, error) {
	if len(data) > MaxImageBytes {
		return Image{}, &magazine.Error{Code: magazine.ETOOLARGE, Field: "file", Message: fmt.Sprintf("Images are limited to %d MB; this one is %.1f MB.", MaxImageBytes>>20, float64(len(data))/(1<<20))}
	}
	sniffed := http.DetectContentType(data)
	switch sniffed {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
	default:
		return Image{}, &magazine.Error{Code: magazine.EINVALID, Field: "file", Message: "Only JPEG, PNG, GIF and WebP images can be uploaded; this file is not one of them."}
	}
	m, err := measureImage(data, sniffed)
	if err != nil {
		return Image{}, damaged()
	}
	if err := in.limits.check(m); err != nil {
		return Image{}, err
	}

	ctx, cancel := context.WithTimeoutCause(ctx, in.limits.Timeout, errTimedOut)
	defer cancel()
	select {
	case in.slots <- struct{}{}:
		defer func() { <-in.slots }()
	case <-ctx.Done():
		return Image{}, in.stopped(ctx)
	}
	files, res, err := in.convert(ctx, data, sniffed)
	if err != nil {
		if ctx.Err() != nil {
			return Image{}, in.stopped(ctx)
		}
		return Image{}, err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return Image{}, in.stopped(ctx)
		}
		if err := in.files.Put(ctx, f.key, f.data); err != nil {
			return Image{}, err
		}
	}
	return res, nil
}

// file is an encoded copy waiting to be stored.
type file struct {
	key  string
	data []byte
}

// convert decodes data, re-encodes it and makes its smaller copies, the
// original first. Reads and writes stop when ctx ends.
func (in *Ingester) convert(ctx context.Context, data []byte, sniffed string) ([]file, Image, error) {
	src := ctxReader{ctx: ctx, r: bytes.NewReader(data)}
	var img image.Image
	var out ctxWriter
	out.ctx = ctx
	ct := sniffed
	switch sniffed {
	case "image/gif":
		// GIFs keep their frames; re-encoding drops comments and
		// application data other than looping.
		g, err := gif.DecodeAll(src)
		if err != nil {
			return nil, Image{}, &magazine.Error{Code: magazine.EINVALID, Field: "file", Message: "The GIF could not be read; it may be damaged."}
		}
		if err := gif.EncodeAll(&out, g); err != nil {
			return nil, Image{}, fmt.Errorf("encode gif: %w", err)
		}
		img = g.Image[0]
	default:
		var err error
		img, err = imaging.Decode(src, imaging.AutoOrientation(true))
		if err != nil {
			return nil, Image{}, damaged()
		}
		if sniffed == "image/webp" {
			ct = "image/jpeg"
			if !opaque(img) {
				ct = "image/png"
			}
		}
		if err := encode(&out, img, ct); err != nil {
			return nil, Image{}, err
		}
	}

	b := img.Bounds()
	res := Image{ContentType: ct, Width: b.Dx(), Height: b.Dy(), Size: out.buf.Len()}
	key, err := Key(out.buf.Bytes(), ct)
	if err != nil {
		return nil, Image{}, err
	}
	res.Key = key
	files := []file{{key, out.buf.Bytes()}}
	variantType := ct
	if ct == "image/gif" {
		variantType = "image/png" // a still of the first frame
	}
	for _, w := range ResponsiveWidths {
		if w >= res.Width {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, Image{}, err
		}
		small := imaging.Resize(img, w, 0, imaging.Lanczos)
		enc := ctxWriter{ctx: ctx}
		if err := encode(&enc, small, variantType); err != nil {
			return nil, Image{}, err
		}
		key, err := Key(enc.buf.Bytes(), variantType)
		if err != nil {
			return nil, Image{}, err
		}
		files = append(files, file{key, enc.buf.Bytes()})
		res.Variants = append(res.Variants, Variant{Key: key, Width: w, Size: enc.buf.Len()})
	}
	return files, res, nil
}

// stopped is the error of an ingest whose context ended: the plain
// message when its own deadline passed, the cause otherwise (the client
// went away).
func (in *Ingester) stopped(ctx context.Context) error {
	if cause := context.Cause(ctx); !errors.Is(cause, errTimedOut) {
		return fmt.Errorf("ingest image: %w", cause)
	}
	return &magazine.Error{Code: magazine.ETOOLARGE, Field: "file", Message: fmt.Sprintf(
		"The image took longer than %s to process (the server may be busy with other images). Try again, or upload a smaller image.", in.limits.Timeout)}
}

func damaged() error {
	return &magazine.Error{Code: magazine.EINVALID, Field: "file", Message: "The image could not be read; it may be damaged."}
}

func encode(w *ctxWriter, img image.Image, ct string) error {
	var err error
	if ct == "image/png" {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(w, img)
	} else {
		err = jpeg.Encode(w, img, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return fmt.Errorf("encode %s: %w", ct, err)
	}
	return nil
}

func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}
