package samlsp

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"testing"
)

// FuzzParseResponse feeds arbitrary SAMLResponse form values through
// ParseResponse: it must never panic, and anything it accepts must be the
// genuine signed response it was seeded with.
func FuzzParseResponse(f *testing.F) {
	w := newWorld(f, func(c *Config) { c.IDPInit = true })
	_, good := w.signIn("")
	f.Add(good.Get("SAMLResponse"))
	enc := newWorld(f, func(c *Config) { c.EncryptedResponses = true })
	_, encForm := enc.signIn("")
	f.Add(encForm.Get("SAMLResponse"))
	for _, s := range []string{"", "%%%", "PD94", base64.StdEncoding.EncodeToString([]byte(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="x" Version="2.0"/>`))} {
		f.Add(s)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, v string) {
		r := &http.Request{Method: http.MethodPost, PostForm: url.Values{"SAMLResponse": {v}}}
		a, err := w.sp.ParseResponse(ctx, r, w.requestIDs)
		if err == nil && a.NameID != "alice@example.com" {
			t.Fatalf("accepted a forged assertion: %+v", a)
		}
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("untyped error %T: %v", err, err)
			}
		}
		_, _ = enc.sp.ParseResponse(ctx, &http.Request{Method: http.MethodPost, PostForm: url.Values{"SAMLResponse": {v}}}, enc.requestIDs)
	})
}
