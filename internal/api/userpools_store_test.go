package api_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/pool"
)

// TestListUserPoolsPagination: 250 pools list completely, each once, in
// pages of 1, 7 and 60; a forged or edited token is refused.
func TestListUserPoolsPagination(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		want := map[string]bool{}
		for i := range 250 {
			out, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(fmt.Sprint("pool-", i))})
			if err != nil {
				t.Fatal(err)
			}
			want[*out.UserPool.Id] = true
		}
		var token *string
		for _, size := range []int32{1, 7, 60} {
			seen := map[string]bool{}
			pages := 0
			p := cip.NewListUserPoolsPaginator(idp, &cip.ListUserPoolsInput{MaxResults: aws.Int32(size)})
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				if len(out.UserPools) > int(size) {
					t.Fatalf("page of %d pools, asked for %d", len(out.UserPools), size)
				}
				for _, up := range out.UserPools {
					if seen[*up.Id] {
						t.Fatalf("size %d: %s listed twice", size, *up.Id)
					}
					seen[*up.Id] = true
				}
				if out.NextToken != nil {
					token = out.NextToken
				}
			}
			if len(seen) != len(want) {
				t.Errorf("size %d: %d pools listed, want %d", size, len(seen), len(want))
			}
			if wantPages := (250 + int(size) - 1) / int(size); pages != wantPages {
				t.Errorf("size %d: %d pages, want %d", size, pages, wantPages)
			}
		}
		edited := []byte(*token)
		edited[len(edited)/2] ^= 1
		for _, tok := range []string{"eyJhZnRlciI6InVzLWVhc3QtMV96In0" /* forged */, string(edited)} {
			_, err := idp.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10), NextToken: aws.String(tok)})
			wantCognitoErr(t, err, "InvalidParameterException", "Invalid pagination token.")
		}
	})
}

// TestDeleteUserPoolCascades: deleting a pool removes everything it owns
// (clients, groups, resource servers, domains, users, and its settings),
// verified in the store, and nothing of another pool; deletion protection
// refuses it and leaves everything in place.
func TestDeleteUserPoolCascades(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		doomed, bystander := newFamilyPool(t, idp), newFamilyPool(t, idp)
		for _, id := range []string{doomed, bystander} {
			if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(id), GroupName: aws.String("admins")}); err != nil {
				t.Fatal(err)
			}
			putRecord(t, c, "user", id+"/alice", id, map[string]string{"Username": "alice"})
		}
		putRecord(t, c, "user", doomed+"/bob", doomed, map[string]string{"Username": "bob"})
		newFamilyClient(t, idp, doomed)
		steps := []func() error{
			func() error {
				_, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &doomed, Identifier: aws.String("https://api"), Name: aws.String("api")})
				return err
			},
			func() error {
				_, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &doomed, Domain: aws.String("doomed-pool")})
				return err
			},
			func() error {
				_, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &doomed, Domain: aws.String("auth.doomed.example.com"),
					CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String("arn:aws:acm:us-east-1:123456789012:certificate/doomed")}})
				return err
			},
			func() error {
				_, err := idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &doomed, MfaConfiguration: types.UserPoolMfaTypeOptional,
					SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})
				return err
			},
			func() error {
				_, err := idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &doomed, CSS: aws.String(".logo-customizable {}")})
				return err
			},
			func() error {
				_, err := idp.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: &doomed, LogConfigurations: []types.LogConfigurationType{
					{EventSource: "userNotification", LogLevel: "ERROR", CloudWatchLogsConfiguration: &types.CloudWatchLogsConfigurationType{LogGroupArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:x")}}}})
				return err
			},
			func() error {
				_, err := idp.GetSigningCertificate(ctx, &cip.GetSigningCertificateInput{UserPoolId: &doomed})
				return err
			},
			func() error {
				_, err := idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &doomed, DeletionProtection: types.DeletionProtectionTypeActive,
					MfaConfiguration: types.UserPoolMfaTypeOptional})
				return err
			},
		}
		for i, step := range steps {
			if err := step(); err != nil {
				t.Fatalf("setup step %d: %v", i, err)
			}
		}
		out, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &doomed})
		if err != nil {
			t.Fatal(err)
		}
		if out.UserPool.EstimatedNumberOfUsers != 2 || aws.ToString(out.UserPool.Domain) != "doomed-pool" ||
			aws.ToString(out.UserPool.CustomDomain) != "auth.doomed.example.com" {
			t.Errorf("computed members: users %d, domain %v, custom domain %v", out.UserPool.EstimatedNumberOfUsers, out.UserPool.Domain, out.UserPool.CustomDomain)
		}

		kinds := []string{pool.KindPool, pool.KindClient, pool.KindGroup, pool.KindResourceServer, pool.KindDomain, "user",
			pool.KindPoolMfa, pool.KindUICustomization, pool.KindLogDelivery, pool.KindSigningCert}
		counts := func(id string) map[string]int {
			m := map[string]int{}
			for _, k := range kinds {
				m[k] = countScoped(t, c, k, id)
			}
			return m
		}
		full, other := counts(doomed), counts(bystander)
		for _, k := range kinds {
			if full[k] == 0 {
				t.Errorf("setup left no %s record to delete", k)
			}
		}

		_, err = idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &doomed})
		wantCognitoErr(t, err, "InvalidParameterException", "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
		if got := counts(doomed); fmt.Sprint(got) != fmt.Sprint(full) {
			t.Errorf("a refused delete changed the store: %v, was %v", got, full)
		}

		// An update without DeletionProtection turns it off (its default).
		if _, err := idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &doomed}); err != nil {
			t.Fatal(err)
		}
		if _, err := idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &doomed}); err != nil {
			t.Fatal(err)
		}
		for k, n := range counts(doomed) {
			if n != 0 {
				t.Errorf("%d %s records left after the pool was deleted", n, k)
			}
		}
		if got := counts(bystander); fmt.Sprint(got) != fmt.Sprint(other) {
			t.Errorf("deleting a pool changed another: %v, was %v", got, other)
		}
		_, err = idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &doomed})
		wantCognitoErr(t, err, "ResourceNotFoundException", "User pool "+doomed+" does not exist.")
		if _, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &bystander, Domain: aws.String("doomed-pool")}); err != nil {
			t.Errorf("the deleted pool's domain is not free: %v", err)
		}
	})
}
