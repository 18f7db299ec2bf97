package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/srp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

const (
	// secretBlockPurpose seals SECRET_BLOCK.
	secretBlockPurpose = "srp-secret-block"
	// decoyPurpose keys the stable fake salts and user ids of unknown users.
	decoyPurpose = "srp-decoy"
)

// secretBlock is the state of one SRP attempt, sealed into SECRET_BLOCK:
// the session key derived when the challenge was issued, and whom and
// what it is for. Sub is empty for a decoy (an unknown user).
type secretBlock struct {
	ID       string    `json:"id"`
	Sub      string    `json:"sub,omitempty"`
	UserID   string    `json:"uid"`  // USER_ID_FOR_SRP, the name the key was made with
	Name     string    `json:"name"` // USERNAME as the client sent it
	Key      []byte    `json:"key"`
	EventID  string    `json:"event"`
	Expires  time.Time `json:"exp"`
	ClientID string    `json:"client"`
	// InSession marks a block asked inside another flow (SRPChallenge):
	// its answer must present that flow's Session, which names the block
	// (dataSRPBlock), so that leaving the Session out cannot turn the
	// step of a longer sign-in into a whole USER_SRP_AUTH.
	InSession bool `json:"ins,omitempty"`
}

// dataSRPBlock is the Session data entry naming the SECRET_BLOCK of an
// SRP challenge asked inside another flow.
const dataSRPBlock = "srp_block"

// startSRP is USER_SRP_AUTH: the server's half of the exchange, at once,
// since SRP_A arrives with the request. It answers PASSWORD_VERIFIER with
// SALT, SRP_B, SECRET_BLOCK, USERNAME and USER_ID_FOR_SRP, the username
// the client must hash the password with (a user may sign in with an
// alias; the verifier was made for the username).
func (s *Service) startSRP(ctx context.Context, r *Request) (*Outcome, error) {
	name, err := r.Require("USERNAME")
	if err != nil {
		return nil, err
	}
	srpA, err := r.Require("SRP_A")
	if err != nil {
		return nil, err
	}
	if err := s.checkSecretHash(r, name); err != nil {
		return nil, err
	}
	u, err := s.findForPassword(ctx, r, name, "") // SRP cannot migrate: no password
	if err != nil {
		return nil, err
	}
	return s.srpChallenge(ctx, r, name, srpA, u, false)
}

// srpChallenge is the server's half of SRP for u (nil: a name nobody has,
// answered with a decoy) once the flow has found them: USER_SRP_AUTH,
// PASSWORD_SRP of USER_AUTH, and (inSession) SRP inside CUSTOM_AUTH.
func (s *Service) srpChallenge(ctx context.Context, r *Request, name, srpA string, u *user.User, inSession bool) (*Outcome, error) {
	poolID := deref(r.Pool.Id)
	var salt, verifier []byte
	var err error
	block := secretBlock{ID: uuid.NewString(), Name: name, EventID: r.eventID, ClientID: deref(r.Client.ClientId),
		Expires: r.now.Add(pool.ClientAuthSession(r.Client)), InSession: inSession}
	if u != nil {
		if err := refuseState(u); err != nil {
			return nil, err
		}
		block.Sub, block.UserID = u.Sub, u.Username
		// A user without a verifier (imported with a hash only) gets a
		// decoy, fails the proof like a wrong password, and has one made
		// at the next USER_PASSWORD_AUTH.
		if len(u.Password.SRPVerifier) > 0 {
			if salt, verifier, err = s.users.SRPVerifier(u); err != nil {
				return nil, err
			}
		}
	} else {
		block.UserID = s.decoyUserID(r.Pool, name)
	}
	if verifier == nil {
		salt, verifier = srp.Decoy(s.keys.MACKey(decoyPurpose), srp.PoolName(poolID), foldName(r.Pool, name))
	}
	srv, err := srp.NewServer(verifier)
	if err != nil {
		return nil, fmt.Errorf("auth: SRP verifier of %s: %w", block.Sub, err)
	}
	key, err := srv.Key(srpA)
	if errors.Is(err, srp.ErrBadA) || errors.Is(err, srp.ErrZeroU) {
		return nil, errBadSRPA
	}
	if err != nil {
		return nil, err
	}
	block.Key = key[:]
	sealed, err := s.sealBlock(r, &block)
	if err != nil {
		return nil, err
	}
	ch := &Challenge{
		Name: cognitoidp.ChallengeNameTypePasswordVerifier, Stateless: !inSession,
		Parameters: map[string]string{
			"SALT": srp.SaltHex(salt), "SRP_B": srv.PublicB(), "SECRET_BLOCK": sealed,
			"USERNAME": block.UserID, "USER_ID_FOR_SRP": block.UserID,
		},
	}
	if inSession {
		ch.Data = map[string]string{dataSRPBlock: block.ID}
	}
	return &Outcome{Challenge: ch}, nil
}

