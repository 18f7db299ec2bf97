package samlsp

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
)

func TestSignInPOSTBinding(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	action, form := w.signIn("relay-1")
	if action != w.sp.cfg.ACSURL || form.Get("RelayState") != "relay-1" {
		t.Fatalf("IdP posts to %q with RelayState %q", action, form.Get("RelayState"))
	}
	a := must(t, w.post(action, form))
	if a.NameID != "alice@example.com" || a.NameIDFormat != string(saml.EmailAddressNameIDFormat) {
		t.Errorf("NameID %q format %q", a.NameID, a.NameIDFormat)
	}
	if got := a.Attributes["urn:oid:0.9.2342.19200300.100.1.3"]; !slices.Equal(got, []string{"alice@example.com"}) {
		t.Errorf("email attribute %v", got)
	}
	if got := a.Attributes["urn:oid:2.5.4.42"]; !slices.Equal(got, []string{"Alice"}) {
		t.Errorf("given name attribute %v", got)
	}
	if got := a.Attributes["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/groups"]; !slices.Equal(got, []string{"admins", "staff"}) {
		t.Errorf("multi-valued attribute %v", got)
	}
	if a.RelayState != "relay-1" || a.SessionIndex != "session-index-1" || a.Issuer != w.sp.IDPEntityID() {
		t.Errorf("relay %q session %q issuer %q", a.RelayState, a.SessionIndex, a.Issuer)
	}
	if a.InResponseTo == "" || a.InResponseTo != w.requestIDs[0] || a.Encrypted {
		t.Errorf("InResponseTo %q (want %q), encrypted %v", a.InResponseTo, w.requestIDs[0], a.Encrypted)
	}
}

// rewrite decodes the SAMLResponse, lets f edit it, and re-encodes it.
func rewrite(t *testing.T, form url.Values, f func(root *etree.Element)) url.Values {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
	if err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		t.Fatal(err)
	}
	f(doc.Root())
	out, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	f2 := url.Values{}
	for k, v := range form {
		f2[k] = v
	}
	f2.Set("SAMLResponse", base64.StdEncoding.EncodeToString(out))
	return f2
}

func stripSignature(el *etree.Element) {
	for _, s := range el.SelectElements("Signature") {
		el.RemoveChild(s)
	}
}

func TestRefusesUnsigned(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	action, form := w.signIn("")
	unsigned := rewrite(t, form, func(root *etree.Element) {
		stripSignature(root)
		stripSignature(root.SelectElement("Assertion"))
	})
	refused(t, w.post(action, unsigned), ReasonSignature)
	// The untouched form is still good: the refusal did not burn its ids.
	must(t, w.post(action, form))
}

func TestAssertionSignatureAlone(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	action, form := w.signIn("")
	// Without the Response signature, the signed assertion still carries it.
	must(t, w.post(action, rewrite(t, form, stripSignature)))
}

func TestRefusesTampered(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	action, form := w.signIn("")
	tampered := rewrite(t, form, func(root *etree.Element) {
		root.FindElement("./Assertion/Subject/NameID").SetText("mallory@example.com")
	})
	refused(t, w.post(action, tampered), ReasonSignature)
	// Same edit with the response signature gone: the assertion's catches it.
	tampered = rewrite(t, tampered, stripSignature)
	refused(t, w.post(action, tampered), ReasonSignature)
}

func TestCommentInNameIDDoesNotTruncate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// The IdP signs "alice@example.com.evil"; a comment slipped into it
	// leaves both digests unchanged (exclusive c14n drops comments), and
	// must not make us read "alice@example.com".
	w.setMutate(func(a *saml.Assertion) { a.Subject.NameID.Value = "alice@example.com.evil" })
	action, form := w.signIn("")
	split := rewrite(t, form, func(root *etree.Element) {
		n := root.FindElement("./Assertion/Subject/NameID")
		n.Child = nil
		n.CreateText("alice@example.com")
		n.CreateComment("x")
		n.CreateText(".evil")
	})
	if a := must(t, w.post(action, split)); a.NameID != "alice@example.com.evil" {
		t.Fatalf("NameID read as %q", a.NameID)
	}
}

func TestRefusesAnotherAudience(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.setMutate(func(a *saml.Assertion) {
		a.Conditions.AudienceRestrictions = []saml.AudienceRestriction{{Audience: saml.Audience{Value: "urn:amazon:cognito:sp:us-east-1_Other"}}}
	})
	refused(t, w.post(w.signIn("")), ReasonAudience)

	w.setMutate(func(a *saml.Assertion) { a.Conditions.AudienceRestrictions = nil })
	refused(t, w.post(w.signIn("")), ReasonAudience)
}

func TestRefusesWrongRecipient(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.setMutate(func(a *saml.Assertion) {
		a.Subject.SubjectConfirmations[0].SubjectConfirmationData.Recipient = "https://elsewhere.example/saml2/idpresponse"
	})
	refused(t, w.post(w.signIn("")), ReasonDestination)
}

func TestRefusesReplay(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	action, form := w.signIn("")
	must(t, w.post(action, form))
	refused(t, w.post(action, form), ReasonReplay)
}

func TestRefusesExpired(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	action, form := w.signIn("")
	w.clk.Advance(10 * time.Minute)
	refused(t, w.post(action, form), ReasonExpired)
}

func TestRefusesNotYetValid(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	action, form := w.signIn("")
	w.clk.Advance(-10 * time.Minute)
	refused(t, w.post(action, form), ReasonExpired)
}

