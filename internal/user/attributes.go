package user

import (
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// Attribute name prefixes: custom attributes, and developer-only ones,
// which keep their custom: prefix under dev: ("dev:custom:x").
const (
	customPrefix = "custom:"
	devPrefix    = "dev:"
)

// attrWriter is who writes attributes; it decides what may be written.
type attrWriter int

const (
	// byClient is an app client (SignUp): bound by the client's
	// WriteAttributes, never developer-only attributes.
	byClient attrWriter = iota
	// byAdmin is an IAM-authorized administrator: any attribute but sub.
	byAdmin
)

// attrRules check attributes written to a user of pool.
type attrRules struct {
	pool   *cognitoidp.UserPoolType
	client *cognitoidp.UserPoolClientType
	who    attrWriter
	// update selects the wording of the update operations, which name
	// the attribute as "user.<name>"; creation operations say
	// "Attributes did not conform to the schema: …".
	update bool
}

// fail words a schema violation of attribute name.
func (c attrRules) fail(name, detail string) error {
	if c.update {
		return invalid("user." + name + ": " + detail)
	}
	return invalid("Attributes did not conform to the schema: " + name + ": " + detail)
}

// parse checks attributes against the pool's schema and the writer's
// permissions, and returns them by name; an empty value means "delete"
// ("To delete an attribute from your user, submit the attribute in your
// API request with a blank value", model, AdminUpdateUserAttributes).
func (c attrRules) parse(in []cognitoidp.AttributeType) (map[string]string, error) {
	out := make(map[string]string, len(in))
	for _, a := range in {
		name, value := deref(a.Name), deref(a.Value)
		if _, dup := out[name]; dup {
			return nil, c.fail(name, "Attribute is given more than once.")
		}
		if name == attrSub {
			return nil, c.fail(name, "Attribute cannot be updated.")
		}
		sa := schemaAttribute(c.pool, name)
		if sa == nil {
			if c.update {
				return nil, c.fail(name, "Attribute does not exist in the schema.")
			}
			// Real AWS wording for an attribute not in the schema.
			return nil, invalid("Attributes did not conform to the schema: Type for attribute {" + name + "} could not be determined")
		}
		if !c.writable(name, sa) {
			// Developer guide: "If an app tries to update an attribute
			// that isn't writable, the app gets a NotAuthorizedException".
			return nil, errs.New(errs.NotAuthorizedException, "A client attempted to write unauthorized attribute")
		}
		if value != "" {
			if err := c.checkValue(sa, name, value); err != nil {
				return nil, err
			}
		}
		out[name] = value
	}
	return out, nil
}

// writable: "Required attributes in a user pool are always writable"
// (developer guide); a client without WriteAttributes writes the
// standard and custom attributes but not the verification flags.
func (c attrRules) writable(name string, sa *cognitoidp.SchemaAttributeType) bool {
	switch {
	case c.who == byAdmin:
		return true
	case strings.HasPrefix(name, devPrefix):
		return false
	case sa.Required != nil && *sa.Required:
		return true
	case c.client != nil && len(c.client.WriteAttributes) > 0:
		return slices.Contains(c.client.WriteAttributes, name)
	}
	return !strings.HasSuffix(name, verifiedSuffix)
}

// checkValue checks one value against its schema entry.
func (c attrRules) checkValue(sa *cognitoidp.SchemaAttributeType, name, v string) error {
	switch name {
	case attrEmail:
		if !isEmail(v) {
			return invalid("Invalid email address format.")
		}
	case attrPhone:
		if !isPhone(v) {
			return invalid("Invalid phone number format.")
		}
	}
	switch deref(sa.AttributeDataType) {
	case cognitoidp.AttributeDataTypeBoolean:
		if v != "true" && v != "false" {
			return c.fail(name, "Value must be true or false.")
		}
	case cognitoidp.AttributeDataTypeNumber:
		return c.checkNumber(sa, name, v)
	case cognitoidp.AttributeDataTypeString:
		return c.checkLength(sa, name, v)
	}
	return nil
}

func (c attrRules) checkLength(sa *cognitoidp.SchemaAttributeType, name, v string) error {
	n := utf8.RuneCountInString(v)
	maxLen, minLen := maxStringAttribute, 0
	if sc := sa.StringAttributeConstraints; sc != nil {
		if m, err := strconv.Atoi(deref(sc.MaxLength)); err == nil {
			maxLen = m
		}
		if m, err := strconv.Atoi(deref(sc.MinLength)); err == nil {
			minLen = m
		}
	}
	switch {
	case n > maxLen:
		return c.fail(name, "String must be no longer than "+strconv.Itoa(maxLen)+" characters")
	case n < minLen:
		return c.fail(name, "String must be at least "+strconv.Itoa(minLen)+" characters long")
	}
	return nil
}

func (c attrRules) checkNumber(sa *cognitoidp.SchemaAttributeType, name, v string) error {
	x, ok := new(big.Float).SetString(v)
	if !ok {
		return c.fail(name, "Number "+v+" is not a number.")
	}
	if nc := sa.NumberAttributeConstraints; nc != nil {
		if lo, ok := new(big.Float).SetString(deref(nc.MinValue)); ok && x.Cmp(lo) < 0 {
			return c.fail(name, "Number must be at least "+deref(nc.MinValue))
		}
		if hi, ok := new(big.Float).SetString(deref(nc.MaxValue)); ok && x.Cmp(hi) > 0 {
			return c.fail(name, "Number must be at most "+deref(nc.MaxValue))
		}
	}
	return nil
}

// maxStringAttribute: "attribute values can be any string with a length
// of up to 2048 characters" (developer guide).
const maxStringAttribute = 2048

// schemaAttribute is name's schema entry, or nil when the pool has none.
func schemaAttribute(p *cognitoidp.UserPoolType, name string) *cognitoidp.SchemaAttributeType {
	for i := range p.SchemaAttributes {
		if deref(p.SchemaAttributes[i].Name) == name {
			return &p.SchemaAttributes[i]
		}
	}
	return nil
}

// required lists the pool's required attributes but sub.
func required(p *cognitoidp.UserPoolType) []string {
	var out []string
	for _, a := range p.SchemaAttributes {
		if a.Required != nil && *a.Required && deref(a.Name) != attrSub {
			out = append(out, deref(a.Name))
		}
	}
	return out
}

// checkRequired refuses a new user without every required attribute:
// "Attributes did not conform to the schema: email: The attribute is
// required" (real Cognito, one line per missing attribute).
func checkRequired(p *cognitoidp.UserPoolType, attrs map[string]string) error {
	var missing []string
	for _, name := range required(p) {
		if attrs[name] == "" {
			missing = append(missing, name+": The attribute is required")
		}
	}
	if len(missing) > 0 {
		return invalid("Attributes did not conform to the schema: " + strings.Join(missing, "\n"))
	}
	return nil
}

// mutable reports whether an attribute may change once it has a value.
func mutable(p *cognitoidp.UserPoolType, name string) bool {
	sa := schemaAttribute(p, name)
	return sa == nil || sa.Mutable == nil || *sa.Mutable
}
