package load

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/internal/srp/srptest"
)

// Op is one kind of request of the workload.
type Op struct {
	// ID is the short name used in mixes, JSON and charts.
	ID string
	// Title is the Cognito operation (and flow).
	Title string
	// Tokens marks operations that mint tokens (two RS256 signatures).
	Tokens bool
	// Hashes marks operations that hash or verify a password.
	Hashes bool
	// run does the request. It returns the time it spent on the client's
	// own cryptography (SRP), which is not the server's latency.
	run func(ctx context.Context, w *worker) (clientTime time.Duration, err error)
}

// Ops are the operations, in report order.
var Ops = []*Op{
	{ID: "create", Title: "AdminCreateUser", Hashes: true, run: opCreate},
	{ID: "password", Title: "InitiateAuth USER_PASSWORD_AUTH", Tokens: true, Hashes: true, run: opPassword},
	{ID: "adminpassword", Title: "AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH", Tokens: true, Hashes: true, run: opAdminPassword},
	{ID: "srp", Title: "InitiateAuth USER_SRP_AUTH + PASSWORD_VERIFIER", Tokens: true, run: opSRP},
	{ID: "refresh", Title: "InitiateAuth REFRESH_TOKEN_AUTH", Tokens: true, run: opRefresh},
	{ID: "getuser", Title: "GetUser", run: opGetUser},
	{ID: "admingetuser", Title: "AdminGetUser", run: opAdminGetUser},
	{ID: "listusers", Title: "ListUsers (filter email = …)", run: opListUsers},
	{ID: "update", Title: "AdminUpdateUserAttributes", run: opUpdate},
	{ID: "liststatus", Title: "ListUsers (filter cognito:user_status = CONFIRMED, 60 per page)", run: opListStatus},
}

// OpByID finds an operation.
func OpByID(id string) (*Op, bool) {
	for _, op := range Ops {
		if op.ID == id {
			return op, true
		}
	}
	return nil, false
}

func opCreate(ctx context.Context, w *worker) (time.Duration, error) {
	name := w.newName()
	_, err := w.client().AdminCreateUser(ctx, &idp.AdminCreateUserInput{
		UserPoolId: &w.fx.PoolID, Username: &name, TemporaryPassword: aws.String(Password),
		MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: aws.String(name + "@example.org")},
			{Name: aws.String("given_name"), Value: aws.String(givenNames[w.rng.IntN(len(givenNames))])},
		},
	})
	if err == nil && w.acked != nil {
		w.acked(name)
	}
	return 0, err
}

func opPassword(ctx context.Context, w *worker) (time.Duration, error) {
	u := w.anyUser()
	out, err := w.client().InitiateAuth(ctx, &idp.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &w.fx.ClientID,
		AuthParameters: map[string]string{"USERNAME": u.Name, "PASSWORD": w.fx.Password},
	})
	return 0, wantTokens(err, out != nil && out.AuthenticationResult != nil)
}

func opAdminPassword(ctx context.Context, w *worker) (time.Duration, error) {
	u := w.anyUser()
	out, err := w.client().AdminInitiateAuth(ctx, &idp.AdminInitiateAuthInput{
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, ClientId: &w.fx.ClientID, UserPoolId: &w.fx.PoolID,
		AuthParameters: map[string]string{"USERNAME": u.Name, "PASSWORD": w.fx.Password},
	})
	return 0, wantTokens(err, out != nil && out.AuthenticationResult != nil)
}

// opSRP signs in with SRP as amazon-cognito-identity-js does: two round
// trips, the client's modular exponentiations in between. Only the round
// trips count as latency.
func opSRP(ctx context.Context, w *worker) (time.Duration, error) {
	res, clientTime, err := srpSignIn(ctx, w.client(), w.fx, w.anyUser().Name, false)
	return clientTime, wantTokens(err, res != nil)
}

func srpSignIn(ctx context.Context, c *idp.Client, fx *Fixture, name string, wrongProof bool) (*types.AuthenticationResultType, time.Duration, error) {
	t0 := time.Now()
	cl := srptest.NewClient(fx.PoolID, fx.Password)
	srpA := cl.SRPA()
	clientTime := time.Since(t0)
	start, err := c.InitiateAuth(ctx, &idp.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: &fx.ClientID,
		AuthParameters: map[string]string{"USERNAME": name, "SRP_A": srpA},
	})
	if err != nil {
		return nil, clientTime, err
	}
	if start.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		return nil, clientTime, fmt.Errorf("USER_SRP_AUTH answered challenge %q, want PASSWORD_VERIFIER", start.ChallengeName)
	}
	t1 := time.Now()
	answer, err := cl.PasswordVerifier(start.ChallengeParameters, time.Now())
	clientTime += time.Since(t1)
	if err != nil {
		// moto's SECRET_BLOCK is a bare session id, not base64, so no
		// client can compute a proof over it; moto checks none. Answer
		// as a client would with the block as it came, so that what moto
		// does with an unverifiable proof is what gets measured. USERNAME
		// is the challenge's USERNAME: moto looks up USER_ID_FOR_SRP (a
		// sub), which amazon-cognito-identity-js sends, and fails to find it.
		p := start.ChallengeParameters
		answer = map[string]string{
			"USERNAME": p["USERNAME"], "TIMESTAMP": time.Now().UTC().Format(srptest.TimestampLayout),
			"PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": bogusSignature,
		}
		fx.noteOnce("SRP client", "cannot compute a proof ("+err.Error()+"); answers PASSWORD_VERIFIER with a bogus signature")
	}
	if wrongProof {
		answer["PASSWORD_CLAIM_SIGNATURE"] = bogusSignature
	}
	out, err := c.RespondToAuthChallenge(ctx, &idp.RespondToAuthChallengeInput{
		ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: &fx.ClientID,
		ChallengeResponses: answer, Session: start.Session,
	})
	if err != nil {
		return nil, clientTime, err
	}
	return out.AuthenticationResult, clientTime, nil
}

