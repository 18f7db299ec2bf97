package trigger

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"slices"
)

// Custom sender codes travel as AWS Encryption SDK messages, as Cognito's
// do, so that a function decrypts them with the Encryption SDK it already
// uses. Where Cognito wraps the data key with KMS (an "aws-kms" encrypted
// data key that only KMS can open), cirro wraps it with a local AES-256
// key in the format of the Encryption SDK's raw AES keyring: the function
// swaps its KMS keyring for a raw AES keyring with
//
//	key namespace: "cirro"
//	key name:      the pool's LambdaConfig.KMSKeyID, as written there
//	wrapping key:  the key configured for it under triggers.kms_keys
//
// and decrypts unchanged otherwise. The message is what the specification
// (aws-encryption-sdk-specification, data-format/ and client-apis/encrypt.md)
// defines for format version 2 with algorithm suite 0x0478
// (AES_256_GCM_HKDF_SHA512_COMMIT_KEY: key commitment, no signature, which
// every commitment policy accepts): one encrypted data key, framed
// content (frame length 4096) in a single final frame, encryption context
// {"userpool-id": POOL_ID}.

// KeyNamespace is the raw AES keyring key namespace of cirro's messages.
const KeyNamespace = "cirro"

const (
	esdkVersion     = 0x02
	esdkSuite       = 0x0478
	esdkContentType = 0x02 // framed
	esdkFrameLength = 4096
	esdkIVLen       = 12
	esdkTagLen      = 16
	esdkKeyLen      = 32
	esdkMessageID   = 32
	encContextPool  = "userpool-id"
	finalFrameAAD   = "AWSKMSEncryptionClient Final Frame"
	sequenceEnd     = 0xFFFFFFFF
)

// encryptMessage seals plaintext (shorter than a frame) for the holder of
// wrappingKey under keyName, with encryption context ec. rnd supplies the
// message id, data key and wrapping IV.
func encryptMessage(rnd io.Reader, wrappingKey []byte, keyName string, ec map[string]string, plaintext []byte) ([]byte, error) {
	if len(plaintext) > esdkFrameLength {
		return nil, errors.New("esdk: plaintext longer than one frame")
	}
	msgID := make([]byte, esdkMessageID)
	dataKey := make([]byte, esdkKeyLen)
	wrapIV := make([]byte, esdkIVLen)
	for _, b := range [][]byte{msgID, dataKey, wrapIV} {
		if _, err := io.ReadFull(rnd, b); err != nil {
			return nil, err
		}
	}
	ctx := serializeContext(ec)

	// Raw AES keyring: the data key under the wrapping key, the serialized
	// encryption context as AAD; provider info is the key name, tag length
	// in bits, IV length and the IV.
	wrap, err := gcm(wrappingKey)
	if err != nil {
		return nil, err
	}
	edk := wrap.Seal(nil, wrapIV, dataKey, ctx)
	info := append([]byte(keyName), be32(esdkTagLen*8)...)
	info = append(info, be32(esdkIVLen)...)
	info = append(info, wrapIV...)

	// Header body.
	h := []byte{esdkVersion}
	h = append(h, be16(esdkSuite)...)
	h = append(h, msgID...)
	h = append(h, be16(uint16(len(ctx)))...)
	h = append(h, ctx...)
	h = append(h, be16(1)...)
	for _, f := range [][]byte{[]byte(KeyNamespace), info, edk} {
		h = append(h, be16(uint16(len(f)))...)
		h = append(h, f...)
	}
	h = append(h, esdkContentType)
	h = append(h, be32(esdkFrameLength)...)
	key, commit := deriveKeys(dataKey, msgID)
	h = append(h, commit...)

	body, err := gcm(key)
	if err != nil {
		return nil, err
	}
	// Header authentication: empty plaintext, zero IV, the header body as AAD.
	out := body.Seal(slices.Clone(h), make([]byte, esdkIVLen), nil, h)

	// The one (final) frame: sequence number 1, IV = the sequence number
	// padded to 12 bytes.
	const seq = 1
	iv := append(make([]byte, esdkIVLen-4), be32(seq)...)
	aad := append(slices.Clone(msgID), finalFrameAAD...)
	aad = append(aad, be32(seq)...)
	aad = binary.BigEndian.AppendUint64(aad, uint64(len(plaintext)))
	out = append(out, be32(sequenceEnd)...)
	out = append(out, be32(seq)...)
	out = append(out, iv...)
	out = append(out, be32(uint32(len(plaintext)))...)
	return body.Seal(out, iv, plaintext, aad), nil
}

// deriveKeys derives the content key and the commitment key from the data
// key: HKDF-SHA512 salted with the message id, info the suite id and
// "DERIVEKEY" for the one, "COMMITKEY" for the other.
func deriveKeys(dataKey, msgID []byte) (key, commit []byte) {
	key, err := hkdf.Key(sha512.New, dataKey, msgID, string(be16(esdkSuite))+"DERIVEKEY", esdkKeyLen)
	if err != nil {
		panic(err) // lengths are fixed and valid
	}
	commit, err = hkdf.Key(sha512.New, dataKey, msgID, "COMMITKEY", esdkKeyLen)
	if err != nil {
		panic(err)
	}
	return key, commit
}

