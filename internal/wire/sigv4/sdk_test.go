package sigv4

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/internal/errs"
)

const pool = "us-east-1_AbCdEf123"

// operations are calls a real admin client makes, with varied bodies.
var operations = map[string]func(context.Context, *cip.Client) error{
	"AdminGetUser": func(ctx context.Context, c *cip.Client) error {
		_, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String("bob")})
		return err
	},
	"AdminCreateUser unicode": func(ctx context.Context, c *cip.Client) error {
		_, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(pool),
			Username:   aws.String("zoë.山田"),
			UserAttributes: []types.AttributeType{
				{Name: aws.String("name"), Value: aws.String("Zoë 山田 🚀 \"quoted\" \\ back\tslash")},
				{Name: aws.String("email"), Value: aws.String("zoë@exämple.com")},
			},
			TemporaryPassword: aws.String("Pässwörd-1 €"),
		})
		return err
	},
	"ListUsers filter": func(ctx context.Context, c *cip.Client) error {
		_, err := c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(pool), Filter: aws.String(`email ^= "zoë"`), Limit: aws.Int32(5)})
		return err
	},
	"ListUserPools": func(ctx context.Context, c *cip.Client) error {
		_, err := c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
		return err
	},
	"AdminDeleteUser": func(ctx context.Context, c *cip.Client) error {
		_, err := c.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(pool), Username: aws.String("bob")})
		return err
	},
}

func TestSDKSignedRequestsAreAccepted(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	for _, region := range []string{"us-east-1", "eu-west-3"} {
		c := s.client(testKeyID, testSecret, "", region)
		for name, call := range operations {
			t.Run(region+"/"+name, func(t *testing.T) {
				if err := call(t.Context(), c); err != nil {
					t.Fatalf("call: %v", err)
				}
				x := s.last(t)
				if x.err != nil {
					t.Fatalf("Verify: %v", x.err)
				}
				p := x.principal
				if p.AccessKeyID != testKeyID || p.Name != testName || p.Region != region {
					t.Errorf("principal = %+v", p)
				}
				if !p.SignedAt.Equal(x.signedAt(t)) {
					t.Errorf("SignedAt = %v, want %v", p.SignedAt, x.signedAt(t))
				}
			})
		}
	}
}

// The identity-pools API signs for another service name.
func TestCognitoIdentityClientIsAccepted(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	s.service = "cognito-identity"
	c := ci.New(ci.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(testKeyID, testSecret, ""),
		Retryer:      aws.NopRetryer{},
	})
	if _, err := c.ListIdentityPools(t.Context(), &ci.ListIdentityPoolsInput{MaxResults: aws.Int32(10)}); err != nil {
		t.Fatal(err)
	}
	if x := s.last(t); x.err != nil {
		t.Fatal(x.err)
	}
}

func TestWrongSecretIsRejected(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	err := operations["AdminGetUser"](t.Context(), s.client(testKeyID, testSecret+"x", "", "us-east-1"))
	wantAPIError(t, err, errs.InvalidSignatureException, msgSignatureMismatch)
	if e := wantCode(t, s.last(t).err, errs.InvalidSignatureException); e.Cause == nil {
		t.Error("a mismatch should carry the canonical request hash for the logs")
	}
}

func TestUnknownAccessKeyIsRejected(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	err := operations["AdminGetUser"](t.Context(), s.client("AKIAUNKNOWN000000000", testSecret, "", "us-east-1"))
	wantAPIError(t, err, errs.UnrecognizedClientException, "The security token included in the request is invalid.")
}

func TestMissingAuthorizationIsRejected(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	c := cip.New(cip.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.URL),
		Credentials:  aws.AnonymousCredentials{},
		Retryer:      aws.NopRetryer{},
	})
	err := operations["AdminGetUser"](t.Context(), c)
	wantAPIError(t, err, errs.MissingAuthenticationTokenException, "Missing Authentication Token")
	if h := s.last(t).req.Header.Get("Authorization"); h != "" {
		t.Fatalf("anonymous client sent Authorization %q", h)
	}
}

