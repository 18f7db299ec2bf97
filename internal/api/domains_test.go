package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
)

const certARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"

func TestPrefixDomainRoundTrip(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	pools := c.Internal().API.Pools
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)

	created, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("my-app")})
	if err != nil {
		t.Fatal(err)
	}
	// Cognito returns no CloudFrontDomain for a prefix domain; version 1
	// (hosted UI, classic) when none is asked for.
	if created.CloudFrontDomain != nil || aws.ToInt32(created.ManagedLoginVersion) != 1 {
		t.Fatalf("created %+v", created)
	}
	d := describeDomain(t, idp, "my-app")
	if *d.UserPoolId != poolID || *d.AWSAccountId != c.Internal().Config.AccountID || *d.Domain != "my-app" ||
		*d.CloudFrontDistribution != "my-app.auth.us-east-1.localhost" || d.Status != types.DomainStatusTypeActive ||
		d.CustomDomainConfig == nil || d.CustomDomainConfig.CertificateArn != nil || aws.ToInt32(d.ManagedLoginVersion) != 1 ||
		!regexp.MustCompile(`^\d{14}$`).MatchString(aws.ToString(d.Version)) {
		t.Fatalf("described %+v", d)
	}
	for _, host := range []string{"my-app.auth.us-east-1.localhost", "MY-APP.auth.us-east-1.localhost:8443", "my-app.auth.us-east-1.localhost."} {
		if got, err := pools.PoolForHost(ctx, host); err != nil || got != poolID {
			t.Fatalf("PoolForHost(%s) = %q, %v", host, got, err)
		}
	}
	for _, host := range []string{"my-app", "other.auth.us-east-1.localhost", "my-app.auth.eu-west-1.localhost", "x.my-app.auth.us-east-1.localhost"} {
		if _, err := pools.PoolForHost(ctx, host); !errs.Is(err, errs.ResourceNotFoundException) {
			t.Fatalf("PoolForHost(%s): %v", host, err)
		}
	}

	upd, err := idp.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("my-app"), ManagedLoginVersion: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(upd.ManagedLoginVersion) != 2 || upd.CloudFrontDomain != nil {
		t.Fatalf("updated %+v", upd)
	}
	if v := describeDomain(t, idp, "my-app").ManagedLoginVersion; aws.ToInt32(v) != 2 {
		t.Fatalf("version after update %v", v)
	}

	if _, err := idp.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("my-app")}); err != nil {
		t.Fatal(err)
	}
	// Cognito describes an unknown domain as an empty description.
	if d := describeDomain(t, idp, "my-app"); d.Domain != nil || d.UserPoolId != nil || d.Status != "" {
		t.Fatalf("after delete %+v", d)
	}
	if _, err := pools.PoolForHost(ctx, "my-app.auth.us-east-1.localhost"); !errs.Is(err, errs.ResourceNotFoundException) {
		t.Fatalf("PoolForHost after delete: %v", err)
	}
}

func describeDomain(t *testing.T, idp *cip.Client, domain string) *types.DomainDescriptionType {
	t.Helper()
	out, err := idp.DescribeUserPoolDomain(context.Background(), &cip.DescribeUserPoolDomainInput{Domain: &domain})
	if err != nil {
		t.Fatal(err)
	}
	if out.DomainDescription == nil {
		t.Fatal("no DomainDescription")
	}
	return out.DomainDescription
}

// TestCustomDomainRoundTrip uses a single-label host name: the request
// validator applies the model's DomainType pattern, which has no dots (see
// TestDottedCustomDomain for the domain layer with a dotted name).
func TestCustomDomainRoundTrip(t *testing.T) {
	c := cirrotest.Start(t, cirrotest.WithConfig(func(cfg *config.Config) { cfg.PublicURL = "https://idp.example.net:9443" }))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	// A pool may have a prefix domain and a custom domain at once.
	if _, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("my-prefix")}); err != nil {
		t.Fatal(err)
	}
	created, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("login"),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(certARN)}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.CloudFrontDomain) != "idp.example.net" {
		t.Fatalf("created %+v", created)
	}
	d := describeDomain(t, idp, "login")
	if *d.CustomDomainConfig.CertificateArn != certARN ||
		*d.CloudFrontDistribution != "idp.example.net" || *d.UserPoolId != poolID {
		t.Fatalf("described %+v", d)
	}
	if got, err := c.Internal().API.Pools.PoolForHost(ctx, "LOGIN:443"); err != nil || got != poolID {
		t.Fatalf("PoolForHost = %q, %v", got, err)
	}

	cert2 := certARN[:len(certARN)-1] + "6"
	if _, err := idp.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("login"),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &cert2}}); err != nil {
		t.Fatal(err)
	}
	if d := describeDomain(t, idp, "login"); *d.CustomDomainConfig.CertificateArn != cert2 || aws.ToInt32(d.ManagedLoginVersion) != 1 {
		t.Fatalf("after certificate update %+v", d)
	}
	_, err = idp.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("login"), ManagedLoginVersion: aws.Int32(2)})
	wantCognitoErr(t, err, "InvalidParameterException", "Cannot convert custom domain to prefix domain.")

	if _, err := idp.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("login")}); err != nil {
		t.Fatal(err)
	}
	if d := describeDomain(t, idp, "login"); d.Domain != nil {
		t.Fatalf("after delete %+v", d)
	}
}