// serializeContext is the encryption context serialization: the pair
// count, then each key and value with its length, sorted by key; empty
// for an empty context.
func serializeContext(ec map[string]string) []byte {
	if len(ec) == 0 {
		return nil
	}
	keys := make([]string, 0, len(ec))
	for k := range ec {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := be16(uint16(len(keys)))
	for _, k := range keys {
		for _, f := range []string{k, ec[k]} {
			out = append(out, be16(uint16(len(f)))...)
			out = append(out, f...)
		}
	}
	return out
}

// DecryptCode opens a code that cirro encrypted for a custom sender (the
// event's request.code) with the local key configured for keyName: what
// a function written in Go, or a test, does instead of using the
// Encryption SDK. It reads exactly the messages cirro writes.
func DecryptCode(wrappingKey []byte, keyName, code string) (plaintext []byte, ec map[string]string, err error) {
	raw, err := base64.StdEncoding.DecodeString(code)
	if err != nil {
		return nil, nil, err
	}
	r := &reader{b: raw}
	if r.u8() != esdkVersion || r.u16() != esdkSuite {
		return nil, nil, errors.New("esdk: not a version 2 message of suite 0x0478")
	}
	msgID := r.n(esdkMessageID)
	ctxBytes := r.n(int(r.u16()))
	if ec, err = parseContext(ctxBytes); err != nil {
		return nil, nil, err
	}
	var dataKey []byte
	for range r.u16() {
		provider, info, edk := string(r.n(int(r.u16()))), r.n(int(r.u16())), r.n(int(r.u16()))
		name := string(info[:max(0, len(info)-8-esdkIVLen)])
		if r.err != nil || provider != KeyNamespace || name != keyName {
			continue
		}
		wrap, err := gcm(wrappingKey)
		if err != nil {
			return nil, nil, err
		}
		if dataKey, err = wrap.Open(nil, info[len(info)-esdkIVLen:], edk, ctxBytes); err != nil {
			return nil, nil, errors.New("esdk: the data key does not open with this key")
		}
	}
	if dataKey == nil {
		return nil, nil, errors.New("esdk: no data key for this key name")
	}
	if r.u8() != esdkContentType || r.u32() != esdkFrameLength {
		return nil, nil, errors.New("esdk: unexpected content type or frame length")
	}
	key, commit := deriveKeys(dataKey, msgID)
	if subtle.ConstantTimeCompare(r.n(esdkKeyLen), commit) != 1 {
		return nil, nil, errors.New("esdk: key commitment does not match")
	}
	header := raw[:r.off]
	body, err := gcm(key)
	if err != nil {
		return nil, nil, err
	}
	if _, err := body.Open(nil, make([]byte, esdkIVLen), r.n(esdkTagLen), header); err != nil {
		return nil, nil, errors.New("esdk: header authentication failed")
	}
	if r.u32() != sequenceEnd || r.u32() != 1 {
		return nil, nil, errors.New("esdk: expected a single final frame")
	}
	iv := r.n(esdkIVLen)
	n := r.u32()
	sealed := r.n(int(n) + esdkTagLen)
	if r.err != nil || r.off != len(raw) {
		return nil, nil, errors.New("esdk: truncated or trailing data")
	}
	aad := append(slices.Clone(msgID), finalFrameAAD...)
	aad = append(aad, be32(1)...)
	aad = binary.BigEndian.AppendUint64(aad, uint64(n))
	if plaintext, err = body.Open(nil, iv, sealed, aad); err != nil {
		return nil, nil, errors.New("esdk: frame authentication failed")
	}
	return plaintext, ec, nil
}

func parseContext(b []byte) (map[string]string, error) {
	ec := map[string]string{}
	if len(b) == 0 {
		return ec, nil
	}
	r := &reader{b: b}
	for range r.u16() {
		k, v := string(r.n(int(r.u16()))), string(r.n(int(r.u16())))
		ec[k] = v
	}
	if r.err != nil || r.off != len(b) {
		return nil, errors.New("esdk: malformed encryption context")
	}
	return ec, nil
}

func gcm(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// reader reads big-endian fields, remembering the first overrun.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) n(k int) []byte {
	if r.err != nil || k < 0 || r.off+k > len(r.b) {
		r.err = errors.New("esdk: truncated message")
		return make([]byte, max(k, 0))
	}
	out := r.b[r.off : r.off+k]
	r.off += k
	return out
}

func (r *reader) u8() byte    { return r.n(1)[0] }
func (r *reader) u16() uint16 { return binary.BigEndian.Uint16(r.n(2)) }
func (r *reader) u32() uint32 { return binary.BigEndian.Uint32(r.n(4)) }