// answerSRP is PASSWORD_VERIFIER: the client's HMAC under the session key
// over pool name, USER_ID_FOR_SRP, the decoded SECRET_BLOCK and TIMESTAMP.
func (s *Service) answerSRP(ctx context.Context, r *Request) (*Outcome, error) {
	var sig, rawBlock, ts string
	for _, p := range []struct {
		name string
		dst  *string
	}{{"PASSWORD_CLAIM_SIGNATURE", &sig}, {"PASSWORD_CLAIM_SECRET_BLOCK", &rawBlock}, {"TIMESTAMP", &ts}} {
		v, err := r.Require(p.name)
		if err != nil {
			return nil, err
		}
		*p.dst = v
	}
	blockBytes, b, err := s.blockOnce(r, rawBlock)
	if err != nil {
		return nil, err
	}
	if name := r.Param("USERNAME"); name != b.UserID && name != b.Name {
		return nil, errSessionInvalid
	}
	// A block and a Session go together exactly when the block was asked
	// with one (SRPChallenge).
	if b.InSession != (r.Session != nil) || (r.Session != nil && r.Session.Data[dataSRPBlock] != b.ID) {
		return nil, errSessionInvalid
	}
	switch err := srp.CheckTimestamp(ts, r.now, s.maxSkew); {
	case errors.Is(err, srp.ErrBadTimestamp):
		return nil, errBadTimestamp
	case err != nil:
		return nil, errTimestampSkew
	}
	// The block is single-use: its id is spent like a Session's
	// (spendAll), in the answer's one write, whoever it was issued for.
	// The answer's auth event, if the pool keeps events, takes the event
	// id sealed in the block.
	if err := s.checkUnspent(ctx, r, b.ID); err != nil {
		return nil, err
	}
	r.Spend(b.ID, b.Expires)
	r.eventID = b.EventID
	key := srp.Key(b.Key)
	poolName := srp.PoolName(deref(r.Pool.Id))
	prove := func() (bool, error) { return key.Verify(poolName, b.UserID, blockBytes, ts, sig), nil }
	if b.Sub == "" {
		// The same work as a real proof; it cannot succeed.
		return nil, s.unknownUser(ctx, r, b.Name, func() { prove() })
	}
	u, err := s.getUser(ctx, r, deref(r.Pool.Id), b.Sub) // deleted since the challenge: errIncorrect
	if err != nil {
		return nil, err
	}
	return s.passwordProof(ctx, r, u, prove)
}

// loadSRPStart is the Loader of USER_SRP_AUTH: the user USERNAME names.
// The call issues no tokens, so nothing more is read for them.
func (s *Service) loadSRPStart(ctx context.Context, tx store.Tx, r *Request) (*user.User, error) {
	if name := r.Param("USERNAME"); name != "" && r.CheckSecretHash(name) == nil {
		_, err := s.loadNamed(ctx, tx, r, name)
		return nil, err
	}
	return nil, nil
}

// loadSRPAnswer is the Loader of PASSWORD_VERIFIER: the block's
// single-use record and, for a real user's block, the user; for a
// decoy's, the decoy lockout, which unknownUser reads (the same number of
// reads, so that an unknown name takes the time a wrong password does).
func (s *Service) loadSRPAnswer(ctx context.Context, tx store.Tx, r *Request) (*user.User, error) {
	if r.CheckSecretHash(r.Param("USERNAME")) != nil {
		return nil, nil
	}
	_, b, err := s.blockOnce(r, r.Param("PASSWORD_CLAIM_SECRET_BLOCK"))
	if err != nil {
		return nil, nil
	}
	if err := r.loadGet(ctx, tx, KindSpent, b.ID); err != nil {
		return nil, err
	}
	if b.Sub == "" {
		return nil, r.loadGet(ctx, tx, KindDecoy, s.decoyID(r, b.Name))
	}
	return s.loadSub(ctx, tx, r, deref(r.Pool.Id), b.Sub)
}

// blockOnce is openBlock, once per call.
func (s *Service) blockOnce(r *Request, raw string) ([]byte, *secretBlock, error) {
	if o := r.snap.block; o != nil && o.raw == raw {
		return o.bytes, o.b, o.err
	}
	data, b, err := s.openBlock(r, raw)
	r.snap.block = &openedBlock{raw: raw, bytes: data, b: b, err: err}
	return data, b, err
}

func (s *Service) sealBlock(r *Request, b *secretBlock) (string, error) {
	data, err := json.Marshal(b)
	if err != nil {
		return "", fmt.Errorf("auth: encode secret block: %w", err)
	}
	ct := s.keys.Seal(secretBlockPurpose, data, sessionAD(deref(r.Pool.Id), deref(r.Client.ClientId)))
	return base64.StdEncoding.EncodeToString(ct), nil
}

// openBlock opens PASSWORD_CLAIM_SECRET_BLOCK, returning also the decoded
// bytes the client signed.
func (s *Service) openBlock(r *Request, raw string) ([]byte, *secretBlock, error) {
	ct, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, nil, errSessionInvalid
	}
	data, err := s.keys.Open(secretBlockPurpose, ct, sessionAD(deref(r.Pool.Id), deref(r.Client.ClientId)))
	if err != nil {
		return nil, nil, errSessionInvalid
	}
	var b secretBlock
	if err := json.Unmarshal(data, &b); err != nil || len(b.Key) != srp.KeySize {
		return nil, nil, errSessionInvalid
	}
	if !r.now.Before(b.Expires) {
		return nil, nil, errSessionExpired
	}
	return ct, &b, nil
}

// decoyUserID is the USER_ID_FOR_SRP of an unknown name: the name itself,
// as for a real user of a pool whose usernames are what users type; in a
// pool with UsernameAttributes, where real users' ids are their subs, a
// UUID derived from the name, stable across attempts as a real one is.
func (s *Service) decoyUserID(p *cognitoidp.UserPoolType, name string) string {
	if len(p.UsernameAttributes) == 0 {
		return name
	}
	mac := s.keys.MAC(decoyPurpose, []byte("uid\x00"+deref(p.Id)+"\x00"+foldName(p, name)))
	id, _ := uuid.FromBytes(mac[:16])
	// Shape it as a version 4 UUID like a real sub.
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	return id.String()
}

// foldName is a sign-in name as a case-insensitive pool compares it, so
// that "Alice" and "alice" get the same decoy, as they would the same user.
func foldName(p *cognitoidp.UserPoolType, name string) string {
	if c := p.UsernameConfiguration; c != nil && c.CaseSensitive != nil && !*c.CaseSensitive {
		return strings.ToLower(name)
	}
	return name
}