// TestDottedCustomDomain drives the domain layer directly with a real
// host name, which the request validator does not let through yet.
func TestDottedCustomDomain(t *testing.T) {
	c := cirrotest.Start(t)
	pools := c.Internal().API.Pools
	ctx := context.Background()
	poolID := newFamilyPool(t, c.IdentityProvider())
	_, err := pools.CreateUserPoolDomain(ctx, &cognitoidp.CreateUserPoolDomainRequest{UserPoolId: &poolID, Domain: aws.String("auth.example.com"),
		CustomDomainConfig: &cognitoidp.CustomDomainConfigType{CertificateArn: aws.String(certARN)}})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := pools.PoolForHost(ctx, "Auth.Example.com:443"); err != nil || got != poolID {
		t.Fatalf("PoolForHost = %q, %v", got, err)
	}
	for _, bad := range []string{"auth..example.com", "-auth.example.com", "x.auth.us-east-1.localhost"} {
		_, err := pools.CreateUserPoolDomain(ctx, &cognitoidp.CreateUserPoolDomainRequest{UserPoolId: &poolID, Domain: aws.String(bad),
			CustomDomainConfig: &cognitoidp.CustomDomainConfigType{CertificateArn: aws.String(certARN)}})
		if !errs.Is(err, errs.InvalidParameterException) {
			t.Fatalf("%s: %v", bad, err)
		}
	}
	// A prefix with dots is refused with Cognito's message.
	_, err = pools.CreateUserPoolDomain(ctx, &cognitoidp.CreateUserPoolDomainRequest{UserPoolId: &poolID, Domain: aws.String("a.b")})
	if e, ok := errs.As(err); !ok || e.Code != errs.InvalidParameterException || e.Message[:45] != "The domain name contains an invalid character" {
		t.Fatalf("dotted prefix: %v", err)
	}
}

