package user

import (
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
)

// MFA factor names, as UserMFASettingList reports them.
const (
	MFASMS           = "SMS_MFA"
	MFASoftwareToken = "SOFTWARE_TOKEN_MFA"
	MFAEmail         = "EMAIL_OTP"
)

// ToUserType is the user as the list and create operations show it, with
// every attribute.
func (u *User) ToUserType() *cognitoidp.UserType {
	return &cognitoidp.UserType{
		Username:             ptr(u.Username),
		Attributes:           u.AttributeList(nil),
		Enabled:              ptr(u.Enabled),
		UserStatus:           ptr(u.Status),
		UserCreateDate:       shape.NewTime(u.Created),
		UserLastModifiedDate: shape.NewTime(u.Modified),
		MFAOptions:           u.mfaOptions(),
	}
}

// AttributeList lists u's attributes, sub first and the others by name.
// readable, when not nil, selects the attributes to show.
func (u *User) AttributeList(readable func(name string) bool) []cognitoidp.AttributeType {
	out := []cognitoidp.AttributeType{}
	add := func(name, value string) {
		if value != "" && (readable == nil || readable(name)) {
			out = append(out, cognitoidp.AttributeType{Name: ptr(name), Value: ptr(value)})
		}
	}
	add(attrSub, u.Sub)
	names := make([]string, 0, len(u.Attributes))
	for n := range u.Attributes {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		add(n, u.Attributes[n])
	}
	return out
}

// AttributesFor lists the attributes an app client may read: those of
// its ReadAttributes, or when it has none, every attribute but the
// developer-only ones ("your app can read the values of email_verified,
// phone_number_verified, and the standard attributes", model; custom
// attributes are readable too unless the client restricts them).
func (u *User) AttributesFor(c *cognitoidp.UserPoolClientType) []cognitoidp.AttributeType {
	return u.AttributeList(Readable(c))
}

// Readable is the read permission of an app client.
func Readable(c *cognitoidp.UserPoolClientType) func(string) bool {
	if c == nil || len(c.ReadAttributes) == 0 {
		return func(name string) bool { return !strings.HasPrefix(name, devPrefix) }
	}
	return func(name string) bool { return name == attrSub || slices.Contains(c.ReadAttributes, name) }
}

// mfaOptions is the legacy MFAOptions view of SMS MFA (AdminSetUserSettings).
func (u *User) mfaOptions() []cognitoidp.MFAOptionType {
	if !slices.Contains(u.MFA.Enabled, MFASMS) {
		return nil
	}
	return []cognitoidp.MFAOptionType{{DeliveryMedium: ptr(cognitoidp.DeliveryMediumTypeSms), AttributeName: ptr(attrPhone)}}
}

// adminView is AdminGetUser's answer.
func (u *User) adminView() *cognitoidp.AdminGetUserResponse {
	out := &cognitoidp.AdminGetUserResponse{
		Username:             ptr(u.Username),
		UserAttributes:       u.AttributeList(nil),
		Enabled:              ptr(u.Enabled),
		UserStatus:           ptr(u.Status),
		UserCreateDate:       shape.NewTime(u.Created),
		UserLastModifiedDate: shape.NewTime(u.Modified),
		MFAOptions:           u.mfaOptions(),
	}
	if len(u.MFA.Enabled) > 0 {
		out.UserMFASettingList = slices.Clone(u.MFA.Enabled)
	}
	if u.MFA.Preferred != "" {
		out.PreferredMfaSetting = ptr(u.MFA.Preferred)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
