package user

import (
	"context"
	"encoding/json"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/trigger"
)

// AttributeChange is a validated change of a user's attributes that the
// caller applies in a transaction of its own: NEW_PASSWORD_REQUIRED
// commits the attributes it is given together with the new password and
// the status, so that a failure of either changes nothing.
type AttributeChange struct {
	s      *Service
	ar     attrRules
	attrs  map[string]string
	origin origin
	// notices are the verification messages of the last Apply, sent by
	// Deliver once the change is committed.
	notices []Notice
}

// PrepareAttributes checks attributes given through app client c for u
// exactly as UpdateUserAttributes does (schema, formats, the client's
// WriteAttributes, mutability) by applying them to a copy of u, and
// returns the change; u is left as it is.
func (s *Service) PrepareAttributes(p *cognitoidp.UserPoolType, c *cognitoidp.UserPoolClientType, u *User, in []cognitoidp.AttributeType) (*AttributeChange, error) {
	ar := attrRules{pool: p, client: c, who: byClient, update: true}
	attrs, err := ar.parse(in)
	if err != nil {
		return nil, err
	}
	ch := &AttributeChange{s: s, ar: ar, attrs: attrs, origin: origin{trigger.SenderUpdateUserAttribute, deref(c.ClientId), nil}}
	data, err := json.Marshal(u)
	if err != nil {
		return nil, err
	}
	var cp User
	if err := json.Unmarshal(data, &cp); err != nil {
		return nil, err
	}
	if cp.Attributes == nil {
		cp.Attributes = map[string]string{}
	}
	if _, err := applyAttributes(ar, rulesOf(p), &cp, attrs); err != nil {
		return nil, err
	}
	return ch, nil
}

// Apply makes the change to u (the user as the transaction read it),
// issuing the verification codes a changed email or phone number needs.
// It may run more than once, on a fresh copy each time.
func (ch *AttributeChange) Apply(u *User) error {
	if u.Attributes == nil {
		u.Attributes = map[string]string{}
	}
	codes, err := applyAttributes(ch.ar, rulesOf(ch.ar.pool), u, ch.attrs)
	if err != nil {
		return err
	}
	ch.notices = ch.notices[:0]
	for _, c := range codes {
		ch.notices = append(ch.notices, ch.s.attributeCodeMessage(ch.ar.pool, u, c, ch.origin))
	}
	return nil
}

// Deliver sends the verification messages of the committed change.
func (ch *AttributeChange) Deliver(ctx context.Context) error {
	return ch.s.deliver(ctx, ch.notices...)
}

// SaveError is the error a caller reports when saving a user it changed
// failed: an alias already held by another user is Cognito's
// AliasExistsException, as for UpdateUserAttributes.
func (s *Service) SaveError(p *cognitoidp.UserPoolType, err error) error {
	return mapConflict(err, rulesOf(p), false, false)
}