func TestDomainConstraints(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	a := newFamilyPool(t, idp)
	b := newFamilyPool(t, idp)
	lite := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) { in.UserPoolTier = types.UserPoolTierTypeLite })
	for _, d := range []*cip.CreateUserPoolDomainInput{
		{UserPoolId: &a, Domain: aws.String("taken")},
		{UserPoolId: &a, Domain: aws.String("custom-a"), CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(certARN)}},
	} {
		if _, err := idp.CreateUserPoolDomain(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	missing := "us-east-1_missing00"
	create := func(pool, domain string, f ...func(*cip.CreateUserPoolDomainInput)) func() error {
		return func() error {
			in := &cip.CreateUserPoolDomainInput{UserPoolId: &pool, Domain: &domain}
			for _, g := range f {
				g(in)
			}
			_, err := idp.CreateUserPoolDomain(ctx, in)
			return err
		}
	}
	withCert := func(in *cip.CreateUserPoolDomainInput) {
		in.CustomDomainConfig = &types.CustomDomainConfigType{CertificateArn: aws.String(certARN)}
	}
	raw := c.IdentityProvider(withoutClientValidation)
	cases := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"reserved word aws", create(b, "my-aws-app"), "InvalidParameterException", "Domain cannot contain reserved word: aws"},
		{"reserved word amazon", create(b, "amazonian"), "InvalidParameterException", "Domain cannot contain reserved word: amazon"},
		{"reserved word cognito", create(b, "newcognito"), "InvalidParameterException", "Domain cannot contain reserved word: cognito"},
		{"invalid prefix", create(b, "-bad"), "InvalidParameterException", "at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern"},
		{"upper case prefix", create(b, "MyApp"), "InvalidParameterException", "at 'domain' failed to satisfy constraint"},
		{"prefix of another pool", create(b, "taken"), "InvalidParameterException", "Domain already associated with another user pool."},
		{"custom domain of another pool", create(b, "custom-a", withCert), "InvalidParameterException", "Domain already associated with another user pool."},
		{"second prefix domain", create(a, "another"), "InvalidParameterException", "User pool already has a domain configured."},
		{"second custom domain", create(a, "custom-b", withCert), "InvalidParameterException", "User pool already has a domain configured."},
		{"same prefix again", create(a, "taken"), "InvalidParameterException", "User pool already has a domain configured."},
		{"custom domain without certificate", func() error {
			_, err := raw.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &b, Domain: aws.String("custom-c"), CustomDomainConfig: &types.CustomDomainConfigType{}})
			return err
		}, "InvalidParameterException", "at 'customDomainConfig.certificateArn' failed to satisfy constraint: Member must not be null"},
		{"routing on a prefix domain", create(b, "routed", func(in *cip.CreateUserPoolDomainInput) {
			in.Routing = &types.RoutingType{Failover: &types.FailoverType{SecondaryRegion: aws.String("us-west-2"), PrimaryRoute53HealthCheckId: aws.String("hc")}}
		}), "InvalidParameterException", "only supported for custom domains"},
		{"managed login version 3", create(b, "v-three", func(in *cip.CreateUserPoolDomainInput) { in.ManagedLoginVersion = aws.Int32(3) }),
			"InvalidParameterException", "ManagedLoginVersion 3 is not valid"},
		{"managed login on the lite plan", create(lite, "lite-app", func(in *cip.CreateUserPoolDomainInput) { in.ManagedLoginVersion = aws.Int32(2) }),
			"FeatureUnavailableInTierException", "Essentials or Plus"},
		{"unknown pool", create(missing, "orphan"), "ResourceNotFoundException", "User pool " + missing + " does not exist."},
		{"update a domain the pool does not have", func() error {
			_, err := idp.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainInput{UserPoolId: &b, Domain: aws.String("taken"), ManagedLoginVersion: aws.Int32(2)})
			return err
		}, "InvalidParameterException", "No such domain or user pool exists."},
		{"update an unknown domain", func() error {
			_, err := idp.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainInput{UserPoolId: &a, Domain: aws.String("nowhere"), ManagedLoginVersion: aws.Int32(2)})
			return err
		}, "InvalidParameterException", "No such domain or user pool exists."},
		{"certificate for a prefix domain", func() error {
			_, err := idp.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainInput{UserPoolId: &a, Domain: aws.String("taken"),
				CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(certARN)}})
			return err
		}, "InvalidParameterException", "User pool should have a custom domain associated, failed to update the certificate."},
		{"update to version 0", func() error {
			_, err := idp.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainInput{UserPoolId: &a, Domain: aws.String("taken"), ManagedLoginVersion: aws.Int32(0)})
			return err
		}, "InvalidParameterException", "ManagedLoginVersion 0 is not valid"},
		{"delete a domain of another pool", func() error {
			_, err := idp.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{UserPoolId: &b, Domain: aws.String("taken")})
			return err
		}, "InvalidParameterException", "No such domain or user pool exists."},
		{"delete in an unknown pool", func() error {
			_, err := idp.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{UserPoolId: &missing, Domain: aws.String("taken")})
			return err
		}, "ResourceNotFoundException", "User pool " + missing + " does not exist."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantCognitoErr(t, tc.call(), tc.code, tc.msg) })
	}
	// Nothing refused was stored: the domain of pool a is untouched.
	if d := describeDomain(t, idp, "taken"); *d.UserPoolId != a || aws.ToInt32(d.ManagedLoginVersion) != 1 || d.CustomDomainConfig.CertificateArn != nil {
		t.Fatalf("taken: %+v", d)
	}
	for _, name := range []string{"my-aws-app", "another", "routed", "v-three", "lite-app", "orphan", "custom-b", "custom-c"} {
		if d := describeDomain(t, idp, name); d.Domain != nil {
			t.Fatalf("%s was stored: %+v", name, d)
		}
	}
}

