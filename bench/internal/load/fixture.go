package load

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Password is every benchmark user's password. It satisfies Cognito's
// default policy (upper, lower, digit, symbol, 8+ characters).
const Password = "Bench-Passw0rd!9"

// Fixture is what the measured phase works on: a pool, an app client that
// allows every password flow, and the users sign-ins pick from.
type Fixture struct {
	PoolID   string `json:"pool_id"`
	ClientID string `json:"client_id"`
	Password string `json:"-"`
	// Users are the sign-in population. Only those with tokens serve
	// GetUser and REFRESH_TOKEN_AUTH.
	Users []*User `json:"-"`
	// Population is how many users the pool holds (Users may be a sample
	// of a bulk-loaded pool).
	Population int `json:"population"`
	// Facts are behaviours of the target found while setting up, such as
	// whether it accepts a wrong SRP proof.
	Facts map[string]string `json:"facts,omitempty"`

	withTokens []*User
	factsMu    sync.Mutex
}

// noteOnce records a fact unless one is recorded under key already.
func (fx *Fixture) noteOnce(key, fact string) {
	fx.factsMu.Lock()
	defer fx.factsMu.Unlock()
	if _, ok := fx.Facts[key]; !ok {
		fx.Facts[key] = fact
	}
}

// User is one benchmark user.
type User struct {
	Name, Email     string
	Access, Refresh string
}

// SetupOptions shape a fresh fixture.
type SetupOptions struct {
	// PoolName names the pool; a fresh pool per run keeps runs apart.
	PoolName string
	// Users is how many confirmed users to create (default 100).
	Users int
	// Parallel is how many setup requests run at once (default 8).
	Parallel int
}

// UserName is the name of the i-th user of a fixture or bulk load.
func UserName(i int) string { return fmt.Sprintf("user%07d", i) }

// UserEmail is the email of the i-th user.
func UserEmail(i int) string { return fmt.Sprintf("user%07d@example.com", i) }

// Setup creates a pool, a client and opts.Users confirmed users with
// tokens through the API, as an application's provisioning would.
func Setup(ctx context.Context, c *idp.Client, opts SetupOptions) (*Fixture, error) {
	if opts.Users <= 0 {
		opts.Users = 100
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 8
	}
	p, err := c.CreateUserPool(ctx, &idp.CreateUserPoolInput{PoolName: aws.String(opts.PoolName)})
	if err != nil {
		return nil, fmt.Errorf("CreateUserPool: %w", err)
	}
	fx := &Fixture{PoolID: aws.ToString(p.UserPool.Id), Password: Password, Facts: map[string]string{}}
	cl, err := c.CreateUserPoolClient(ctx, &idp.CreateUserPoolClientInput{
		UserPoolId: p.UserPool.Id, ClientName: aws.String("bench"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("CreateUserPoolClient: %w", err)
	}
	fx.ClientID = aws.ToString(cl.UserPoolClient.ClientId)
	fx.Users = make([]*User, opts.Users)
	var next atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, opts.Parallel)
	for range opts.Parallel {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= opts.Users || ctx.Err() != nil {
					return
				}
				u := &User{Name: UserName(i), Email: UserEmail(i)}
				if err := createConfirmed(ctx, c, fx, u); err != nil {
					errc <- fmt.Errorf("user %s: %w", u.Name, err)
					return
				}
				fx.Users[i] = u
			}
		})
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return nil, err
	}
	fx.Population = opts.Users
	fx.signInAll(ctx, c, opts.Parallel)
	return fx, nil
}

