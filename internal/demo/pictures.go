package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"strings"
)

// picture is an encoded image ready to store.
type picture struct {
	name        string
	contentType string
	data        []byte
	w, h        int
	alt         string
	abstract    bool // an illustration rather than a view of a place
}

func encodeJPEG(name string, c *canvas) (picture, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, c.img, &jpeg.Options{Quality: 82}); err != nil {
		return picture{}, fmt.Errorf("encode %s: %w", name, err)
	}
	return picture{name: name + ".jpg", contentType: "image/jpeg", data: buf.Bytes(), w: c.w, h: c.h}, nil
}

func encodePNG(name string, c *canvas) (picture, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, c.img); err != nil {
		return picture{}, fmt.Errorf("encode %s: %w", name, err)
	}
	return picture{name: name + ".png", contentType: "image/png", data: buf.Bytes(), w: c.w, h: c.h}, nil
}

// figurePicture draws the i-th picture of the pool that articles use as
// featured images and inline figures.
func figurePicture(r *rand.Rand, i int) (picture, error) {
	c := newCanvas(960, 540)
	kind := i % len(scenes)
	alt := scenes[kind](c, r)
	p, err := encodeJPEG(fmt.Sprintf("demo-figure-%02d", i+1), c)
	p.alt, p.abstract = alt, kind == len(scenes)-1
	return p, err
}

var coverColors = []color.RGBA{
	rgb(0xf3ead8), rgb(0xb8342c), rgb(0x1c2b45), rgb(0xd8a431), rgb(0x1f6f6b), rgb(0x2b2b2b), rgb(0xa9c7d8), rgb(0x5b2c4f),
}

// coverLines are what a cover prints below the picture: the title
// and its date line. A cover shared by several issues has none.
type coverLines struct {
	title, dateline string
}

// coverPicture draws a magazine cover: the masthead, a picture and, when
// the cover belongs to one issue, its cover line and date.
func coverPicture(r *rand.Rand, name, masthead string, lines coverLines) (picture, error) {
	const w, h, margin = 600, 800, 40
	c := newCanvas(w, h)
	bg := pick(r, coverColors)
	c.rect(c.img.Rect, bg, 1)
	ink := rgb(0xffffff)
	if int(bg.R)+int(bg.G)+int(bg.B) > 450 {
		ink = rgb(0x1a1a1a)
	}
	c.text(masthead, (w-textWidth(masthead, 4))/2, 30, 4, ink)
	c.rect(image.Rect(margin, 72, w-margin, 75), ink, 1)
	artH := 640
	if lines.title != "" {
		artH = 560
	}
	art := newCanvas(w-2*margin, artH)
	scenes[r.IntN(len(scenes))](art, r)
	draw.Draw(c.img, image.Rect(margin, 90, w-margin, 90+artH), art.img, image.Point{}, draw.Src)
	y := 90 + artH + 18
	for _, l := range wrap(strings.ToUpper(lines.title), (w-2*margin)/((glyphCols+1)*3), 2) {
		c.text(l, (w-textWidth(l, 3))/2, y, 3, ink)
		y += 30
	}
	if lines.dateline != "" {
		c.text(lines.dateline, (w-textWidth(lines.dateline, 2))/2, h-44, 2, ink)
	}
	return encodeJPEG(name, c)
}

// wrap breaks s into at most n lines of up to width characters, dropping
// what does not fit.
func wrap(s string, width, n int) []string {
	var lines []string
	var cur string
	for _, word := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = word
		case len(cur)+1+len(word) <= width:
			cur += " " + word
		default:
			lines = append(lines, cur)
			cur = word
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > n {
		lines = lines[:n]
	}
	return lines
}

var (
	skinTones  = []uint32{0xf5d6c0, 0xeac0a0, 0xd9a47f, 0xc68a62, 0xa86d4a, 0x8a5436, 0x6b3f28, 0xf0c8a8}
	hairTones  = []uint32{0x1e1611, 0x3b2a1e, 0x6a4a2c, 0x9a6b3c, 0xc9a46a, 0x8c8c8c, 0xd8d3cc, 0x5a1f14}
	clothTones = []uint32{0x2c3e50, 0x7a2e2e, 0x2e5e4e, 0x4b4f8a, 0x8a6d2c, 0x3a3a3a, 0x6b4f6b, 0x1f5f7a, 0xa0522d, 0x556b2f}
	backdrops  = []uint32{0xe8e0d0, 0xcfdde6, 0xe6d3cf, 0xd5e3cf, 0xe3dbe9, 0xf0e2c0, 0xc9d6d3, 0xdcdcdc, 0xf2d4b7, 0xbfcfe0}
)

