package sigv4

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// MaxSkew is how far the signing time may be from the server's clock, in
// either direction. AWS's rule, and what the SDKs' clock-skew correction
// expects.
const MaxSkew = 15 * time.Minute

// Credential is one IAM access key and what it may do.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey string
	// Actions are IAM action patterns ("cognito-idp:AdminCreateUser",
	// "cognito-idp:Admin*", "*"); empty allows every action.
	Actions []string
	// Resources are ARN patterns with IAM wildcards; empty allows every
	// resource.
	Resources []string
	// Name is the IAM user name in ARNs and logs; the key id stands in
	// when it is empty.
	Name string
}

// Verifier checks SigV4 signatures against a fixed set of credentials. It is
// safe for concurrent use.
type Verifier struct {
	keys   map[string]Credential
	now    func() time.Time
	region string
}

// Option configures a Verifier.
type Option func(*Verifier)

// WithClock sets the clock signatures are dated against (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(v *Verifier) { v.now = now }
}

// WithRegion accepts only signatures scoped to region. By default any
// region is accepted: clients pick one to sign with, and cirro serves all
// of them at one address.
func WithRegion(region string) Option {
	return func(v *Verifier) { v.region = region }
}

// NewVerifier returns a Verifier for creds. Keys without an id or secret are
// skipped (an empty secret would be a key anyone can sign with); for a
// repeated id the first entry wins.
func NewVerifier(creds []Credential, opts ...Option) *Verifier {
	v := &Verifier{keys: make(map[string]Credential, len(creds)), now: time.Now}
	for _, c := range creds {
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			continue
		}
		if _, dup := v.keys[c.AccessKeyID]; dup {
			continue
		}
		// Own the slices: the grant must not change under a live verifier.
		c.Actions = append([]string(nil), c.Actions...)
		c.Resources = append([]string(nil), c.Resources...)
		v.keys[c.AccessKeyID] = c
	}
	for _, o := range opts {
		o(v)
	}
	return v
}

// Principal is the holder of the key that signed a request.
type Principal struct {
	AccessKeyID string
	Name        string
	// Region is the region the request was signed for.
	Region string
	// SignedAt is the request's signing time.
	SignedAt time.Time

	actions   []string
	resources []string
}

// Verify checks the SigV4 signature of r, whose body has already been read
// into body, for the given signing name ("cognito-idp", "cognito-identity").
// Failures are *errs.Error with the error type and message AWS would send.
func (v *Verifier) Verify(r *http.Request, body []byte, service string) (*Principal, error) {
	values := r.Header.Values("Authorization")
	if len(values) == 0 {
		return nil, missingToken()
	}
	amzDate, httpDate := r.Header.Get("X-Amz-Date"), r.Header.Get("Date")
	a, err := parseAuthorization(values[0], amzDate != "" || httpDate != "")
	if err != nil {
		return nil, err
	}
	if len(values) > 1 {
		return nil, incomplete("Found more than one 'Authorization' header.")
	}

	signed, err := signingTime(amzDate, httpDate)
	if err != nil {
		return nil, err
	}
	now := v.now().UTC().Truncate(time.Second)
	if signed.Before(now.Add(-MaxSkew)) {
		return nil, expired(signed, now)
	}
	if signed.After(now.Add(MaxSkew)) {
		return nil, notYetCurrent(signed, now)
	}

	if !signs(a, "host") && !signs(a, ":authority") {
		return nil, invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if r.Header.Get("X-Amz-Target") != "" && !signs(a, "x-amz-target") {
		return nil, invalidSignature("'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if msg := v.scopeProblems(a, service, signed); msg != "" {
		return nil, invalidSignature(msg)
	}

	cred, ok := v.keys[a.accessKeyID]
	if !ok {
		return nil, unrecognizedClient()
	}

	payloadHash := hashHex(body)
	if declared := r.Header.Get("X-Amz-Content-Sha256"); declared != "" && declared != payloadHash {
		return nil, invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.")
	}

	canonical := canonicalRequest(r, a, payloadHash)
	want := signature(cred.SecretAccessKey, a, stringToSign(stamp(signed), a.scope(), canonical))
	if subtle.ConstantTimeCompare([]byte(want), []byte(a.signature)) != 1 {
		e := invalidSignature(msgSignatureMismatch)
		// For the operator to compare with the client's signing log; the
		// canonical request itself may hold a session token.
		e.Cause = fmt.Errorf("canonical request sha256 %s, signed headers %q", hashHex([]byte(canonical)), printable(a.signedHeaders))
		return nil, e
	}

	return &Principal{
		AccessKeyID: cred.AccessKeyID,
		Name:        cred.Name,
		Region:      a.region,
		SignedAt:    signed,
		actions:     cred.Actions,
		resources:   cred.Resources,
	}, nil
}

// signingTime reads X-Amz-Date, or else the Date header, as AWS does.
func signingTime(amzDate, httpDate string) (time.Time, error) {
	if amzDate != "" {
		if !basicFormat(amzDate) {
			return time.Time{}, badDate(amzDate)
		}
		t, err := time.Parse(timeFormat, amzDate)
		if err != nil {
			return time.Time{}, badDate(amzDate)
		}
		return t, nil
	}
	t, err := http.ParseTime(httpDate)
	if err != nil {
		return time.Time{}, badDate(httpDate)
	}
	return t.UTC(), nil
}

// basicFormat is the exact shape YYYYMMDD'T'HHMMSS'Z'; time.Parse alone
// would accept one-digit fields.
func basicFormat(s string) bool {
	if len(s) != len(timeFormat) || s[8] != 'T' || s[15] != 'Z' {
		return false
	}
	for i := 0; i < 15; i++ {
		if i != 8 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

func signs(a *authorization, header string) bool {
	for _, h := range a.headers {
		if strings.EqualFold(h, header) {
			return true
		}
	}
	return false
}

// scopeProblems lists every way the credential scope does not fit the
// request, in AWS's order and words; empty means it fits.
func (v *Verifier) scopeProblems(a *authorization, service string, signed time.Time) string {
	var b strings.Builder
	if !validRegion(a.region) || (v.region != "" && a.region != v.region) {
		fmt.Fprintf(&b, "Credential should be scoped to a valid region, not '%s'. ", printable(a.region))
	}
	if a.service != service {
		fmt.Fprintf(&b, "Credential should be scoped to correct service: '%s'. ", service)
	}
	if a.terminal != terminator {
		fmt.Fprintf(&b, "Credential should be scoped with a valid terminator: '%s', not '%s'. ", terminator, printable(a.terminal))
	}
	if ts := stamp(signed); a.date != ts[:8] {
		fmt.Fprintf(&b, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", printable(a.date), ts[:8], ts)
	}
	return b.String()
}

// validRegion accepts any plausible region name, so that local setups may
// use their own ("local", "eu-dev-1") while junk stays out of principals and logs.
func validRegion(r string) bool {
	if r == "" || len(r) > 64 {
		return false
	}
	for i := 0; i < len(r); i++ {
		c := r[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
