package passkey

import (
	"context"
	"net/url"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// party is a pool's relying party as the ceremonies need it.
type party struct {
	id string
	uv protocol.UserVerificationRequirement
}

// relyingParty reads pool p's passkey settings: errNotEnabled unless the
// pool lets users sign in with a passkey (WEB_AUTHN among its first
// factors) or use one as MFA. The relying party id is
// WebAuthnConfiguration.RelyingPartyId, else the custom domain, else the
// prefix domain's host; none is errConfigMissing.
func (s *Service) relyingParty(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType) (*party, error) {
	poolID := *p.Id
	m, err := s.Pools.MfaConfig(ctx, tx, poolID)
	if err != nil {
		return nil, err
	}
	w := m.WebAuthnConfiguration
	if w == nil {
		w = &cognitoidp.WebAuthnConfigurationType{}
	}
	pt := &party{uv: protocol.VerificationPreferred}
	if w.UserVerification != nil && *w.UserVerification == cognitoidp.UserVerificationTypeRequired {
		pt.uv = protocol.VerificationRequired
	}
	on := auth.FirstFactorAllowed(p, cognitoidp.AuthFactorTypeWebAuthn) ||
		w.FactorConfiguration != nil && *w.FactorConfiguration == cognitoidp.WebAuthnFactorConfigurationTypeMultiFactorWithUserVerification
	if !on {
		return nil, errNotEnabled
	}
	if w.RelyingPartyId != nil {
		pt.id = strings.ToLower(*w.RelyingPartyId)
	}
	if pt.id == "" {
		prefix, custom, err := s.Pools.PoolDomains(ctx, tx, poolID)
		if err != nil {
			return nil, err
		}
		switch {
		case custom != "":
			pt.id = custom
		case prefix != "":
			pt.id = s.Pools.PrefixHost(prefix)
		}
	}
	if pt.id == "" {
		return nil, errConfigMissing
	}
	return pt, nil
}

// ceremony is go-webauthn configured for relying party rpID and, for the
// verification of a response, the one origin the response came from
// (allowedOrigin has accepted it); Begin* needs no origin.
func ceremony(rpID, origin string) (*webauthn.WebAuthn, error) {
	if origin == "" {
		origin = "https://" + rpID
	}
	return webauthn.New(&webauthn.Config{
		RPID: rpID, RPDisplayName: rpID, RPOrigins: []string{origin},
		// Browsers add outputs nobody asked for (credProps, …); they
		// change nothing here.
		ExtensionsUnsolicitedOutputPolicy: protocol.UnsolicitedOutputPolicyIgnore,
	})
}

// allowedOrigin reports whether a ceremony from origin may use relying
// party rpID: WebAuthn lets an origin use its own host or a registrable
// suffix of it as RP id, so the host must be rpID or a subdomain, over
// https; plain http only on localhost, as browsers allow.
func allowedOrigin(rpID, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" && u.Path != "/" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if host != rpID && !strings.HasSuffix(host, "."+rpID) {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return host == "localhost" || strings.HasSuffix(host, ".localhost")
	}
	return false
}