// portraitPicture draws a stylised head and shoulders: flat shapes in
// varied skin, hair and clothing colours, with or without glasses, beard
// or long hair.
func portraitPicture(r *rand.Rand, name string) (picture, error) {
	const size = 320
	c := newCanvas(size, size)
	full := c.img.Rect
	skin, hair := rgb(pick(r, skinTones)), rgb(pick(r, hairTones))
	cloth := rgb(pick(r, clothTones))
	c.rect(full, rgb(pick(r, backdrops)), 1)
	c.disc(size*0.5, size*0.45, size*0.42, rgb(0xffffff), 0.25)

	cx, cy := 160.0, 138.0
	rx, ry := 54+r.Float64()*10, 68+r.Float64()*10
	style := r.IntN(5) // 0 short, 1 long, 2 bun, 3 cropped, 4 bald
	if style == 1 {
		c.ellipse(full, cx, cy+30, rx+16, ry+50, hair, 1, 0)
	}
	c.ellipse(full, cx, 330, 120, 95, cloth, 1, 0)                                                   // shoulders
	c.polygon([]pt{{cx - 26, 236}, {cx + 26, 236}, {cx, 275}}, mix(cloth, rgb(0xffffff), 0.7), 1)    // collar
	c.rect(image.Rect(int(cx-18), int(cy+ry-20), int(cx+18), 250), mix(skin, rgb(0x000000), 0.1), 1) // neck
	c.polygon([]pt{{cx - 22, 246}, {cx + 22, 246}, {cx, 266}}, mix(skin, rgb(0x000000), 0.1), 1)
	c.ellipse(full, cx-rx, cy+5, 9, 14, skin, 1, 0) // ears
	c.ellipse(full, cx+rx, cy+5, 9, 14, skin, 1, 0)
	c.ellipse(full, cx, cy, rx, ry, skin, 1, 0)
	capLine := image.Rect(0, 0, size, int(cy-ry*0.35))
	switch style {
	case 0, 1:
		c.ellipse(capLine, cx, cy-6, rx+6, ry+4, hair, 1, 0)
		c.ellipse(full, cx-rx*0.45, cy-ry*0.45, rx*0.55, ry*0.22, hair, 1, 0)
	case 2:
		c.ellipse(capLine, cx, cy-4, rx+3, ry+2, hair, 1, 0)
		c.disc(cx, cy-ry-14, 26, hair, 1)
	case 3:
		c.ellipse(image.Rect(0, 0, size, int(cy-ry*0.55)), cx, cy-2, rx+2, ry+2, hair, 1, 0)
	}
	if r.IntN(4) == 0 { // beard
		c.ellipse(image.Rect(0, int(cy+ry*0.25), size, size), cx, cy+6, rx+1, ry+2, hair, 1, 0)
	}
	dark := rgb(0x2a1d18)
	eyeY := cy - ry*0.05
	for _, side := range []float64{-1, 1} {
		c.ellipse(full, cx+side*rx*0.38, eyeY, 5.5, 4.5, dark, 1, 0)
		c.rect(image.Rect(int(cx+side*rx*0.38-11), int(eyeY-15), int(cx+side*rx*0.38+11), int(eyeY-11)), mix(hair, dark, 0.3), 1)
	}
	c.ellipse(full, cx, cy+ry*0.2, 6, 10, mix(skin, dark, 0.15), 1, 0)           // nose
	c.ellipse(full, cx, cy+ry*0.48, 15, 5, mix(skin, rgb(0x9a3b3b), 0.55), 1, 0) // mouth
	if r.IntN(3) == 0 {                                                          // glasses
		frame := pick(r, []color.RGBA{dark, rgb(0x7a4a2a), rgb(0x3a5a8a)})
		for _, side := range []float64{-1, 1} {
			c.ellipse(full, cx+side*rx*0.38, eyeY, 17, 14, frame, 1, 3)
		}
		c.rect(image.Rect(int(cx-rx*0.38+16), int(eyeY-2), int(cx+rx*0.38-16), int(eyeY+1)), frame, 1)
	}
	return encodePNG(name, c)
}
