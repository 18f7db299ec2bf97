// Package chart draws the benchmark charts as PNG: grouped bars on a
// linear or logarithmic axis, latency percentiles, and lines over time.
// It uses only the standard library and a built-in 5×7 font.
package chart

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"strconv"
)

// Palette colours series in order: the Okabe–Ito colours, which stay
// apart for the common forms of colour blindness, then four more for
// charts with many series.
var Palette = []color.RGBA{
	{0, 114, 178, 255}, {86, 180, 233, 255}, {0, 158, 115, 255}, {0, 90, 60, 255},
	{230, 159, 0, 255}, {213, 94, 0, 255}, {204, 121, 167, 255}, {80, 80, 80, 255},
	{120, 60, 180, 255}, {150, 150, 0, 255}, {160, 30, 60, 255}, {0, 170, 170, 255},
}

var (
	white = color.RGBA{255, 255, 255, 255}
	black = color.RGBA{0, 0, 0, 255}
	grid  = color.RGBA{225, 225, 225, 255}
)

type canvas struct{ img *image.RGBA }

func newCanvas(w, h int) *canvas {
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h))}
	c.rect(0, 0, w, h, white)
	return c
}

func (c *canvas) rect(x0, y0, x1, y1 int, col color.RGBA) {
	if x0 > x1 {
		x0, x1 = x1, x0
	}
	if y0 > y1 {
		y0, y1 = y1, y0
	}
	r := image.Rect(x0, y0, x1, y1).Intersect(c.img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c.img.SetRGBA(x, y, col)
		}
	}
}

// line draws a one-pixel line (Bresenham), thick pixels wide.
func (c *canvas) line(x0, y0, x1, y1 int, col color.RGBA, thick int) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		c.rect(x0-thick/2, y0-thick/2, x0-thick/2+thick, y0-thick/2+thick, col)
		if x0 == x1 && y0 == y1 {
			return
		}
		if e2 := 2 * e; e2 >= dy {
			e += dy
			x0 += sx
		} else {
			e += dx
			y0 += sy
		}
	}
}

// textScale is the font's magnification: 5×7 glyphs drawn at 2× read well.
const textScale = 2

// charW and charH are the advance and height of one character.
const (
	charW = 6 * textScale
	charH = 8 * textScale
)

func textWidth(s string) int { return len(s) * charW }

// text draws s with its top-left corner at (x, y). Characters outside
// printable ASCII are drawn as '?'.
func (c *canvas) text(x, y int, s string, col color.RGBA) {
	for _, r := range s {
		g := glyphs['?'-32]
		if r >= 32 && r < 127 {
			g = glyphs[r-32]
		}
		for cx, bits := range g {
			for cy := 0; cy < 8; cy++ {
				if bits&(1<<cy) != 0 {
					c.rect(x+cx*textScale, y+cy*textScale, x+(cx+1)*textScale, y+(cy+1)*textScale, col)
				}
			}
		}
		x += charW
	}
}

func (c *canvas) textRight(x, y int, s string, col color.RGBA) { c.text(x-textWidth(s), y, s, col) }

func (c *canvas) save(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, c.img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func sign(v int) int {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

// axis maps values to pixels, linearly or by log10.
type axis struct {
	lo, hi float64
	log    bool
	p0, p1 int
}

func newAxis(lo, hi float64, log bool, p0, p1 int) axis {
	if log {
		// A decade below the smallest value, so that it still shows a bar.
		lo = math.Pow(10, math.Floor(math.Log10(max(lo, 1e-9)*0.999)))
		hi = math.Pow(10, math.Ceil(math.Log10(max(hi, lo*10))))
	} else {
		lo = 0
		hi = niceCeil(max(hi, 1e-9))
	}
	return axis{lo: lo, hi: hi, log: log, p0: p0, p1: p1}
}

func (a axis) px(v float64) int {
	var f float64
	if a.log {
		v = max(v, a.lo)
		f = (math.Log10(v) - math.Log10(a.lo)) / (math.Log10(a.hi) - math.Log10(a.lo))
	} else {
		f = (v - a.lo) / (a.hi - a.lo)
	}
	return a.p0 + int(math.Round(f*float64(a.p1-a.p0)))
}

// ticks are the labelled values: powers of ten, or five even steps.
func (a axis) ticks() []float64 {
	var out []float64
	if a.log {
		for v := a.lo; v <= a.hi*1.0001; v *= 10 {
			out = append(out, v)
		}
		return out
	}
	for i := 0; i <= 5; i++ {
		out = append(out, a.lo+(a.hi-a.lo)*float64(i)/5)
	}
	return out
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// Num formats a value compactly: 12.3k, 950, 4.5, 0.12.
func Num(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', trim(v/1e6), 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', trim(v/1e3), 64) + "k"
	case a >= 100 || a == 0 || v == math.Trunc(v):
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'g', 2, 64)
}

func trim(v float64) int {
	if math.Abs(v) >= 100 || v == math.Trunc(v) {
		return 0
	}
	return 1
}
