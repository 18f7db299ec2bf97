package chart

import (
	"errors"
	"math"
)

// Bars is a horizontal grouped bar chart: one group per category (an
// operation), one bar per series (a target). A value that is NaN or not
// positive is drawn as "n/a" (the target does not support it, or failed).
type Bars struct {
	Title, Unit string
	Categories  []string
	Series      []string
	Values      [][]float64 // [category][series]
	Log         bool
}

const (
	barH     = 17
	groupGap = 12
	margin   = 16
)

// Save draws the chart to a PNG file.
func (b Bars) Save(path string) error {
	if len(b.Values) != len(b.Categories) {
		return errors.New("chart: one row of values per category")
	}
	lo, hi := math.Inf(1), 0.0
	for _, row := range b.Values {
		for _, v := range row {
			if v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if hi == 0 {
		lo, hi = 1, 10
	}
	labelW := 0
	for _, c := range b.Categories {
		labelW = max(labelW, textWidth(c))
	}
	left := margin + labelW + 10
	plotW := 620
	right := left + plotW
	width := right + 110
	top := margin + charH + 8 + legendHeight(b.Series, width-2*margin)
	groupH := len(b.Series)*barH + groupGap
	bottom := top + len(b.Categories)*groupH
	height := bottom + charH*3 + margin
	c := newCanvas(width, height)
	c.text(margin, margin, b.Title, black)
	drawLegend(c, b.Series, margin, margin+charH+8, width-2*margin)

	ax := newAxis(lo, hi, b.Log, left, right)
	for _, t := range ax.ticks() {
		x := ax.px(t)
		c.rect(x, top, x+1, bottom, grid)
		s := Num(t)
		c.text(x-textWidth(s)/2, bottom+6, s, black)
	}
	unit := b.Unit
	if b.Log {
		unit += " (log scale)"
	}
	c.text(left+(plotW-textWidth(unit))/2, bottom+6+charH+4, unit, black)
	for i, cat := range b.Categories {
		y := top + i*groupH
		c.textRight(left-10, y+(groupH-groupGap-charH)/2, cat, black)
		for j := range b.Series {
			v := math.NaN()
			if j < len(b.Values[i]) {
				v = b.Values[i][j]
			}
			by := y + j*barH
			if !(v > 0) {
				c.text(left+4, by, "n/a", Palette[j%len(Palette)])
				continue
			}
			x := ax.px(v)
			c.rect(left, by+1, x, by+barH-1, Palette[j%len(Palette)])
			c.text(x+4, by, Num(v), black)
		}
	}
	c.rect(left, top, left+1, bottom, black)
	return c.save(path)
}

// legendHeight is the height the legend takes when wrapped to width.
func legendHeight(series []string, width int) int {
	return legendRows(series, width) * (charH + 6)
}

func legendRows(series []string, width int) int {
	rows, x := 1, 0
	for _, s := range series {
		w := 18 + textWidth(s) + 16
		if x+w > width && x > 0 {
			rows++
			x = 0
		}
		x += w
	}
	return rows
}

func drawLegend(c *canvas, series []string, x0, y0, width int) {
	x, y := x0, y0
	for i, s := range series {
		w := 18 + textWidth(s) + 16
		if x+w > x0+width && x > x0 {
			x, y = x0, y+charH+6
		}
		c.rect(x, y+2, x+12, y+charH-2, Palette[i%len(Palette)])
		c.text(x+18, y, s, black)
		x += w
	}
}
