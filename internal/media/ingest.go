package media

import (
	"bytes"
	"context"
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

// Limits on uploaded images.
const (
	// MaxImageBytes is the largest upload accepted.
	MaxImageBytes = 20 << 20
	// MaxImagePixels refuses decompression bombs: a small file that
	// decodes to an enormous bitmap.
	MaxImagePixels = 60_000_000
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
func Ingest(ctx context.Context, files Storage, data []byte) (Image, error) {
	if len(data) > MaxImageBytes {
		return Image{}, &magazine.Error{Code: magazine.ETOOLARGE, Field: "file", Message: fmt.Sprintf("Images are limited to %d MB; this one is %.1f MB.", MaxImageBytes>>20, float64(len(data))/(1<<20))}
	}
	sniffed := http.DetectContentType(data)
	switch sniffed {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
	default:
		return Image{}, &magazine.Error{Code: magazine.EINVALID, Field: "file", Message: "Only JPEG, PNG, GIF and WebP images can be uploaded; this file is not one of them."}
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Image{}, &magazine.Error{Code: magazine.EINVALID, Field: "file", Message: "The image could not be read; it may be damaged."}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > MaxImagePixels {
		return Image{}, &magazine.Error{Code: magazine.EINVALID, Field: "file", Message: fmt.Sprintf("The image is %d×%d pixels; images are limited to %d megapixels.", cfg.Width, cfg.Height, MaxImagePixels/1_000_000)}
	}

	var img image.Image
	var out []byte
	ct := sniffed
	switch sniffed {
	case "image/gif":
		// GIFs keep their frames; re-encoding drops comments and
		// application data other than looping.
		g, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil {
			return Image{}, &magazine.Error{Code: magazine.EINVALID, Field: "file", Message: "The GIF could not be read; it may be damaged."}
		}
		var buf bytes.Buffer
		if err := gif.EncodeAll(&buf, g); err != nil {
			return Image{}, fmt.Errorf("encode gif: %w", err)
		}
		out, img = buf.Bytes(), g.Image[0]
	default:
		img, err = imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
		if err != nil {
			return Image{}, &magazine.Error{Code: magazine.EINVALID, Field: "file", Message: "The image could not be read; it may be damaged."}
		}
		if sniffed == "image/webp" {
			ct = "image/jpeg"
			if !opaque(img) {
				ct = "image/png"
			}
		}
		if out, err = encode(img, ct); err != nil {
			return Image{}, err
		}
	}

	b := img.Bounds()
	res := Image{ContentType: ct, Width: b.Dx(), Height: b.Dy(), Size: len(out)}
	if res.Key, err = Key(out, ct); err != nil {
		return Image{}, err
	}
	if err := files.Put(ctx, res.Key, out); err != nil {
		return Image{}, err
	}
	variantType := ct
	if ct == "image/gif" {
		variantType = "image/png" // a still of the first frame
	}
	for _, w := range ResponsiveWidths {
		if w >= res.Width {
			break
		}
		small := imaging.Resize(img, w, 0, imaging.Lanczos)
		enc, err := encode(small, variantType)
		if err != nil {
			return Image{}, err
		}
		key, err := Key(enc, variantType)
		if err != nil {
			return Image{}, err
		}
		if err := files.Put(ctx, key, enc); err != nil {
			return Image{}, err
		}
		res.Variants = append(res.Variants, Variant{Key: key, Width: w, Size: len(enc)})
	}
	return res, nil
}

func encode(img image.Image, ct string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if ct == "image/png" {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", ct, err)
	}
	return buf.Bytes(), nil
}

func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}
