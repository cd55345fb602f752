package demo

import (
	"image"
	"image/color"
	"math"
	"slices"
	"strings"
)

// canvas is a small painter over an RGBA image: flat shapes with soft
// edges, gradients and a pixel font. The demo's pictures need nothing more,
// and drawing them by hand keeps the module free of graphics dependencies.
type canvas struct {
	img  *image.RGBA
	w, h int
}

func newCanvas(w, h int) *canvas {
	return &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h)), w: w, h: h}
}

func rgb(hex uint32) color.RGBA {
	return color.RGBA{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex), A: 255}
}

// mix returns a colour t of the way from a to b.
func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t + 0.5) }
	return color.RGBA{R: l(a.R, b.R), G: l(a.G, b.G), B: l(a.B, b.B), A: 255}
}

// blend paints col over the pixel at x, y with opacity a (0 to 1).
func (c *canvas) blend(x, y int, col color.RGBA, a float64) {
	if x < 0 || y < 0 || x >= c.w || y >= c.h || a <= 0 {
		return
	}
	off := y*c.img.Stride + x*4
	p := c.img.Pix[off : off+4 : off+4]
	if a >= 1 {
		p[0], p[1], p[2], p[3] = col.R, col.G, col.B, 255
		return
	}
	p[0] = uint8(float64(p[0])*(1-a) + float64(col.R)*a + 0.5)
	p[1] = uint8(float64(p[1])*(1-a) + float64(col.G)*a + 0.5)
	p[2] = uint8(float64(p[2])*(1-a) + float64(col.B)*a + 0.5)
	p[3] = 255
}

func (c *canvas) rect(r image.Rectangle, col color.RGBA, a float64) {
	r = r.Intersect(c.img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c.blend(x, y, col, a)
		}
	}
}

// gradient fills r with a vertical gradient from top to bottom.
func (c *canvas) gradient(r image.Rectangle, top, bottom color.RGBA) {
	r = r.Intersect(c.img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		col := mix(top, bottom, float64(y-r.Min.Y)/float64(max(1, r.Dy()-1)))
		for x := r.Min.X; x < r.Max.X; x++ {
			c.blend(x, y, col, 1)
		}
	}
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// ellipse paints an ellipse with an anti-aliased edge, clipped to clip.
// With ring > 0 only a band of that thickness inside the edge is painted.
func (c *canvas) ellipse(clip image.Rectangle, cx, cy, rx, ry float64, col color.RGBA, a, ring float64) {
	box := image.Rect(int(cx-rx-1), int(cy-ry-1), int(cx+rx+2), int(cy+ry+2)).Intersect(clip).Intersect(c.img.Rect)
	r := math.Min(rx, ry)
	for y := box.Min.Y; y < box.Max.Y; y++ {
		dy := (float64(y) + 0.5 - cy) / ry
		for x := box.Min.X; x < box.Max.X; x++ {
			dx := (float64(x) + 0.5 - cx) / rx
			d := math.Sqrt(dx*dx + dy*dy)
			cov := clamp01((1-d)*r + 0.5)
			if ring > 0 {
				cov = math.Min(cov, clamp01((d-1)*r+ring+0.5))
			}
			if cov > 0 {
				c.blend(x, y, col, a*cov)
			}
		}
	}
}

func (c *canvas) disc(cx, cy, r float64, col color.RGBA, a float64) {
	c.ellipse(c.img.Rect, cx, cy, r, r, col, a, 0)
}

type pt struct{ x, y float64 }

// polygon fills a polygon by scanlines (even-odd rule).
func (c *canvas) polygon(pts []pt, col color.RGBA, a float64) {
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		minY, maxY = math.Min(minY, p.y), math.Max(maxY, p.y)
	}
	var xs []float64
	for y := max(0, int(minY)); y <= min(c.h-1, int(maxY)); y++ {
		fy := float64(y) + 0.5
		xs = xs[:0]
		for i, p := range pts {
			q := pts[(i+1)%len(pts)]
			if (p.y <= fy) != (q.y <= fy) {
				xs = append(xs, p.x+(fy-p.y)/(q.y-p.y)*(q.x-p.x))
			}
		}
		slices.Sort(xs)
		for i := 0; i+1 < len(xs); i += 2 {
			for x := max(0, int(math.Round(xs[i]))); x < min(c.w, int(math.Round(xs[i+1]))); x++ {
				c.blend(x, y, col, a)
			}
		}
	}
}

// ridge fills everything below the curve y = top(x), with a soft edge.
func (c *canvas) ridge(top func(x float64) float64, col color.RGBA, a float64) {
	for x := 0; x < c.w; x++ {
		t := top(float64(x) + 0.5)
		y0 := int(math.Floor(t))
		c.blend(x, y0, col, a*(1-(t-float64(y0))))
		for y := max(0, y0+1); y < c.h; y++ {
			c.blend(x, y, col, a)
		}
	}
}

// line paints a band of thickness th along the curve y = f(x).
func (c *canvas) line(f func(x float64) float64, th float64, col color.RGBA, a float64) {
	for x := 0; x < c.w; x++ {
		t := f(float64(x) + 0.5)
		for y := int(t - th/2); y <= int(t+th/2); y++ {
			c.blend(x, y, col, a)
		}
	}
}

// text writes s in the pixel font with its top-left corner at x, y. Each
// font pixel becomes a scale×scale square.
func (c *canvas) text(s string, x, y, scale int, col color.RGBA) {
	for _, r := range strings.ToUpper(s) {
		g := glyph(r)
		for row := range glyphRows {
			for colIdx := range glyphCols {
				if g[row*glyphCols+colIdx] == '#' {
					c.rect(image.Rect(x+colIdx*scale, y+row*scale, x+(colIdx+1)*scale, y+(row+1)*scale), col, 1)
				}
			}
		}
		x += (glyphCols + 1) * scale
	}
}

// textWidth is how wide text draws s at scale.
func textWidth(s string, scale int) int {
	n := len([]rune(s))
	if n == 0 {
		return 0
	}
	return n*(glyphCols+1)*scale - scale
}
