package demo

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"strings"
)

// sky is the light of a scene: its gradient, its sun (or moon) and four
// bands of land from the farthest to the nearest.
type sky struct {
	name        string // as the alt text says it: "pink dawn"
	top, bottom color.RGBA
	sun         color.RGBA
	land        [4]color.RGBA
	night       bool
}

var skies = []sky{
	{"pink dawn", rgb(0x2b3a67), rgb(0xf4a58a), rgb(0xffe3b3), [4]color.RGBA{rgb(0x8a6f9e), rgb(0x5d5a8c), rgb(0x3a3d6b), rgb(0x20233f)}, false},
	{"clear midday", rgb(0x3f86c4), rgb(0xcfe8f5), rgb(0xfff7d6), [4]color.RGBA{rgb(0x9cc3b0), rgb(0x6ea486), rgb(0x477f5d), rgb(0x2c5a3f)}, false},
	{"orange evening", rgb(0x3d1f4f), rgb(0xf08a4b), rgb(0xffd27a), [4]color.RGBA{rgb(0xa65a6e), rgb(0x7d3d5c), rgb(0x562b49), rgb(0x2f1a2f)}, false},
	{"moonlit", rgb(0x0b1026), rgb(0x2c3c6c), rgb(0xf2f0e0), [4]color.RGBA{rgb(0x3c4c7c), rgb(0x2b3762), rgb(0x1c2545), rgb(0x10162c)}, true},
	{"pale winter", rgb(0x8ea7bd), rgb(0xeef2f5), rgb(0xffffff), [4]color.RGBA{rgb(0xc9d6df), rgb(0xa6b8c6), rgb(0x7d94a6), rgb(0x566d80)}, false},
	{"soft autumn", rgb(0x6d8fb0), rgb(0xf1d9a7), rgb(0xfff1c9), [4]color.RGBA{rgb(0xc9974a), rgb(0xa5652f), rgb(0x7a4420), rgb(0x4d2a16)}, false},
	{"hazy desert", rgb(0xd0835a), rgb(0xf6d8a8), rgb(0xfff0d0), [4]color.RGBA{rgb(0xd4a373), rgb(0xb5835a), rgb(0x8c5e3c), rgb(0x5e3b25)}, false},
	{"green summer", rgb(0x5a9bd4), rgb(0xe3f1e8), rgb(0xfffbe6), [4]color.RGBA{rgb(0xa7c79a), rgb(0x7fae6a), rgb(0x5a8f45), rgb(0x3b6a2c)}, false},
}

// paint is a named colour for abstract pictures, so that the alt text can
// say what the reader would see.
type paint struct {
	name string
	col  color.RGBA
}

var paints = []paint{
	{"ochre", rgb(0xd9a441)}, {"teal", rgb(0x2a7f7a)}, {"coral", rgb(0xe3725b)}, {"navy", rgb(0x1f3352)},
	{"rose", rgb(0xd98c9a)}, {"olive", rgb(0x7d8a3a)}, {"slate blue", rgb(0x4a6a8a)}, {"brick red", rgb(0xa8432f)},
	{"mint", rgb(0x9fd3b5)}, {"plum", rgb(0x6b3a5e)},
}

// scene draws one picture filling c and returns its alt text.
type scene func(c *canvas, r *rand.Rand) string

var scenes = []scene{mountains, coast, skyline, farmland, abstract}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// wave returns a smooth random curve around base with the given amplitude;
// sharp turns its crests into peaks.
func wave(r *rand.Rand, w, base, amp float64, sharp bool) func(x float64) float64 {
	f1, f2, f3 := (1+r.Float64()*2)*math.Pi/w, (3+r.Float64()*4)*math.Pi/w, (9+r.Float64()*8)*math.Pi/w
	p1, p2, p3 := r.Float64()*6, r.Float64()*6, r.Float64()*6
	return func(x float64) float64 {
		v := 0.6*math.Sin(x*f1+p1) + 0.3*math.Sin(x*f2+p2) + 0.1*math.Sin(x*f3+p3)
		if sharp {
			v = 1 - 2*math.Abs(math.Sin(x*f2*0.5+p2))*0.5 - 0.5*math.Abs(v)
		}
		return base - amp*v
	}
}

