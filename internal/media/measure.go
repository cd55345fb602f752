package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/webp"
)

// measure is what an image will cost to decode, read from its headers
// without decoding any pixel data.
type measure struct {
	Width, Height int   // the canvas
	Frames        int   // 1 except for an animated GIF
	Pixels        int64 // decoded pixels, summed over frames
}

// errUnreadable is a file whose headers cannot be read: damaged, or not
// the format it claims to be.
var errUnreadable = errors.New("unreadable image headers")

// measureImage reads the size of data, of the sniffed content type ct.
// JPEG, PNG and WebP decode to one bitmap of the size their header states
// (DecodeConfig); a GIF decodes to one bitmap per frame, which
// gif.DecodeConfig does not tell, so its blocks are walked (scanGIF).
func measureImage(data []byte, ct string) (measure, error) {
	if ct == "image/gif" {
		return scanGIF(data)
	}
	var cfg image.Config
	var err error
	switch ct {
	case "image/jpeg":
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case "image/png":
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	case "image/webp":
		cfg, err = webp.DecodeConfig(bytes.NewReader(data))
	default:
		return measure{}, fmt.Errorf("measure %s: %w", ct, errUnreadable)
	}
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return measure{}, fmt.Errorf("measure %s: %w (%v)", ct, errUnreadable, err)
	}
	return measure{Width: cfg.Width, Height: cfg.Height, Frames: 1, Pixels: int64(cfg.Width) * int64(cfg.Height)}, nil
}

// scanGIF walks a GIF's block structure (GIF89a spec, appendix B) the way
// image/gif reads it, skipping every colour table and the LZW data, and
// adds up the frames' sizes from their image descriptors. image/gif
// allocates exactly one bitmap of a frame's descriptor size per frame, so
// Pixels bounds what gif.DecodeAll will allocate. What image/gif would
// refuse (a frame outside the canvas, an unknown block) is refused here.
func scanGIF(data []byte) (measure, error) {
	bad := func(why string) (measure, error) {
		return measure{}, fmt.Errorf("scan gif: %s: %w", why, errUnreadable)
	}
	s := gifScanner{data: data}
	head := s.take(13)
	if head == nil || (string(head[:6]) != "GIF87a" && string(head[:6]) != "GIF89a") {
		return bad("no GIF header")
	}
	m := measure{Width: int(head[6]) | int(head[7])<<8, Height: int(head[8]) | int(head[9])<<8}
	if m.Width == 0 || m.Height == 0 {
		return bad("empty canvas")
	}
	if !s.colorTable(head[10]) {
		return bad("truncated global colour table")
	}
	for {
		c := s.take(1)
		if c == nil {
			return bad("no trailer")
		}
		switch c[0] {
		case 0x21: // extension
			label := s.take(1)
			if label == nil {
				return bad("truncated extension")
			}
			switch label[0] {
			case 0xF9: // graphic control: a fixed 6 bytes, no sub-blocks
				if s.take(6) == nil {
					return bad("truncated graphic control")
				}
				continue
			case 0x01: // plain text: a 13-byte header, then sub-blocks
				if s.take(13) == nil {
					return bad("truncated plain text")
				}
			case 0xFF: // application: a sized header, then sub-blocks
				n := s.take(1)
				if n == nil || s.take(int(n[0])) == nil {
					return bad("truncated application extension")
				}
			case 0xFE: // comment: sub-blocks only
			default:
				return bad("unknown extension")
			}
			if !s.subBlocks() {
				return bad("truncated extension data")
			}
		case 0x2C: // image descriptor
			d := s.take(9)
			if d == nil {
				return bad("truncated image descriptor")
			}
			left, top := int(d[0])|int(d[1])<<8, int(d[2])|int(d[3])<<8
			w, h := int(d[4])|int(d[5])<<8, int(d[6])|int(d[7])<<8
			if left+w > m.Width || top+h > m.Height {
				return bad("frame outside the canvas")
			}
			if !s.colorTable(d[8]) || s.take(1) == nil || !s.subBlocks() {
				return bad("truncated frame")
			}
			m.Frames++
			m.Pixels += int64(w) * int64(h)
		case 0x3B: // trailer
			if m.Frames == 0 {
				return bad("no frames")
			}
			return m, nil
		default:
			return bad("unknown block")
		}
	}
}

// gifScanner reads a GIF's bytes front to back.
type gifScanner struct {
	data []byte
	at   int
}

// take returns the next n bytes, or nil when fewer remain.
func (s *gifScanner) take(n int) []byte {
	if n < 0 || len(s.data)-s.at < n {
		return nil
	}
	b := s.data[s.at : s.at+n]
	s.at += n
	return b
}

// colorTable skips the colour table that a screen or image descriptor's
// flags announce.
func (s *gifScanner) colorTable(flags byte) bool {
	if flags&0x80 == 0 {
		return true
	}
	return s.take(3*(1<<(flags&7+1))) != nil
}

// subBlocks skips data sub-blocks up to and including the empty one that
// ends them.
func (s *gifScanner) subBlocks() bool {
	for {
		n := s.take(1)
		if n == nil {
			return false
		}
		if n[0] == 0 {
			return true
		}
		if s.take(int(n[0])) == nil {
			return false
		}
	}
}