// TestConcurrentDomainCreation races 50 pools for one prefix: the database
// lets exactly one win, on every backend.
func TestConcurrentDomainCreation(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		// A burst of parallel requests makes the client dial connections
		// it may never use; the server's graceful shutdown would wait
		// for those. Closing them first keeps the test's end prompt.
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		idp := c.IdentityProvider(func(o *cip.Options) { o.HTTPClient = &http.Client{Transport: cirrotest.BufferedBodies(tr)} })
		ctx := context.Background()
		const n = 50
		pools := make([]string, n)
		for i := range pools {
			pools[i] = newFamilyPool(t, idp)
		}
		var wg sync.WaitGroup
		results := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, results[i] = idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &pools[i], Domain: aws.String("contended")})
			}()
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range results {
			if err == nil {
				if winner >= 0 {
					t.Fatalf("pools %d and %d both got the domain", winner, i)
				}
				winner = i
				continue
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterException" || ae.ErrorMessage() != "Domain already associated with another user pool." {
				t.Fatalf("loser %d: %v", i, err)
			}
		}
		if winner < 0 {
			t.Fatal("no pool got the domain")
		}
		if d := describeDomain(t, idp, "contended"); *d.UserPoolId != pools[winner] {
			t.Fatalf("domain belongs to %s, winner was %s", *d.UserPoolId, pools[winner])
		}
	})
}

// TestDeletePoolRemovesItsResources checks, in the store of every backend,
// that deleting a pool removes its groups, resource servers, domains,
// branding styles and terms, and frees its domain prefix.
func TestDeletePoolRemovesItsResources(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		doomed := newFamilyPool(t, idp)
		kept := newFamilyPool(t, idp)
		for _, p := range []string{doomed, kept} {
			if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(p), GroupName: aws.String("g")}); err != nil {
				t.Fatal(err)
			}
			if _, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: aws.String(p), Identifier: aws.String("api"), Name: aws.String("n")}); err != nil {
				t.Fatal(err)
			}
			clientID := newFamilyClient(t, idp, p)
			if _, err := idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: aws.String(p), ClientId: &clientID, UseCognitoProvidedValues: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := idp.CreateTerms(ctx, termsInput(p, clientID, "terms-of-use")); err != nil {
				t.Fatal(err)
			}
		}
		for p, prefix := range map[string]string{doomed: "doomed-app", kept: "kept-app"} {
			if _, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(p), Domain: aws.String(prefix)}); err != nil {
				t.Fatal(err)
			}
		}
		kinds := []string{pool.KindGroup, pool.KindResourceServer, pool.KindDomain, pool.KindBranding, pool.KindTerms}
		for _, k := range kinds {
			if n := countScoped(t, c, k, doomed); n != 1 {
				t.Fatalf("before delete: %d %s records", n, k)
			}
		}
		if _, err := idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &doomed}); err != nil {
			t.Fatal(err)
		}
		for _, k := range kinds {
			if n := countScoped(t, c, k, doomed); n != 0 {
				t.Fatalf("after delete: %d %s records left", n, k)
			}
			if n := countScoped(t, c, k, kept); n != 1 {
				t.Fatalf("the other pool lost its %s records (%d left)", k, n)
			}
		}
		err := c.Internal().Store.Read(ctx, func(tx store.Tx) error {
			_, err := tx.Get(ctx, pool.KindDomain, "doomed-app")
			return err
		})
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("domain record after pool deletion: %v", err)
		}
		// The prefix is free for another pool.
		if _, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(newFamilyPool(t, idp)), Domain: aws.String("doomed-app")}); err != nil {
			t.Fatal(err)
		}
	})
}

