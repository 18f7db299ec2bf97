package userimport

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/user"
)

// rowError is why a row was not imported, logged with its line number.
type rowError string

func (e rowError) Error() string { return string(e) }

// errNoAutoVerified is Cognito's log line for a row that verifies none of
// the pool's auto-verified attributes (developer guide, Viewing the user
// pool import results).
const errNoAutoVerified = rowError("The User Record does not set any of the auto verified attributes to true. (Example: email_verified to true).")

// parseRow reads one data line of the file against its header into the
// user to create, applying the rules of the file format ("Formatting the
// .csv file", developer guide); the rules of users themselves are
// user.Service.Import's.
func parseRow(p *cognitoidp.UserPoolType, cols []string, line string) (user.ImportedUser, error) {
	var in user.ImportedUser
	if !utf8.ValidString(line) {
		return in, rowError("The record is not valid UTF-8.")
	}
	if utf8.RuneCountInString(line) > maxRowChars {
		return in, rowError("The record is longer than 16,000 characters.")
	}
	vals := fields(line)
	if len(vals) != len(cols) {
		return in, rowError("The record has " + strconv.Itoa(len(vals)) + " values but the header has " +
			strconv.Itoa(len(cols)) + " columns; escape commas in values with a backslash.")
	}
	in.Attributes = map[string]string{}
	var mfa string
	for i, c := range cols {
		v := vals[i]
		switch c {
		case colUsername:
			in.Username = v
		case colMFAEnabled:
			mfa = strings.ToLower(v)
		default:
			if v == "" {
				continue
			}
			v, err := normalize(p, c, v)
			if err != nil {
				return in, err
			}
			in.Attributes[c] = v
		}
	}
	if in.Username == "" {
		return in, rowError("The cognito:username value is required.")
	}
	if err := checkMFA(p, mfa); err != nil {
		return in, err
	}
	in.MFAEnabled = mfa == "true"
	if !autoVerified(p, in.Attributes) {
		return in, errNoAutoVerified
	}
	return in, nil
}

// normalize turns a value in the file's conventions into the attribute's
// stored form: booleans in any case ("TRUE" in the guide's sample file)
// become true or false, and a birthdate "in the format mm/dd/yyyy"
// becomes the YYYY-MM-DD of OpenID Connect that the rest of cirro (and
// tokens) use. Other values are checked by user.Service.Import.
func normalize(p *cognitoidp.UserPoolType, name, v string) (string, error) {
	if name == "birthdate" {
		if t, err := time.Parse("01/02/2006", v); err == nil {
			return t.Format("2006-01-02"), nil
		}
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return "", rowError("The birthdate value must be in the format mm/dd/yyyy.")
		}
		return v, nil
	}
	for _, a := range p.SchemaAttributes {
		if deref(a.Name) == name && deref(a.AttributeDataType) == cognitoidp.AttributeDataTypeBoolean {
			if l := strings.ToLower(v); l == "true" || l == "false" {
				return l, nil
			}
		}
	}
	return v, nil
}

// checkMFA: "The cognito:mfa_enabled field is required. If you've set
// multi-factor authentication (MFA) to be required in your user pool,
// this field must be true for all users. If you've set MFA to be off,
// this field must be false for all users. If you've set MFA to be
// optional, this field can be either true or false, but it can't be
// empty."
func checkMFA(p *cognitoidp.UserPoolType, v string) error {
	if v != "true" && v != "false" {
		return rowError("The cognito:mfa_enabled value must be true or false.")
	}
	switch deref(p.MfaConfiguration) {
	case cognitoidp.UserPoolMfaTypeOn:
		if v != "true" {
			return rowError("The cognito:mfa_enabled value must be true: MFA is required in this user pool.")
		}
	case cognitoidp.UserPoolMfaTypeOptional:
	default:
		if v != "false" {
			return rowError("The cognito:mfa_enabled value must be false: MFA is off in this user pool.")
		}
	}
	return nil
}

// autoVerified: "At least one of the auto-verified attributes must be
// true for each user … If the user pool only has one auto-verified
// attribute, that attribute must be verified for each user."
func autoVerified(p *cognitoidp.UserPoolType, attrs map[string]string) bool {
	for _, a := range p.AutoVerifiedAttributes {
		if attrs[a+"_verified"] == "true" {
			return true
		}
	}
	return false
}

// hasAutoVerified: "If the user pool has no auto-verified attributes, the
// import job will not start."
func hasAutoVerified(p *cognitoidp.UserPoolType) bool { return len(p.AutoVerifiedAttributes) > 0 }
