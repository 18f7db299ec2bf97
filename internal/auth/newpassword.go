package auth

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/user"
)

// userAttrPrefix prefixes the attributes of a NEW_PASSWORD_REQUIRED
// challenge and answer ("userAttributes.given_name").
const userAttrPrefix = "userAttributes."

// newPasswordStep asks a user who signed in with a temporary password
// (FORCE_CHANGE_PASSWORD, after AdminCreateUser or a temporary
// AdminSetUserPassword) for a new one.
type newPasswordStep struct{}

// Next sends NEW_PASSWORD_REQUIRED with what Cognito sends:
// USER_ID_FOR_SRP, userAttributes (the user's attributes as a JSON object)
// and requiredAttributes (a JSON array of the pool's required attributes
// the user has no value for, as "userAttributes.<name>" keys).
func (newPasswordStep) Next(_ context.Context, r *Request, u *user.User, passed []string) (*Challenge, error) {
	if u.Status != user.StatusForceChangePassword || slices.Contains(passed, cognitoidp.ChallengeNameTypeNewPasswordRequired) {
		return nil, nil
	}
	attrs := map[string]string{}
	for _, a := range u.AttributesFor(r.Client) {
		if n := deref(a.Name); n != "sub" {
			attrs[n] = deref(a.Value)
		}
	}
	need := []string{}
	for _, n := range missingRequired(r.Pool, u, nil) {
		need = append(need, userAttrPrefix+n)
	}
	attrJSON, err := json.Marshal(attrs)
	if err != nil {
		return nil, err
	}
	needJSON, err := json.Marshal(need)
	if err != nil {
		return nil, err
	}
	return &Challenge{
		Name: cognitoidp.ChallengeNameTypeNewPasswordRequired,
		Parameters: map[string]string{
			"USER_ID_FOR_SRP": u.Username, "userAttributes": string(attrJSON), "requiredAttributes": string(needJSON),
		},
	}, nil
}

// answerNewPassword takes NEW_PASSWORD and any userAttributes.* values.
// Everything is checked before anything is written: the password against
// the pool's policy and history (and hashed), the attributes through the
// user directory's own validation (the client's write permissions,
// formats, mutability). Attributes, password and status are then
// committed together, with the session, so a failure changes nothing.
func (s *Service) answerNewPassword(ctx context.Context, r *Request) (*Outcome, error) {
	pw, err := r.Require("NEW_PASSWORD")
	if err != nil {
		return nil, err
	}
	u, err := s.getUser(ctx, r, r.Session.PoolID, r.Session.Sub)
	if err != nil {
		return nil, err
	}
	if u.Status != user.StatusForceChangePassword {
		return nil, errSessionInvalid // answered already, or reset by an administrator
	}
	given := map[string]string{}
	for k, v := range r.Params {
		if name, ok := strings.CutPrefix(k, userAttrPrefix); ok {
			given[name] = v
		}
	}
	// "Invalid attributes given, name is missing" (Cognito, one at a time).
	if need := missingRequired(r.Pool, u, given); len(need) > 0 {
		return nil, invalid("Invalid attributes given, " + need[0] + " is missing")
	}
	// "In a NEW_PASSWORD_REQUIRED challenge response, you can't modify a
	// required attribute that already has a value." (model)
	for _, n := range slices.Sorted(maps.Keys(given)) {
		if isRequired(r.Pool, n) && u.Attributes[n] != "" {
			return nil, invalid("Cannot modify an already provided " + n)
		}
	}
	var attrs *user.AttributeChange
	if len(given) > 0 {
		list := make([]cognitoidp.AttributeType, 0, len(given))
		for _, n := range slices.Sorted(maps.Keys(given)) {
			list = append(list, cognitoidp.AttributeType{Name: ptr(n), Value: ptr(given[n])})
		}
		if attrs, err = s.users.PrepareAttributes(r.Pool, r.Client, u, list); err != nil {
			return nil, err
		}
	}
	if err := password.Check(policyOf(r.Pool), pw); err != nil {
		return nil, err
	}
	change, err := s.users.NewPassword(ctx, r.Pool, u, pw)
	if err != nil {
		return nil, err
	}
	now := r.now
	out := &Outcome{User: u, UserChange: func(fresh *user.User) {
		change.Apply(fresh, false, now)
		fresh.Status = user.StatusConfirmed
	}}
	if attrs != nil {
		out.UserUpdate = attrs.Apply
		out.Committed = attrs.Deliver
	}
	return out, nil
}

// missingRequired lists the pool's required attributes (sub aside) that u
// has no value for and given does not supply, in schema order.
func missingRequired(p *cognitoidp.UserPoolType, u *user.User, given map[string]string) []string {
	var out []string
	for _, a := range p.SchemaAttributes {
		n := deref(a.Name)
		if a.Required != nil && *a.Required && n != "sub" && u.Attributes[n] == "" && given[n] == "" {
			out = append(out, n)
		}
	}
	return out
}

func isRequired(p *cognitoidp.UserPoolType, name string) bool {
	for _, a := range p.SchemaAttributes {
		if deref(a.Name) == name {
			return a.Required != nil && *a.Required
		}
	}
	return false
}

// policyOf is the pool's password policy. It mirrors internal/user's
// reading of PasswordPolicyType, which that package does not export.
func policyOf(p *cognitoidp.UserPoolType) password.Policy {
	if p.Policies == nil || p.Policies.PasswordPolicy == nil {
		return password.DefaultPolicy()
	}
	pp := p.Policies.PasswordPolicy
	b := func(v *bool) bool { return v != nil && *v }
	pol := password.Policy{
		RequireUppercase: b(pp.RequireUppercase), RequireLowercase: b(pp.RequireLowercase),
		RequireNumbers: b(pp.RequireNumbers), RequireSymbols: b(pp.RequireSymbols),
	}
	if pp.MinimumLength != nil {
		pol.MinimumLength = int(*pp.MinimumLength)
	}
	return pol
}
