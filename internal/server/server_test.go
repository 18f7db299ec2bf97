package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/server"
)

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func withCreds(id, secret string) func(*cip.Options) {
	return func(o *cip.Options) { o.Credentials = credentials.NewStaticCredentialsProvider(id, secret, "") }
}

func TestSignedAdminCalls(t *testing.T) {
	clk := clock.NewFake(time.Now())
	c := cirrotest.Start(t, cirrotest.WithClock(clk), cirrotest.WithConfig(func(cfg *config.Config) {
		cfg.AccessKeys = append(cfg.AccessKeys, config.AccessKey{
			Name: "reader", ID: "AKIAREADERONLY000001", Secret: "reader-secret-0123456789",
			Actions: []string{"cognito-idp:Describe*", "cognito-idp:List*"},
		})
	}))
	ctx := context.Background()
	list := &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)}

	if _, err := c.IdentityProvider().ListUserPools(ctx, list); err != nil {
		t.Fatalf("valid signature refused: %v", err)
	}
	if _, err := c.IdentityProvider(withCreds(c.AccessKeyID, "wrong-secret")).ListUserPools(ctx, list); apiCode(err) != "InvalidSignatureException" {
		t.Fatalf("wrong secret: %v", err)
	}
	if _, err := c.IdentityProvider(withCreds("AKIANOSUCHKEY0000000", "x")).ListUserPools(ctx, list); apiCode(err) != "UnrecognizedClientException" {
		t.Fatalf("unknown key: %v", err)
	}
	reader := c.IdentityProvider(withCreds("AKIAREADERONLY000001", "reader-secret-0123456789"))
	if _, err := reader.ListUserPools(ctx, list); err != nil {
		t.Fatalf("granted action refused: %v", err)
	}
	_, err := reader.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p")})
	if apiCode(err) != "AccessDeniedException" || !strings.Contains(err.Error(), "cognito-idp:CreateUserPool") {
		t.Fatalf("action outside grant: %v", err)
	}
	// The server's clock runs 16 minutes ahead of the signer's: expired.
	clk.Advance(16 * time.Minute)
	if _, err := c.IdentityProvider().ListUserPools(ctx, list); apiCode(err) != "InvalidSignatureException" || !strings.Contains(err.Error(), "Signature expired") {
		t.Fatalf("expired signature: %v", err)
	}
	clk.Advance(-2 * time.Minute)
	if _, err := c.IdentityProvider().ListUserPools(ctx, list); err != nil {
		t.Fatalf("14 minutes of skew refused: %v", err)
	}
}

func TestDevModeAcceptsAnySignature(t *testing.T) {
	c := cirrotest.Start(t, cirrotest.WithDevMode())
	ctx := context.Background()
	for _, creds := range [][2]string{{"anything", "goes"}, {"AKIAOTHER", "other"}} {
		if _, err := c.IdentityProvider(withCreds(creds[0], creds[1])).CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("dev")}); err != nil {
			t.Fatalf("dev mode refused %v: %v", creds, err)
		}
	}
	anon := c.IdentityProvider(func(o *cip.Options) { o.Credentials = aws.AnonymousCredentials{} })
	if _, err := anon.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(1)}); err != nil {
		t.Fatalf("dev mode refused an unsigned call: %v", err)
	}
}

func TestUnsignedAdminCallRefused(t *testing.T) {
	c := cirrotest.Start(t)
	anon := c.IdentityProvider(func(o *cip.Options) { o.Credentials = aws.AnonymousCredentials{} })
	_, err := anon.ListUserPools(context.Background(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(1)})
	if apiCode(err) != "MissingAuthenticationTokenException" {
		t.Fatalf("unsigned admin call: %v", err)
	}
}

func TestNonLoopbackWithoutKeysRefusesToStart(t *testing.T) {
	cfg := config.Default()
	cfg.Addr = "0.0.0.0:0"
	cfg.DB = "memory"
	_, err := server.New(context.Background(), cfg, server.Options{})
	if err == nil || !strings.Contains(err.Error(), "without access keys") {
		t.Fatalf("want refusal, got %v", err)
	}
}
