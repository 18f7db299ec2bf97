package api_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cirrohq/cirro/cirrotest"
)

func TestZZDebugCreate(t *testing.T) {
	mode := os.Getenv("ZZMODE")
	fails := 0
	for i := 0; i < 800; i++ {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			var c *cirrotest.Server
			if mode == "file" {
				c = cirrotest.Start(t, cirrotest.WithDB("sqlite:"+t.TempDir()+"/x.db"))
			} else {
				c = cirrotest.Start(t)
			}
			if _, err := c.IdentityProvider().CreateUserPool(context.Background(), &cip.CreateUserPoolInput{PoolName: aws.String("x")}); err != nil {
				fails++
			}
		})
	}
	t.Logf("%s: %d failures", mode, fails)
}
