package ui

import (
	"fmt"
	"html/template"
	"image/color"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// modulePixels is the drawn size of one module: a whole number of pixels,
// so that every module is as wide as every other.
const modulePixels = 4

// quietZone is the blank margin a QR code needs around it, in modules
// (ISO/IEC 18004 asks for four).
const quietZone = 4

// QRCode renders content as an inline SVG QR code: one path of unit
// squares on a white background with its quiet zone, drawn at a whole
// number of pixels per module, so it stays
// sharp and needs no image request or script. The encoder is
// boombuler/barcode's, which cirro already links for TOTP (pquerna/otp).
// label is the image's accessible name.
func QRCode(content, label string) (template.HTML, error) {
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("ui: QR code: %w", err)
	}
	b := code.Bounds()
	n := b.Dx()
	var path strings.Builder
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if dark(code.At(b.Min.X+x, b.Min.Y+y)) {
				fmt.Fprintf(&path, "M%d %dh1v1h-1z", x+quietZone, y+quietZone)
			}
		}
	}
	size := n + 2*quietZone
	px := size * modulePixels
	svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`+
		`<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`,
		px, px, size, size, template.HTMLEscapeString(label), size, size, path.String())
	return template.HTML(svg), nil
}

func dark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r+g+b < 3*0x8000
}
