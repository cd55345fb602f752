// Package mediatest makes hostile images for tests: decompression bombs
// that are small files but enormous bitmaps.
package mediatest

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
)

// GIFBomb returns an animated GIF with a w×h canvas and the given number
// of identical full-canvas frames, as image/gif writes it. A 4000×4000
// canvas with 90 frames is about 1 MB on disk and 1.44 billion pixels
// decoded. The frame is encoded once and repeated, which is what
// gif.EncodeAll writes for identical frames, in a fraction of the time.
func GIFBomb(w, h, frames int) []byte {
	frame := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.White, color.Black})
	var one bytes.Buffer
	if err := gif.EncodeAll(&one, &gif.GIF{Image: []*image.Paletted{frame}, Delay: []int{10}}); err != nil {
		panic(err) // an in-memory encode of a valid frame cannot fail
	}
	b := one.Bytes()
	// b is the header and screen descriptor (13 bytes, no global colour
	// table), one graphic control extension and image with its local
	// colour table (the frame), and the trailer (1 byte).
	const head = 13
	body := b[head : len(b)-1]
	out := bytes.NewBuffer(make([]byte, 0, head+frames*len(body)+1))
	out.Write(b[:head])
	for range frames {
		out.Write(body)
	}
	out.WriteByte(0x3B)
	return out.Bytes()
}
