package oauth

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/oauth/ui"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// maxPageForm bounds what a page's form may post.
const maxPageForm = 32 << 10

// pageForm reads a page's form and checks its CSRF token; on failure it
// has answered.
func (h *Handler) pageForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxPageForm)
	if err := r.ParseForm(); err != nil {
		h.errorPage(w, r, http.StatusBadRequest, "invalid_request", "The form could not be read.")
		return false
	}
	if !h.checkCSRF(r) {
		h.errorPage(w, r, http.StatusForbidden, "csrf", knownErrors["csrf"])
		return false
	}
	return true
}

// poolOf reads the site's pool.
func (h *Handler) poolOf(ctx context.Context, s *site) (*cognitoidp.UserPoolType, error) {
	var p *cognitoidp.UserPoolType
	err := h.store.Read(ctx, func(tx store.Tx) (err error) {
		p, _, err = h.pools.Pool(ctx, tx, s.poolID)
		return err
	})
	return p, err
}

// baseView is what every page of an authorization request shows: the
// client's branding, the CSRF token, and the links to the other pages,
// each carrying the request.
func (h *Handler) baseView(w http.ResponseWriter, r *http.Request, a *authz) *ui.View {
	s := siteOf(r)
	v := &ui.View{Base: s.prefix, CSRF: h.csrfToken(w, r), UsernameLabel: "Username", UsernameType: "text"}
	if a == nil {
		return v
	}
	clientID := *a.client.ClientId
	v.AppName = deref(a.client.ClientName)
	brand := h.uiCustomization(r.Context(), s.poolID, clientID)
	if deref(brand.CSS) != "" {
		v.CSSURL = s.path("/static/custom.css") + "?" + url.Values{"client_id": {clientID}}.Encode()
	}
	v.LogoURL = deref(brand.ImageUrl)
	q := "?" + a.query().Encode()
	v.LoginURL, v.ForgotURL, v.ResendURL = s.path("/login")+q, s.path("/forgotPassword")+q, s.path("/confirm/resend")+q
	v.RestartURL = v.LoginURL
	if p, err := h.poolOf(r.Context(), s); err == nil {
		v.UsernameLabel, v.UsernameType = usernameField(p)
		v.PasswordRules = passwordRules(p)
		if c := p.AdminCreateUserConfig; c == nil || c.AllowAdminCreateUserOnly == nil || !*c.AllowAdminCreateUserOnly {
			v.SignUpURL = s.path("/signup") + q
		}
		v.OtherWays = len(codeFactors(p)) > 0 && slices.Contains(a.client.ExplicitAuthFlows, cognitoidp.ExplicitAuthFlowsTypeAllowUserAuth)
	}
	for _, idp := range a.client.SupportedIdentityProviders {
		if idp != cognitoProvider {
			iq := a.query()
			iq.Set("identity_provider", idp)
			v.IdPs = append(v.IdPs, ui.Link{Label: idp, URL: s.path("/oauth2/authorize") + "?" + iq.Encode()})
		}
	}
	return v
}

// usernameField labels the sign-in name by what the pool signs in with.
func usernameField(p *cognitoidp.UserPoolType) (label, typ string) {
	email, phone := slices.Contains(p.UsernameAttributes, "email"), slices.Contains(p.UsernameAttributes, "phone_number")
	switch {
	case email && phone:
		return "Email or phone number", "text"
	case email:
		return "Email", "email"
	case phone:
		return "Phone number", "tel"
	}
	label = "Username"
	for _, a := range p.AliasAttributes {
		switch a {
		case "email":
			label += " or email"
		case "phone_number":
			label += " or phone number"
		}
	}
	return label, "text"
}

// passwordRules words the pool's password policy for the pages.
func passwordRules(p *cognitoidp.UserPoolType) []string {
	min, upper, lower, number, symbol := 8, true, true, true, true
	if p.Policies != nil && p.Policies.PasswordPolicy != nil {
		pp := p.Policies.PasswordPolicy
		b := func(v *bool) bool { return v != nil && *v }
		upper, lower, number, symbol = b(pp.RequireUppercase), b(pp.RequireLowercase), b(pp.RequireNumbers), b(pp.RequireSymbols)
		if pp.MinimumLength != nil {
			min = int(*pp.MinimumLength)
		}
	}
	rules := []string{fmt.Sprintf("At least %d characters", min)}
	for _, r := range []struct {
		on   bool
		text string
	}{{upper, "An uppercase letter"}, {lower, "A lowercase letter"}, {number, "A number"}, {symbol, "A special character"}} {
		if r.on {
			rules = append(rules, r.text)
		}
	}
	return rules
}

