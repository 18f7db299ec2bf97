package sigv4

import (
	"strings"
	"testing"

	"github.com/cirrohq/cirro/internal/errs"
)

const sdkHeader = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/cognito-idp/aws4_request, " +
	"SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-target, " +
	"Signature=93625b30a9bb0c5c00ee11cf10f31975b576a12d0fa666b4643630ba9257a93f"

func TestParseAuthorization(t *testing.T) {
	a, err := parseAuthorization(sdkHeader, true)
	if err != nil {
		t.Fatal(err)
	}
	want := authorization{
		accessKeyID: "AKIDEXAMPLE", date: "20261123", region: "us-east-1", service: "cognito-idp", terminal: "aws4_request",
		signedHeaders: "content-length;content-type;host;x-amz-date;x-amz-target",
		signature:     "93625b30a9bb0c5c00ee11cf10f31975b576a12d0fa666b4643630ba9257a93f",
	}
	if a.accessKeyID != want.accessKeyID || a.date != want.date || a.region != want.region || a.service != want.service ||
		a.terminal != want.terminal || a.signedHeaders != want.signedHeaders || a.signature != want.signature {
		t.Fatalf("got %+v", a)
	}
	if len(a.headers) != 5 || a.headers[2] != "host" {
		t.Fatalf("headers %q", a.headers)
	}
	if a.scope() != "20261123/us-east-1/cognito-idp/aws4_request" {
		t.Fatalf("scope %q", a.scope())
	}
}

// Clients differ in spacing and order; all of these are one header.
func TestParseAuthorizationLayouts(t *testing.T) {
	for _, h := range []string{
		strings.ReplaceAll(sdkHeader, ", ", ","),
		strings.ReplaceAll(sdkHeader, ", ", " , "),
		"  " + sdkHeader + " ",
		strings.Replace(sdkHeader, "AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256\t", 1),
		"AWS4-HMAC-SHA256 Signature=93625b30a9bb0c5c00ee11cf10f31975b576a12d0fa666b4643630ba9257a93f, " +
			"SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-target, Credential=AKIDEXAMPLE/20261123/us-east-1/cognito-idp/aws4_request",
		sdkHeader + ", Extension=ignored",
		strings.Replace(sdkHeader, "/aws4_request", "/aws4_request/", 1),
	} {
		a, err := parseAuthorization(h, true)
		if err != nil {
			t.Errorf("%q: %v", h, err)
			continue
		}
		if a.accessKeyID != "AKIDEXAMPLE" || a.terminal != "aws4_request" || len(a.headers) != 5 || len(a.signature) != 64 {
			t.Errorf("%q: %+v", h, a)
		}
	}
}

func TestParseAuthorizationErrors(t *testing.T) {
	cases := []struct {
		header  string
		hasDate bool
		code    errs.Code
		msg     string
	}{
		{"", true, errs.MissingAuthenticationTokenException, "Missing Authentication Token"},
		{"Basic dXNlcjpwYXNz", true, errs.MissingAuthenticationTokenException, "Missing Authentication Token"},
		{"AWS4-HMAC-SHA1 Credential=a/b/c/d/e", true, errs.IncompleteSignatureException, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). "},
		{"AWS4-HMAC-SHA256", false, errs.IncompleteSignatureException, "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
			"Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
			"Authorization=" + hashed("AWS4-HMAC-SHA256") + " (hashed with SHA-256 and encoded with Base64)"},
		{"AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host", true, errs.IncompleteSignatureException, "Authorization header requires 'Signature' parameter. Authorization="},
		{"AWS4-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=host, Signature=00", true, errs.IncompleteSignatureException, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'a/b/c/d'"},
		{"AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f, SignedHeaders=host, Signature=00", true, errs.IncompleteSignatureException, "Credential must have exactly 5"},
		{"AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders, Signature=00", true, errs.IncompleteSignatureException, "Invalid key=value pair (missing equal-sign)"},
		{"AWS4-HMAC-SHA256 Credential=a/b/c/d/e, Credential=x/b/c/d/e, SignedHeaders=host, Signature=00", true, errs.IncompleteSignatureException, "Duplicate 'Credential' parameter"},
	}
	for _, tc := range cases {
		_, err := parseAuthorization(tc.header, tc.hasDate)
		e := wantCode(t, err, tc.code)
		if !strings.HasPrefix(e.Message, tc.msg) {
			t.Errorf("%q: message %q, want prefix %q", tc.header, e.Message, tc.msg)
		}
	}
}

func FuzzParseAuthorization(f *testing.F) {
	for _, seed := range []string{
		sdkHeader,
		"AWS4-HMAC-SHA256 Credential=a/b/c/d/e,SignedHeaders=,Signature=",
		"AWS4-HMAC-SHA256 ,,,=,==,Credential==/////",
		"AWS4-",
		"Bearer x",
		"AWS4-HMAC-SHA256\tCredential=AKID/20261123/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;;, Signature=zz",
		"AWS4-HMAC-SHA256 Credential=\xff\xfe/\x00/c/d/e, SignedHeaders=h\x00st, Signature=\xff",
	} {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, h string, hasDate bool) {
		a, err := parseAuthorization(h, hasDate)
		if err != nil {
			if a != nil {
				t.Fatal("result alongside an error")
			}
			if _, ok := errs.As(err); !ok {
				t.Fatalf("%T is not an *errs.Error", err)
			}
			return
		}
		if a.accessKeyID+"/"+a.scope() != strings.TrimRight(credentialOf(h), "/") {
			t.Fatalf("scope %q does not round-trip from %q", a.scope(), h)
		}
		if a.signature == "" || !hasDate {
			t.Fatalf("accepted %q (hasDate=%v) without a signature or date", h, hasDate)
		}
		if strings.Join(a.headers, ";") != a.signedHeaders {
			t.Fatalf("headers %q from %q", a.headers, a.signedHeaders)
		}
	})
}

// credentialOf finds the Credential value independently of the parser.
func credentialOf(h string) string {
	for part := range strings.SplitSeq(h, ",") {
		part = strings.TrimSpace(part)
		if i := strings.IndexAny(part, " \t"); i >= 0 && strings.HasPrefix(part, "AWS4-") {
			part = strings.TrimSpace(part[i+1:])
		}
		if k, v, ok := strings.Cut(part, "="); ok && strings.TrimSpace(k) == "Credential" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