func (c *canvas) sky(r *rand.Rand, s sky, horizon float64) (sunX, sunY float64) {
	c.gradient(image.Rect(0, 0, c.w, int(horizon)+1), s.top, s.bottom)
	h := float64(c.h)
	if s.night {
		for range 60 + r.IntN(60) {
			c.disc(r.Float64()*float64(c.w), r.Float64()*horizon*0.8, 0.6+r.Float64()*0.9, s.sun, 0.5+r.Float64()*0.5)
		}
	}
	sunX, sunY = float64(c.w)*(0.15+r.Float64()*0.7), horizon*(0.3+r.Float64()*0.4)
	rad := h * (0.05 + r.Float64()*0.04)
	for i := 3; i > 0; i-- {
		c.disc(sunX, sunY, rad*(1+float64(i)*0.6), s.sun, 0.08)
	}
	c.disc(sunX, sunY, rad, s.sun, 1)
	return sunX, sunY
}

func mountains(c *canvas, r *rand.Rand) string {
	s := pick(r, skies)
	h, w := float64(c.h), float64(c.w)
	c.sky(r, s, h)
	for i, col := range s.land {
		fi := float64(i)
		c.ridge(wave(r, w, h*(0.42+0.15*fi), h*(0.16-0.025*fi), i < 2), col, 1)
	}
	return "Layered mountain ridges under " + withArticle(s.name) + " sky"
}

func coast(c *canvas, r *rand.Rand) string {
	s := pick(r, skies)
	h, w := float64(c.h), float64(c.w)
	horizon := h * (0.55 + r.Float64()*0.1)
	sunX, _ := c.sky(r, s, horizon)
	c.gradient(image.Rect(0, int(horizon), c.w, c.h), mix(s.bottom, s.top, 0.4), mix(s.top, s.land[3], 0.6))
	for range 50 {
		y := horizon + r.Float64()*(h-horizon)
		half := (8 + r.Float64()*40) * (y - horizon + 20) / (h - horizon)
		x := sunX + (r.Float64()-0.5)*half*2
		c.rect(image.Rect(int(x-half), int(y), int(x+half), int(y)+2), s.sun, 0.3)
	}
	// A headland on one side, its foot on the horizon.
	left := r.IntN(2) == 0
	top := wave(r, w, horizon-h*0.12, h*0.06, false)
	var land []pt
	for x := 0.0; x <= w*0.45; x += 4 {
		fall := math.Min(1, (w*0.45-x)/(w*0.2))
		px := x
		if !left {
			px = w - x
		}
		land = append(land, pt{px, horizon - (horizon-top(px))*fall})
	}
	edge := 0.0
	if !left {
		edge = w
	}
	land = append(land, pt{edge, horizon + 1})
	c.polygon(append([]pt{{edge, horizon + 1}}, land...), s.land[2], 1)
	boats := 1 + r.IntN(3)
	for range boats {
		bx, by := w*(0.5+r.Float64()*0.4), horizon+h*(0.05+r.Float64()*0.15)
		if !left {
			bx = w - bx
		}
		size := h * (0.03 + (by-horizon)/h*0.2)
		c.polygon([]pt{{bx - size, by}, {bx + size, by}, {bx + size*0.7, by + size*0.3}, {bx - size*0.7, by + size*0.3}}, s.land[3], 1)
		c.polygon([]pt{{bx - size*0.1, by - size*1.6}, {bx - size*0.1, by - 1}, {bx - size*0.9, by - 1}}, mix(s.sun, s.bottom, 0.3), 1)
	}
	return fmt.Sprintf("A calm sea and a headland under %s sky, with %s on the water", withArticle(s.name), plural(boats, "a small sailing boat", "small sailing boats"))
}

func skyline(c *canvas, r *rand.Rand) string {
	s := pick(r, skies)
	h, w := float64(c.h), float64(c.w)
	c.sky(r, s, h)
	ground := h * 0.88
	for row, col := range []color.RGBA{mix(s.bottom, s.land[2], 0.55), s.land[3]} {
		for x := -r.Float64() * 40; x < w; {
			bw := 30 + r.Float64()*70
			bh := h * (0.15 + r.Float64()*0.35 + 0.1*float64(1-row))
			c.rect(image.Rect(int(x), int(ground-bh), int(x+bw-3), c.h), col, 1)
			if row == 1 {
				lit, a := rgb(0xffd98a), 0.9
				if !s.night {
					lit, a = mix(col, s.bottom, 0.5), 0.5
				}
				for wy := ground - bh + 8; wy < ground-10; wy += 14 {
					for wx := x + 6; wx < x+bw-12; wx += 12 {
						if r.Float64() < 0.4 {
							c.rect(image.Rect(int(wx), int(wy), int(wx)+5, int(wy)+7), lit, a)
						}
					}
				}
			}
			x += bw
		}
	}
	c.rect(image.Rect(0, int(ground), c.w, c.h), s.land[3], 1)
	if s.night {
		return "A city skyline of towers at night, its windows lit"
	}
	return "A city skyline of towers under " + withArticle(s.name) + " sky"
}