func TestSessionTokenIsAccepted(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	const token = "FwoGZXIvYXdzEJr//////////wEaDCIRROSESSIONTOKEN+/="
	if err := operations["AdminCreateUser unicode"](t.Context(), s.client(testKeyID, testSecret, token, "us-east-1")); err != nil {
		t.Fatal(err)
	}
	x := s.last(t)
	if x.err != nil {
		t.Fatal(x.err)
	}
	if x.req.Header.Get("X-Amz-Security-Token") != token || !strings.Contains(x.req.Header.Get("Authorization"), "x-amz-security-token") {
		t.Fatalf("the SDK did not sign the session token: %v", x.req.Header)
	}

	// The token is covered by the signature even though it is not checked.
	r := x.clone()
	r.Header.Set("X-Amz-Security-Token", token+"x")
	_, err := s.verifier.Verify(r, x.body, idp)
	wantCode(t, err, errs.InvalidSignatureException)
}

// validExchange makes one real signed call and returns it as received.
func validExchange(t *testing.T, s *server, op string) exchange {
	t.Helper()
	if err := operations[op](t.Context(), s.client(testKeyID, testSecret, "", "us-east-1")); err != nil {
		t.Fatal(err)
	}
	x := s.last(t)
	if x.err != nil {
		t.Fatal(x.err)
	}
	return x
}