func TestRefusesWrongInResponseTo(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(c *Config) { c.IDPInit = true }) // even with IdP-initiated allowed
	action, form := w.signIn("")
	w.mu.Lock()
	w.requestIDs = []string{"_someotherrequest"}
	w.mu.Unlock()
	refused(t, w.post(action, form), ReasonInResponseTo)
}

func TestUnsolicited(t *testing.T) {
	t.Parallel()
	t.Run("IDPInit off", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		refused(t, w.post(w.idpInitiated("client_id=abc")), ReasonUnsolicited)
	})
	t.Run("IDPInit on", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t, func(c *Config) { c.IDPInit = true })
		a := must(t, w.post(w.idpInitiated("client_id=abc")))
		if a.InResponseTo != "" || a.RelayState != "client_id=abc" || a.NameID != "alice@example.com" {
			t.Fatalf("unsolicited assertion %+v", a)
		}
	})
}

func TestEncryptedAssertion(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(c *Config) { c.EncryptedResponses = true })
	action, form := w.signIn("")
	raw, _ := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
	if !strings.Contains(string(raw), "EncryptedAssertion") {
		t.Fatal("the IdP did not encrypt: our metadata lacks the encryption key")
	}
	a := must(t, w.post(action, form))
	if !a.Encrypted || a.NameID != "alice@example.com" || a.Attributes["urn:oid:2.5.4.42"][0] != "Alice" {
		t.Fatalf("decrypted assertion %+v", a)
	}
}

func TestEncryptedResponsesRefusesPlain(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(c *Config) { c.EncryptedResponses = true })
	// The IdP is told our metadata has no encryption key, so it sends plain.
	kept := w.spMD.SPSSODescriptors[0].KeyDescriptors[:0]
	for _, kd := range w.spMD.SPSSODescriptors[0].KeyDescriptors {
		if kd.Use != "encryption" {
			kept = append(kept, kd)
		}
	}
	w.spMD.SPSSODescriptors[0].KeyDescriptors = kept
	refused(t, w.post(w.signIn("")), ReasonNotEncrypted)
}

func TestEncryptedWithWrongKey(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(c *Config) { c.EncryptedResponses = true })
	// Our metadata advertises the IdP's own certificate: we cannot decrypt.
	for i, kd := range w.spMD.SPSSODescriptors[0].KeyDescriptors {
		if kd.Use == "encryption" {
			w.spMD.SPSSODescriptors[0].KeyDescriptors[i] = keyDescriptor("encryption", idpCert)
		}
	}
	refused(t, w.post(w.signIn("")), ReasonDecrypt)
}

// resign replaces the Response signature with a fresh one by key, so a
// test can change the response envelope and still present a signature.
func resign(t *testing.T, key *rsa.PrivateKey, cert *x509.Certificate) func(*etree.Element) {
	return func(root *etree.Element) {
		stripSignature(root)
		ctx := dsig.NewDefaultSigningContext(dsig.TLSCertKeyStore(tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key}))
		ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
		if err := ctx.SetSignatureMethod(dsig.RSASHA256SignatureMethod); err != nil {
			t.Fatal(err)
		}
		signed, err := ctx.SignEnveloped(root)
		if err != nil {
			t.Fatal(err)
		}
		kids := signed.ChildElements()
		root.InsertChildAt(root.SelectElement("Issuer").Index()+1, kids[len(kids)-1])
	}
}

func both(fs ...func(*etree.Element)) func(*etree.Element) {
	return func(root *etree.Element) {
		for _, f := range fs {
			f(root)
		}
	}
}

func TestResponseEnvelopeChecks(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sign := resign(t, idpKey, idpCert)
	cases := []struct {
		name string
		edit func(*etree.Element)
		want Reason
	}{
		{"resigned unchanged is accepted", sign, ""},
		{"response signed, assertion not", both(func(r *etree.Element) { stripSignature(r.SelectElement("Assertion")) }, sign), ""},
		{"IdP error status", both(func(r *etree.Element) {
			r.FindElement("./Status/StatusCode").CreateAttr("Value", saml.StatusRequester)
		}, sign), ReasonStatus},
		{"wrong Destination", both(func(r *etree.Element) { r.CreateAttr("Destination", "https://evil.example/acs") }, sign), ReasonDestination},
		{"wrong Issuer", both(func(r *etree.Element) { r.SelectElement("Issuer").SetText("https://evil.example/idp") }, sign), ReasonIssuer},
		{"two assertions", both(func(r *etree.Element) { r.AddChild(r.SelectElement("Assertion").Copy()) }, sign), ReasonMalformed},
		{"signed by another key", both(func(r *etree.Element) { stripSignature(r.SelectElement("Assertion")) }, resign(t, spKey, spCert)), ReasonSignature},
		{"not a Response", func(r *etree.Element) { r.Tag = "LogoutResponse" }, ReasonMalformed},
	}
	for _, c := range cases {
		action, form := w.signIn("")
		res := w.post(action, rewrite(t, form, c.edit))
		if c.want == "" {
			must(t, res)
		} else if res.Assertion != nil || res.Reason != c.want {
			t.Errorf("%s: got assertion=%v reason %q, want %q", c.name, res.Assertion != nil, res.Reason, c.want)
		}
	}
}

func TestUnsolicitedCannotBeGraftedOntoARequest(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id, _, err := w.sp.StartRedirect("")
	if err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	w.requestIDs = append(w.requestIDs, id)
	w.mu.Unlock()
	action, form := w.idpInitiated("")
	// Unsigned envelope claiming to answer our request; the signed
	// assertion inside says nothing of it.
	graft := rewrite(t, form, func(root *etree.Element) {
		stripSignature(root)
		root.CreateAttr("InResponseTo", id)
	})
	refused(t, w.post(action, graft), ReasonInResponseTo)
}
