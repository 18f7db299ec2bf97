package pool

import (
	"context"
	"math/big"
	"strconv"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/store"
)

// Attribute name prefixes. A developer-only attribute keeps the custom:
// prefix under dev: ("dev:custom:x"), as Cognito lists them.
const (
	customPrefix = "custom:"
	devPrefix    = "dev:"
)

// maxCustomAttributes is Cognito's fixed quota "Custom attributes per user
// pool: 50" (developer guide, Quotas).
const maxCustomAttributes = 50

// maxStringAttributeLength is the longest value any attribute may hold
// ("Characters per attribute: 2,048", developer guide, Quotas).
const maxStringAttributeLength = 2048

// standardSchema is the schema of a pool created without a Schema, in the
// order Cognito lists it (AWS CLI reference, create-user-pool example).
// Only sub is required and immutable; birthdate is YYYY-MM-DD, so exactly
// 10 characters; updated_at is a non-negative epoch number.
func standardSchema() []cognitoidp.SchemaAttributeType {
	s := func(name string, min, max int, mutable, required bool) cognitoidp.SchemaAttributeType {
		return cognitoidp.SchemaAttributeType{
			Name: ptr(name), AttributeDataType: ptr(cognitoidp.AttributeDataTypeString),
			DeveloperOnlyAttribute: ptr(false), Mutable: ptr(mutable), Required: ptr(required),
			StringAttributeConstraints: &cognitoidp.StringAttributeConstraintsType{
				MinLength: ptr(strconv.Itoa(min)), MaxLength: ptr(strconv.Itoa(max)),
			},
		}
	}
	text := func(name string) cognitoidp.SchemaAttributeType {
		return s(name, 0, maxStringAttributeLength, true, false)
	}
	flag := func(name string) cognitoidp.SchemaAttributeType {
		return cognitoidp.SchemaAttributeType{
			Name: ptr(name), AttributeDataType: ptr(cognitoidp.AttributeDataTypeBoolean),
			DeveloperOnlyAttribute: ptr(false), Mutable: ptr(true), Required: ptr(false),
		}
	}
	return []cognitoidp.SchemaAttributeType{
		s("sub", 1, maxStringAttributeLength, false, true),
		text("name"), text("given_name"), text("family_name"), text("middle_name"),
		text("nickname"), text("preferred_username"), text("profile"), text("picture"),
		text("website"), text("email"), flag("email_verified"), text("gender"),
		s("birthdate", 10, 10, true, false),
		text("zoneinfo"), text("locale"), text("phone_number"), flag("phone_number_verified"),
		text("address"),
		{
			Name: ptr("updated_at"), AttributeDataType: ptr(cognitoidp.AttributeDataTypeNumber),
			DeveloperOnlyAttribute: ptr(false), Mutable: ptr(true), Required: ptr(false),
			NumberAttributeConstraints: &cognitoidp.NumberAttributeConstraintsType{MinValue: ptr("0")},
		},
	}
}

// configurableStandard are the OpenID Connect standard attributes a
// Schema entry may mark required or immutable. Every other name in a
// Schema, including Cognito's own sub, email_verified and
// phone_number_verified, is taken as a custom attribute, as Cognito does
// (aws-cdk#14699: "When specified, Cognito interprets these as custom
// attributes").
var configurableStandard = map[string]bool{
	"address": true, "birthdate": true, "email": true, "family_name": true, "gender": true,
	"given_name": true, "locale": true, "middle_name": true, "name": true, "nickname": true,
	"phone_number": true, "picture": true, "preferred_username": true, "profile": true,
	"updated_at": true, "website": true, "zoneinfo": true,
}

// buildSchema is the schema of a new pool: the standard attributes with
// the request's overrides, then its custom attributes in request order.
func buildSchema(in []cognitoidp.SchemaAttributeType) ([]cognitoidp.SchemaAttributeType, error) {
	out := standardSchema()
	overridden := map[string]bool{}
	var custom []cognitoidp.SchemaAttributeType
	for _, a := range in {
		if a.Name == nil {
			return nil, errs.New(errs.InvalidParameterException, "Schema attributes must have a name.")
		}
		name := *a.Name
		if !configurableStandard[name] {
			custom = append(custom, a)
			continue
		}
		if overridden[name] {
			return nil, errs.Newf(errs.InvalidParameterException, "Duplicate schema attribute %s.", name)
		}
		overridden[name] = true
		for i := range out {
			if *out[i].Name == name {
				if err := overrideStandard(&out[i], a); err != nil {
					return nil, err
				}
			}
		}
	}
	return addCustomAttributes(out, custom)
}

