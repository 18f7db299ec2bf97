package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"

	"github.com/cirrohq/cirro/cirrotest"
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
	c := cirrotest.Start(t, cirrotest.WithConfig(func(cfg *config.Config) {
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
	// Signed 16 minutes ago: expired. 14 minutes: still accepted.
	if code, msg := signedAt(t, c, time.Now().Add(-16*time.Minute)); code != "InvalidSignatureException" || !strings.Contains(msg, "Signature expired") {
		t.Fatalf("expired signature: %s %s", code, msg)
	}
	if code, msg := signedAt(t, c, time.Now().Add(-14*time.Minute)); code != "" {
		t.Fatalf("14 minutes of skew refused: %s %s", code, msg)
	}
}

// signedAt sends ListUserPools signed by the SDK's signer at time at.
func signedAt(t *testing.T, c *cirrotest.Server, at time.Time) (code, msg string) {
	body := []byte(`{"MaxResults":10}`)
	req, _ := http.NewRequest(http.MethodPost, c.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "cognito-idp", c.Region, at); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	json.NewDecoder(resp.Body).Decode(&e)
	return e.Type, e.Message
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