func farmland(c *canvas, r *rand.Rand) string {
	s := skies[[]int{1, 4, 5, 7}[r.IntN(4)]]
	h, w := float64(c.h), float64(c.w)
	c.sky(r, s, h)
	c.ridge(wave(r, w, h*0.5, h*0.08, false), s.land[0], 1)
	mid := wave(r, w, h*0.62, h*0.06, false)
	c.ridge(mid, s.land[1], 1)
	trees := 6 + r.IntN(10)
	for range trees {
		x := r.Float64() * w
		rad := h * (0.018 + r.Float64()*0.02)
		c.rect(image.Rect(int(x-1), int(mid(x)-rad), int(x+2), int(mid(x)+2)), s.land[3], 1)
		c.disc(x, mid(x)-rad*1.6, rad, s.land[3], 1)
	}
	near := wave(r, w, h*0.74, h*0.05, false)
	c.ridge(near, s.land[2], 1)
	for k := 1; k < 9; k++ {
		off := float64(k*k) * h * 0.004
		c.line(func(x float64) float64 { return near(x) + off }, 1+float64(k)*0.4, s.land[3], 0.35)
	}
	return fmt.Sprintf("Rolling farmland with a line of trees under %s sky", withArticle(s.name))
}

func abstract(c *canvas, r *rand.Rand) string {
	c.rect(c.img.Rect, rgb(0xf3ead8), 1)
	h, w := float64(c.h), float64(c.w)
	order := r.Perm(len(paints))[:3]
	used := []string{paints[order[0]].name, paints[order[1]].name, paints[order[2]].name}
	if r.IntN(3) == 0 {
		bars := 7 + r.IntN(6)
		bw := w * 0.8 / float64(bars)
		level := h * (0.3 + r.Float64()*0.2)
		var tops []pt
		for i := range bars {
			level = math.Max(h*0.1, math.Min(h*0.8, level+(r.Float64()-0.4)*h*0.15))
			x := w*0.1 + float64(i)*bw
			c.rect(image.Rect(int(x), int(h*0.9-level), int(x+bw*0.7), int(h*0.9)), paints[order[i%2]].col, 1)
			tops = append(tops, pt{x + bw*0.35, h*0.9 - level})
		}
		for i := 1; i < len(tops); i++ {
			a, b := tops[i-1], tops[i]
			for t := 0.0; t <= 1; t += 0.02 {
				c.disc(a.x+(b.x-a.x)*t, a.y+(b.y-a.y)*t-h*0.05, 3, paints[order[2]].col, 1)
			}
		}
		return fmt.Sprintf("An abstract chart of rising and falling bars in %s and %s, with a %s line", used[0], used[1], used[2])
	}
	for i := range 6 + r.IntN(5) {
		p := paints[order[i%3]]
		if r.IntN(3) == 0 {
			x, y := r.Float64()*w, r.Float64()*h
			c.rect(image.Rect(int(x), int(y), int(x+w*(0.1+r.Float64()*0.3)), int(y+h*(0.05+r.Float64()*0.2))), p.col, 0.9)
			continue
		}
		c.disc(w*(0.1+r.Float64()*0.8), h*(0.1+r.Float64()*0.8), h*(0.08+r.Float64()*0.22), p.col, 0.85)
	}
	for range 3 {
		y := r.Float64() * h
		c.rect(image.Rect(0, int(y), c.w, int(y)+3), paints[order[0]].col, 1)
	}
	return fmt.Sprintf("An abstract composition of overlapping circles and bars in %s, %s and %s", used[0], used[1], used[2])
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return numberWords[n] + " " + many
}

var numberWords = []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}

// withArticle puts "a" or "an" before a phrase.
func withArticle(s string) string {
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}
