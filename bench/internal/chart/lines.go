package chart

import (
	"errors"
	"math"
)

// Lines plots series of points, x ascending, on linear or log axes.
type Lines struct {
	Title, XLabel, YLabel string
	Series                []string
	X, Y                  [][]float64 // [series][point]
	LogX, LogY            bool
	// YFromZero starts a linear y axis at zero (memory over time).
	YFromZero bool
}

// Save draws the chart to a PNG file.
func (l Lines) Save(path string) error {
	if len(l.X) != len(l.Series) || len(l.Y) != len(l.Series) {
		return errors.New("chart: one x and one y list per series")
	}
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := range l.Series {
		for k := range l.X[i] {
			xlo, xhi = math.Min(xlo, l.X[i][k]), math.Max(xhi, l.X[i][k])
			ylo, yhi = math.Min(ylo, l.Y[i][k]), math.Max(yhi, l.Y[i][k])
		}
	}
	if math.IsInf(xlo, 0) {
		xlo, xhi, ylo, yhi = 0, 1, 0, 1
	}
	width, plotH := 800, 360
	left := margin + textWidth("00000.0") + 10
	right := width - margin - 10
	top := margin + charH + 8 + legendHeight(l.Series, width-2*margin)
	bottom := top + plotH
	height := bottom + charH*3 + margin
	c := newCanvas(width, height)
	c.text(margin, margin, l.Title, black)
	drawLegend(c, l.Series, margin, margin+charH+8, width-2*margin)
	ax := newAxis(xlo, xhi, l.LogX, left, right)
	if !l.LogX {
		ax = axis{lo: xlo, hi: math.Max(xhi, xlo+1), p0: left, p1: right}
	}
	ay := newAxis(ylo, yhi, l.LogY, bottom, top)
	if !l.LogY && !l.YFromZero {
		pad := (yhi - ylo) * 0.1
		if pad == 0 {
			pad = math.Max(math.Abs(yhi)*0.1, 1)
		}
		ay = axis{lo: ylo - pad, hi: yhi + pad, p0: bottom, p1: top}
	}
	for _, t := range ax.ticks() {
		x := ax.px(t)
		c.rect(x, top, x+1, bottom, grid)
		s := Num(t)
		c.text(x-textWidth(s)/2, bottom+6, s, black)
	}
	for _, t := range ay.ticks() {
		y := ay.px(t)
		c.rect(left, y, right, y+1, grid)
		c.textRight(left-6, y-charH/2, Num(t), black)
	}
	c.text(left+(right-left-textWidth(l.XLabel))/2, bottom+6+charH+4, l.XLabel, black)
	c.text(left+6, top+4, l.YLabel, black)
	for i := range l.Series {
		col := Palette[i%len(Palette)]
		for k := range l.X[i] {
			x, y := ax.px(l.X[i][k]), ay.px(l.Y[i][k])
			c.rect(x-3, y-3, x+4, y+4, col)
			if k > 0 {
				c.line(ax.px(l.X[i][k-1]), ay.px(l.Y[i][k-1]), x, y, col, 2)
			}
		}
	}
	c.rect(left, top, left+1, bottom, black)
	c.rect(left, bottom, right, bottom+1, black)
	return c.save(path)
}
