package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/config"
)

const fixtures = "../../internal/template/testdata/fixtures/"

// signAs makes the AWS SDK's default credential chain find c's access key
// and nothing else.
func signAs(t *testing.T, c *cirrotest.Server) {
	t.Setenv("AWS_ACCESS_KEY_ID", c.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", c.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", c.Region)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("CIRRO_ENDPOINT", "")
}

func run(t *testing.T, f func(context.Context, []string, *bytes.Buffer) error, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := f(context.Background(), args, &out)
	return out.String(), err
}

func applyCmd(ctx context.Context, args []string, out *bytes.Buffer) error {
	return runApply(ctx, args, out)
}
func outputsCmd(ctx context.Context, args []string, out *bytes.Buffer) error {
	return runOutputs(ctx, args, out)
}
func exportCmd(ctx context.Context, args []string, out *bytes.Buffer) error {
	return runExport(ctx, args, out, io.Discard)
}

// exportWarnings is exportCmd that keeps standard error in *stderr.
func exportWarnings(stderr *bytes.Buffer) func(context.Context, []string, *bytes.Buffer) error {
	return func(ctx context.Context, args []string, out *bytes.Buffer) error {
		return runExport(ctx, args, out, stderr)
	}
}

// TestApplyCommand drives a server with access keys through `cirro
// apply`: every call signed with the key the SDK's credential chain
// finds, the stack's state kept by the server.
func TestApplyCommand(t *testing.T) {
	c := cirrotest.Start(t)
	signAs(t, c)
	tpl := fixtures + "CfnResources.template.json"

	out, err := run(t, applyCmd, "--template", tpl, "--endpoint", c.URL, "--dry-run")
	if err != nil || !strings.Contains(out, "+ create     Pool") || strings.Contains(out, "nothing to change") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if n := pools(t, c); n != 0 {
		t.Fatalf("the dry run created %d pools", n)
	}

	out, err = run(t, applyCmd, "--template", tpl, "--endpoint", c.URL)
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if !strings.Contains(out, "skip CDKMetadata (AWS::CDK::Metadata)") || !strings.Contains(out, "created Risk (AWS::Cognito::UserPoolRiskConfigurationAttachment)") {
		t.Errorf("no line for the skipped type, or for the risk configuration:\n%s", out)
	}
	outs, err := run(t, outputsCmd, "--stack-name", "CfnResources", "--endpoint", c.URL, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var values []struct{ OutputKey, OutputValue string }
	if err := json.Unmarshal([]byte(outs), &values); err != nil {
		t.Fatalf("%v: %s", err, outs)
	}
	got := map[string]string{}
	for _, v := range values {
		got[v.OutputKey] = v.OutputValue
	}
	pool, err := c.IdentityProvider().DescribeUserPool(context.Background(), &cip.DescribeUserPoolInput{UserPoolId: ptr(got["UserPoolId"])})
	if err != nil || *pool.UserPool.Name != "CfnResources-dev-users" {
		t.Fatalf("the UserPoolId output does not name the pool: %v %v", err, got)
	}
	if got["DomainName"] != "dev-cfn-resources-auth" || got["Region"] != "us-east-1" || got["ClientId"] == "" {
		t.Errorf("outputs %v", got)
	}

	out, err = run(t, applyCmd, "--template", tpl, "--endpoint", c.URL)
	if err != nil || !strings.Contains(out, "nothing to change") {
		t.Errorf("re-apply: %v\n%s", err, out)
	}
	out, err = run(t, applyCmd, "--template", tpl, "--endpoint", c.URL, "--parameter", "MinPasswordLength=12", "--dry-run")
	if err != nil || !strings.Contains(out, "~ update     Pool") {
		t.Errorf("dry run of a change: %v\n%s", err, out)
	}

	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-at-all")
	if _, err := run(t, applyCmd, "--template", tpl, "--endpoint", c.URL, "--parameter", "MinPasswordLength=12"); err == nil ||
		!strings.Contains(err.Error(), "signature") {
		t.Errorf("a badly signed apply: %v", err)
	}
	if n := pools(t, c); n != 1 {
		t.Errorf("%d pools, want 1", n)
	}
}

// TestExportAppliesCleanly exports a configured server and applies the
// export to an empty one: the pools, clients, identity providers and risk
// configurations come out the same.
func TestExportAppliesCleanly(t *testing.T) {
	a := cirrotest.Start(t)
	signAs(t, a)
	for _, f := range []string{"CfnResources", "AppClients", "UserPoolAttributes", "PdkUserIdentity", "IdentityProviders"} {
		if out, err := run(t, applyCmd, "--template", fixtures+f+".template.json", "--endpoint", a.URL); err != nil {
			t.Fatalf("%s: %v\n%s", f, err, out)
		}
	}
	const appleKey = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----"
	if out, err := run(t, applyCmd, "--template", "testdata/Federated.template.yaml", "--endpoint", a.URL, "--parameter", "AppleKey="+appleKey); err != nil {
		t.Fatalf("Federated: %v\n%s", err, out)
	}
	var warnings bytes.Buffer
	exported, err := run(t, exportWarnings(&warnings), "--endpoint", a.URL)
	if err != nil {
		t.Fatal(err)
	}
	// Apple's key cannot be read back: each is a NoEcho parameter, said on
	// standard error; client secrets are plain text, and said so too.
	var doc struct {
		Parameters map[string]struct{ NoEcho bool }
		Resources  map[string]struct{ Type string }
	}
	if err := json.Unmarshal([]byte(exported), &doc); err != nil {
		t.Fatal(err)
	}
	var params []string
	for name, p := range doc.Parameters {
		if !p.NoEcho || !strings.HasSuffix(name, "PrivateKey") || !strings.Contains(warnings.String(), "--parameter "+name+"=") {
			t.Errorf("parameter %s %+v; warnings:\n%s", name, p, warnings.String())
		}
		params = append(params, "--parameter", name+"="+appleKey)
	}
	if len(params) != 4 || !strings.Contains(warnings.String(), "plain text") || !strings.Contains(exported, `"corp-secret"`) {
		t.Errorf("%d Apple key parameters, want 2; warnings:\n%s", len(params)/2, warnings.String())
	}
	kinds := map[string]int{}
	for _, r := range doc.Resources {
		kinds[r.Type]++
	}
	if kinds["AWS::Cognito::UserPoolIdentityProvider"] != 14 || kinds["AWS::Cognito::UserPoolRiskConfigurationAttachment"] != 3 {
		t.Errorf("exported %v", kinds)
	}
	file := filepath.Join(t.TempDir(), "Exported.template.json")
	if err := os.WriteFile(file, []byte(exported), 0o644); err != nil {
		t.Fatal(err)
	}

	b := cirrotest.Start(t)
	signAs(t, b)
	if out, err := run(t, applyCmd, append([]string{"--template", file, "--endpoint", b.URL}, params...)...); err != nil {
		t.Fatalf("applying the export: %v\n%s", err, out)
	}
	want, got := configuration(t, a), configuration(t, b)
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("%d pools exported, %d applied", len(want), len(got))
	}
	for name, w := range want {
		if g := got[name]; g != w {
			t.Errorf("pool %s differs:\n%s\n%s", name, w, g)
		}
	}
	// The export of the copy is the export of the original.
	signAs(t, b)
	again, err := run(t, exportCmd, "--endpoint", b.URL)
	if err != nil {
		t.Fatal(err)
	}
	if strip(again) != strip(exported) {
		t.Errorf("exporting the copy gives another template:\n%s\n%s", exported, again)
	}

	// --secret-parameters keeps client secrets out of the file.
	warnings.Reset()
	hidden, err := run(t, exportWarnings(&warnings), "--endpoint", b.URL, "--secret-parameters")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(hidden, "corp-secret") || !strings.Contains(hidden, "UserPoolFederatedIdPCorpClientSecret") ||
		!strings.Contains(warnings.String(), "--parameter UserPoolFederatedIdPCorpClientSecret=") {
		t.Errorf("--secret-parameters:\n%s\n%s", hidden, warnings.String())
	}
}

