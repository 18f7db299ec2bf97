package password

import (
	"crypto/subtle"
	"fmt"

	"golang.org/x/crypto/argon2"
)

// Caps on any argon2 computation: passes, and memory × passes (KiB), which
// is what a verification costs; 2^22 allows 1 GiB × 4 passes.
const (
	maxArgon2Time = 64
	maxArgon2Work = 1 << 22
)

// argon2Hash is a parsed "$argon2id$v=19$m=…,t=…,p=…$salt$key" (or argon2i).
type argon2Hash struct {
	id      string // "argon2id" or "argon2i"
	memory  uint32
	time    uint32
	threads uint8
	salt    []byte
	key     []byte
}

func encodeArgon2id(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, encodeB64(salt), encodeB64(key))
}

// parseArgon2 reads the PHC form of argon2i and argon2id. Only version 19
// (0x13) is accepted: x/crypto implements no other, and a hash without a
// version field is of the older 0x10, which would never verify.
func parseArgon2(s string) (argon2Hash, error) {
	id, f, ok := phcFields(s)
	if !ok || (id != "argon2id" && id != "argon2i") {
		return argon2Hash{}, ErrUnsupportedHash
	}
	if len(f) != 4 || f[0] != fmt.Sprintf("v=%d", argon2.Version) {
		return argon2Hash{}, ErrUnsupportedHash
	}
	kv, err := phcParams(f[1], "m", "t", "p")
	if err != nil {
		return argon2Hash{}, err
	}
	p, err := uintParam(kv["p"], 1, 255)
	if err != nil {
		return argon2Hash{}, err
	}
	m, err := uintParam(kv["m"], 8*p, maxMemoryKiB)
	if err != nil {
		return argon2Hash{}, err
	}
	t, err := uintParam(kv["t"], 1, maxArgon2Time)
	if err != nil {
		return argon2Hash{}, err
	}
	if m*t > maxArgon2Work {
		return argon2Hash{}, ErrHashTooCostly
	}
	h := argon2Hash{id: id, memory: uint32(m), time: uint32(t), threads: uint8(p)}
	if h.salt, err = decodeB64(f[2]); err != nil {
		return argon2Hash{}, err
	}
	if h.key, err = decodeB64(f[3]); err != nil {
		return argon2Hash{}, err
	}
	// argon2's own minimums: an 8-byte salt and a 4-byte tag.
	if len(h.salt) < 8 || len(h.key) < 4 || len(h.key) > 1024 {
		return argon2Hash{}, ErrMalformedHash
	}
	return h, nil
}

func (h argon2Hash) derive(password string) []byte {
	if h.id == "argon2i" {
		return argon2.Key([]byte(password), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	}
	return argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
}

func (h argon2Hash) verify(password string) bool {
	return subtle.ConstantTimeCompare(h.derive(password), h.key) == 1
}

// current reports whether h was made with exactly these settings.
func (h argon2Hash) current(p Params) bool {
	return h.id == "argon2id" && h.memory == p.Memory && h.time == p.Time && h.threads == p.Threads &&
		len(h.key) == int(p.KeyLen) && len(h.salt) >= int(p.SaltLen)
}