func opRefresh(ctx context.Context, w *worker) (time.Duration, error) {
	u := w.tokenUser()
	if u == nil {
		return 0, errNoTokens
	}
	out, err := w.client().InitiateAuth(ctx, &idp.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &w.fx.ClientID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": u.Refresh},
	})
	return 0, wantTokens(err, out != nil && out.AuthenticationResult != nil)
}

func opGetUser(ctx context.Context, w *worker) (time.Duration, error) {
	u := w.tokenUser()
	if u == nil {
		return 0, errNoTokens
	}
	_, err := w.client().GetUser(ctx, &idp.GetUserInput{AccessToken: &u.Access})
	return 0, err
}

func opAdminGetUser(ctx context.Context, w *worker) (time.Duration, error) {
	u := w.anyUser()
	_, err := w.client().AdminGetUser(ctx, &idp.AdminGetUserInput{UserPoolId: &w.fx.PoolID, Username: &u.Name})
	return 0, err
}

// opListUsers filters on one user's email: the query an application runs
// to find an account by address. It must find that user.
func opListUsers(ctx context.Context, w *worker) (time.Duration, error) {
	u := w.anyUser()
	out, err := w.client().ListUsers(ctx, &idp.ListUsersInput{
		UserPoolId: &w.fx.PoolID, Filter: aws.String(`email = "` + u.Email + `"`), Limit: aws.Int32(10),
	})
	if err == nil && len(out.Users) != 1 {
		err = fmt.Errorf("%w: filter on %s found %d users", errWrongAnswer, u.Email, len(out.Users))
	}
	return 0, err
}

// opListStatus is the filter that matches nearly every user: its cost must
// not grow with the pool.
func opListStatus(ctx context.Context, w *worker) (time.Duration, error) {
	out, err := w.client().ListUsers(ctx, &idp.ListUsersInput{
		UserPoolId: &w.fx.PoolID, Filter: aws.String(`cognito:user_status = "CONFIRMED"`), Limit: aws.Int32(60),
	})
	if err == nil && len(out.Users) == 0 {
		err = fmt.Errorf("%w: no CONFIRMED user listed", errWrongAnswer)
	}
	return 0, err
}

func opUpdate(ctx context.Context, w *worker) (time.Duration, error) {
	u := w.anyUser()
	_, err := w.client().AdminUpdateUserAttributes(ctx, &idp.AdminUpdateUserAttributesInput{
		UserPoolId: &w.fx.PoolID, Username: &u.Name,
		UserAttributes: []types.AttributeType{{Name: aws.String("family_name"), Value: aws.String(fmt.Sprintf("F%06d", w.rng.IntN(1_000_000)))}},
	})
	return 0, err
}

// bogusSignature is a well-formed PASSWORD_CLAIM_SIGNATURE that proves
// nothing.
const bogusSignature = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

var (
	errNoTokens    = errors.New("no user with tokens (setup sign-in failed)")
	errWrongAnswer = errors.New("wrong answer")
	errNoResult    = errors.New("no AuthenticationResult in the answer")
)

func wantTokens(err error, ok bool) error {
	if err == nil && !ok {
		return errNoResult
	}
	return err
}

// ProbeSRP records, as facts of the fixture, whether the target supports
// USER_SRP_AUTH and whether it refuses a wrong proof.
func ProbeSRP(ctx context.Context, c *idp.Client, fx *Fixture) {
	if len(fx.Users) == 0 {
		return
	}
	name := fx.Users[0].Name
	if _, _, err := srpSignIn(ctx, c, fx, name, false); err != nil {
		fx.Facts["USER_SRP_AUTH"] = "fails: " + describe(err)
		return
	}
	fx.Facts["USER_SRP_AUTH"] = "signs in with a correct proof"
	if _, fallback := fx.Facts["SRP client"]; fallback {
		fx.Facts["USER_SRP_AUTH"] = "issues tokens for a PASSWORD_VERIFIER answer (no correct proof can be computed: see SRP client)"
	}
	res, _, err := srpSignIn(ctx, c, fx, name, true)
	switch {
	case err != nil:
		fx.Facts["SRP wrong proof"] = "refused: " + describe(err)
	case res != nil:
		fx.Facts["SRP wrong proof"] = "ACCEPTED (tokens issued for a wrong PASSWORD_CLAIM_SIGNATURE)"
	default:
		fx.Facts["SRP wrong proof"] = "no error and no tokens"
	}
}