// newFamilyClient creates an app client for branding and terms tests.
func newFamilyClient(t *testing.T, idp *cip.Client, poolID string) string {
	t.Helper()
	out, err := idp.CreateUserPoolClient(context.Background(), &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	return *out.UserPoolClient.ClientId
}

func termsInput(poolID, clientID, name string) *cip.CreateTermsInput {
	return &cip.CreateTermsInput{
		UserPoolId: &poolID, ClientId: &clientID, TermsName: &name,
		TermsSource: types.TermsSourceTypeLink, Enforcement: types.TermsEnforcementTypeNone,
		Links: map[string]string{"cognito:default": "https://example.com/" + name},
	}
}

func brandingSettings(t *testing.T, b *types.ManagedLoginBrandingType) map[string]any {
	t.Helper()
	if b.Settings == nil {
		return nil
	}
	var m map[string]any
	if err := b.Settings.UnmarshalSmithyDocument(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestManagedLoginBrandingRoundTrip(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	clientID := newFamilyClient(t, idp, poolID)
	logo := types.AssetType{Category: types.AssetCategoryTypePageHeaderLogo, ColorMode: types.ColorSchemeModeTypeLight, Extension: types.AssetExtensionTypePng, Bytes: []byte("\x89PNG-light")}

	created, err := idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{
		UserPoolId: &poolID, ClientId: &clientID, Assets: []types.AssetType{logo},
		Settings: document.NewLazyDocument(map[string]any{"components": map[string]any{"pageBackground": map[string]any{"image": map[string]any{"enabled": true}}, "form": map[string]any{"borderRadius": 8}}}),
	})
	if err != nil {
		t.Fatal(err)
	}
	b := created.ManagedLoginBranding
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(*b.ManagedLoginBrandingId) ||
		*b.UserPoolId != poolID || b.UseCognitoProvidedValues || len(b.Assets) != 1 || string(b.Assets[0].Bytes) != "\x89PNG-light" || b.CreationDate == nil {
		t.Fatalf("created %+v", b)
	}
	id := b.ManagedLoginBrandingId
	byID, err := idp.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: id})
	if err != nil {
		t.Fatal(err)
	}
	byClient, err := idp.DescribeManagedLoginBrandingByClient(ctx, &cip.DescribeManagedLoginBrandingByClientInput{UserPoolId: &poolID, ClientId: &clientID})
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []*types.ManagedLoginBrandingType{byID.ManagedLoginBranding, byClient.ManagedLoginBranding} {
		if *got.ManagedLoginBrandingId != *id || fmt.Sprint(brandingSettings(t, got)) != fmt.Sprint(brandingSettings(t, b)) || len(got.Assets) != 1 {
			t.Fatalf("described %+v", got)
		}
	}

	// Update keeps what it does not name: settings merge, assets replace
	// their own slot only.
	dark := types.AssetType{Category: types.AssetCategoryTypePageHeaderLogo, ColorMode: types.ColorSchemeModeTypeDark, Extension: types.AssetExtensionTypeSvg, Bytes: []byte("<svg/>")}
	newLight := logo
	newLight.Bytes = []byte("\x89PNG-light-2")
	upd, err := idp.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: id,
		Assets:   []types.AssetType{dark, newLight},
		Settings: document.NewLazyDocument(map[string]any{"components": map[string]any{"form": map[string]any{"borderRadius": 12}}}),
	})
	if err != nil {
		t.Fatal(err)
	}
	s := brandingSettings(t, upd.ManagedLoginBranding)
	comp := s["components"].(map[string]any)
	if fmt.Sprint(comp["form"]) != "map[borderRadius:12]" || comp["pageBackground"] == nil {
		t.Fatalf("merged settings %v", s)
	}
	if as := upd.ManagedLoginBranding.Assets; len(as) != 2 || string(as[0].Bytes) != "\x89PNG-light-2" || string(as[1].Bytes) != "<svg/>" {
		t.Fatalf("merged assets %+v", as)
	}
	// Back to Cognito's defaults.
	upd, err = idp.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: id, UseCognitoProvidedValues: true})
	if err != nil {
		t.Fatal(err)
	}
	if !upd.ManagedLoginBranding.UseCognitoProvidedValues || upd.ManagedLoginBranding.Settings != nil || len(upd.ManagedLoginBranding.Assets) != 0 {
		t.Fatalf("reset %+v", upd.ManagedLoginBranding)
	}

	if _, err := idp.DeleteManagedLoginBranding(ctx, &cip.DeleteManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: id}); err != nil {
		t.Fatal(err)
	}
	_, err = idp.DescribeManagedLoginBrandingByClient(ctx, &cip.DescribeManagedLoginBrandingByClientInput{UserPoolId: &poolID, ClientId: &clientID})
	wantCognitoErr(t, err, "ResourceNotFoundException", "has no managed login branding style")
	// The client may have a style again.
	if _, err := idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &poolID, ClientId: &clientID, UseCognitoProvidedValues: true}); err != nil {
		t.Fatal(err)
	}
}

