package password

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// Errors for stored hashes that cannot be verified. They mean the stored
// data is wrong (or was imported from a scheme cirro does not know), not
// that the password is.
var (
	ErrUnsupportedHash = errors.New("password: unsupported hash format")
	ErrMalformedHash   = errors.New("password: malformed hash")
	ErrHashTooCostly   = errors.New("password: hash parameters exceed the server's limits")
)

// phcFields splits a PHC-style string "$id$f1$f2…" into id and fields.
func phcFields(s string) (id string, fields []string, ok bool) {
	if !strings.HasPrefix(s, "$") {
		return "", nil, false
	}
	parts := strings.Split(s[1:], "$")
	return parts[0], parts[1:], len(parts) > 1
}

// phcParams parses "k=v,k=v" into a map, refusing duplicates and any key
// not in allowed, so a parameter the verifier would ignore (argon2's
// keyid or data, say) fails loudly instead of verifying something else.
func phcParams(s string, allowed ...string) (map[string]string, error) {
	out := make(map[string]string, len(allowed))
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || v == "" {
			return nil, ErrMalformedHash
		}
		if !contains(allowed, k) {
			return nil, ErrUnsupportedHash
		}
		if _, dup := out[k]; dup {
			return nil, ErrMalformedHash
		}
		out[k] = v
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// uintParam reads a decimal parameter within [lo, hi]; values above hi
// are ErrHashTooCostly, so an absurd imported hash cannot tie up the server.
func uintParam(s string, lo, hi uint64) (uint64, error) {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return 0, ErrMalformedHash
	}
	n, err := strconv.ParseUint(s, 10, 64)
	switch {
	case err != nil && errors.Is(err, strconv.ErrRange):
		return 0, ErrHashTooCostly
	case err != nil || n < lo:
		return 0, ErrMalformedHash
	case n > hi:
		return 0, ErrHashTooCostly
	}
	return n, nil
}

// decodeB64 reads the base64 variants hash strings use: PHC's standard
// alphabet without padding, the same with padding, and passlib's "ab64",
// which writes '.' for '+'.
func decodeB64(s string) ([]byte, error) {
	s = strings.TrimRight(strings.ReplaceAll(s, ".", "+"), "=")
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil, ErrMalformedHash
	}
	return b, nil
}

func encodeB64(b []byte) string { return base64.RawStdEncoding.EncodeToString(b) }