// createConfirmed makes u a CONFIRMED user with the benchmark password:
// AdminCreateUser (no invitation) then AdminSetUserPassword, permanent.
func createConfirmed(ctx context.Context, c *idp.Client, fx *Fixture, u *User) error {
	_, err := c.AdminCreateUser(ctx, &idp.AdminCreateUserInput{
		UserPoolId: &fx.PoolID, Username: &u.Name, TemporaryPassword: aws.String(Password),
		MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: &u.Email}, {Name: aws.String("email_verified"), Value: aws.String("true")},
			{Name: aws.String("given_name"), Value: aws.String(givenNames[len(u.Name)%len(givenNames)])},
		},
	})
	if err != nil {
		return fmt.Errorf("AdminCreateUser: %w", err)
	}
	_, err = c.AdminSetUserPassword(ctx, &idp.AdminSetUserPasswordInput{
		UserPoolId: &fx.PoolID, Username: &u.Name, Password: aws.String(Password), Permanent: true,
	})
	if err != nil {
		return fmt.Errorf("AdminSetUserPassword: %w", err)
	}
	return nil
}

var givenNames = []string{"Alice", "Alan", "Bob", "Carla", "Dmitri", "Eve", "Fatima", "Gus", "Hana", "Ivo"}

// Attach describes a pool filled by the bulk generator (see UserName).
type Attach struct {
	PoolID, ClientID string
	Population       int
	// Sample is how many users, spread evenly over the population, sign in
	// for tokens and make up the sign-in population.
	Sample int
}

// AttachFixture builds a fixture on an existing pool.
func AttachFixture(ctx context.Context, c *idp.Client, a Attach, parallel int) (*Fixture, error) {
	if a.Population <= 0 || a.Sample <= 0 {
		return nil, errors.New("load: attach needs a population and a sample size")
	}
	fx := &Fixture{PoolID: a.PoolID, ClientID: a.ClientID, Password: Password, Population: a.Population, Facts: map[string]string{}}
	n := min(a.Sample, a.Population)
	for k := range n {
		i := int(int64(k) * int64(a.Population) / int64(n))
		fx.Users = append(fx.Users, &User{Name: UserName(i), Email: UserEmail(i)})
	}
	fx.signInAll(ctx, c, parallel)
	if len(fx.withTokens) == 0 {
		return nil, errors.New("load: no user of the pool could sign in")
	}
	return fx, nil
}

// signInAll gets tokens for every user that can sign in with a password,
// by USER_PASSWORD_AUTH or else ADMIN_USER_PASSWORD_AUTH. A target that
// supports neither leaves the token operations without users; they then
// fail and the report says so.
func (fx *Fixture) signInAll(ctx context.Context, c *idp.Client, parallel int) {
	var mu sync.Mutex
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(parallel, 1) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(fx.Users) || ctx.Err() != nil {
					return
				}
				u := fx.Users[i]
				res, err := passwordSignIn(ctx, c, fx, u.Name)
				if err != nil {
					fx.noteOnce("setup sign-in", describe(err))
					continue
				}
				u.Access, u.Refresh = aws.ToString(res.AccessToken), aws.ToString(res.RefreshToken)
				mu.Lock()
				fx.withTokens = append(fx.withTokens, u)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

func passwordSignIn(ctx context.Context, c *idp.Client, fx *Fixture, name string) (*types.AuthenticationResultType, error) {
	out, err := c.InitiateAuth(ctx, &idp.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &fx.ClientID,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": fx.Password},
	})
	if err == nil && out.AuthenticationResult != nil {
		return out.AuthenticationResult, nil
	}
	aout, aerr := c.AdminInitiateAuth(ctx, &idp.AdminInitiateAuthInput{
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, ClientId: &fx.ClientID, UserPoolId: &fx.PoolID,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": fx.Password},
	})
	if aerr == nil && aout.AuthenticationResult != nil {
		return aout.AuthenticationResult, nil
	}
	if err == nil {
		err = errors.New("no tokens in the answer")
	}
	return nil, err
}

// SignInInput is USER_PASSWORD_AUTH for one user of the fixture.
func (fx *Fixture) SignInInput(name string) *idp.InitiateAuthInput {
	return &idp.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &fx.ClientID,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": fx.Password},
	}
}