// configuration is every pool's settings and clients by pool name, with
// what differs between servers (ids, dates, secrets) left out.
func configuration(t *testing.T, c *cirrotest.Server) map[string]string {
	ctx := context.Background()
	idp := c.IdentityProvider()
	list, err := idp.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: ptr(int32(60))})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range list.UserPools {
		d, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: p.Id})
		if err != nil {
			t.Fatal(err)
		}
		pool := d.UserPool
		pool.Id, pool.Arn, pool.CreationDate, pool.LastModifiedDate, pool.EstimatedNumberOfUsers = nil, nil, nil, nil, 0
		clients, err := idp.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: p.Id, MaxResults: ptr(int32(60))})
		if err != nil {
			t.Fatal(err)
		}
		var cs []any
		for _, cl := range clients.UserPoolClients {
			dc, err := idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: p.Id, ClientId: cl.ClientId})
			if err != nil {
				t.Fatal(err)
			}
			u := dc.UserPoolClient
			hasSecret := u.ClientSecret != nil
			u.ClientId, u.UserPoolId, u.ClientSecret, u.CreationDate, u.LastModifiedDate = nil, nil, nil, nil, nil
			cs = append(cs, map[string]any{"client": u, "secret": hasSecret})
		}
		providers, err := idp.ListIdentityProviders(ctx, &cip.ListIdentityProvidersInput{UserPoolId: p.Id, MaxResults: ptr(int32(60))})
		if err != nil {
			t.Fatal(err)
		}
		var ps []any
		for _, pr := range providers.Providers {
			d, err := idp.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: p.Id, ProviderName: pr.ProviderName})
			if err != nil {
				t.Fatal(err)
			}
			u := d.IdentityProvider
			u.UserPoolId, u.CreationDate, u.LastModifiedDate = nil, nil, nil
			ps = append(ps, u)
		}
		risks := []any{risk(t, c, *p.Id, nil)}
		for _, cl := range clients.UserPoolClients {
			risks = append(risks, risk(t, c, *p.Id, cl.ClientId))
		}
		b, _ := json.Marshal(map[string]any{"pool": pool, "clients": sortedJSON(cs), "providers": sortedJSON(ps), "risk": sortedJSON(risks)})
		out[*p.Name] = string(b)
	}
	return out
}

