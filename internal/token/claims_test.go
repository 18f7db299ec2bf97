package token

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// decoded is a token split into header and claims, for assertions.
type decoded struct {
	Header map[string]any `json:"header"`
	Claims map[string]any `json:"claims"`
}

func decode(t testing.TB, token string) decoded {
	t.Helper()
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	var d decoded
	hdr := jws.Signatures[0].Header
	d.Header = map[string]any{"alg": hdr.Algorithm, "kid": hdr.KeyID}
	for k, v := range hdr.ExtraHeaders {
		d.Header[string(k)] = v
	}
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &d.Claims); err != nil {
		t.Fatal(err)
	}
	return d
}

// normalize replaces the random values of a decoded token by markers,
// after checking their format, so the rest can be compared byte for byte.
func normalize(t testing.TB, d decoded, poolID, clientID string) decoded {
	t.Helper()
	for _, k := range []string{"jti", "origin_jti", "event_id"} {
		if v, ok := d.Claims[k]; ok {
			if s, _ := v.(string); !uuidRE.MatchString(s) {
				t.Errorf("%s = %v, want a UUID v4", k, v)
			}
			d.Claims[k] = "<uuid>"
		}
	}
	if kid, _ := d.Header["kid"].(string); len(kid) != 44 {
		t.Errorf("kid %q, want 44 characters of base64", kid)
	}
	d.Header["kid"] = "<kid>"
	if iss := d.Claims["iss"]; iss != publicURL+"/"+poolID {
		t.Errorf("iss %v, want %s/%s", iss, publicURL, poolID)
	}
	d.Claims["iss"] = publicURL + "/<pool>"
	for _, k := range []string{"aud", "client_id"} {
		if v, ok := d.Claims[k]; ok {
			if v != clientID {
				t.Errorf("%s %v, want %s", k, v, clientID)
			}
			d.Claims[k] = "<client>"
		}
	}
	if _, ok := d.Claims["at_hash"]; ok {
		d.Claims["at_hash"] = "<at_hash>"
	}
	return d
}

func golden(t *testing.T, name string, got any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs from %s:\n%s", name, path, b)
	}
}

// richSubject has every kind of attribute and group the claims treat
// specially.
func richSubject() Subject {
	return Subject{
		Sub:      "8f0b7a52-3c1d-4e8a-9b7e-2a6c5d4e3f21",
		Username: "jane",
		Attributes: map[string]string{
			"email": "jane@example.com", "email_verified": "true",
			"phone_number": "+15555550100", "phone_number_verified": "false",
			"name": "Jane Doe", "updated_at": "1767322800", "address": "1 Main St, Springfield",
			"custom:team": "blue", "custom:level": "3",
			"identities": "[should never be copied]", "sub": "not-the-sub",
		},
		Groups: []Group{
			{Name: "staff"},
			{Name: "readers", Precedence: ptr(int32(5)), RoleArn: "arn:aws:iam::123456789012:role/readers"},
			{Name: "admins", Precedence: ptr(int32(1)), RoleArn: "arn:aws:iam::123456789012:role/admins"},
		},
		Identities: []Identity{{UserID: "1234567890", ProviderName: "Google", ProviderType: "Google", Primary: true, DateCreated: time.UnixMilli(1642699117273)}},
	}
}

// TestGoldenClaims pins the claims of API sign-in tokens: Cognito's claim
// names, token_use, typed attributes, groups ordered by precedence with
// the preferred role, identities, device_key, iss and validities.
func TestGoldenClaims(t *testing.T) {
	e := newEnv(t)
	toks := e.signIn(func(r *IssueRequest) {
		r.User = richSubject()
		r.AuthTime = t0.Add(-2 * time.Second)
		r.DeviceKey = "us-east-1_0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"
	})
	if toks.ExpiresIn != 3600 {
		t.Errorf("ExpiresIn %d, want 3600", toks.ExpiresIn)
	}
	id, access := decode(t, toks.IDToken), decode(t, toks.AccessToken)
	if id.Claims["origin_jti"] != access.Claims["origin_jti"] || id.Claims["event_id"] != access.Claims["event_id"] || id.Claims["origin_jti"] != toks.OriginJTI {
		t.Error("ID and access tokens of one sign-in must share origin_jti and event_id")
	}
	if id.Claims["jti"] == access.Claims["jti"] {
		t.Error("each token needs its own jti")
	}
	if id.Header["kid"] == access.Header["kid"] {
		t.Error("ID and access tokens must be signed with different keys")
	}
	golden(t, "api_id", normalize(t, id, e.poolID, *e.client.ClientId))
	golden(t, "api_access", normalize(t, access, e.poolID, *e.client.ClientId))
}