func TestManagedLoginBrandingConstraints(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	raw := c.IdentityProvider(withoutClientValidation)
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	other := newFamilyPool(t, idp)
	clientID := newFamilyClient(t, idp, poolID)
	otherClient := newFamilyClient(t, idp, other)
	created, err := idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &poolID, ClientId: &clientID, UseCognitoProvidedValues: true})
	if err != nil {
		t.Fatal(err)
	}
	id := created.ManagedLoginBranding.ManagedLoginBrandingId
	unknownID := "0f3e1c2a-1111-4222-8333-444455556666"
	logo := types.AssetType{Category: types.AssetCategoryTypeFormLogo, ColorMode: types.ColorSchemeModeTypeDynamic, Extension: types.AssetExtensionTypePng}
	cases := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"second style for a client", func() error {
			_, err := idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &poolID, ClientId: &clientID})
			return err
		}, "ManagedLoginBrandingExistsException", clientID},
		{"unknown client", func() error {
			_, err := idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &poolID, ClientId: aws.String("nosuchclient")})
			return err
		}, "ResourceNotFoundException", "User pool client nosuchclient does not exist."},
		{"client of another pool", func() error {
			_, err := idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &poolID, ClientId: &otherClient})
			return err
		}, "ResourceNotFoundException", "User pool client " + otherClient + " does not exist."},
		{"defaults with settings", func() error {
			_, err := idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &other, ClientId: &otherClient, UseCognitoProvidedValues: true,
				Settings: document.NewLazyDocument(map[string]any{"a": 1})})
			return err
		}, "InvalidParameterException", "Settings and Assets must be omitted when UseCognitoProvidedValues is true."},
		{"defaults with assets on update", func() error {
			_, err := idp.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: id, UseCognitoProvidedValues: true,
				Assets: []types.AssetType{logo}})
			return err
		}, "InvalidParameterException", "Settings and Assets must be omitted when UseCognitoProvidedValues is true."},
		{"settings not an object", func() error {
			_, err := idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &other, ClientId: &otherClient,
				Settings: document.NewLazyDocument([]any{1, 2})})
			return err
		}, "InvalidParameterException", "Settings must be a JSON object."},
		{"one asset slot twice", func() error {
			_, err := idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &other, ClientId: &otherClient, Assets: []types.AssetType{logo, logo}})
			return err
		}, "InvalidParameterException", "is given more than once"},
		{"41 assets", func() error {
			as := make([]types.AssetType, 41)
			for i := range as {
				as[i] = types.AssetType{Category: types.AssetCategoryTypeIdpButtonIcon, ColorMode: types.ColorSchemeModeTypeLight, Extension: types.AssetExtensionTypePng, ResourceId: aws.String(fmt.Sprint(i))}
			}
			_, err := idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &other, ClientId: &otherClient, Assets: as})
			return err
		}, "InvalidParameterException", "at 'assets' failed to satisfy constraint: Member must have length less than or equal to 40"},
		{"describe unknown style", func() error {
			_, err := idp.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: &unknownID})
			return err
		}, "ResourceNotFoundException", "Managed login branding style " + unknownID + " does not exist."},
		{"describe a style of another pool", func() error {
			_, err := idp.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{UserPoolId: &other, ManagedLoginBrandingId: id})
			return err
		}, "ResourceNotFoundException", "does not exist."},
		{"by client without a style", func() error {
			_, err := idp.DescribeManagedLoginBrandingByClient(ctx, &cip.DescribeManagedLoginBrandingByClientInput{UserPoolId: &other, ClientId: &otherClient})
			return err
		}, "ResourceNotFoundException", "has no managed login branding style"},
		{"update without ids", func() error {
			_, err := raw.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{UseCognitoProvidedValues: true})
			return err
		}, "InvalidParameterException", "2 validation errors detected: Value null at 'managedLoginBrandingId' failed to satisfy constraint: Member must not be null"},
		{"update unknown style", func() error {
			_, err := idp.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: &unknownID})
			return err
		}, "ResourceNotFoundException", "does not exist."},
		{"delete unknown style", func() error {
			_, err := idp.DeleteManagedLoginBranding(ctx, &cip.DeleteManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: &unknownID})
			return err
		}, "ResourceNotFoundException", "does not exist."},
		{"malformed style id", func() error {
			_, err := idp.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: aws.String("not-a-uuid")})
			return err
		}, "InvalidParameterException", "at 'managedLoginBrandingId' failed to satisfy constraint"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantCognitoErr(t, tc.call(), tc.code, tc.msg) })
	}
	// Nothing refused was stored for the other pool's client.
	if n := countScoped(t, c, pool.KindBranding, other); n != 0 {
		t.Fatalf("%d styles stored for the other pool", n)
	}
}

