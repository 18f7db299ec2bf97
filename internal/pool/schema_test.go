package pool

import (
	"encoding/json"
	"testing"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

func upAttr(name, typ string) cognitoidp.SchemaAttributeType {
	a := cognitoidp.SchemaAttributeType{Name: ptr(name)}
	if typ != "" {
		a.AttributeDataType = ptr(typ)
	}
	return a
}

func TestBuildSchemaDefaultsAndOverrides(t *testing.T) {
	email := upAttr("email", "")
	email.Required = ptr(true)
	email.StringAttributeConstraints = &cognitoidp.StringAttributeConstraintsType{MaxLength: ptr("256")}
	tier := upAttr("tier", cognitoidp.AttributeDataTypeString)
	tier.Mutable = ptr(false)
	secret := upAttr("secret", cognitoidp.AttributeDataTypeNumber)
	secret.DeveloperOnlyAttribute = ptr(true)
	secret.NumberAttributeConstraints = &cognitoidp.NumberAttributeConstraintsType{MinValue: ptr("-5"), MaxValue: ptr("99999999999999999999999")}
	flag := upAttr("flag", cognitoidp.AttributeDataTypeBoolean)
	flag.StringAttributeConstraints = &cognitoidp.StringAttributeConstraintsType{MaxLength: ptr("3")} // not for a Boolean: dropped

	got, err := buildSchema([]cognitoidp.SchemaAttributeType{email, tier, secret, flag, upAttr("email_verified", cognitoidp.AttributeDataTypeString)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 20+4 {
		t.Fatalf("%d attributes, want 24", len(got))
	}
	byName := map[string]cognitoidp.SchemaAttributeType{}
	for _, a := range got {
		byName[*a.Name] = a
	}
	e := byName["email"]
	if !*e.Required || *e.StringAttributeConstraints.MaxLength != "256" || e.StringAttributeConstraints.MinLength != nil {
		t.Errorf("email = %s", upJSON(e))
	}
	if c := byName["custom:tier"]; *c.Mutable || c.StringAttributeConstraints == nil || *c.Required || *c.DeveloperOnlyAttribute {
		t.Errorf("custom:tier = %s", upJSON(c))
	}
	if c, ok := byName["dev:custom:secret"]; !ok || *c.NumberAttributeConstraints.MaxValue != "99999999999999999999999" || !*c.DeveloperOnlyAttribute {
		t.Errorf("dev:custom:secret = %s", upJSON(c))
	}
	if c := byName["custom:flag"]; c.StringAttributeConstraints != nil || c.NumberAttributeConstraints != nil {
		t.Errorf("custom:flag keeps constraints: %s", upJSON(c))
	}
	// Cognito's own verification flags are not configurable: named in a
	// Schema they are custom attributes.
	if _, ok := byName["custom:email_verified"]; !ok {
		t.Error("email_verified in Schema did not become a custom attribute")
	}
	if *got[0].Name != "sub" || *got[20].Name != "custom:tier" {
		t.Errorf("order: first %s, 21st %s", *got[0].Name, *got[20].Name)
	}
}

func TestSchemaRules(t *testing.T) {
	str := func(name, min, max string) cognitoidp.SchemaAttributeType {
		a := upAttr(name, cognitoidp.AttributeDataTypeString)
		a.StringAttributeConstraints = &cognitoidp.StringAttributeConstraintsType{}
		if min != "" {
			a.StringAttributeConstraints.MinLength = &min
		}
		if max != "" {
			a.StringAttributeConstraints.MaxLength = &max
		}
		return a
	}
	required := upAttr("r", cognitoidp.AttributeDataTypeString)
	required.Required = ptr(true)
	devStd := upAttr("email", "")
	devStd.DeveloperOnlyAttribute = ptr(true)
	num := upAttr("n", cognitoidp.AttributeDataTypeNumber)
	num.NumberAttributeConstraints = &cognitoidp.NumberAttributeConstraintsType{MinValue: ptr("10"), MaxValue: ptr("9")}
	badNum := upAttr("n", cognitoidp.AttributeDataTypeNumber)
	badNum.NumberAttributeConstraints = &cognitoidp.NumberAttributeConstraintsType{MinValue: ptr("1.5")}
	many := make([]cognitoidp.SchemaAttributeType, 0, 51)
	for i := range 51 {
		many = append(many, upAttr(string(rune('a'+i%26))+string(rune('a'+i/26)), cognitoidp.AttributeDataTypeString))
	}
	cases := []struct {
		name string
		in   []cognitoidp.SchemaAttributeType
		msg  string
	}{
		{"custom without type", []cognitoidp.SchemaAttributeType{upAttr("x", "")}, "Invalid AttributeDataType input, consider using the provided AttributeDataType enum."},
		{"required custom", []cognitoidp.SchemaAttributeType{required}, "Required custom attributes are not supported currently."},
		{"standard type changed", []cognitoidp.SchemaAttributeType{upAttr("email", cognitoidp.AttributeDataTypeNumber)}, "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"},
		{"standard developer only", []cognitoidp.SchemaAttributeType{devStd}, "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"},
		{"string too long", []cognitoidp.SchemaAttributeType{str("s", "", "2049")}, "user.custom:s: String attributes cannot have a length of more than 2048"},
		{"string min above max", []cognitoidp.SchemaAttributeType{str("s", "5", "4")}, "user.custom:s: Max length cannot be less than min length."},
		{"string bound not a number", []cognitoidp.SchemaAttributeType{str("s", "x", "")}, "Invalid StringAttributeConstraints for schema attribute custom:s"},
		{"number min above max", []cognitoidp.SchemaAttributeType{num}, "user.custom:n: Max value cannot be less than min value."},
		{"number bound not an integer", []cognitoidp.SchemaAttributeType{badNum}, "Invalid NumberAttributeConstraints for schema attribute custom:n"},
		{"duplicate custom", []cognitoidp.SchemaAttributeType{str("d", "", ""), str("d", "", "")}, "custom:d: Existing attribute already has name custom:d."},
		{"duplicate standard", []cognitoidp.SchemaAttributeType{upAttr("email", ""), upAttr("email", "")}, "Duplicate schema attribute email."},
		{"51 custom", many, "A user pool can have at most 50 custom attributes."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := buildSchema(tc.in)
			upWantErr(t, err, errs.InvalidParameterException, tc.msg)
		})
	}
}

func TestAddCustomAttributesKeepsNamesUnique(t *testing.T) {
	schema, err := buildSchema([]cognitoidp.SchemaAttributeType{func() cognitoidp.SchemaAttributeType {
		a := upAttr("x", cognitoidp.AttributeDataTypeString)
		a.DeveloperOnlyAttribute = ptr(true)
		return a
	}()})
	if err != nil {
		t.Fatal(err)
	}
	// custom:x would shadow dev:custom:x in tokens and attribute lists.
	_, err = addCustomAttributes(schema, []cognitoidp.SchemaAttributeType{upAttr("x", cognitoidp.AttributeDataTypeString)})
	upWantErr(t, err, errs.InvalidParameterException, "custom:x: Existing attribute already has name dev:custom:x.")
}

func upWantErr(t *testing.T, err error, code errs.Code, msg string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != code || e.Message != msg {
		t.Fatalf("got %v\nwant %s: %s", err, code, msg)
	}
}

func upJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
