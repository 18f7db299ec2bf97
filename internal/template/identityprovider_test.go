package template_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/template"
)

const providersStack = "Providers"

func providersSource(t *testing.T) string {
	data, err := readFile("testdata/templates/providers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func describeProvider(t *testing.T, c *cirrotest.Server, pool, name string) (*types.IdentityProviderType, error) {
	t.Helper()
	out, err := c.IdentityProvider().DescribeIdentityProvider(context.Background(), &cip.DescribeIdentityProviderInput{UserPoolId: &pool, ProviderName: &name})
	if err != nil {
		return nil, err
	}
	return out.IdentityProvider, nil
}

func actions(res *template.Result) map[string]template.Action {
	out := map[string]template.Action{}
	for _, s := range res.Plan.Steps {
		out[s.LogicalID] = s.Action
	}
	return out
}

// TestIdentityProviderLifecycle: providers are created with their
// details, updated in place, replaced when their type changes (under the
// same name, so the old one goes first and the client lists the new one),
// removed when dropped, and retained per DeletionPolicy.
func TestIdentityProviderLifecycle(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		e := engine(c, nil)
		tpl := parse(t, providersSource(t))
		mustApply(t, e, providersStack, tpl, nil)
		st := loadState(t, c, providersStack)
		pool, client := st.Resources["Pool"].PhysicalID, st.Resources["Client"].PhysicalID
		if st.Resources["Corp"].PhysicalID != "Corp" {
			t.Errorf("Corp's physical id is %s, want its name", st.Resources["Corp"].PhysicalID)
		}
		corp, err := describeProvider(t, c, pool, "Corp")
		if err != nil {
			t.Fatal(err)
		}
		if corp.ProviderType != types.IdentityProviderTypeTypeOidc || corp.ProviderDetails["client_secret"] != "corp-secret" ||
			corp.AttributeMapping["email"] != "email" || !slices.Equal(corp.IdpIdentifiers, []string{"corp.example.com"}) {
			t.Errorf("Corp %+v", corp)
		}
		if sip := describeClient(t, c, pool, client).SupportedIdentityProviders; !slices.Equal(sip, []string{"Corp", "Google", "Facebook", "COGNITO"}) {
			t.Errorf("client lists %v", sip)
		}

		t.Run("re-apply changes nothing", func(t *testing.T) {
			if res := mustApply(t, e, providersStack, tpl, nil); res.Plan.Changes() {
				t.Errorf("actions %v", actions(res))
			}
		})

		t.Run("update AttributeMapping in place", func(t *testing.T) {
			res := mustApply(t, e, providersStack, tpl, map[string]string{"EmailClaim": "mail"})
			if a := actions(res); a["Corp"] != template.ActionUpdate || a["Client"] != template.ActionNone || a["Google"] != template.ActionNone {
				t.Errorf("actions %v", a)
			}
			got, err := describeProvider(t, c, pool, "Corp")
			if err != nil {
				t.Fatal(err)
			}
			if got.AttributeMapping["email"] != "mail" || got.AttributeMapping["username"] != "sub" || !got.CreationDate.Equal(*corp.CreationDate) ||
				got.ProviderDetails["client_secret"] != "corp-secret" {
				t.Errorf("after the update: %+v", got)
			}
		})

		t.Run("a change of ProviderType replaces", func(t *testing.T) {
			res := mustApply(t, e, providersStack, tpl, map[string]string{"EmailClaim": "mail", "CorpType": "SAML"})
			if a := actions(res); a["Corp"] != template.ActionReplace {
				t.Errorf("actions %v", a)
			}
			got, err := describeProvider(t, c, pool, "Corp")
			if err != nil {
				t.Fatal(err)
			}
			if got.ProviderType != types.IdentityProviderTypeTypeSaml || got.ProviderDetails["MetadataURL"] != "https://idp.corp.example.com/saml/metadata" ||
				got.ProviderDetails["client_id"] != "" || got.AttributeMapping["email"] != "mail" {
				t.Errorf("after the replacement: %+v", got)
			}
			// Deleting the old provider took it out of the client, which
			// refers to it and so was brought up to date after it.
			if sip := describeClient(t, c, pool, client).SupportedIdentityProviders; !slices.Contains(sip, "Corp") {
				t.Errorf("client lists %v", sip)
			}
			if loadState(t, c, providersStack).Resources["Client"].PhysicalID != client {
				t.Error("the client was replaced")
			}
		})

		t.Run("removal and Retain", func(t *testing.T) {
			params := map[string]string{"EmailClaim": "mail", "CorpType": "SAML", "WithExtras": "no"}
			res := mustApply(t, e, providersStack, tpl, params)
			if a := actions(res); a["Google"] != template.ActionDelete || a["Facebook"] != template.ActionRetain || a["Client"] != template.ActionUpdate {
				t.Errorf("actions %v", a)
			}
			if _, err := describeProvider(t, c, pool, "Google"); !isNotFound(err) {
				t.Errorf("dropped provider: %v, want ResourceNotFoundException", err)
			}
			if _, err := describeProvider(t, c, pool, "Facebook"); err != nil {
				t.Errorf("retained provider: %v", err)
			}
			if sip := describeClient(t, c, pool, client).SupportedIdentityProviders; !slices.Equal(sip, []string{"Corp", "COGNITO"}) {
				t.Errorf("client lists %v", sip)
			}
			st := loadState(t, c, providersStack)
			if st.Resources["Google"] != nil || st.Resources["Facebook"] != nil {
				t.Error("dropped providers are still recorded")
			}
			if res := mustApply(t, e, providersStack, tpl, params); res.Plan.Changes() {
				t.Errorf("re-apply: actions %v", actions(res))
			}
		})
	})
}

