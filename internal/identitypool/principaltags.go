package identitypool

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
)

// maxSessionTagValue is STS's limit on a session tag value.
const maxSessionTagValue = 256

// defaultTags are Cognito's default attribute mappings ("default
// (username and clientID) attribute mappings"): the token's sub as
// username and its aud as client.
var defaultTags = map[string]string{"username": "sub", "client": "aud"}

// tagMap maps principal tag keys to the claims that give their values,
// for one provider of a pool.
type tagMap struct {
	UseDefaults bool              `json:"use_defaults,omitempty"`
	Tags        map[string]string `json:"tags"`
}

// tagMapKey finds the key under which a provider's map is stored, by
// provider identity rather than spelling.
func (s *Service) tagMapKey(p *poolDoc, provider string) (string, bool) {
	for k := range p.PrincipalTags {
		if s.sameProvider(k, provider) {
			return k, true
		}
	}
	return "", false
}

// SetPrincipalTagAttributeMap sets (or, with neither defaults nor tags,
// removes) the principal tags a provider's logins get.
func (s *Service) SetPrincipalTagAttributeMap(ctx context.Context, in *cognitoidentity.SetPrincipalTagAttributeMapInput) (*cognitoidentity.SetPrincipalTagAttributeMapResponse, error) {
	m := tagMap{UseDefaults: in.UseDefaults != nil && *in.UseDefaults, Tags: maps.Clone(in.PrincipalTags)}
	if m.UseDefaults {
		m.Tags = maps.Clone(defaultTags)
	}
	name := *in.IdentityProviderName
	_, err := s.editPool(ctx, *in.IdentityPoolId, func(p *poolDoc) error {
		pr, ok := s.findProvider(p, name)
		if !ok || (pr.kind == developerProvider || pr.kind == cognitoProvider) {
			return invalidParameter(msgProviderNotConfigured, name)
		}
		if old, ok := s.tagMapKey(p, name); ok {
			delete(p.PrincipalTags, old)
		}
		if m.UseDefaults || len(m.Tags) > 0 {
			if p.PrincipalTags == nil {
				p.PrincipalTags = map[string]tagMap{}
			}
			p.PrincipalTags[name] = m
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	tags := m.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	return &cognitoidentity.SetPrincipalTagAttributeMapResponse{
		IdentityPoolId: in.IdentityPoolId, IdentityProviderName: &name, UseDefaults: &m.UseDefaults, PrincipalTags: tags,
	}, nil
}

// GetPrincipalTagAttributeMap returns a provider's principal tag map.
func (s *Service) GetPrincipalTagAttributeMap(ctx context.Context, in *cognitoidentity.GetPrincipalTagAttributeMapInput) (*cognitoidentity.GetPrincipalTagAttributeMapResponse, error) {
	p, err := s.readPool(ctx, *in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	name := *in.IdentityProviderName
	key, ok := s.tagMapKey(p, name)
	if !ok {
		return nil, errs.Newf(errs.ResourceNotFoundException, msgTagMapNotFound, name)
	}
	m := p.PrincipalTags[key]
	return &cognitoidentity.GetPrincipalTagAttributeMapResponse{
		IdentityPoolId: in.IdentityPoolId, IdentityProviderName: &name, UseDefaults: &m.UseDefaults, PrincipalTags: m.Tags,
	}, nil
}

// sessionTags are the principal tags of a request: for each login whose
// provider has a map, each tag takes the value of its claim. A claim the
// token lacks, or whose value is no scalar, gives no tag; the first login
// to give a tag wins. The result is never nil.
func (s *Service) sessionTags(p *poolDoc, logins []*login) map[string]string {
	tags := map[string]string{}
	for _, l := range logins {
		if l.openID != nil && l.openID.Tags != nil {
			for k, v := range l.openID.Tags.PrincipalTags {
				if len(v) > 0 {
					tags[k] = v[0]
				}
			}
			continue
		}
		key, ok := s.tagMapKey(p, l.provider.name)
		if !ok {
			continue
		}
		m := p.PrincipalTags[key]
		for _, tag := range slices.Sorted(maps.Keys(m.Tags)) {
			if _, set := tags[tag]; set {
				continue
			}
			if v, ok := scalarClaim(l.claims[m.Tags[tag]]); ok && v != "" && len(v) <= maxSessionTagValue {
				tags[tag] = v
			}
		}
	}
	return tags
}

// scalarClaim is a claim's value as a string, when it is one value: a
// string, a number, a boolean, or a list of exactly one of those (an
// OpenID Connect aud may be a list).
func scalarClaim(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	case []any:
		if len(x) == 1 {
			return scalarClaim(x[0])
		}
	}
	return "", false
}