func TestTermsRoundTrip(t *testing.T) {
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	clientID := newFamilyClient(t, idp, poolID)

	created, err := idp.CreateTerms(ctx, termsInput(poolID, clientID, "terms-of-use"))
	if err != nil {
		t.Fatal(err)
	}
	tm := created.Terms
	if *tm.UserPoolId != poolID || *tm.ClientId != clientID || *tm.TermsName != "terms-of-use" || tm.TermsSource != types.TermsSourceTypeLink ||
		tm.Enforcement != types.TermsEnforcementTypeNone || tm.Links["cognito:default"] != "https://example.com/terms-of-use" || tm.CreationDate == nil {
		t.Fatalf("created %+v", tm)
	}
	got, err := idp.DescribeTerms(ctx, &cip.DescribeTermsInput{UserPoolId: &poolID, TermsId: tm.TermsId})
	if err != nil {
		t.Fatal(err)
	}
	if g := got.Terms; *g.TermsId != *tm.TermsId || *g.TermsName != *tm.TermsName || *g.ClientId != clientID || *g.UserPoolId != poolID ||
		!reflect.DeepEqual(g.Links, tm.Links) || g.TermsSource != tm.TermsSource || g.Enforcement != tm.Enforcement ||
		!sameTime(g.CreationDate, tm.CreationDate) || !sameTime(g.LastModifiedDate, tm.LastModifiedDate) {
		t.Fatalf("described %+v\nwant %+v", got.Terms, tm)
	}
	privacy, err := idp.CreateTerms(ctx, termsInput(poolID, clientID, "privacy-policy"))
	if err != nil {
		t.Fatal(err)
	}

	// Update changes what it is given.
	clk.Advance(time.Minute)
	upd, err := idp.UpdateTerms(ctx, &cip.UpdateTermsInput{UserPoolId: &poolID, TermsId: tm.TermsId,
		Links: map[string]string{"cognito:default": "https://example.com/tos", "cognito:spanish": "https://example.com/es/tos"}})
	if err != nil {
		t.Fatal(err)
	}
	if *upd.Terms.TermsName != "terms-of-use" || len(upd.Terms.Links) != 2 || !sameTime(upd.Terms.CreationDate, tm.CreationDate) ||
		!upd.Terms.LastModifiedDate.Equal(clk.Now()) {
		t.Fatalf("updated %+v", upd.Terms)
	}

	var listed []string
	var token *string
	for {
		out, err := idp.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: &poolID, MaxResults: aws.Int32(1), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range out.Terms {
			listed = append(listed, *d.TermsName)
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(listed) != 2 || listed[0] == listed[1] {
		t.Fatalf("listed %v", listed)
	}

	if _, err := idp.DeleteTerms(ctx, &cip.DeleteTermsInput{UserPoolId: &poolID, TermsId: privacy.Terms.TermsId}); err != nil {
		t.Fatal(err)
	}
	_, err = idp.DescribeTerms(ctx, &cip.DescribeTermsInput{UserPoolId: &poolID, TermsId: privacy.Terms.TermsId})
	wantCognitoErr(t, err, "ResourceNotFoundException", "do not exist")
	// The name is free again, and a rename onto it works.
	if _, err := idp.UpdateTerms(ctx, &cip.UpdateTermsInput{UserPoolId: &poolID, TermsId: tm.TermsId, TermsName: aws.String("privacy-policy")}); err != nil {
		t.Fatal(err)
	}
}

func TestTermsConstraints(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	raw := c.IdentityProvider(withoutClientValidation)
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	other := newFamilyPool(t, idp)
	clientID := newFamilyClient(t, idp, poolID)
	tos, err := idp.CreateTerms(ctx, termsInput(poolID, clientID, "terms-of-use"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idp.CreateTerms(ctx, termsInput(poolID, clientID, "privacy-policy")); err != nil {
		t.Fatal(err)
	}
	unknownID := "0f3e1c2a-1111-4222-8333-444455556666"
	cases := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"duplicate name", func() error {
			_, err := idp.CreateTerms(ctx, termsInput(poolID, clientID, "terms-of-use"))
			return err
		}, "TermsExistsException", "terms-of-use"},
		{"rename onto a taken name", func() error {
			_, err := idp.UpdateTerms(ctx, &cip.UpdateTermsInput{UserPoolId: &poolID, TermsId: tos.Terms.TermsId, TermsName: aws.String("privacy-policy")})
			return err
		}, "TermsExistsException", "privacy-policy"},
		{"unknown client", func() error {
			_, err := idp.CreateTerms(ctx, termsInput(poolID, "nosuchclient", "terms-of-use"))
			return err
		}, "ResourceNotFoundException", "User pool client nosuchclient does not exist."},
		{"client of another pool", func() error {
			_, err := idp.CreateTerms(ctx, termsInput(other, clientID, "terms-of-use"))
			return err
		}, "ResourceNotFoundException", "User pool client " + clientID + " does not exist."},
		{"no links", func() error {
			in := termsInput(poolID, clientID, "terms-of-use")
			in.Links = nil
			_, err := idp.CreateTerms(ctx, in)
			return err
		}, "InvalidParameterException", "Links are required"},
		{"unknown language", func() error {
			in := termsInput(poolID, clientID, "terms-of-use")
			in.Links = map[string]string{"cognito:klingon": "https://example.com"}
			_, err := idp.CreateTerms(ctx, in)
			return err
		}, "InvalidParameterException", "failed to satisfy constraint"},
		{"unknown name", func() error {
			_, err := idp.CreateTerms(ctx, termsInput(poolID, clientID, "cookie-policy"))
			return err
		}, "InvalidParameterException", "at 'termsName' failed to satisfy constraint"},
		{"missing enforcement", func() error {
			in := termsInput(poolID, clientID, "terms-of-use")
			in.Enforcement = ""
			_, err := raw.CreateTerms(ctx, in)
			return err
		}, "InvalidParameterException", "at 'enforcement' failed to satisfy constraint: Member must not be null"},
		{"describe unknown", func() error {
			_, err := idp.DescribeTerms(ctx, &cip.DescribeTermsInput{UserPoolId: &poolID, TermsId: &unknownID})
			return err
		}, "ResourceNotFoundException", "Terms " + unknownID + " do not exist."},
		{"describe in another pool", func() error {
			_, err := idp.DescribeTerms(ctx, &cip.DescribeTermsInput{UserPoolId: &other, TermsId: tos.Terms.TermsId})
			return err
		}, "ResourceNotFoundException", "do not exist."},
		{"update unknown", func() error {
			_, err := idp.UpdateTerms(ctx, &cip.UpdateTermsInput{UserPoolId: &poolID, TermsId: &unknownID})
			return err
		}, "ResourceNotFoundException", "do not exist."},
		{"delete unknown", func() error {
			_, err := idp.DeleteTerms(ctx, &cip.DeleteTermsInput{UserPoolId: &poolID, TermsId: &unknownID})
			return err
		}, "ResourceNotFoundException", "do not exist."},
		{"list unknown pool", func() error {
			_, err := idp.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: aws.String("us-east-1_missing00")})
			return err
		}, "ResourceNotFoundException", "does not exist."},
		{"forged token", func() error {
			_, err := idp.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: &poolID, NextToken: aws.String("forged")})
			return err
		}, "InvalidParameterException", "Invalid pagination token."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantCognitoErr(t, tc.call(), tc.code, tc.msg) })
	}
	if d, err := idp.DescribeTerms(ctx, &cip.DescribeTermsInput{UserPoolId: &poolID, TermsId: tos.Terms.TermsId}); err != nil || *d.Terms.TermsName != "terms-of-use" {
		t.Fatalf("after refused rename: %v %+v", err, d)
	}
}

