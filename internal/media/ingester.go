package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Limits on uploaded images.
const (
	// MaxImageBytes is the largest upload accepted.
	MaxImageBytes = 20 << 20
	// MaxImagePixels refuses decompression bombs, small files that decode
	// to enormous bitmaps: the pixels of every frame, added up.
	MaxImagePixels = 60_000_000
	// MaxGIFFrames bounds an animation's frames, each of which costs a
	// bitmap header and a palette however small it is.
	MaxGIFFrames = 1000
	// IngestTimeout bounds one image's ingest, waiting for a slot included.
	IngestTimeout = 20 * time.Second
)

// Limits bound what ingesting images may cost a process. The zero value
// of a field means its default.
type Limits struct {
	MaxPixels int64         // MaxImagePixels
	MaxFrames int           // MaxGIFFrames
	Timeout   time.Duration // IngestTimeout
	// Decoders is how many images are decoded at once (1): one large
	// image already takes hundreds of megabytes.
	Decoders int
}

// Ingester ingests images within its limits. Its slots are the decodes
// running now: make one per process (the admin does) and share it.
type Ingester struct {
	files  Storage
	limits Limits
	slots  chan struct{}
}

// NewIngester returns an Ingester that stores into files.
func NewIngester(files Storage, l Limits) *Ingester {
	if l.MaxPixels <= 0 {
		l.MaxPixels = MaxImagePixels
	}
	if l.MaxFrames <= 0 {
		l.MaxFrames = MaxGIFFrames
	}
	if l.Timeout <= 0 {
		l.Timeout = IngestTimeout
	}
	if l.Decoders <= 0 {
		l.Decoders = 1
	}
	return &Ingester{files: files, limits: l, slots: make(chan struct{}, l.Decoders)}
}

// errTimedOut is the cause of an ingest's own deadline.
var errTimedOut = errors.New("image ingest timed out")

// check refuses an image whose decoding would cost more than the limits.
func (l Limits) check(m measure) error {
	mp := func(n int64) string { return fmt.Sprintf("%.0f", float64(n)/1e6) }
	switch {
	case m.Frames > l.MaxFrames:
		return &magazine.Error{Code: magazine.EINVALID, Field: "file", Message: fmt.Sprintf(
			"This GIF has %d frames; animations are limited to %d. Shorten it and upload it again.", m.Frames, l.MaxFrames)}
	case m.Pixels > l.MaxPixels && m.Frames > 1:
		return &magazine.Error{Code: magazine.EINVALID, Field: "file", Message: fmt.Sprintf(
			"This GIF has %d frames on a %d×%d canvas, %s megapixels in all; images are limited to %s megapixels, all frames together. Make it smaller or shorter and upload it again.",
			m.Frames, m.Width, m.Height, mp(m.Pixels), mp(l.MaxPixels))}
	case m.Pixels > l.MaxPixels:
		return &magazine.Error{Code: magazine.EINVALID, Field: "file", Message: fmt.Sprintf(
			"The image is %d×%d pixels; images are limited to %s megapixels. Make it smaller (a width of 2400 pixels is plenty) and upload it again.",
			m.Width, m.Height, mp(l.MaxPixels))}
	}
	return nil
}

// ctxReader stops a decoder at its next read once ctx has ended: the
// standard decoders take no context.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// ctxWriter collects an encoder's output and stops it at its next write
// once ctx has ended.
type ctxWriter struct {
	ctx context.Context
	buf bytes.Buffer
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.buf.Write(p)
}
