package trigger

import (
	"context"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/caller"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// Header is what every event carries ("User pool Lambda trigger common
// parameters" in the developer guide).
type Header struct {
	Version       string        `json:"version"`
	TriggerSource string        `json:"triggerSource"`
	Region        string        `json:"region"`
	UserPoolID    string        `json:"userPoolId"`
	UserName      string        `json:"userName"`
	CallerContext CallerContext `json:"callerContext"`
}

// CallerContext says which SDK and app client made the request.
type CallerContext struct {
	AWSSDKVersion string `json:"awsSdkVersion"`
	ClientID      string `json:"clientId"`
}

// Event is one invocation's payload: the header, what Cognito tells the
// function (Request) and what the function may change (Response, sent
// with its defaults). Functions return the whole event; only its response
// is read back.
type Event[Req, Resp any] struct {
	Header
	Request  Req  `json:"request"`
	Response Resp `json:"response"`
}

// Caller is who an event is about and on whose behalf it is sent.
type Caller struct {
	// ClientID is the app client of the request; empty for operations that
	// have none (AdminCreateUser …), for which Cognito sends
	// "CLIENT_ID_NOT_APPLICABLE".
	ClientID string
	// UserName is the user's username; for a user not yet known, the name
	// the request gave.
	UserName string
}

// Cognito's placeholders.
const (
	clientIDNotApplicable = "CLIENT_ID_NOT_APPLICABLE"
	sdkUnknown            = "aws-sdk-unknown-unknown"
)

// header fills the common part of an event. The SDK version comes from the
// request's User-Agent, as Cognito reports it: the first aws-sdk-NAME/VERSION
// product, written aws-sdk-NAME-VERSION.
func (s *Service) header(ctx context.Context, p *cognitoidp.UserPoolType, source, version string, c Caller) Header {
	h := Header{
		Version: version, TriggerSource: source, Region: s.region, UserName: c.UserName,
		CallerContext: CallerContext{AWSSDKVersion: SDKVersion(caller.From(ctx).UserAgent), ClientID: c.ClientID},
	}
	if p != nil && p.Id != nil {
		h.UserPoolID = *p.Id
	}
	if h.CallerContext.ClientID == "" {
		h.CallerContext.ClientID = clientIDNotApplicable
	}
	return h
}

// SDKVersion is the awsSdkVersion of a request with the given User-Agent.
func SDKVersion(userAgent string) string {
	for _, tok := range strings.Fields(userAgent) {
		name, ver, ok := strings.Cut(tok, "/")
		if ok && strings.HasPrefix(name, "aws-sdk-") && ver != "" {
			return name + "-" + ver
		}
	}
	return sdkUnknown
}

// UserAttributes is the userAttributes map of an event about an existing
// user, as Cognito builds it: the user's attributes, its sub,
// cognito:user_status, and cognito:email_alias / cognito:phone_number_alias
// when the pool signs users in with that verified attribute.
func UserAttributes(p *cognitoidp.UserPoolType, sub, status string, attrs map[string]string) map[string]string {
	out := make(map[string]string, len(attrs)+3)
	for k, v := range attrs {
		out[k] = v
	}
	if sub != "" {
		out["sub"] = sub
	}
	if status != "" {
		out["cognito:user_status"] = status
	}
	for _, a := range []string{"email", "phone_number"} {
		if attrs[a] != "" && attrs[a+"_verified"] == "true" && signInAttribute(p, a) {
			out["cognito:"+a+"_alias"] = attrs[a]
		}
	}
	return out
}

func signInAttribute(p *cognitoidp.UserPoolType, attr string) bool {
	return p != nil && (slices.Contains(p.AliasAttributes, attr) || slices.Contains(p.UsernameAttributes, attr))
}