// TestDeleteClientDeletesBrandingAndTerms: a deleted app client's style
// and terms documents go with it, and its neighbours keep theirs.
func TestDeleteClientDeletesBrandingAndTerms(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	gone, kept := newFamilyClient(t, idp, poolID), newFamilyClient(t, idp, poolID)
	var styleID *string
	for _, clientID := range []string{gone, kept} {
		out, err := idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &poolID, ClientId: aws.String(clientID), UseCognitoProvidedValues: true})
		if err != nil {
			t.Fatal(err)
		}
		if clientID == gone {
			styleID = out.ManagedLoginBranding.ManagedLoginBrandingId
		}
		for _, name := range []string{"terms-of-use", "privacy-policy"} {
			if _, err := idp.CreateTerms(ctx, termsInput(poolID, clientID, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := idp.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: &poolID, ClientId: &gone}); err != nil {
		t.Fatal(err)
	}
	_, err := idp.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{UserPoolId: &poolID, ManagedLoginBrandingId: styleID})
	wantCognitoErr(t, err, "ResourceNotFoundException", "does not exist.")
	if n := countScoped(t, c, pool.KindBranding, poolID); n != 1 {
		t.Fatalf("%d styles left, want the kept client's", n)
	}
	list, err := idp.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: &poolID})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Terms) != 2 {
		t.Fatalf("%d terms left, want the kept client's 2", len(list.Terms))
	}
}
