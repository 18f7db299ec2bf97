package trigger

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/wire/sigv4"
)

// kmsKeys are the local stand-ins of KMS keys, matched against a pool's
// KMSKeyID like function ARNs: exactly, or as a pattern.
type kmsKeys struct {
	entries []kmsKey
}

type kmsKey struct {
	pattern  string
	material []byte
}

func newKMSKeys(list []config.KMSKey) (*kmsKeys, error) {
	k := &kmsKeys{}
	for _, e := range list {
		m, err := e.Material()
		if err != nil {
			return nil, fmt.Errorf("triggers.kms_keys (%s): %w", e.KeyID, err)
		}
		k.entries = append(k.entries, kmsKey{pattern: e.KeyID, material: m})
	}
	return k, nil
}

func (k *kmsKeys) find(keyID string) []byte {
	for _, e := range k.entries {
		if e.pattern == keyID || (strings.ContainsAny(e.pattern, "*?") && sigv4.Wildcard(e.pattern, keyID)) {
			return e.material
		}
	}
	return nil
}

// encryptCode encrypts a custom sender's code for the pool's KMSKeyID,
// base64, as the event carries it.
func (s *Service) encryptCode(p *cognitoidp.UserPoolType, point Point, code string) (string, error) {
	keyID := ""
	if lc := lambdaConfig(p); lc != nil && lc.KMSKeyID != nil {
		keyID = *lc.KMSKeyID
	}
	material := s.keys.find(keyID)
	if material == nil {
		return "", unexpected(point, fmt.Sprintf("cirro has no local key for the KMS key %q: add one under triggers.kms_keys "+
			"in cirro's configuration (key_id: the pool's KMSKeyID or a pattern, key: 32 random bytes in base64)", keyID), nil)
	}
	ec := map[string]string{encContextPool: *p.Id}
	msg, err := encryptMessage(rand.Reader, material, keyID, ec, []byte(code))
	if err != nil {
		return "", fmt.Errorf("trigger: encrypt code: %w", err)
	}
	return base64.StdEncoding.EncodeToString(msg), nil
}
