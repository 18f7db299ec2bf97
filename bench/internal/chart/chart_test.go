package chart

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestChartsDraw(t *testing.T) {
	dir := t.TempDir()
	if d := os.Getenv("CHART_OUT"); d != "" {
		dir = d // look at the pictures
	}
	bars := Bars{Title: "Throughput", Unit: "ops/s", Categories: []string{"AdminGetUser", "GetUser"},
		Series: []string{"cirro", "cognito-local", "moto"}, Values: [][]float64{{5000, 400, 30}, {4000, math.NaN(), 25}}, Log: true}
	ranges := Ranges{Title: "Latency", Unit: "ms", Categories: []string{"a"}, Series: []string{"x", "y"},
		P50: [][]float64{{1, 10}}, P95: [][]float64{{2, 20}}, P99: [][]float64{{3, 40}}, Log: true}
	lines := Lines{Title: "RSS", XLabel: "s", YLabel: "MiB", Series: []string{"rss"}, X: [][]float64{{0, 1, 2}}, Y: [][]float64{{30, 31, 30.5}}}
	for name, save := range map[string]func(string) error{"bars": bars.Save, "ranges": ranges.Save, "lines": lines.Save} {
		p := filepath.Join(dir, name+".png")
		if err := save(p); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil || img.Bounds().Dx() < 200 {
			t.Fatalf("%s: %v %v", name, err, img.Bounds())
		}
	}
}

func TestNum(t *testing.T) {
	for v, want := range map[float64]string{12345: "12.3k", 10000: "10k", 950: "950", 4.5: "4.5", 0.12: "0.12", 2_500_000: "2.5M"} {
		if got := Num(v); got != want {
			t.Errorf("Num(%v) = %q, want %q", v, got, want)
		}
	}
}
