package api_test

import (
	"bytes"
	"compress/flate"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
)

// samlSignIn signs the browser in through the SAML provider (crewjam's
// IdP answers at once) and returns the app's callback query.
func samlSignIn(t *testing.T, b *http.Client, down *oauthSite, provider string) url.Values {
	t.Helper()
	resp, page := oauthGet(t, b, down.pathAuthorizeURL("identity_provider", provider))
	action, form := "", url.Values{}
	for _, m := range samlFormField.FindAllStringSubmatch(page, -1) {
		if m[1] == "form" {
			action = html.UnescapeString(m[2])
		} else {
			form.Set(html.UnescapeString(m[2]), html.UnescapeString(m[3]))
		}
	}
	if resp.StatusCode != http.StatusOK || form.Get("SAMLResponse") == "" {
		t.Fatalf("IdP answered %d: %s", resp.StatusCode, page)
	}
	resp, err := b.PostForm(action, form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return callbackQuery(t, resp, string(body))
}

// spSigningCert is the pool's signing certificate from its SP metadata.
func (s *samlIdP) spSigningCert(t *testing.T) *x509.Certificate {
	t.Helper()
	for _, kd := range s.sp.SPSSODescriptors[0].KeyDescriptors {
		if kd.Use == "signing" {
			der, _ := base64.StdEncoding.DecodeString(kd.KeyInfo.X509Data.X509Certificates[0].Data)
			c, err := x509.ParseCertificate(der)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
	}
	t.Fatal("the SP metadata has no signing certificate")
	return nil
}

// readRedirect checks a redirect-binding message's query signature with
// cert and returns the message.
func readRedirect(t *testing.T, u *url.URL, param string, cert *x509.Certificate) []byte {
	t.Helper()
	i := strings.Index(u.RawQuery, "&Signature=")
	if i < 0 {
		t.Fatalf("unsigned redirect %s", u)
	}
	q := u.Query()
	sig, _ := base64.StdEncoding.DecodeString(q.Get("Signature"))
	h := sha256.Sum256([]byte(u.RawQuery[:i]))
	if q.Get("SigAlg") != dsig.RSASHA256SignatureMethod || rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, h[:], sig) != nil {
		t.Fatalf("the redirect's signature does not verify: %s", u)
	}
	z, _ := base64.StdEncoding.DecodeString(q.Get(param))
	msg, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// signedPost is a SAML message with an enveloped signature by the IdP,
// encoded for the HTTP-POST binding. crewjam's IdP has no single logout,
// so the test writes the IdP's messages itself.
func (s *samlIdP) signedPost(t *testing.T, el *etree.Element) string {
	t.Helper()
	ctx := dsig.NewDefaultSigningContext(dsig.TLSCertKeyStore(tls.Certificate{Certificate: [][]byte{s.cert.Raw}, PrivateKey: s.key}))
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	if err := ctx.SetSignatureMethod(dsig.RSASHA256SignatureMethod); err != nil {
		t.Fatal(err)
	}
	signed, err := ctx.SignEnveloped(el)
	if err != nil {
		t.Fatal(err)
	}
	kids := signed.ChildElements()
	el.InsertChildAt(el.SelectElement("Issuer").Index()+1, kids[len(kids)-1])
	doc := etree.NewDocument()
	doc.SetRoot(el)
	raw, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(raw)
}

// signedRedirect is a SAML message by the IdP for the HTTP-Redirect
// binding, its query signed with the IdP key.
func (s *samlIdP) signedRedirect(t *testing.T, dest, param string, el *etree.Element, relay string) string {
	t.Helper()
	doc := etree.NewDocument()
	doc.SetRoot(el)
	raw, _ := doc.WriteToBytes()
	var z bytes.Buffer
	fw, _ := flate.NewWriter(&z, flate.BestCompression)
	fw.Write(raw)
	fw.Close()
	q := param + "=" + url.QueryEscape(base64.StdEncoding.EncodeToString(z.Bytes())) + "&RelayState=" + url.QueryEscape(relay) +
		"&SigAlg=" + url.QueryEscape(dsig.RSASHA256SignatureMethod)
	h := sha256.Sum256([]byte(q))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, h[:])
	if err != nil {
		t.Fatal(err)
	}
	return dest + "?" + q + "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
}

// hasSession reports whether the browser is still signed in on the
// domain: an authorization request then completes without a page.
func hasSession(t *testing.T, b *http.Client, down *oauthSite) bool {
	t.Helper()
	resp, _ := oauthGet(t, b, down.pathAuthorizeURL())
	return resp.StatusCode == http.StatusFound && strings.HasPrefix(resp.Header.Get("Location"), oauthCallback)
}

// TestFederationSAMLSingleLogout: with IDPSignout, /logout of a user who
// signed in through the SAML IdP sends the browser to the IdP's
// SingleLogoutService with a LogoutRequest signed by the pool's key for
// the NameID and SessionIndex of the sign-in; the IdP's signed
// LogoutResponse posted to /saml2/logout sends it on to the logout_uri,
// once; an unsigned one is refused. A LogoutRequest the IdP starts ends
// the user's sessions (found by NameID, with no cookie) and is answered
// with a LogoutResponse signed by the pool.
func TestFederationSAMLSingleLogout(t *testing.T) {
	down := newFedSite(t)
	up := newSAMLIdP(t)
	createIdP(t, down.idp, down.poolID, "Saml", types.IdentityProviderTypeTypeSaml,
		map[string]string{"MetadataFile": up.metadata(t), "IDPSignout": "true"}, map[string]string{"email": "urn:oid:0.9.2342.19200300.100.1.3"})
	supportProviders(t, down, "Saml")
	b := fedBrowser(t)
	_, md := oauthGet(t, b, down.c.URL+"/"+down.poolID+"/saml2/metadata?identity_provider=Saml")
	up.sp = &saml.EntityDescriptor{}
	if err := xml.Unmarshal([]byte(md), up.sp); err != nil {
		t.Fatal(err)
	}
	spCert := up.spSigningCert(t)
	sloURL := down.c.URL + "/" + down.poolID + "/saml2/logout"

	if q := samlSignIn(t, b, down, "Saml"); q.Get("code") == "" || !hasSession(t, b, down) {
		t.Fatalf("sign-in: %v", q)
	}
	resp, page := oauthGet(t, b, down.c.URL+"/"+down.poolID+"/logout?"+url.Values{"client_id": {down.clientID}, "logout_uri": {oauthLogout}}.Encode())
	if resp.StatusCode != http.StatusOK || page != "signed out at the IdP" {
		t.Fatalf("logout: %d at %s: %s", resp.StatusCode, resp.Request.URL, page)
	}
	got := <-up.slo
	var lr saml.LogoutRequest
	if err := xml.Unmarshal(readRedirect(t, got.URL, "SAMLRequest", spCert), &lr); err != nil {
		t.Fatal(err)
	}
	if lr.NameID == nil || lr.NameID.Value != "alice@example.com" || lr.SessionIndex == nil || lr.SessionIndex.Value != "i1" ||
		lr.Issuer.Value != "urn:amazon:cognito:sp:"+down.poolID || lr.Destination != up.idp.LogoutURL.String() {
		t.Errorf("LogoutRequest %+v", lr)
	}
	if hasSession(t, b, down) {
		t.Error("the domain's session outlived /logout")
	}
	answer := func(inResponseTo string, signed bool) url.Values {
		el := (&saml.LogoutResponse{
			ID: "_r" + randomHex(t), InResponseTo: inResponseTo, Version: "2.0", IssueInstant: time.Now().UTC(), Destination: sloURL,
			Issuer: &saml.Issuer{Value: up.idp.MetadataURL.String()}, Status: saml.Status{StatusCode: saml.StatusCode{Value: saml.StatusSuccess}},
		}).Element()
		v := ""
		if signed {
			v = up.signedPost(t, el)
		} else {
			doc := etree.NewDocument()
			doc.SetRoot(el)
			raw, _ := doc.WriteToBytes()
			v = base64.StdEncoding.EncodeToString(raw)
		}
		return url.Values{"SAMLResponse": {v}, "RelayState": {got.URL.Query().Get("RelayState")}}
	}
	post := func(form url.Values) *http.Response {
		resp, err := b.PostForm(sloURL, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := post(answer(lr.ID, false)); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unsigned LogoutResponse: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The unsigned answer spent the RelayState: a new logout is needed.
	// Sign in again, sign out again, and answer properly this time.
	samlSignIn(t, b, down, "Saml")
	oauthGet(t, b, down.c.URL+"/"+down.poolID+"/logout?"+url.Values{"client_id": {down.clientID}, "logout_uri": {oauthLogout}}.Encode())
	got = <-up.slo
	if err := xml.Unmarshal(readRedirect(t, got.URL, "SAMLRequest", spCert), &lr); err != nil {
		t.Fatal(err)
	}
	good := answer(lr.ID, true)
	if resp := post(good); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != oauthLogout {
		t.Fatalf("LogoutResponse: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := post(good); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("replayed LogoutResponse: %d", resp.StatusCode)
	}

	// IdP-initiated: the browser is signed in; the IdP's LogoutRequest
	// comes from elsewhere (no cookie) and still ends its session.
	samlSignIn(t, b, down, "Saml")
	if !hasSession(t, b, down) {
		t.Fatal("no session after sign-in")
	}
	reqEl := (&saml.LogoutRequest{
		ID: "_q" + randomHex(t), Version: "2.0", IssueInstant: time.Now().UTC(), Destination: sloURL,
		Issuer: &saml.Issuer{Value: up.idp.MetadataURL.String()}, NameID: &saml.NameID{Value: "alice@example.com"},
	}).Element()
	other := fedBrowser(t)
	resp, _ = oauthGet(t, noRedirects(other), up.signedRedirect(t, sloURL, "SAMLRequest", reqEl, "idp-state"))
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc == nil || !strings.HasPrefix(loc.String(), up.idp.LogoutURL.String()+"?") {
		t.Fatalf("IdP-initiated logout answered %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var out saml.LogoutResponse
	if err := xml.Unmarshal(readRedirect(t, loc, "SAMLResponse", spCert), &out); err != nil {
		t.Fatal(err)
	}
	if out.Status.StatusCode.Value != saml.StatusSuccess || !strings.HasPrefix(out.InResponseTo, "_q") || loc.Query().Get("RelayState") != "idp-state" {
		t.Errorf("LogoutResponse %+v", out)
	}
	if hasSession(t, b, down) {
		t.Error("the IdP's LogoutRequest left the session")
	}
	// A LogoutRequest whose query was edited after signing is refused.
	forged := strings.Replace(up.signedRedirect(t, sloURL, "SAMLRequest", reqEl, "a"), "RelayState=a", "RelayState=b", 1)
	if resp, _ := oauthGet(t, noRedirects(other), forged); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("forged LogoutRequest: %d", resp.StatusCode)
	}
}

func noRedirects(b *http.Client) *http.Client {
	c := *b
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func randomHex(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return strings.ToLower(base64.RawURLEncoding.EncodeToString(b))
}
