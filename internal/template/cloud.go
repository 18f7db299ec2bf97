package template

import "context"

// Services a Cloud calls, by their SigV4 signing names.
const (
	IdentityProvider = "cognito-idp"
	Identity         = "cognito-identity"
)

// Cloud makes the API calls a template's resources translate into. It
// speaks the model's own request and response types (package
// model/cognitoidp and model/cognitoidentity), so the same resource code
// runs in-process and against a remote server.
type Cloud interface {
	// Call runs operation op of service with input in (a pointer to the
	// model's request type), decoding the answer into out (a pointer to
	// the response type, or nil). Errors are *errs.Error for anything the
	// service answered.
	Call(ctx context.Context, service, op string, in, out any) error
	// Supports reports whether the server implements op, so that types
	// whose operations are not there yet are reported, not failed.
	Supports(ctx context.Context, service, op string) (bool, error)
}