func TestTamperedRequestsAreRejected(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	x := validExchange(t, s, "AdminCreateUser unicode")

	cases := map[string]struct {
		tamper func(r *http.Request, body []byte) []byte
		code   errs.Code
	}{
		"body one byte changed": {func(_ *http.Request, b []byte) []byte {
			b = append([]byte(nil), b...)
			b[len(b)-2] ^= 1
			return b
		}, errs.InvalidSignatureException},
		"body extended": {func(_ *http.Request, b []byte) []byte { return append(append([]byte(nil), b...), ' ') }, errs.InvalidSignatureException},
		"body empty":    {func(*http.Request, []byte) []byte { return nil }, errs.InvalidSignatureException},
		"signed target changed": {func(r *http.Request, b []byte) []byte {
			r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminDeleteUser")
			return b
		}, errs.InvalidSignatureException},
		"signed content type changed": {func(r *http.Request, b []byte) []byte {
			r.Header.Set("Content-Type", "application/json")
			return b
		}, errs.InvalidSignatureException},
		"host changed": {func(r *http.Request, b []byte) []byte {
			r.Host = "cognito-idp.us-east-1.amazonaws.com"
			return b
		}, errs.InvalidSignatureException},
		"signed header removed": {func(r *http.Request, b []byte) []byte {
			r.Header.Del("Amz-Sdk-Invocation-Id")
			return b
		}, errs.InvalidSignatureException},
		"signed header duplicated": {func(r *http.Request, b []byte) []byte {
			r.Header.Add("Content-Type", "text/plain")
			return b
		}, errs.InvalidSignatureException},
		"method changed": {func(r *http.Request, b []byte) []byte {
			r.Method = http.MethodPut
			return b
		}, errs.InvalidSignatureException},
		"path changed": {func(r *http.Request, b []byte) []byte {
			r.URL.Path = "/admin"
			return b
		}, errs.InvalidSignatureException},
		"query added": {func(r *http.Request, b []byte) []byte {
			r.URL.RawQuery = "Action=AdminDeleteUser"
			return b
		}, errs.InvalidSignatureException},
		"signature changed": {func(r *http.Request, b []byte) []byte {
			h := r.Header.Get("Authorization")
			last := h[len(h)-1]
			r.Header.Set("Authorization", h[:len(h)-1]+string("01"[(last-'0'+1)%2]))
			return b
		}, errs.InvalidSignatureException},
		"signature truncated": {func(r *http.Request, b []byte) []byte {
			h := r.Header.Get("Authorization")
			r.Header.Set("Authorization", h[:len(h)-2])
			return b
		}, errs.InvalidSignatureException},
		"signed header dropped from the list": {func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "content-type;", "", 1))
			return b
		}, errs.InvalidSignatureException},
		"target unsigned": {func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-amz-target", "", 1))
			return b
		}, errs.InvalidSignatureException},
		"content hash that does not match the body": {func(r *http.Request, b []byte) []byte {
			r.Header.Set("X-Amz-Content-Sha256", hashHex([]byte("{}")))
			return b
		}, errs.InvalidSignatureException},
		"date moved by a second": {func(r *http.Request, b []byte) []byte {
			at, _ := time.Parse(timeFormat, r.Header.Get("X-Amz-Date"))
			r.Header.Set("X-Amz-Date", stamp(at.Add(time.Second)))
			return b
		}, errs.InvalidSignatureException},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := x.clone()
			body := tc.tamper(r, x.body)
			_, err := s.verifier.Verify(r, body, idp)
			wantCode(t, err, tc.code)
		})
	}

	t.Run("unsigned header changed", func(t *testing.T) {
		r := x.clone()
		r.Header.Set("User-Agent", "something else")
		r.Header.Set("Accept-Encoding", "br")
		r.Header.Set("X-Forwarded-For", "10.0.0.1")
		if _, err := s.verifier.Verify(r, x.body, idp); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("untouched copy", func(t *testing.T) {
		if _, err := s.verifier.Verify(x.clone(), x.body, idp); err != nil {
			t.Fatal(err)
		}
	})
}

func TestClockSkew(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	x := validExchange(t, s, "AdminGetUser")
	signed := x.signedAt(t)

	cases := []struct {
		serverClock time.Duration // relative to the signing time
		want        errs.Code     // "" = accepted
		msgPrefix   string
	}{
		{0, "", ""},
		{14 * time.Minute, "", ""},
		{15 * time.Minute, "", ""},
		{15*time.Minute + time.Second, errs.InvalidSignatureException, "Signature expired: "},
		{16 * time.Minute, errs.InvalidSignatureException, "Signature expired: "},
		{-14 * time.Minute, "", ""},
		{-15 * time.Minute, "", ""},
		{-16 * time.Minute, errs.InvalidSignatureException, "Signature not yet current: "},
		{-24 * time.Hour, errs.InvalidSignatureException, "Signature not yet current: "},
	}
	for _, tc := range cases {
		t.Run(tc.serverClock.String(), func(t *testing.T) {
			v := NewVerifier(testCreds, at(signed.Add(tc.serverClock)))
			_, err := v.Verify(x.clone(), x.body, idp)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e := wantCode(t, err, tc.want)
			if !strings.HasPrefix(e.Message, tc.msgPrefix) {
				t.Fatalf("message %q", e.Message)
			}
		})
	}
}

func TestWrongServiceInScopeIsRejected(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	x := validExchange(t, s, "AdminGetUser")
	_, err := s.verifier.Verify(x.clone(), x.body, "cognito-identity")
	e := wantCode(t, err, errs.InvalidSignatureException)
	if e.Message != "Credential should be scoped to correct service: 'cognito-identity'. " {
		t.Fatalf("message %q", e.Message)
	}
}

func TestRegionOption(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds, WithRegion("us-east-1")))
	if err := operations["AdminGetUser"](t.Context(), s.client(testKeyID, testSecret, "", "us-east-1")); err != nil {
		t.Fatal(err)
	}
	err := operations["AdminGetUser"](t.Context(), s.client(testKeyID, testSecret, "", "eu-west-1"))
	wantAPIError(t, err, errs.InvalidSignatureException, "Credential should be scoped to a valid region, not 'eu-west-1'. ")
}

