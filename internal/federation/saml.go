package federation

import (
	"context"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/federation/samlsp"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// SAML 2.0 providers plug into the same path as the others: the protocol
// is internal/federation/samlsp's, and its verified assertion (NameID and
// attributes) becomes the assertion signIn takes. The service provider of
// a pool is named urn:amazon:cognito:sp:<poolId>, as Cognito's, with its
// assertion consumer service at <domain>/saml2/idpresponse.

// KindSAMLReplay is the record kind of consumed SAML message ids; the
// store's uniqueness of (kind, id) is the replay check across nodes.
const KindSAMLReplay = "samlreplay"

const (
	samlACSPath    = "/saml2/idpresponse"
	samlLogoutPath = "/saml2/logout"
	oidcCallback   = "/oauth2/idpresponse"
)

// SAMLCallback is what came to a domain's /saml2/idpresponse.
type SAMLCallback struct {
	PoolID string
	// Base is the domain as the browser reaches it (scheme, host and
	// path prefix), where the ACS is.
	Base    string
	Request *http.Request
}

// entityID is the SP's entity id of a pool.
func entityID(poolID string) string { return "urn:amazon:cognito:sp:" + poolID }

// serviceProvider builds a pool's SP for a SAML provider.
func (s *Service) serviceProvider(ctx context.Context, poolID string, idp *cognitoidp.IdentityProviderType, base string) (*samlsp.SP, error) {
	d := idp.ProviderDetails
	meta, err := s.idpMetadata(ctx, poolID, idp)
	if err != nil {
		return nil, err
	}
	cert, signer, err := s.pools.SigningKey(ctx, poolID)
	if err != nil {
		return nil, err
	}
	key, ok := signer.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("federation: the pool's SAML signing key is not RSA")
	}
	return samlsp.New(samlsp.Config{
		PoolID: poolID, ProviderName: deref(idp.ProviderName), EntityID: entityID(poolID),
		ACSURL: base + samlACSPath, LogoutURL: base + samlLogoutPath, IDPMetadata: meta,
		IDPInit: d["IDPInit"] == "true", IDPSignout: d["IDPSignout"] == "true", EncryptedResponses: d["EncryptedResponses"] == "true",
		RequestSigningAlgorithm: d["RequestSigningAlgorithm"], Key: key, Cert: cert,
		Now: s.clock.Now, Replay: storeReplay{s, poolID},
	})
}

// startSAML is SP-initiated sign-in by the HTTP-Redirect binding; the
// RelayState is the sign-in's state, which keeps the AuthnRequest's id.
func (s *Service) startSAML(ctx context.Context, idp *cognitoidp.IdentityProviderType, doc *stateDoc, binding string) (*Redirect, error) {
	sp, err := s.serviceProvider(ctx, doc.Pool, idp, strings.TrimSuffix(doc.Callback, oidcCallback))
	if err != nil {
		return nil, s.upstreamFailure(ctx, doc.Resume, samlFailure(ctx, s, err))
	}
	state := random()
	id, target, err := sp.StartRedirect(state)
	if err != nil {
		return nil, s.upstreamFailure(ctx, doc.Resume, samlFailure(ctx, s, err))
	}
	doc.Request = id
	if err := s.putState(ctx, state, doc); err != nil {
		return nil, err
	}
	return &Redirect{URL: target.String(), Binding: binding}, nil
}