// risk is a pool's or a client's risk configuration, without ids and
// dates ("own" tells a client's own from the pool's it inherits).
func risk(t *testing.T, c *cirrotest.Server, pool string, client *string) any {
	out, err := c.IdentityProvider().DescribeRiskConfiguration(context.Background(), &cip.DescribeRiskConfigurationInput{UserPoolId: &pool, ClientId: client})
	if err != nil {
		t.Fatal(err)
	}
	r := out.RiskConfiguration
	own := client != nil && r.ClientId != nil && *r.ClientId == *client
	r.UserPoolId, r.ClientId, r.LastModifiedDate = nil, nil, nil
	return map[string]any{"own": own, "config": r}
}

func sortedJSON(l []any) []string {
	var out []string
	for _, v := range l {
		b, _ := json.Marshal(v)
		out = append(out, string(b))
	}
	sortStrings(out)
	return out
}

// strip drops the line naming the server exported from.
func strip(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.Contains(l, `"Description": "Exported from`) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func pools(t *testing.T, c *cirrotest.Server) int {
	out, err := c.IdentityProvider().ListUserPools(context.Background(), &cip.ListUserPoolsInput{MaxResults: ptr(int32(60))})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.UserPools)
}

func ptr[T any](v T) *T { return &v }

func sortStrings(s []string) { slices.Sort(s) }

// TestApplyNeedsStackGrant: the stack's state is cirro's own resource,
// granted apart from Cognito's ("cirro:*" actions).
func TestApplyNeedsStackGrant(t *testing.T) {
	c := cirrotest.Start(t, cirrotest.WithConfig(func(cfg *config.Config) {
		cfg.AccessKeys[0].Actions = []string{"cognito-idp:*", "cognito-identity:*"}
	}))
	signAs(t, c)
	_, err := run(t, applyCmd, "--template", fixtures+"Groups.template.json", "--endpoint", c.URL)
	if err == nil || !strings.Contains(err.Error(), "cirro:GetStack") {
		t.Fatalf("apply without a stack grant: %v", err)
	}
	if n := pools(t, c); n != 0 {
		t.Errorf("%d pools created", n)
	}
}