// overrideStandard applies a Schema entry to a standard attribute: only
// Required, Mutable and the value constraints may change.
func overrideStandard(std *cognitoidp.SchemaAttributeType, a cognitoidp.SchemaAttributeType) error {
	if (a.AttributeDataType != nil && *a.AttributeDataType != *std.AttributeDataType) ||
		(a.DeveloperOnlyAttribute != nil && *a.DeveloperOnlyAttribute) {
		return errs.Newf(errs.InvalidParameterException,
			"You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute %s", *std.Name)
	}
	if a.Mutable != nil {
		std.Mutable = ptr(*a.Mutable)
	}
	if a.Required != nil {
		std.Required = ptr(*a.Required)
	}
	switch *std.AttributeDataType {
	case cognitoidp.AttributeDataTypeString:
		if a.StringAttributeConstraints != nil {
			c, err := stringConstraints(*std.Name, a.StringAttributeConstraints)
			if err != nil {
				return err
			}
			std.StringAttributeConstraints = c
		}
	case cognitoidp.AttributeDataTypeNumber:
		if a.NumberAttributeConstraints != nil {
			c, err := numberConstraints(*std.Name, a.NumberAttributeConstraints)
			if err != nil {
				return err
			}
			std.NumberAttributeConstraints = c
		}
	}
	return nil
}

// addCustomAttributes appends new custom attributes to a schema, refusing
// a name already taken (as custom: or dev:custom:) and the 51st.
func addCustomAttributes(schema, in []cognitoidp.SchemaAttributeType) ([]cognitoidp.SchemaAttributeType, error) {
	taken := map[string]string{}
	count := 0
	for _, a := range schema {
		if base, ok := customBase(*a.Name); ok {
			taken[base] = *a.Name
			count++
		}
	}
	for _, a := range in {
		c, err := customAttribute(a)
		if err != nil {
			return nil, err
		}
		base := *a.Name
		if existing, ok := taken[base]; ok {
			return nil, errs.Newf(errs.InvalidParameterException,
				"%s%s: Existing attribute already has name %s.", customPrefix, base, existing)
		}
		taken[base] = *c.Name
		if count++; count > maxCustomAttributes {
			return nil, errs.Newf(errs.InvalidParameterException,
				"A user pool can have at most %d custom attributes.", maxCustomAttributes)
		}
		schema = append(schema, c)
	}
	return schema, nil
}

// customBase returns the name a custom or developer-only attribute was
// declared with.
func customBase(name string) (string, bool) {
	name = strings.TrimPrefix(name, devPrefix)
	return strings.CutPrefix(name, customPrefix)
}

// customAttribute is the stored form of a custom attribute declaration:
// prefixed, with Cognito's defaults (mutable, not developer-only) and the
// constraints that fit its type. Constraints of another type are dropped;
// a custom String or Number attribute always lists its (possibly empty)
// constraints, as Cognito does.
func customAttribute(a cognitoidp.SchemaAttributeType) (cognitoidp.SchemaAttributeType, error) {
	if a.Name == nil {
		return a, errs.New(errs.InvalidParameterException, "Schema attributes must have a name.")
	}
	if a.AttributeDataType == nil {
		return a, errs.New(errs.InvalidParameterException,
			"Invalid AttributeDataType input, consider using the provided AttributeDataType enum.")
	}
	if a.Required != nil && *a.Required {
		return a, errs.New(errs.InvalidParameterException, "Required custom attributes are not supported currently.")
	}
	dev := a.DeveloperOnlyAttribute != nil && *a.DeveloperOnlyAttribute
	name := customPrefix + *a.Name
	if dev {
		name = devPrefix + name
	}
	c := cognitoidp.SchemaAttributeType{
		Name: &name, AttributeDataType: ptr(*a.AttributeDataType),
		DeveloperOnlyAttribute: ptr(dev), Mutable: ptr(true), Required: ptr(false),
	}
	if a.Mutable != nil {
		c.Mutable = ptr(*a.Mutable)
	}
	var err error
	switch *a.AttributeDataType {
	case cognitoidp.AttributeDataTypeString:
		c.StringAttributeConstraints, err = stringConstraints(name, a.StringAttributeConstraints)
	case cognitoidp.AttributeDataTypeNumber:
		c.NumberAttributeConstraints, err = numberConstraints(name, a.NumberAttributeConstraints)
	}
	return c, err
}

