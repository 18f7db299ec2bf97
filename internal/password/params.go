package password

import (
	"errors"
	"fmt"
)

// Params are the argon2id settings new hashes are made with.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over memory
	Threads uint8  // lanes
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes of derived key stored
}

// DefaultParams are OWASP's first recommendation for argon2id (Password
// Storage Cheat Sheet): 19 MiB, two passes, one lane. One lane because a
// sign-in server runs many verifications side by side; lanes would only
// shift the cost between cores without adding any for an attacker.
func DefaultParams() Params {
	return Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// FastParams are for test suites only: 64 KiB and one pass, so thousands
// of users can be created in a test run. A hash made with them falls to a
// laptop in seconds. The server refuses parameters that IsFast reports
// unless fast hashing was enabled on purpose; hashes made with them are
// upgraded by NeedsRehash as soon as the server runs with real settings.
func FastParams() Params {
	return Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// owaspFloor is the weakest of OWASP's equivalent argon2id settings
// (7 MiB × 5 passes); the others trade memory for passes at about the same
// memory × time product.
const (
	owaspMinMemory  = 7 * 1024
	owaspMinProduct = owaspMinMemory * 5
)

// IsFast reports whether p is weaker than every setting OWASP recommends,
// as FastParams are. It is the server's test for refusing test-only
// hashing in production.
func (p Params) IsFast() bool {
	return p.Memory < owaspMinMemory || uint64(p.Memory)*uint64(p.Time) < owaspMinProduct
}

// maxMemoryKiB caps the memory of any argon2 computation, ours or an
// imported hash's: 1 GiB per verification is already far past sane.
const maxMemoryKiB = 1 << 20

// Validate reports settings argon2id cannot run with or that would make
// hashes unsafe to store.
func (p Params) Validate() error {
	switch {
	case p.Time < 1 || p.Time > maxArgon2Time:
		return fmt.Errorf("password: argon2 time %d out of range 1..%d", p.Time, maxArgon2Time)
	case p.Threads < 1:
		return errors.New("password: argon2 needs at least one thread")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemoryKiB:
		return fmt.Errorf("password: argon2 memory %d KiB out of range %d..%d", p.Memory, 8*uint32(p.Threads), maxMemoryKiB)
	case uint64(p.Memory)*uint64(p.Time) > maxArgon2Work:
		return fmt.Errorf("password: argon2 memory × time above %d KiB (verification would refuse the hashes)", maxArgon2Work)
	case p.SaltLen < 16 || p.SaltLen > 64:
		return fmt.Errorf("password: salt length %d out of range 16..64", p.SaltLen)
	case p.KeyLen < 16 || p.KeyLen > 64:
		return fmt.Errorf("password: key length %d out of range 16..64", p.KeyLen)
	}
	return nil
}