// TestProviderSecretsSealedInState: the stack's record of a provider's
// properties does not hold its client secret in plain text.
func TestProviderSecretsSealedInState(t *testing.T) {
	c := cirrotest.Start(t)
	mustApply(t, engine(c, nil), providersStack, parse(t, providersSource(t)), nil)
	var raw []string
	err := c.Internal().Store.Read(context.Background(), func(tx store.Tx) error {
		recs, err := tx.List(context.Background(), store.Query{Kind: template.KindStackResource, Scope: "stack:" + providersStack})
		for _, r := range recs {
			raw = append(raw, string(r.Data))
		}
		return err
	})
	if err != nil || len(raw) != 5 {
		t.Fatalf("%d records: %v", len(raw), err)
	}
	for _, r := range raw {
		if strings.Contains(r, "corp-secret") || strings.Contains(r, "google-secret") {
			t.Errorf("a secret in plain text: %s", r)
		}
	}
	if st := loadState(t, c, providersStack); st.Resources["Corp"].Properties["ProviderDetails"].(map[string]any)["client_secret"] != "corp-secret" {
		t.Errorf("the sealed properties do not read back: %v", st.Resources["Corp"].Properties)
	}
}

// TestClientProviderOrder: CloudFormation orders resources by references
// and DependsOn only, not by a provider's name in a client's
// SupportedIdentityProviders. A client that lists a provider of the
// template by name, without DependsOn, fails when it comes first, with an
// error that names both and the fix, and nothing is left behind; with
// DependsOn it applies. When the order happens to work, a warning says so.
func TestClientProviderOrder(t *testing.T) {
	src := `
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties: {UserPoolName: order}
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ClientName: web
      SupportedIdentityProviders: [Corp, COGNITO]
  ZCorp:
    Type: AWS::Cognito::UserPoolIdentityProvider
    Properties:
      UserPoolId: !Ref Pool
      ProviderName: Corp
      ProviderType: SAML
      ProviderDetails: {MetadataURL: "https://idp.example.com/metadata"}
`
	c := cirrotest.Start(t)
	var log lines
	e := engine(c, &log)
	_, err := e.Apply(context.Background(), "Order", parse(t, src), nil, false)
	for _, want := range []string{"Client (AWS::Cognito::UserPoolClient)", "SupportedIdentityProviders", "The provider Corp does not exist",
		"made by ZCorp", "DependsOn: [ZCorp]", "rolled back"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v\nlacks %q", err, want)
		}
	}
	if n := countPools(t, c); n != 0 || len(loadState(t, c, "Order").Resources) != 0 {
		t.Errorf("%d pools left behind", n)
	}

	// The name sorts first: the order works by chance, and a warning says so.
	mustApply(t, e, "Order", parse(t, strings.ReplaceAll(src, "ZCorp", "ACorp")), nil)
	if !strings.Contains(log.String(), "warning: Client (AWS::Cognito::UserPoolClient): SupportedIdentityProviders lists Corp, made by ACorp") {
		t.Errorf("no warning:\n%s", log.String())
	}

	fixed := strings.Replace(src, "  Client:\n    Type: AWS::Cognito::UserPoolClient\n", "  Client:\n    Type: AWS::Cognito::UserPoolClient\n    DependsOn: ZCorp\n", 1)
	c2 := cirrotest.Start(t)
	var log2 lines
	mustApply(t, engine(c2, &log2), "Order", parse(t, fixed), nil)
	if strings.Contains(log2.String(), "warning") {
		t.Errorf("a warning with DependsOn:\n%s", log2.String())
	}
}

