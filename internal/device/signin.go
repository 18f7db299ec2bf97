package device

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/srp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/user"
)

// Session data of DEVICE_PASSWORD_VERIFIER: the SRP session key, derived
// when the challenge was issued, and the SECRET_BLOCK the client signs.
// The device key travels as auth.DataDeviceKey.
const (
	dataSRPKey      = "srp_key"
	dataSecretBlock = "secret_block"
)

// secretBlockSize is the length of a device SECRET_BLOCK: random bytes
// that only make each proof unique, since the state lives in the Session.
const secretBlockSize = 64

// knownDevice asks a sign-in that presents the DEVICE_KEY of one of the
// user's devices to authenticate it. insteadOfMFA selects the step before
// MFA, which asks only for a device that may stand in for MFA.
type knownDevice struct {
	s            *Service
	insteadOfMFA bool
}

func (st knownDevice) Next(ctx context.Context, r *auth.Request, u *user.User, passed []string) (*auth.Challenge, error) {
	key := r.PresentedDeviceKey()
	if key == "" || !tracking(r.Pool) || slices.Contains(passed, cognitoidp.ChallengeNameTypeDevicePasswordVerifier) {
		return nil, nil
	}
	d, err := st.s.get(ctx, u.PoolID, u.Sub, key)
	if err != nil {
		return nil, err
	}
	if st.insteadOfMFA && !(d.Remembered && standsInForMFA(r.Pool)) {
		return nil, nil
	}
	return &auth.Challenge{Name: cognitoidp.ChallengeNameTypeDeviceSrpAuth, Data: map[string]string{auth.DataDeviceKey: key}}, nil
}

// newDevice gives a sign-in that authenticated no device a new device key,
// for its tokens and NewDeviceMetadata ("Amazon Cognito includes a device
// key in the response to any sign-in that doesn't already include device
// information", developer guide, Working with user devices). It is the
// last step, so the key is only drawn for tokens about to be issued.
type newDevice struct{}

func (newDevice) Next(_ context.Context, r *auth.Request, _ *user.User, _ []string) (*auth.Challenge, error) {
	if tracking(r.Pool) && r.DeviceKey == "" {
		r.DeviceKey = newKey(*r.Pool.Id)
	}
	return nil, nil
}

// metadata adds NewDeviceMetadata to the tokens of a sign-in that got a
// new device key: one that is not the key the client presented.
type metadata struct{ s *Service }

func (metadata) BeforeIssue(context.Context, *auth.Request, *user.User, *token.Customization) error {
	return nil
}

func (m metadata) AfterIssue(_ context.Context, r *auth.Request, u *user.User, res *cognitoidp.AuthenticationResultType) error {
	if !tracking(r.Pool) || r.DeviceKey == "" || r.DeviceKey == r.PresentedDeviceKey() {
		return nil
	}
	res.NewDeviceMetadata = &cognitoidp.NewDeviceMetadataType{
		DeviceKey: ptr(r.DeviceKey), DeviceGroupKey: ptr(m.s.groupKey(u.PoolID, u.Sub)),
	}
	return nil
}

