package federation

import "time"

// StartRequest asks to send a browser to an upstream provider.
type StartRequest struct {
	PoolID, ClientID string
	// Provider is the provider's name.
	Provider string
	// Callback is the domain's /oauth2/idpresponse URL, as the browser
	// reaches it: the upstream sends the browser back there.
	Callback string
	// Resume is the client's authorization request, opaque here, handed
	// back by Finish.
	Resume string
	// Binding is the browser's federation cookie, if it has one.
	Binding string
}

// Redirect is where to send the browser, and the cookie value that binds
// the sign-in to it (to set when it differs from the request's).
type Redirect struct {
	URL     string
	Binding string
}

// Callback is what came back to /oauth2/idpresponse.
type Callback struct {
	PoolID                  string
	State, Code             string
	Error, ErrorDescription string
	// Binding is the browser's federation cookie. FormPost marks a
	// callback posted cross-site (response_mode=form_post), which carries
	// no SameSite=Lax cookie: the state alone identifies the sign-in then.
	Binding  string
	FormPost bool
	// AppleUser is the user form field Sign in with Apple posts on a
	// user's first sign-in: JSON with name.firstName, name.lastName and
	// email.
	AppleUser string
}

// SignedIn is a user signed in through a provider.
type SignedIn struct {
	PoolID, Sub, Username string
	AuthTime              time.Time
	// Resume is the authorization request given to Start.
	Resume string
	// SAML is set for a sign-in through a SAML provider with single
	// logout (IDPSignout): what /logout needs to sign the user out of
	// the IdP too. The domain keeps it with its session.
	SAML *SAMLSession
}

// SAMLSession is the user's session at a SAML IdP, as its assertion
// named it.
type SAMLSession struct {
	Provider     string `json:"provider"`
	NameID       string `json:"name_id"`
	NameIDFormat string `json:"name_id_format,omitempty"`
	SessionIndex string `json:"session_index,omitempty"`
}

// Failure is a sign-in that failed after its authorization request was
// recovered: the domain sends the browser back to the client with
// error=Code (the upstream's own error, such as access_denied, or
// invalid_request) and Description.
type Failure struct {
	Resume, Code, Description string
}

func (f *Failure) Error() string { return "federation: " + f.Code + ": " + f.Description }
