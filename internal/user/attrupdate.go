package user

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/trigger"
)

// AdminUpdateUserAttributes changes a user's attributes. A new email or
// phone number is unverified, and receives a code when the pool verifies
// it, unless the request also sets its _verified flag to true; with
// UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate
// a verified value stays in place until the new one is verified.
func (s *Service) AdminUpdateUserAttributes(ctx context.Context, in *cognitoidp.AdminUpdateUserAttributesRequest) (*cognitoidp.AdminUpdateUserAttributesResponse, error) {
	locate := func(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType) (*User, *store.Record, error) {
		u, rec, err := s.find(ctx, tx, p, *in.Username)
		if errors.Is(err, ErrNotFound) {
			return nil, nil, errUserNotFound
		}
		return u, rec, err
	}
	_, err := s.updateAttributes(ctx, *in.UserPoolId, locate, attrRules{who: byAdmin, update: true}, in.UserAttributes,
		origin{source: trigger.SenderUpdateUserAttribute, metadata: in.ClientMetadata})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminUpdateUserAttributesResponse{}, nil
}

// UpdateAttributes is the domain half of UpdateUserAttributes: the user
// sub changes its own attributes through app client c, whose
// WriteAttributes apply. It returns where verification codes went.
func (s *Service) UpdateAttributes(ctx context.Context, poolID, sub string, c *cognitoidp.UserPoolClientType, in []cognitoidp.AttributeType) ([]cognitoidp.CodeDeliveryDetailsType, error) {
	return s.UpdateAttributesFor(ctx, poolID, sub, c, in, nil)
}

// UpdateAttributesFor is UpdateAttributes with the request's
// ClientMetadata, for the custom message and custom sender triggers.
func (s *Service) UpdateAttributesFor(ctx context.Context, poolID, sub string, c *cognitoidp.UserPoolClientType, in []cognitoidp.AttributeType, metadata map[string]string) ([]cognitoidp.CodeDeliveryDetailsType, error) {
	locate := func(ctx context.Context, tx store.Tx, _ *cognitoidp.UserPoolType) (*User, *store.Record, error) {
		u, rec, err := s.Get(ctx, tx, poolID, sub)
		if errors.Is(err, ErrNotFound) {
			return nil, nil, errUserNotFound
		}
		return u, rec, err
	}
	return s.updateAttributes(ctx, poolID, locate, attrRules{client: c, who: byClient, update: true}, in,
		origin{trigger.SenderUpdateUserAttribute, deref(c.ClientId), metadata})
}

type locator func(context.Context, store.Tx, *cognitoidp.UserPoolType) (*User, *store.Record, error)

func (s *Service) updateAttributes(ctx context.Context, poolID string, locate locator, ar attrRules, in []cognitoidp.AttributeType, o origin) ([]cognitoidp.CodeDeliveryDetailsType, error) {
	var details []cognitoidp.CodeDeliveryDetailsType
	err := untilCurrent(func() error {
		var p *cognitoidp.UserPoolType
		var u *User
		var rec *store.Record
		var msgs []Notice
		details = nil
		err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
			if p, _, err = s.Pools.Pool(ctx, tx, poolID); err != nil {
				return err
			}
			if u, rec, err = locate(ctx, tx, p); err != nil {
				return err
			}
			ar.pool = p
			attrs, err := ar.parse(in)
			if err != nil {
				return err
			}
			codes, err := applyAttributes(ar, rulesOf(p), u, attrs)
			if err != nil {
				return err
			}
			for _, c := range codes {
				msgs = append(msgs, s.attributeCodeMessage(p, u, c, o))
				details = append(details, *c.details())
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := s.deliver(ctx, msgs...); err != nil {
			return err
		}
		return s.commitStaged(ctx, p, u, rec)
	})
	return details, err
}

// attributeCodeMessage gives u a code verifying c and renders its message.
func (s *Service) attributeCodeMessage(p *cognitoidp.UserPoolType, u *User, c contact, o origin) Notice {
	code := s.issueCode(u, verifyPurpose(c.attr), c.attr, c.to, verifyCodeTTL)
	return s.compose(p, message.KindAttributeVerification, c, u, message.Values{Code: code, Username: u.Username}, o)
}

func verifyPurpose(attr string) string { return "verify:" + attr }

// applyAttributes applies validated attributes to u and returns the
// contacts that must receive a verification code.
func applyAttributes(ar attrRules, r rules, u *User, attrs map[string]string) ([]contact, error) {
	var codes []contact
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		if base, ok := strings.CutSuffix(name, verifiedSuffix); ok && slices.Contains(contactAttrs, base) {
			continue // applied with its attribute, below
		}
		if !slices.Contains(contactAttrs, name) {
			if err := setAttribute(ar, u, name, attrs[name]); err != nil {
				return nil, err
			}
			continue
		}
		c, err := setContact(ar, r, u, name, attrs)
		if err != nil {
			return nil, err
		}
		if c != nil {
			codes = append(codes, *c)
		}
	}
	// A _verified flag given alone marks the current value.
	for _, attr := range contactAttrs {
		flag, ok := attrs[attr+verifiedSuffix]
		if _, given := attrs[attr]; !ok || given {
			continue
		}
		if flag == "true" && u.Attributes[attr] == "" {
			return nil, ar.fail(attr+verifiedSuffix, "The attribute "+attr+" has no value to verify.")
		}
		setFlag(u, attr, flag)
	}
	return codes, nil
}

