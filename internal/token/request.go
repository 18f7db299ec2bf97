package token

import (
	"errors"
	"time"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// ScopeAdmin is the scope of tokens from API sign-in: it authorizes the
// user's self-service operations (GetUser, ChangePassword …).
const ScopeAdmin = "aws.cognito.signin.user.admin"

// IssueRequest is everything a sign-in knows that goes into its tokens.
type IssueRequest struct {
	PoolID string
	// Client is the app client's configuration: its id, token validities
	// and units, ReadAttributes (which attributes the ID token carries) and
	// EnableTokenRevocation (whether tokens carry jti and origin_jti).
	Client *cognitoidp.UserPoolClientType
	User   Subject
	// AuthTime is when the user authenticated; zero means now.
	AuthTime time.Time
	// Scopes of the access token; nil means ScopeAdmin, as for API sign-in.
	Scopes []string
	// EventID is the auth event of the sign-in (AdminListUserAuthEvents);
	// empty means a fresh one, except for OAuth sign-ins, whose tokens
	// Cognito issues without event_id.
	EventID string
	// DeviceKey is the remembered device, if any: it goes into the access
	// token and binds the refresh token to the device.
	DeviceKey string
	// OAuth marks tokens from the hosted UI's token endpoint: the access
	// token carries "version": 2 and the ID token at_hash, as Cognito's do.
	OAuth bool
	// Nonce is the OIDC nonce of an authorization request (ID token only).
	Nonce string
	// NoRefreshToken issues ID and access tokens only (implicit grant).
	NoRefreshToken bool
	// Customize is the outcome of the pre token generation trigger.
	Customize Customization
}

// Subject is the user the tokens are about.
type Subject struct {
	Sub      string
	Username string
	// Attributes are the user's attributes by Cognito name (email,
	// email_verified, custom:team …), values as stored. Only those the
	// client may read go into the ID token.
	Attributes map[string]string
	Groups     []Group
	// Identities are linked federated identities (the identities claim).
	Identities []Identity
}

// Group is a group the user belongs to.
type Group struct {
	Name       string
	Precedence *int32 // nil: no precedence, after every group that has one
	RoleArn    string
}

// Identity is a linked federated identity.
type Identity struct {
	UserID       string
	ProviderName string
	ProviderType string
	Issuer       string // empty: null, as Cognito writes it for social providers
	Primary      bool
	DateCreated  time.Time
}

// Customization is what the pre token generation trigger may change: for
// each token, claims to add or override and claims to suppress; for the
// access token, scopes; for both, the groups. Claims Cognito protects
// (Protected) are never changed, whatever is asked.
type Customization struct {
	ID               ClaimChanges
	Access           ClaimChanges
	ScopesToAdd      []string
	ScopesToSuppress []string
	// Groups, when not nil, replaces the group claims of both tokens; an
	// empty GroupOverride suppresses them (Cognito: "If you provide an
	// empty or null object in the response, then the groups are
	// suppressed").
	Groups *GroupOverride
}

// ClaimChanges are the claim changes for one token. Values must marshal
// to JSON. A claim both overridden and suppressed is suppressed, as
// Cognito documents.
type ClaimChanges struct {
	AddOrOverride map[string]any
	Suppress      []string
}

// GroupOverride replaces cognito:groups, cognito:roles and
// cognito:preferred_role.
type GroupOverride struct {
	Groups        []string
	IAMRoles      []string
	PreferredRole string
}

// Tokens are what a sign-in or a refresh returns.
type Tokens struct {
	IDToken     string
	AccessToken string
	// RefreshToken is empty after a refresh without rotation.
	RefreshToken string
	// ExpiresIn is the access token's lifetime in seconds.
	ExpiresIn int32
	// OriginJTI identifies the sign-in session the tokens belong to.
	OriginJTI string
}

// Result is the tokens as the API returns them.
func (t *Tokens) Result() *cognitoidp.AuthenticationResultType {
	bearer := "Bearer"
	r := &cognitoidp.AuthenticationResultType{
		AccessToken: &t.AccessToken, IdToken: &t.IDToken, ExpiresIn: &t.ExpiresIn, TokenType: &bearer,
	}
	if t.RefreshToken != "" {
		r.RefreshToken = &t.RefreshToken
	}
	return r
}

func (r *IssueRequest) check() error {
	switch {
	case r.PoolID == "" || !ValidPoolID(r.PoolID):
		return errors.New("token: IssueRequest without a valid PoolID")
	case r.Client == nil || r.Client.ClientId == nil || *r.Client.ClientId == "":
		return errors.New("token: IssueRequest without a client")
	case r.Client.UserPoolId != nil && *r.Client.UserPoolId != r.PoolID:
		return errors.New("token: IssueRequest client belongs to another pool")
	case r.User.Sub == "" || r.User.Username == "":
		return errors.New("token: IssueRequest without sub and username")
	}
	return nil
}
