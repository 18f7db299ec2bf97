package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// KeySize is the size of the master key.
const KeySize = 32

// ErrOpen is returned for any ciphertext or token that fails to open:
// tampered, truncated, made for another purpose or under another key.
var ErrOpen = errors.New("secrets: message authentication failed")

// Keyring derives purpose-bound keys from the master key.
type Keyring struct {
	master []byte
	mu     sync.Mutex
	aeads  map[string]cipher.AEAD
	macs   map[string][]byte
}

// New returns a keyring over a 32-byte master key.
func New(master []byte) (*Keyring, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("secrets: master key must be %d bytes, got %d", KeySize, len(master))
	}
	return &Keyring{master: append([]byte(nil), master...), aeads: map[string]cipher.AEAD{}, macs: map[string][]byte{}}, nil
}

// Random returns a keyring over a fresh random key (in-memory stores and tests).
func Random() *Keyring {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	kr, _ := New(k)
	return kr
}

// ParseKey decodes a master key written as base64 (standard or URL) or hex.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, dec := range []func(string) ([]byte, error){
		base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString,
		hexDecode,
	} {
		if b, err := dec(s); err == nil && len(b) == KeySize {
			return b, nil
		}
	}
	return nil, fmt.Errorf("secrets: a master key is %d bytes written as base64 or hex", KeySize)
}

// LoadOrCreateFile reads the master key at path, creating it (mode 0600)
// with a random key when it does not exist yet.
func LoadOrCreateFile(path string) (*Keyring, bool, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := ParseKey(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", path, err)
		}
		kr, err := New(k)
		return kr, false, err
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, err
	}
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) { // another process won the race
			return LoadOrCreateFile(path)
		}
		return nil, false, err
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(k) + "\n")
	if err2 := f.Sync(); err == nil {
		err = err2
	}
	if err2 := f.Close(); err == nil {
		err = err2
	}
	if err != nil {
		return nil, false, err
	}
	kr, err := New(k)
	return kr, true, err
}

func (k *Keyring) derive(purpose string) []byte {
	key, err := hkdf.Key(sha256.New, k.master, nil, "cirro/v1/"+purpose, KeySize)
	if err != nil {
		panic(err) // only for impossible lengths
	}
	return key
}

func (k *Keyring) aead(purpose string) cipher.AEAD {
	k.mu.Lock()
	defer k.mu.Unlock()
	if a, ok := k.aeads[purpose]; ok {
		return a
	}
	block, err := aes.NewCipher(k.derive(purpose))
	if err != nil {
		panic(err)
	}
	a, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	k.aeads[purpose] = a
	return a
}

// Seal encrypts plaintext for purpose, bound to associated data ad.
func (k *Keyring) Seal(purpose string, plaintext, ad []byte) []byte {
	a := k.aead(purpose)
	nonce := make([]byte, a.NonceSize(), a.NonceSize()+len(plaintext)+a.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return a.Seal(nonce, nonce, plaintext, ad)
}

// Open decrypts what Seal made for the same purpose and ad.
func (k *Keyring) Open(purpose string, ciphertext, ad []byte) ([]byte, error) {
	a := k.aead(purpose)
	if len(ciphertext) < a.NonceSize()+a.Overhead() {
		return nil, ErrOpen
	}
	pt, err := a.Open(nil, ciphertext[:a.NonceSize()], ciphertext[a.NonceSize():], ad)
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// MACKey returns the HMAC key for purpose.
func (k *Keyring) MACKey(purpose string) []byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	if m, ok := k.macs[purpose]; ok {
		return m
	}
	m := k.derive("mac/" + purpose)
	k.macs[purpose] = m
	return m
}

// MAC returns HMAC-SHA256 of data under purpose's key.
func (k *Keyring) MAC(purpose string, data []byte) []byte {
	h := hmac.New(sha256.New, k.MACKey(purpose))
	h.Write(data)
	return h.Sum(nil)
}

// Equal compares two MACs or secrets in constant time.
func Equal(a, b []byte) bool { return hmac.Equal(a, b) }

// Fingerprint identifies the master key without revealing it, so that a
// node started with another key than the one the database was written
// with can refuse to start instead of failing on every secret.
func (k *Keyring) Fingerprint() string {
	return base64.RawURLEncoding.EncodeToString(k.MAC("fingerprint", []byte("cirro master key"))[:16])
}