// setAttribute sets (or, with "", deletes) an attribute that needs no
// verification.
func setAttribute(ar attrRules, u *User, name, v string) error {
	if err := checkChange(ar, name, u.Attributes[name], v); err != nil {
		return err
	}
	if v == "" {
		delete(u.Attributes, name)
	} else {
		u.Attributes[name] = v
	}
	return nil
}

// checkChange refuses to change an immutable attribute that has a value,
// and to remove a required one.
func checkChange(ar attrRules, name, cur, v string) error {
	switch {
	case v == cur:
		return nil
	case cur != "" && !mutable(ar.pool, name):
		// Reported from real Cognito: "user.email: Attribute cannot be updated."
		return ar.fail(name, "Attribute cannot be updated.")
	case v == "" && slices.Contains(required(ar.pool), name):
		return ar.fail(name, "The attribute is required")
	}
	return nil
}

// setContact applies a new email or phone number and returns where a
// verification code must go, if anywhere.
func setContact(ar attrRules, r rules, u *User, attr string, attrs map[string]string) (*contact, error) {
	v, cur := attrs[attr], u.Attributes[attr]
	flag, flagGiven := attrs[attr+verifiedSuffix]
	if v == cur {
		delete(u.Pending, attr) // asking for the current value drops a pending change
		if flagGiven && v != "" {
			setFlag(u, attr, flag)
		}
		return nil, nil
	}
	if err := checkChange(ar, attr, cur, v); err != nil {
		return nil, err
	}
	delete(u.Pending, attr)
	delete(u.Codes, verifyPurpose(attr))
	switch {
	case v == "":
		delete(u.Attributes, attr)
		delete(u.Attributes, attr+verifiedSuffix)
		return nil, nil
	case flagGiven && flag == "true":
		// "If you set the email_verified or phone_number_verified value
		// … to true, Amazon Cognito doesn't send a verification message"
		// (model, AdminUpdateUserAttributes).
		u.Attributes[attr] = v
		setFlag(u, attr, "true")
		return nil, nil
	case r.verifyBeforeUpdate(attr) && u.Verified(attr):
		// "Your user can sign in and receive messages with the original
		// attribute value until they verify the new value" (model).
		if u.Pending == nil {
			u.Pending = map[string]string{}
		}
		u.Pending[attr] = v
		c := contactOf(attr, v)
		return &c, nil
	}
	u.Attributes[attr] = v
	setFlag(u, attr, "false")
	if r.autoVerified(attr) {
		c := contactOf(attr, v)
		return &c, nil
	}
	return nil, nil
}

func setFlag(u *User, attr, v string) {
	if v == "" {
		delete(u.Attributes, attr+verifiedSuffix)
		return
	}
	u.Attributes[attr+verifiedSuffix] = v
}

// verifyBeforeUpdate reports AttributesRequireVerificationBeforeUpdate.
func (r rules) verifyBeforeUpdate(attr string) bool {
	s := r.pool.UserAttributeUpdateSettings
	return s != nil && slices.Contains(s.AttributesRequireVerificationBeforeUpdate, attr)
}

// AdminDeleteUserAttributes removes attributes from a user. Required
// attributes and immutable ones cannot be removed; removing an email or
// phone number also removes its verification and any change pending.
func (s *Service) AdminDeleteUserAttributes(ctx context.Context, in *cognitoidp.AdminDeleteUserAttributesRequest) (*cognitoidp.AdminDeleteUserAttributesResponse, error) {
	err := s.adminUpdate(ctx, *in.UserPoolId, *in.Username, func(p *cognitoidp.UserPoolType, u *User) error {
		ar := attrRules{pool: p, who: byAdmin, update: true}
		for _, name := range in.UserAttributeNames {
			switch {
			case name == attrSub:
				return ar.fail(name, "Attribute cannot be updated.")
			case schemaAttribute(p, name) == nil:
				return ar.fail(name, "Attribute does not exist in the schema.")
			}
			if err := setAttribute(ar, u, name, ""); err != nil {
				return err
			}
			if slices.Contains(contactAttrs, name) {
				delete(u.Attributes, name+verifiedSuffix)
				delete(u.Pending, name)
				delete(u.Codes, verifyPurpose(name))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminDeleteUserAttributesResponse{}, nil
}
