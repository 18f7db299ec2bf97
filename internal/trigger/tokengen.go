package trigger

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"slices"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/token"
)

// Pre token generation (developer guide, "Pre token generation Lambda
// trigger"). Version 1 (LambdaVersion V1_0) changes ID token claims and
// the groups; versions 2 and 3 (V2_0, V3_0) change the claims of both
// tokens and the access token's scopes, version 3 also for
// machine-to-machine (client credentials) tokens. The event's version is
// "1", "2" or "3" accordingly.

// TokenGenerationInput is what the caller knows of the tokens about to be
// issued.
type TokenGenerationInput struct {
	// UserAttributes as UserAttributes builds them.
	UserAttributes map[string]string
	// Groups are the user's groups, from which groupConfiguration is made.
	Groups []token.Group
	// Scopes of the access token; nil means aws.cognito.signin.user.admin,
	// as for API sign-in.
	Scopes         []string
	ClientMetadata map[string]string
}

// GroupConfiguration is the user's groups and roles as the tokens would
// carry them (request), or what should replace them (response).
type GroupConfiguration struct {
	GroupsToOverride   []string `json:"groupsToOverride"`
	IAMRolesToOverride []string `json:"iamRolesToOverride"`
	PreferredRole      *string  `json:"preferredRole"`
}

// GroupOverride is groupOverrideDetails in a response. Set records that
// the function returned the member at all: present but null or empty, it
// suppresses the group claims; absent, the groups stay.
type GroupOverride struct {
	Set    bool
	Config GroupConfiguration
}

// IsZero makes an unset override disappear from the JSON (omitzero).
func (g GroupOverride) IsZero() bool { return !g.Set }

// MarshalJSON implements json.Marshaler.
func (g GroupOverride) MarshalJSON() ([]byte, error) { return json.Marshal(g.Config) }

// UnmarshalJSON implements json.Unmarshaler; it runs for null too.
func (g *GroupOverride) UnmarshalJSON(b []byte) error {
	g.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	return json.Unmarshal(b, &g.Config)
}

func (g GroupOverride) override() *token.GroupOverride {
	if !g.Set {
		return nil
	}
	o := &token.GroupOverride{Groups: g.Config.GroupsToOverride, IAMRoles: g.Config.IAMRolesToOverride}
	if g.Config.PreferredRole != nil {
		o.PreferredRole = *g.Config.PreferredRole
	}
	return o
}

// TokenGenerationV1Request is the request of a version 1 event.
type TokenGenerationV1Request struct {
	UserAttributes     map[string]string  `json:"userAttributes"`
	GroupConfiguration GroupConfiguration `json:"groupConfiguration"`
	ClientMetadata     map[string]string  `json:"clientMetadata,omitempty"`
}

// TokenGenerationV1Response is the response of a version 1 event.
type TokenGenerationV1Response struct {
	ClaimsOverrideDetails *ClaimsOverrideDetails `json:"claimsOverrideDetails"`
}

// ClaimsOverrideDetails are version 1's changes: ID token claims (string
// values only) and groups.
type ClaimsOverrideDetails struct {
	ClaimsToAddOrOverride map[string]string `json:"claimsToAddOrOverride,omitempty"`
	ClaimsToSuppress      []string          `json:"claimsToSuppress,omitempty"`
	GroupOverrideDetails  GroupOverride     `json:"groupOverrideDetails,omitzero"`
}

// TokenGenerationV1Event is the version 1 event.
type TokenGenerationV1Event = Event[TokenGenerationV1Request, TokenGenerationV1Response]

// TokenGenerationV2Request is the request of a version 2 or 3 event.
type TokenGenerationV2Request struct {
	UserAttributes     map[string]string  `json:"userAttributes"`
	GroupConfiguration GroupConfiguration `json:"groupConfiguration"`
	ClientMetadata     map[string]string  `json:"clientMetadata,omitempty"`
	Scopes             []string           `json:"scopes"`
}

// TokenGenerationV2Response is the response of a version 2 or 3 event.
type TokenGenerationV2Response struct {
	ClaimsAndScopeOverrideDetails *ClaimsAndScopeOverrideDetails `json:"claimsAndScopeOverrideDetails"`
}

// ClaimsAndScopeOverrideDetails are version 2's changes.
type ClaimsAndScopeOverrideDetails struct {
	IDTokenGeneration     *IDTokenGeneration     `json:"idTokenGeneration,omitempty"`
	AccessTokenGeneration *AccessTokenGeneration `json:"accessTokenGeneration,omitempty"`
	GroupOverrideDetails  GroupOverride          `json:"groupOverrideDetails,omitzero"`
}

// IDTokenGeneration changes the ID token. Values may be any JSON.
type IDTokenGeneration struct {
	ClaimsToAddOrOverride map[string]any `json:"claimsToAddOrOverride,omitempty"`
	ClaimsToSuppress      []string       `json:"claimsToSuppress,omitempty"`
}

// AccessTokenGeneration changes the access token.
type AccessTokenGeneration struct {
	ClaimsToAddOrOverride map[string]any `json:"claimsToAddOrOverride,omitempty"`
	ClaimsToSuppress      []string       `json:"claimsToSuppress,omitempty"`
	ScopesToAdd           []string       `json:"scopesToAdd,omitempty"`
	ScopesToSuppress      []string       `json:"scopesToSuppress,omitempty"`
}