// stringConstraints checks length bounds: whole numbers from 0 to 2048,
// the minimum not above the maximum.
func stringConstraints(name string, in *cognitoidp.StringAttributeConstraintsType) (*cognitoidp.StringAttributeConstraintsType, error) {
	out := &cognitoidp.StringAttributeConstraintsType{}
	if in == nil {
		return out, nil
	}
	bound := func(v *string) (*string, int, error) {
		if v == nil {
			return nil, -1, nil
		}
		n, err := strconv.Atoi(*v)
		if err != nil || n < 0 {
			return nil, 0, errs.Newf(errs.InvalidParameterException, "Invalid StringAttributeConstraints for schema attribute %s", name)
		}
		if n > maxStringAttributeLength {
			return nil, 0, errs.Newf(errs.InvalidParameterException,
				"user.%s: String attributes cannot have a length of more than %d", name, maxStringAttributeLength)
		}
		return ptr(strconv.Itoa(n)), n, nil
	}
	var min, max int
	var err error
	if out.MinLength, min, err = bound(in.MinLength); err != nil {
		return nil, err
	}
	if out.MaxLength, max, err = bound(in.MaxLength); err != nil {
		return nil, err
	}
	if min >= 0 && max >= 0 && min > max {
		return nil, errs.Newf(errs.InvalidParameterException, "user.%s: Max length cannot be less than min length.", name)
	}
	return out, nil
}

// numberConstraints checks value bounds: integers (of any size the model
// lets through), the minimum not above the maximum.
func numberConstraints(name string, in *cognitoidp.NumberAttributeConstraintsType) (*cognitoidp.NumberAttributeConstraintsType, error) {
	out := &cognitoidp.NumberAttributeConstraintsType{}
	if in == nil {
		return out, nil
	}
	bound := func(v *string) (*big.Int, error) {
		if v == nil {
			return nil, nil
		}
		n, ok := new(big.Int).SetString(*v, 10)
		if !ok {
			return nil, errs.Newf(errs.InvalidParameterException, "Invalid NumberAttributeConstraints for schema attribute %s", name)
		}
		return n, nil
	}
	min, err := bound(in.MinValue)
	if err != nil {
		return nil, err
	}
	max, err := bound(in.MaxValue)
	if err != nil {
		return nil, err
	}
	if min != nil && max != nil && min.Cmp(max) > 0 {
		return nil, errs.Newf(errs.InvalidParameterException, "user.%s: Max value cannot be less than min value.", name)
	}
	if min != nil {
		out.MinValue = ptr(min.String())
	}
	if max != nil {
		out.MaxValue = ptr(max.String())
	}
	return out, nil
}

// requiredAttribute reports whether the pool's schema requires name.
func requiredAttribute(schema []cognitoidp.SchemaAttributeType, name string) bool {
	for _, a := range schema {
		if a.Name != nil && *a.Name == name {
			return a.Required != nil && *a.Required
		}
	}
	return false
}

// AddCustomAttributes adds custom attributes to a pool's schema. They can
// never be removed or changed afterwards.
func (s *Service) AddCustomAttributes(ctx context.Context, in *cognitoidp.AddCustomAttributesRequest) (*cognitoidp.AddCustomAttributesResponse, error) {
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		p, rec, err := s.Pool(ctx, tx, *in.UserPoolId)
		if err != nil {
			return err
		}
		if p.SchemaAttributes, err = addCustomAttributes(p.SchemaAttributes, in.CustomAttributes); err != nil {
			return err
		}
		p.LastModifiedDate = shape.NewTime(s.Clock.Now())
		rec.Data = mustJSON(p)
		return tx.Update(ctx, rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AddCustomAttributesResponse{}, nil
}
