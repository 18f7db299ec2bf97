package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"

	"github.com/cirrohq/cirro/cirrotest"
)

// rawCall sends an operation the released SDK does not have yet, signed by
// the SDK's own SigV4 signer, and returns the answer as the SDK would: nil
// or a smithy.APIError.
func rawCall(t *testing.T, c *cirrotest.Server, svc, op string) error {
	t.Helper()
	prefix := map[string]string{"cognito-idp": "AWSCognitoIdentityProviderService", "cognito-identity": "AWSCognitoIdentityService"}[svc]
	body := []byte(`{"UserPoolId":"us-east-1_abcDEF123","Username":"someone","AccessToken":"x"}`)
	req, _ := http.NewRequest(http.MethodPost, c.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", prefix+"."+op)
	sum := sha256.Sum256(body)
	creds, err := c.AWSConfig().Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), svc, c.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == 200 {
		return nil
	}
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	json.Unmarshal(b, &e)
	return &smithy.GenericAPIError{Code: e.Type, Message: e.Message}
}