// TokenGenerationV2Event is the version 2 and 3 event.
type TokenGenerationV2Event = Event[TokenGenerationV2Request, TokenGenerationV2Response]

// Customization converts a version 1 answer to the token service's terms:
// the claims change the ID token only.
func (r *TokenGenerationV1Response) Customization() token.Customization {
	var c token.Customization
	d := r.ClaimsOverrideDetails
	if d == nil {
		return c
	}
	if len(d.ClaimsToAddOrOverride) > 0 {
		c.ID.AddOrOverride = make(map[string]any, len(d.ClaimsToAddOrOverride))
		for k, v := range d.ClaimsToAddOrOverride {
			c.ID.AddOrOverride[k] = v
		}
	}
	c.ID.Suppress = d.ClaimsToSuppress
	c.Groups = d.GroupOverrideDetails.override()
	return c
}

// Customization converts a version 2 or 3 answer to the token service's
// terms.
func (r *TokenGenerationV2Response) Customization() token.Customization {
	var c token.Customization
	d := r.ClaimsAndScopeOverrideDetails
	if d == nil {
		return c
	}
	if t := d.IDTokenGeneration; t != nil {
		c.ID = token.ClaimChanges{AddOrOverride: t.ClaimsToAddOrOverride, Suppress: t.ClaimsToSuppress}
	}
	if t := d.AccessTokenGeneration; t != nil {
		c.Access = token.ClaimChanges{AddOrOverride: t.ClaimsToAddOrOverride, Suppress: t.ClaimsToSuppress}
		c.ScopesToAdd, c.ScopesToSuppress = t.ScopesToAdd, t.ScopesToSuppress
	}
	c.Groups = d.GroupOverrideDetails.override()
	return c
}

// PreTokenGeneration invokes pre token generation in the version the pool
// configures (PreTokenGenerationConfig.LambdaVersion) and returns the
// changes for token.IssueRequest.Customize. Client credentials tokens
// (TokenGenerationClientCredentials) reach only a version 3 function.
func (s *Service) PreTokenGeneration(ctx context.Context, p *cognitoidp.UserPoolType, source string, c Caller, in TokenGenerationInput) (*token.Customization, error) {
	arn, version := attached(p, PointPreTokenGeneration)
	if arn == "" || (source == TokenGenerationClientCredentials && version != lambdaV3) {
		return nil, nil
	}
	groups := groupConfiguration(in.Groups)
	if version == lambdaV1 {
		ev := &TokenGenerationV1Event{Header: s.header(ctx, p, source, versionV1, c),
			Request: TokenGenerationV1Request{UserAttributes: in.UserAttributes, GroupConfiguration: groups, ClientMetadata: in.ClientMetadata}}
		resp, err := call[TokenGenerationV1Response](ctx, s, PointPreTokenGeneration, arn, source, ev)
		if err != nil {
			return nil, err
		}
		cz := resp.Customization()
		return &cz, nil
	}
	scopes := in.Scopes
	if scopes == nil {
		scopes = []string{token.ScopeAdmin}
	}
	v := "2"
	if version == lambdaV3 {
		v = "3"
	}
	ev := &TokenGenerationV2Event{Header: s.header(ctx, p, source, v, c),
		Request: TokenGenerationV2Request{UserAttributes: in.UserAttributes, GroupConfiguration: groups, ClientMetadata: in.ClientMetadata, Scopes: scopes}}
	resp, err := call[TokenGenerationV2Response](ctx, s, PointPreTokenGeneration, arn, source, ev)
	if err != nil {
		return nil, err
	}
	cz := resp.Customization()
	return &cz, nil
}

// groupConfiguration is the request's view of the groups: names by
// precedence (lowest first, groups without one last, ties by name), their
// distinct roles, and the preferred role — that of the best group with a
// role, none if groups tied with it have another. It mirrors the group
// claims the token service computes, so that a function that returns the
// configuration unchanged changes nothing.
func groupConfiguration(in []token.Group) GroupConfiguration {
	gs := slices.Clone(in)
	prec := func(g token.Group) (int32, bool) {
		if g.Precedence == nil {
			return 0, false
		}
		return *g.Precedence, true
	}
	slices.SortStableFunc(gs, func(a, b token.Group) int {
		pa, oka := prec(a)
		pb, okb := prec(b)
		switch {
		case oka != okb && oka:
			return -1
		case oka != okb:
			return 1
		case pa != pb:
			return cmp.Compare(pa, pb)
		}
		return cmp.Compare(a.Name, b.Name)
	})
	out := GroupConfiguration{GroupsToOverride: []string{}, IAMRolesToOverride: []string{}}
	var best *token.Group
	ambiguous := false
	for i := range gs {
		g := &gs[i]
		out.GroupsToOverride = append(out.GroupsToOverride, g.Name)
		if g.RoleArn == "" {
			continue
		}
		if !slices.Contains(out.IAMRolesToOverride, g.RoleArn) {
			out.IAMRolesToOverride = append(out.IAMRolesToOverride, g.RoleArn)
		}
		if best == nil {
			best = g
			continue
		}
		bp, bok := prec(*best)
		gp, gok := prec(*g)
		if bok == gok && bp == gp && g.RoleArn != best.RoleArn {
			ambiguous = true
		}
	}
	if best != nil && !ambiguous {
		out.PreferredRole = &best.RoleArn
	}
	return out
}