// FinishSAML completes a SAML sign-in at /saml2/idpresponse. The RelayState
// names the sign-in SP-initiated sign-in started; a response the IdP sent
// unasked (IdP-initiated, only for a provider with IDPInit) carries instead
// the authorization request to complete, as Cognito requires:
// identity_provider, client_id, redirect_uri, response_type, scope.
// The response is posted cross-site, so no SameSite cookie binds it: the
// signature, the request id and the replay check do.
func (s *Service) FinishSAML(ctx context.Context, cb SAMLCallback) (*SignedIn, error) {
	r := cb.Request
	r.Body = http.MaxBytesReader(nil, r.Body, samlsp.MaxResponseSize*2+64<<10)
	if err := r.ParseForm(); err != nil {
		return nil, ErrState
	}
	relay := r.PostForm.Get("RelayState")
	var requestIDs []string
	st, err := s.takeState(ctx, cb.PoolID, relay, "", false)
	switch {
	case err == nil:
		requestIDs = []string{st.Request}
	case errors.Is(err, ErrState):
		q, perr := url.ParseQuery(relay)
		if perr != nil || q.Get("identity_provider") == "" || q.Get("client_id") == "" {
			return nil, ErrState
		}
		st = &stateDoc{Pool: cb.PoolID, Client: q.Get("client_id"), Provider: q.Get("identity_provider"), Resume: relay}
	default:
		return nil, err
	}
	idp, err := s.provider(ctx, st.Pool, st.Provider)
	if err != nil {
		return nil, s.upstreamFailure(ctx, st.Resume, err)
	}
	if deref(idp.ProviderType) != typeSAML {
		return nil, &Failure{Resume: st.Resume, Code: "invalid_request", Description: "The identity provider " + st.Provider + " is not a SAML provider."}
	}
	sp, err := s.serviceProvider(ctx, st.Pool, idp, cb.Base)
	if err != nil {
		return nil, s.upstreamFailure(ctx, st.Resume, samlFailure(ctx, s, err))
	}
	as, err := sp.ParseResponse(ctx, r, requestIDs)
	if errors.Is(err, samlsp.ErrSignature) && s.refreshMetadata(ctx, st.Pool, idp) {
		// The IdP may have rotated its key since its metadata was
		// cached: one more try with the document it publishes now.
		if sp, err = s.serviceProvider(ctx, st.Pool, idp, cb.Base); err == nil {
			as, err = sp.ParseResponse(ctx, r, requestIDs)
		}
	}
	if err != nil {
		return nil, s.upstreamFailure(ctx, st.Resume, samlFailure(ctx, s, err))
	}
	claims := map[string]any{}
	for k, v := range as.Attributes {
		claims[k] = v
	}
	a := &assertion{Subject: as.NameID, Issuer: as.Issuer, Claims: claims, SAML: flatten(claims)}
	if a.Subject == "" {
		return nil, &Failure{Resume: st.Resume, Code: "invalid_request", Description: "The SAML assertion has no NameID."}
	}
	out, err := s.signIn(ctx, st, idp, a)
	if err != nil {
		return nil, s.upstreamFailure(ctx, st.Resume, err)
	}
	out.Resume = st.Resume
	if sp.SupportsLogout() {
		out.SAML = &SAMLSession{Provider: st.Provider, NameID: as.NameID, NameIDFormat: as.NameIDFormat, SessionIndex: as.SessionIndex}
	}
	return out, nil
}

// SAMLMetadata is the SP metadata of a pool for one SAML provider, for
// the IdP's administrator.
func (s *Service) SAMLMetadata(ctx context.Context, poolID, provider, base string) ([]byte, error) {
	idp, err := s.provider(ctx, poolID, provider)
	if err != nil {
		return nil, err
	}
	if deref(idp.ProviderType) != typeSAML {
		return nil, errs.New(errs.ResourceNotFoundException, "Identity provider "+provider+" is not a SAML provider.")
	}
	sp, err := s.serviceProvider(ctx, poolID, idp, base)
	if err != nil {
		return nil, err
	}
	return sp.Metadata()
}

// samlFailure words a SAML refusal for the client; the reason goes to the
// log only.
func samlFailure(ctx context.Context, s *Service, err error) error {
	var se *samlsp.Error
	if errors.As(err, &se) && se.Reason == samlsp.ReasonMetadata {
		s.log.WarnContext(ctx, "federation: SAML metadata unusable", "err", err)
		return &Failure{Code: "invalid_request", Description: "The metadata of the identity provider could not be read."}
	}
	if errors.As(err, &se) {
		s.log.WarnContext(ctx, "federation: SAML response refused", "reason", se.Reason, "err", err)
		return &Failure{Code: "invalid_request", Description: "The SAML response could not be verified."}
	}
	return err
}

// storeReplay is samlsp's replay cache on the store: a consumed id is a
// record until it may be forgotten.
type storeReplay struct {
	s      *Service
	poolID string
}

func (c storeReplay) Claim(ctx context.Context, id string, until time.Time) (bool, error) {
	err := c.s.store.Write(ctx, func(tx store.Tx) error {
		return tx.Insert(ctx, &store.Record{Kind: KindSAMLReplay, ID: c.poolID + "/" + hashHex(id), Scope: c.poolID, Data: []byte("{}"), Expires: until})
	})
	if errors.Is(err, store.ErrExists) {
		// A record past its time that the sweeper has not yet removed
		// still refuses: ids are random, so no honest message repeats.
		return false, nil
	}
	return err == nil, err
}