func TestMalformedAuthorizationIsRejected(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	x := validExchange(t, s, "AdminGetUser")
	good := x.req.Header.Get("Authorization")

	cases := map[string]struct {
		header string
		code   errs.Code
		msg    string // prefix
	}{
		"other scheme":        {"Bearer eyJhbGciOi", errs.MissingAuthenticationTokenException, "Missing Authentication Token"},
		"AWS signature v2":    {"AWS " + testKeyID + ":frJIUN8DYpKDtOLCwo//yllqDzg=", errs.MissingAuthenticationTokenException, ""},
		"SigV4a":              {strings.Replace(good, algorithm, "AWS4-ECDSA-P256-SHA256", 1), errs.IncompleteSignatureException, "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'"},
		"algorithm only":      {algorithm, errs.IncompleteSignatureException, "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization="},
		"no signature":        {good[:strings.Index(good, ", Signature=")], errs.IncompleteSignatureException, "Authorization header requires 'Signature' parameter. Authorization="},
		"empty signature":     {good[:strings.Index(good, "Signature=")+len("Signature=")], errs.IncompleteSignatureException, "Authorization header requires 'Signature' parameter."},
		"missing equal sign":  {strings.Replace(good, "SignedHeaders=", "SignedHeaders ", 1), errs.IncompleteSignatureException, "Invalid key=value pair (missing equal-sign) in Authorization header"},
		"duplicate parameter": {good + ", Signature=00", errs.IncompleteSignatureException, "Duplicate 'Signature' parameter"},
		"short credential":    {strings.Replace(good, "/aws4_request", "", 1), errs.IncompleteSignatureException, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + testKeyID + "/"},
		"bad terminator":      {strings.Replace(good, "/aws4_request", "/aws5_request", 1), errs.InvalidSignatureException, "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "},
		"no host":             {strings.Replace(good, "host;", "", 1), errs.InvalidSignatureException, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		"empty signed list":   {good[:strings.Index(good, "SignedHeaders=")] + "SignedHeaders=, " + good[strings.Index(good, "Signature="):], errs.InvalidSignatureException, "'Host' or ':authority' must be a 'SignedHeader'"},
		"scope date mismatch": {strings.Replace(good, "/"+x.req.Header.Get("X-Amz-Date")[:8]+"/", "/19991231/", 1), errs.InvalidSignatureException, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '19991231' != '" + x.req.Header.Get("X-Amz-Date")[:8] + "', from '" + x.req.Header.Get("X-Amz-Date") + "'."},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := x.clone()
			r.Header.Set("Authorization", tc.header)
			_, err := s.verifier.Verify(r, x.body, idp)
			e := wantCode(t, err, tc.code)
			if !strings.HasPrefix(e.Message, tc.msg) {
				t.Fatalf("message %q, want prefix %q", e.Message, tc.msg)
			}
			if strings.Contains(e.Message, good[strings.Index(good, "Signature=")+len("Signature="):]) {
				t.Fatalf("message echoes the signature: %q", e.Message)
			}
		})
	}

	t.Run("no date header", func(t *testing.T) {
		r := x.clone()
		r.Header.Del("X-Amz-Date")
		_, err := s.verifier.Verify(r, x.body, idp)
		e := wantCode(t, err, errs.IncompleteSignatureException)
		if !strings.HasPrefix(e.Message, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ") {
			t.Fatalf("message %q", e.Message)
		}
	})
	for _, bad := range []string{"2026-11-23T10:10:10Z", "20261123T101010", "20261123t101010z", "20261323T101010Z", "2026112T3101010Z", "+0261123T101010Z"} {
		t.Run("bad date "+bad, func(t *testing.T) {
			r := x.clone()
			r.Header.Set("X-Amz-Date", bad)
			_, err := s.verifier.Verify(r, x.body, idp)
			e := wantCode(t, err, errs.IncompleteSignatureException)
			if e.Message != "Date must be in ISO-8601 'basic format'. Got '"+bad+"'. See http://en.wikipedia.org/wiki/ISO_8601" {
				t.Fatalf("message %q", e.Message)
			}
		})
	}
	t.Run("two authorization headers", func(t *testing.T) {
		r := x.clone()
		r.Header.Add("Authorization", good)
		_, err := s.verifier.Verify(r, x.body, idp)
		wantCode(t, err, errs.IncompleteSignatureException)
	})
}