// attributeLabels name the standard attributes on the pages.
var attributeLabels = map[string]string{
	"email": "Email", "phone_number": "Phone number", "name": "Full name", "given_name": "First name",
	"family_name": "Last name", "middle_name": "Middle name", "nickname": "Nickname",
	"preferred_username": "Preferred username", "birthdate": "Date of birth", "gender": "Gender",
	"address": "Address", "locale": "Locale", "zoneinfo": "Time zone", "website": "Website",
	"profile": "Profile page", "picture": "Picture URL",
}

// attributeField is the input of one attribute; its form name is
// "attr.<name>".
func attributeField(name string, required bool, value string) ui.Field {
	f := ui.Field{
		ID: "attr-" + strings.NewReplacer(":", "-", ".", "-").Replace(name), Name: "attr." + name,
		Label: attributeLabels[name], Type: "text", Required: required, Value: value,
	}
	if f.Label == "" {
		base := strings.TrimPrefix(name, "custom:")
		f.Label = strings.ToUpper(base[:1]) + strings.ReplaceAll(base[1:], "_", " ")
	}
	switch name {
	case "email":
		f.Type, f.Autocomplete = "email", "email"
	case "phone_number":
		f.Type, f.Autocomplete, f.Hint = "tel", "tel", "With the country code, for example +14155550100."
	case "birthdate":
		f.Type, f.Autocomplete = "date", "bday"
	case "website", "profile", "picture":
		f.Type = "url"
	case "name":
		f.Autocomplete = "name"
	case "given_name":
		f.Autocomplete = "given-name"
	case "family_name":
		f.Autocomplete = "family-name"
	case "middle_name":
		f.Autocomplete = "additional-name"
	case "nickname":
		f.Autocomplete = "nickname"
	}
	return f
}

// signUpFields are the attributes the sign-up page asks for: the pool's
// required ones and the contacts it verifies, except the one the
// username already is.
func signUpFields(p *cognitoidp.UserPoolType, form url.Values) []ui.Field {
	var out []ui.Field
	seen := map[string]bool{"sub": true}
	for _, a := range p.UsernameAttributes {
		seen[a] = true
	}
	add := func(name string, required bool) {
		if !seen[name] {
			seen[name] = true
			out = append(out, attributeField(name, required, form.Get("attr."+name)))
		}
	}
	for _, a := range p.SchemaAttributes {
		if a.Required != nil && *a.Required {
			add(deref(a.Name), true)
		}
	}
	for _, a := range p.AutoVerifiedAttributes {
		add(a, false)
	}
	return out
}

// formAttributes are the attributes a form posted (attr.<name>).
func formAttributes(form url.Values) []cognitoidp.AttributeType {
	var out []cognitoidp.AttributeType
	for k := range form {
		if name, ok := strings.CutPrefix(k, "attr."); ok && name != "" {
			if v := strings.TrimSpace(form.Get(k)); v != "" {
				out = append(out, cognitoidp.AttributeType{Name: ptr(name), Value: ptr(v)})
			}
		}
	}
	slices.SortFunc(out, func(a, b cognitoidp.AttributeType) int { return strings.Compare(*a.Name, *b.Name) })
	return out
}

// secretHash is what the page sends for a confidential client: the
// browser never holds the client secret, the domain does.
func secretHash(c *cognitoidp.UserPoolClientType, username string) *string {
	if secret := deref(c.ClientSecret); secret != "" {
		return ptr(user.SecretHash(secret, username, *c.ClientId))
	}
	return nil
}

// validatable is a generated request shape.
type validatable interface {
	Validate(*shape.Path, *shape.Violations)
}

// validate applies the model's constraints, which the API's edge applies
// before any operation runs, to a request the pages build themselves.
func validate(in validatable) string {
	var v shape.Violations
	in.Validate(&shape.Path{}, &v)
	if v.Empty() {
		return ""
	}
	return v.Message()
}

func ptr[T any](v T) *T { return &v }