// TestBrokenIdentityProvider: bad ProviderDetails are refused with the
// resource, the property and the problem, and the stack applied before
// stands. What the plan can tell (a key the type requires, a value out of
// its set) is refused before anything is made; what only the server
// checks (an unknown key, a URL) fails the apply, which is rolled back.
func TestBrokenIdentityProvider(t *testing.T) {
	c := cirrotest.Start(t)
	e := engine(c, nil)
	src := providersSource(t)
	mustApply(t, e, providersStack, parse(t, src), nil)
	before := canon(loadState(t, c, providersStack))
	pool := loadState(t, c, providersStack).Resources["Pool"].PhysicalID
	list := func() []string {
		out, err := c.IdentityProvider().ListIdentityProviders(context.Background(), &cip.ListIdentityProvidersInput{UserPoolId: &pool, MaxResults: ptr(int32(60))})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range out.Providers {
			names = append(names, *p.ProviderName+" "+string(p.ProviderType))
		}
		return names
	}
	providers := list()
	// A new provider before the broken one, so that a rollback shows.
	extra := `  Amazon:
    Type: AWS::Cognito::UserPoolIdentityProvider
    Properties:
      UserPoolId: !Ref Pool
      ProviderName: LoginWithAmazon
      ProviderType: LoginWithAmazon
      ProviderDetails: {client_id: a, client_secret: b, authorize_scopes: profile}
  Client:`

	for _, tc := range []struct {
		name     string
		edit     func(string) string
		planTime bool
		want     []string
	}{
		{"required key missing", replace("client_secret: google-secret, ", ""), true,
			[]string{"Resources.Google.Properties.ProviderDetails.client_secret", "required for a Google identity provider"}},
		{"value out of its set", replace("attributes_request_method: GET", "attributes_request_method: PUT"), true,
			[]string{"Resources.Corp.Properties.ProviderDetails.attributes_request_method", `"PUT"`, "GET or POST"}},
		{"bad ProviderType", replace("ProviderType: Google", "ProviderType: Gogle"), true,
			[]string{"Resources.Google.Properties.ProviderType", `"Gogle"`, "enum value set"}},
		{"not a map", replace("ProviderDetails: {client_id: fb-client, client_secret: fb-secret, authorize_scopes: public_profile}", "ProviderDetails: [fb-client]"), true,
			[]string{"Resources.Facebook.Properties.ProviderDetails", "expected"}},
		{"unknown key, checked by the server", func(s string) string {
			return replace("  Client:", extra)(replace("authorize_scopes: public_profile}", "authorize_scopes: public_profile, client_secrt: x}")(s))
		}, false,
			[]string{"Facebook (AWS::Cognito::UserPoolIdentityProvider)", "ProviderDetails", "client_secrt is not a valid ProviderDetails key", "rolled back"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := tc.edit(src)
			if text == src {
				t.Fatal("the edit changed nothing")
			}
			_, err := e.Apply(context.Background(), providersStack, parse(t, text), nil, false)
			if err == nil {
				t.Fatal("applied")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
			if _, ok := template.AsTemplateError(err); ok != tc.planTime {
				t.Errorf("a *TemplateError: %v, want %v (%T)", ok, tc.planTime, err)
			}
			if after := canon(loadState(t, c, providersStack)); after != before {
				t.Errorf("state changed:\n%s\n%s", before, after)
			}
			if got := list(); !slices.Equal(got, providers) {
				t.Errorf("providers %v, want %v", got, providers)
			}
		})
	}
}

// olderServer is a server without federation: it does not implement
// CreateIdentityProvider.
type olderServer struct{ template.Cloud }

func (o olderServer) Supports(ctx context.Context, service, op string) (bool, error) {
	if op == "CreateIdentityProvider" {
		return false, nil
	}
	return o.Cloud.Supports(ctx, service, op)
}

// TestProvidersOnAnOlderServer: against a server that cannot create
// identity providers, they are reported "not yet", and the client leaves
// their names out (saying so) instead of failing the stack.
func TestProvidersOnAnOlderServer(t *testing.T) {
	c := cirrotest.Start(t)
	var log lines
	e := engine(c, &log)
	e.Cloud = olderServer{e.Cloud}
	res := mustApply(t, e, providersStack, parse(t, providersSource(t)), nil)
	if a := actions(res); a["Corp"] != template.ActionNotYet || a["Google"] != template.ActionNotYet || a["Client"] != template.ActionCreate {
		t.Errorf("actions %v", a)
	}
	st := loadState(t, c, providersStack)
	if sip := describeClient(t, c, st.Resources["Pool"].PhysicalID, st.Resources["Client"].PhysicalID).SupportedIdentityProviders; !slices.Equal(sip, []string{"COGNITO"}) {
		t.Errorf("client lists %v", sip)
	}
	for _, want := range []string{"not yet Corp (AWS::Cognito::UserPoolIdentityProvider): the server does not implement CreateIdentityProvider yet",
		"Client: SupportedIdentityProviders: left out [Corp Google Facebook]"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
}
