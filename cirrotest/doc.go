// Package cirrotest starts an in-process cirro for Go tests and hands back
// AWS SDK for Go v2 clients pointed at it.
//
//	func TestSignUp(t *testing.T) {
//		c := cirrotest.Start(t)
//		idp := c.IdentityProvider()
//		out, err := idp.CreateUserPool(ctx, &cognitoidentityprovider.CreateUserPoolInput{PoolName: aws.String("p")})
//		…
//	}
//
// Each server listens on a random loopback port with a private in-memory
// store, signs admin calls with a generated access key (so the real SigV4
// path is exercised), and stops when the test ends. It is also meant for
// applications: test your own Cognito code against it.
package cirrotest
