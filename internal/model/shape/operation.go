package shape

import "context"

// Auth says how an operation is authorized, as derived from the model.
type Auth uint8

const (
	// AuthIAM operations (Admin*, pool and client management) need a
	// SigV4-signed request from a key whose grant covers the action.
	AuthIAM Auth = iota
	// AuthToken operations carry the user's access token in the body.
	AuthToken
	// AuthNone operations are public (SignUp, InitiateAuth …).
	AuthNone
)

func (a Auth) String() string {
	switch a {
	case AuthIAM:
		return "iam"
	case AuthToken:
		return "token"
	default:
		return "none"
	}
}

// Decoder turns a request body into a validated, authorized input. The
// wire edge implements it; generated code calls it with a typed pointer.
type Decoder interface {
	Decode(in Input) error
}

// Input is implemented by every generated request type.
type Input interface {
	Validate(p *Path, v *Violations)
}

// Scoped is implemented by inputs naming the user pool or identity pool
// they act on; IAM grants are checked against that resource.
type Scoped interface {
	ScopeID() string
}

// ARNed is implemented by inputs that name a resource by ARN (tagging).
type ARNed interface {
	ResourceARN() string
}

// Operation is one entry of a service's dispatch table.
type Operation struct {
	Name        string
	Auth        Auth
	Implemented bool
	// Invoke decodes the request through dec and calls the handler. The
	// result is the output struct (or nil for operations without output).
	Invoke func(ctx context.Context, dec Decoder) (any, error)
}