// startSRP answers DEVICE_SRP_AUTH (USERNAME, DEVICE_KEY, SRP_A) with
// DEVICE_PASSWORD_VERIFIER: the server's half of SRP against the verifier
// of ConfirmDevice, at once, as for USER_SRP_AUTH.
func (s *Service) startSRP(ctx context.Context, r *auth.Request) (*auth.Outcome, error) {
	key, err := r.Require("DEVICE_KEY")
	if err != nil {
		return nil, err
	}
	srpA, err := r.Require("SRP_A")
	if err != nil {
		return nil, err
	}
	if key != r.Session.Data[auth.DataDeviceKey] {
		return nil, auth.ErrSessionInvalid
	}
	u, err := s.Auth.SessionUser(ctx, r)
	if err != nil {
		return nil, err
	}
	d, err := s.get(ctx, u.PoolID, u.Sub, key)
	if err != nil {
		return nil, err
	}
	verifier, err := s.Keys.Open(verifierPurpose, d.Verifier, verifierAD(d))
	if err != nil {
		return nil, fmt.Errorf("device: open verifier of %s: %w", d.Key, err)
	}
	srv, err := srp.NewServer(verifier)
	if err != nil {
		return nil, fmt.Errorf("device: verifier of %s: %w", d.Key, err)
	}
	k, err := srv.Key(srpA)
	if errors.Is(err, srp.ErrBadA) || errors.Is(err, srp.ErrZeroU) {
		return nil, auth.ErrBadSRPA
	}
	if err != nil {
		return nil, err
	}
	block := make([]byte, secretBlockSize)
	rand.Read(block) // never fails: crypto/rand aborts the process instead
	secretBlock := base64.StdEncoding.EncodeToString(block)
	return &auth.Outcome{Challenge: &auth.Challenge{
		Name: cognitoidp.ChallengeNameTypeDevicePasswordVerifier, User: u,
		Parameters: map[string]string{
			"SRP_B": srv.PublicB(), "SALT": srp.SaltHex(d.Salt), "SECRET_BLOCK": secretBlock,
			"USERNAME": u.Username, "DEVICE_KEY": key,
		},
		Data: map[string]string{
			auth.DataDeviceKey: key, dataSRPKey: base64.StdEncoding.EncodeToString(k[:]), dataSecretBlock: secretBlock,
		},
	}}, nil
}

// answerSRP checks DEVICE_PASSWORD_VERIFIER: the client's HMAC under the
// session key over device group key, device key, the SECRET_BLOCK and
// TIMESTAMP. A wrong proof counts toward the user's lockout, as a wrong
// password does. The device's last sign-in is recorded, and the tokens
// are for it.
func (s *Service) answerSRP(ctx context.Context, r *auth.Request) (*auth.Outcome, error) {
	var sig, block, ts, key string
	for _, p := range []struct {
		name string
		dst  *string
	}{{"PASSWORD_CLAIM_SIGNATURE", &sig}, {"PASSWORD_CLAIM_SECRET_BLOCK", &block}, {"TIMESTAMP", &ts}, {"DEVICE_KEY", &key}} {
		v, err := r.Require(p.name)
		if err != nil {
			return nil, err
		}
		*p.dst = v
	}
	data := r.Session.Data
	blockBytes, berr := base64.StdEncoding.DecodeString(block)
	srpKey, kerr := base64.StdEncoding.DecodeString(data[dataSRPKey])
	if key != data[auth.DataDeviceKey] || block != data[dataSecretBlock] || berr != nil || kerr != nil || len(srpKey) != srp.KeySize {
		return nil, auth.ErrSessionInvalid
	}
	if err := s.Auth.CheckTimestamp(r, ts); err != nil {
		return nil, err
	}
	u, err := s.Auth.SessionUser(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := s.Auth.CheckLockout(ctx, r, u, ""); err != nil {
		return nil, err
	}
	d, err := s.get(ctx, u.PoolID, u.Sub, key)
	if err != nil {
		return nil, err
	}
	if !srp.Key(srpKey).Verify(d.GroupKey, key, blockBytes, ts, sig) {
		if err := s.Auth.FailChallenge(ctx, r, u, ""); err != nil {
			return nil, err
		}
		return nil, auth.ErrIncorrect
	}
	if err := s.signedIn(ctx, u, key, r); err != nil {
		return nil, err
	}
	r.DeviceKey = key
	out := &auth.Outcome{User: u}
	if u.Lockout != (user.Lockout{}) {
		out.UserChange = func(fresh *user.User) { fresh.Lockout = user.Lockout{} }
	}
	return out, nil
}

// signedIn records a device's sign-in: when, and from where.
func (s *Service) signedIn(ctx context.Context, u *user.User, key string, r *auth.Request) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		d, rec, err := get(ctx, tx, u.PoolID, u.Sub, key)
		if err != nil {
			return err
		}
		d.LastAuth = r.Now()
		if r.Context.IP != "" {
			d.LastIP = r.Context.IP
		}
		return put(ctx, tx, d, rec)
	})
}

func verifierAD(d *device) []byte { return []byte(d.PoolID + "/" + d.Key) }
