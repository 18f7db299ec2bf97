package sqlbase

import "unicode/utf8"

// PrefixEnd returns the smallest string greater than every string that
// starts with p, in byte (= code point, for UTF-8) order, so that
// "value >= p AND value < end" is an index range holding exactly the
// values with prefix p. No LIKE is involved, so '%', '_' and '\' in p
// need no escaping. ok is false when there is no such bound (p is empty
// or made only of U+10FFFF): then "value >= p" alone is exact.
//
// The bound stays valid UTF-8 (PostgreSQL refuses anything else), which
// is why the last rune is incremented rather than the last byte, skipping
// the surrogate range that UTF-8 cannot encode.
func PrefixEnd(p string) (end string, ok bool) {
	for len(p) > 0 {
		r, size := utf8.DecodeLastRuneInString(p)
		p = p[:len(p)-size]
		if r == utf8.MaxRune {
			continue // no successor: carry into the previous rune
		}
		r++
		if r >= 0xD800 && r <= 0xDFFF {
			r = 0xE000
		}
		return p + string(r), true
	}
	return "", false
}
