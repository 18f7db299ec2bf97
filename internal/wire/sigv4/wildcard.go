package sigv4

import (
	"slices"
	"unicode"
)

// Wildcard reports whether s matches an IAM-style pattern: '*' matches any
// run of characters (including none), '?' exactly one, everything else
// itself. Matching is case-sensitive, as for ARNs.
//
// There is no backtracking: the pattern is cut at each '*' into pieces of
// fixed length; the first piece must start s, the last must end it, and the
// others are placed left to right at their earliest fit, which is always the
// best choice because it leaves the most room for the rest. The cost is
// bounded by len(s)×len(pattern) whatever the input, against the exponential
// blow-up of naive recursive matchers or regexp backtracking.
func Wildcard(pattern, s string) bool { return match(pattern, s, false) }

// WildcardFold is Wildcard ignoring case, as IAM compares action names.
func WildcardFold(pattern, s string) bool { return match(pattern, s, true) }

func match(pattern, s string, fold bool) bool {
	p, t := []rune(pattern), []rune(s)
	pieces := splitStars(p)
	if len(pieces) == 1 {
		return len(p) == len(t) && fits(p, t, fold)
	}
	first, last := pieces[0], pieces[len(pieces)-1]
	if len(t) < len(first)+len(last) ||
		!fits(first, t[:len(first)], fold) ||
		!fits(last, t[len(t)-len(last):], fold) {
		return false
	}
	t = t[len(first) : len(t)-len(last)]
	for _, piece := range pieces[1 : len(pieces)-1] {
		i := index(t, piece, fold)
		if i < 0 {
			return false
		}
		t = t[i+len(piece):]
	}
	return true
}

// splitStars cuts p at every '*'; runs of stars give empty pieces, which
// fit anywhere.
func splitStars(p []rune) [][]rune {
	var pieces [][]rune
	for {
		i := slices.Index(p, '*')
		if i < 0 {
			return append(pieces, p)
		}
		pieces = append(pieces, p[:i])
		p = p[i+1:]
	}
}

// index is the first position in t where piece fits, or -1.
func index(t, piece []rune, fold bool) int {
	for i := 0; i+len(piece) <= len(t); i++ {
		if fits(piece, t[i:i+len(piece)], fold) {
			return i
		}
	}
	return -1
}

// fits compares a star-free piece with text of the same length.
func fits(piece, t []rune, fold bool) bool {
	for i, c := range piece {
		if c == '?' || c == t[i] {
			continue
		}
		if fold && unicode.ToLower(c) == unicode.ToLower(t[i]) {
			continue
		}
		return false
	}
	return true
}
