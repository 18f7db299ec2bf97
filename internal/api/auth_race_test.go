//go:build race

package api_test

// raceEnabled: the race detector slows hashing several times over, which
// makes timing measurements meaningless.
const raceEnabled = true