// TestGoldenClaimsOAuth pins hosted-UI tokens customised by a pre token
// generation trigger: version, at_hash, nonce, no event_id, custom
// scopes, added and suppressed claims, protected claims left alone.
func TestGoldenClaimsOAuth(t *testing.T) {
	e := newEnv(t)
	client := e.newClient(e.poolID, func(in *cognitoidp.CreateUserPoolClientRequest) {
		in.ReadAttributes = []string{"email", "email_verified", "name", "address"}
		in.IdTokenValidity, in.AccessTokenValidity = ptr(int32(5)), ptr(int32(10))
		in.TokenValidityUnits = &cognitoidp.TokenValidityUnitsType{IdToken: ptr("minutes"), AccessToken: ptr("minutes")}
	})
	toks := e.signIn(func(r *IssueRequest) {
		r.Client = client
		r.User = richSubject()
		r.OAuth = true
		r.Nonce = "n-0S6_WzA2Mj"
		r.Scopes = []string{"openid", "email", "orders/read"}
		r.Customize = Customization{
			ID: ClaimChanges{
				AddOrOverride: map[string]any{"tenant": "acme", "sub": "evil", "cognito:username": "evil", "email": "override@example.com"},
				Suppress:      []string{"name", "aud"},
			},
			Access: ClaimChanges{
				AddOrOverride: map[string]any{"tenant": "acme", "client_id": "evil", "roles": []string{"a", "b"}, "gone": true},
				Suppress:      []string{"gone", "username"},
			},
			ScopesToAdd:      []string{"orders/write", "email"},
			ScopesToSuppress: []string{"openid"},
			Groups:           &GroupOverride{Groups: []string{"vip"}, IAMRoles: []string{"arn:aws:iam::123456789012:role/vip"}, PreferredRole: "arn:aws:iam::123456789012:role/vip"},
		}
	})
	if toks.ExpiresIn != 600 {
		t.Errorf("ExpiresIn %d, want 600", toks.ExpiresIn)
	}
	id := decode(t, toks.IDToken)
	if id.Claims["at_hash"] != atHash(toks.AccessToken) {
		t.Errorf("at_hash %v does not match the access token", id.Claims["at_hash"])
	}
	golden(t, "oauth_id", normalize(t, id, e.poolID, *client.ClientId))
	golden(t, "oauth_access", normalize(t, decode(t, toks.AccessToken), e.poolID, *client.ClientId))
}

// TestClaimsWithoutRevocation: without EnableTokenRevocation, Cognito's
// tokens carry neither jti nor origin_jti.
func TestClaimsWithoutRevocation(t *testing.T) {
	e := newEnv(t)
	client := e.newClient(e.poolID, func(in *cognitoidp.CreateUserPoolClientRequest) { in.EnableTokenRevocation = ptr(false) })
	toks := e.signIn(func(r *IssueRequest) { r.Client = client })
	for _, tok := range []string{toks.IDToken, toks.AccessToken} {
		c := decode(t, tok).Claims
		if _, ok := c["jti"]; ok {
			t.Error("jti without revocation")
		}
		if _, ok := c["origin_jti"]; ok {
			t.Error("origin_jti without revocation")
		}
	}
}

func TestPreferredRole(t *testing.T) {
	arn := func(s string) string { return "arn:aws:iam::123456789012:role/" + s }
	for _, tc := range []struct {
		name   string
		groups []Group
		want   string
	}{
		{"best precedence wins", []Group{{Name: "b", Precedence: ptr(int32(2)), RoleArn: arn("b")}, {Name: "a", Precedence: ptr(int32(0)), RoleArn: arn("a")}}, arn("a")},
		{"tie, same role", []Group{{Name: "a", Precedence: ptr(int32(1)), RoleArn: arn("x")}, {Name: "b", Precedence: ptr(int32(1)), RoleArn: arn("x")}}, arn("x")},
		{"tie, different roles", []Group{{Name: "a", Precedence: ptr(int32(1)), RoleArn: arn("a")}, {Name: "b", Precedence: ptr(int32(1)), RoleArn: arn("b")}}, ""},
		{"tie below the best does not matter", []Group{{Name: "a", Precedence: ptr(int32(0)), RoleArn: arn("a")}, {Name: "b", Precedence: ptr(int32(1)), RoleArn: arn("b")}, {Name: "c", Precedence: ptr(int32(1)), RoleArn: arn("c")}}, arn("a")},
		{"no precedence ranks last", []Group{{Name: "a", RoleArn: arn("a")}, {Name: "b", Precedence: ptr(int32(9)), RoleArn: arn("b")}}, arn("b")},
		{"groups without roles are skipped", []Group{{Name: "a", Precedence: ptr(int32(0))}, {Name: "b", Precedence: ptr(int32(3)), RoleArn: arn("b")}}, arn("b")},
		{"no roles", []Group{{Name: "a"}}, ""},
	} {
		if got := groupClaims(tc.groups, nil).preferred; got != tc.want {
			t.Errorf("%s: preferred role %q, want %q", tc.name, got, tc.want)
		}
	}
}
