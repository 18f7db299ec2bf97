package chart

import (
	"errors"
	"math"
)

// Ranges shows latency percentiles: per category and series a bar up to
// p50, a whisker on to p99 and a notch at p95.
type Ranges struct {
	Title, Unit   string
	Categories    []string
	Series        []string
	P50, P95, P99 [][]float64 // [category][series]
	Log           bool
}

// Save draws the chart to a PNG file.
func (r Ranges) Save(path string) error {
	if len(r.P50) != len(r.Categories) || len(r.P95) != len(r.Categories) || len(r.P99) != len(r.Categories) {
		return errors.New("chart: one row of percentiles per category")
	}
	lo, hi := math.Inf(1), 0.0
	for i := range r.Categories {
		for j := range r.P50[i] {
			if v := r.P50[i][j]; v > 0 {
				lo = math.Min(lo, v)
			}
			if v := r.P99[i][j]; v > 0 {
				hi = math.Max(hi, v)
			}
		}
	}
	if hi == 0 {
		lo, hi = 0.1, 1
	}
	b := Bars{Title: r.Title, Categories: r.Categories, Series: r.Series}
	labelW := 0
	for _, c := range b.Categories {
		labelW = max(labelW, textWidth(c))
	}
	left := margin + labelW + 10
	plotW := 620
	right := left + plotW
	width := right + 150
	top := margin + charH + 8 + legendHeight(r.Series, width-2*margin)
	groupH := len(r.Series)*barH + groupGap
	bottom := top + len(r.Categories)*groupH
	height := bottom + charH*3 + margin
	c := newCanvas(width, height)
	c.text(margin, margin, r.Title, black)
	drawLegend(c, r.Series, margin, margin+charH+8, width-2*margin)
	ax := newAxis(lo, hi, r.Log, left, right)
	for _, t := range ax.ticks() {
		x := ax.px(t)
		c.rect(x, top, x+1, bottom, grid)
		s := Num(t)
		c.text(x-textWidth(s)/2, bottom+6, s, black)
	}
	unit := r.Unit + ": bar p50, notch p95, whisker p99"
	if r.Log {
		unit += " (log)"
	}
	c.text(left+(plotW-textWidth(unit))/2, bottom+6+charH+4, unit, black)
	for i, cat := range r.Categories {
		y := top + i*groupH
		c.textRight(left-10, y+(groupH-groupGap-charH)/2, cat, black)
		for j := range r.Series {
			col := Palette[j%len(Palette)]
			by := y + j*barH
			p50, p95, p99 := at(r.P50, i, j), at(r.P95, i, j), at(r.P99, i, j)
			if !(p50 > 0) {
				c.text(left+4, by, "n/a", col)
				continue
			}
			x50, x95, x99 := ax.px(p50), ax.px(p95), ax.px(p99)
			c.rect(left, by+2, x50, by+barH-2, col)
			mid := by + barH/2
			c.rect(x50, mid-1, x99, mid+1, col)
			c.rect(x95-1, by+1, x95+1, by+barH-1, col)
			c.rect(x99-1, by+3, x99+1, by+barH-3, col)
			c.text(x99+5, by, Num(p50)+"/"+Num(p99), black)
		}
	}
	c.rect(left, top, left+1, bottom, black)
	return c.save(path)
}

func at(v [][]float64, i, j int) float64 {
	if i < len(v) && j < len(v[i]) {
		return v[i][j]
	}
	return math.NaN()
}
