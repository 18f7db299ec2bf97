package api_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
)
func TestTmpListUserPoolClientsPagination(t *testing.T) {
	tmpEachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		poolID := newPool(t, idp, nil)
		otherPool := newPool(t, idp, nil)
		if _, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &otherPool, ClientName: aws.String("elsewhere")}); err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{}
		for range 250 {
			out, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("c")})
			if err != nil {
				t.Fatal(err)
			}
			want[*out.UserPoolClient.ClientId] = true
		}
		var token *string
		for _, size := range []int32{1, 7, 60} {
			seen := map[string]bool{}
			var next *string
			for {
				out, err := idp.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: &poolID, MaxResults: aws.Int32(size), NextToken: next})
				if err != nil {
					t.Fatal(err)
				}
				if len(out.UserPoolClients) > int(size) {
					t.Fatalf("page of %d at size %d", len(out.UserPoolClients), size)
				}
				for _, d := range out.UserPoolClients {
					if seen[*d.ClientId] || !want[*d.ClientId] || *d.UserPoolId != poolID || *d.ClientName != "c" {
						t.Fatalf("size %d: unexpected or repeated %+v", size, d)
					}
					seen[*d.ClientId] = true
				}
				if out.NextToken == nil {
					break
				}
				next, token = out.NextToken, out.NextToken
			}
			if len(seen) != len(want) {
				t.Errorf("size %d: listed %d of %d clients", size, len(seen), len(want))
			}
		}

		forged := []byte(*token)
		forged[len(forged)/2] ^= 1
		for name, tok := range map[string]string{"edited": string(forged), "made up": "eyJ0aGUiOiJlbmQifQ"} {
			_, err := idp.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: &poolID, NextToken: aws.String(tok)})
			if code, msg := apiError(err); code != "InvalidParameterException" {
				t.Errorf("%s token: got %s %s", name, code, msg)
			}
		}
		_, err := idp.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: &otherPool, NextToken: token})
		if code, _ := apiError(err); code != "InvalidParameterException" {
			t.Errorf("a token of another pool: got %s", code)
		}
	})
}

// TestClientSecretsAtRest: no secret appears in plain text in the store.
func TestTmpClientSecretsAtRest(t *testing.T) {
	tmpEachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		poolID := newPool(t, idp, nil)
		out, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("s"), GenerateSecret: true})
		if err != nil {
			t.Fatal(err)
		}
		id := out.UserPoolClient.ClientId
		added, err := idp.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: id})
		if err != nil {
			t.Fatal(err)
		}
		data := rawClient(t, c, *id)
		for _, secret := range []string{*out.UserPoolClient.ClientSecret, *added.ClientSecretDescriptor.ClientSecretValue} {
			if bytes.Contains(data, []byte(secret)) {
				t.Fatalf("the store holds the secret %s in plain text: %s", secret, data)
			}
		}

		custom := "custom_secret_0123456789abcdef"
		own, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("own"), ClientSecret: &custom})
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(rawClient(t, c, *own.UserPoolClient.ClientId), []byte(custom)) {
			t.Fatal("the store holds a supplied secret in plain text")
		}
	})
}

// TestClientByIDAndDelete: sign-in finds a client by its id alone;
// deleting it, or its pool, removes it.
func TestTmpClientByIDAndDelete(t *testing.T) {
	tmpEachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		poolID := newPool(t, idp, nil)
		var ids []string
		for range 2 {
			out, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("d"), GenerateSecret: true})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, *out.UserPoolClient.ClientId)
		}
		pools := c.Internal().API.Pools
		err := c.Internal().Store.Read(ctx, func(tx store.Tx) error {
			cl, err := pools.Client(ctx, tx, ids[0])
			if err != nil {
				return err
			}
			if *cl.UserPoolId != poolID || cl.ClientSecret == nil {
				t.Errorf("Client(%s) = %+v", ids[0], cl)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		if _, err := idp.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: &poolID, ClientId: &ids[0]}); err != nil {
			t.Fatal(err)
		}
		_, err = idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: &ids[0]})
		if code, _ := apiError(err); code != "ResourceNotFoundException" {
			t.Fatalf("describe a deleted client: %v", err)
		}
		_, err = idp.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: &poolID, ClientId: &ids[0]})
		if code, _ := apiError(err); code != "ResourceNotFoundException" {
			t.Fatalf("delete twice: %v", err)
		}
		err = c.Internal().Store.Read(ctx, func(tx store.Tx) error {
			if _, err := pools.Client(ctx, tx, ids[0]); !errs.Is(err, errs.ResourceNotFoundException) {
				t.Errorf("Client of a deleted client: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		if _, err := idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &poolID}); err != nil {
			t.Fatal(err)
		}
		err = c.Internal().Store.Read(ctx, func(tx store.Tx) error {
			_, err := tx.Get(ctx, pool.KindClient, ids[1])
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a client of a deleted pool is still stored: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
