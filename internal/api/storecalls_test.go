package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/srp/srptest"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/storetest"
)

// callBudget is the most store work one operation may cause: transactions
// (read + write) and Tx calls. Set at the counts measured when the test
// was written plus one transaction and two calls of slack, so that a
// change adding queries shows up here and is a decision, not an accident.
type callBudget struct{ tx, calls int }

// storeCallOps are the operations of the load tool's mix
// (bench/internal/load) and the group listings, in table order.
var storeCallOps = []struct {
	name   string
	budget callBudget
	run    func(f *callFixture, t *testing.T, round int)
}{
	{"AdminCreateUser", callBudget{3, 6}, (*callFixture).create},
	{"InitiateAuth USER_PASSWORD_AUTH", callBudget{3, 10}, (*callFixture).password},
	{"InitiateAuth USER_SRP_AUTH", callBudget{2, 5}, (*callFixture).srpStart},
	{"RespondToAuthChallenge PASSWORD_VERIFIER", callBudget{3, 11}, (*callFixture).srpVerify},
	{"InitiateAuth REFRESH_TOKEN_AUTH", callBudget{2, 8}, (*callFixture).refresh},
	{"GetUser", callBudget{2, 6}, (*callFixture).getUser},
	{"AdminGetUser", callBudget{2, 4}, (*callFixture).adminGetUser},
	{"ListUsers email = …", callBudget{2, 4}, (*callFixture).listByEmail},
	{"ListUsers cognito:user_status = … (page of all)", callBudget{2, 4}, (*callFixture).listByStatus},
	{"AdminUpdateUserAttributes", callBudget{3, 6}, (*callFixture).update},
	{"AdminListGroupsForUser (all groups)", callBudget{2, 6}, (*callFixture).groupsForUser},
	{"ListUsersInGroup (all members)", callBudget{2, 6}, (*callFixture).usersInGroup},
	{"AdminAddUserToGroup", callBudget{2, 8}, (*callFixture).addToGroup},
}

// Every main operation stays within its budget of store calls, and does
// the same store work whether the pool holds 3 users, groups and
// attributes or 60: a page of 60 users, or a user in 60 groups, costs no
// more queries than a page of 3 (no N+1). -v prints the table that
// docs/performance.md ("Store calls per operation") shows.
func TestStoreCallsPerOperation(t *testing.T) {
	small, large := newCallFixture(t, 3), newCallFixture(t, 60)
	var table strings.Builder
	fmt.Fprintf(&table, "\n| operation | transactions (read + write) | store calls | calls by kind |\n|---|---:|---:|---|\n")
	for _, op := range storeCallOps {
		// Round 0 warms what is cached per process (signing keys, the
		// decoded pool, prepared statements); round 1 is measured.
		op.run(small, t, 0)
		op.run(large, t, 0)
		cs := small.counter.Measure(func() { op.run(small, t, 1) })
		cl := large.counter.Measure(func() { op.run(large, t, 1) })
		if !cs.Equal(cl) {
			t.Errorf("%s: store work grows with the pool (N+1?): with 3: %v; with 60: %v", op.name, cs, cl)
		}
		if cl.Reads+cl.Writes > op.budget.tx || cl.Statements() > op.budget.calls {
			t.Errorf("%s: %v, over its budget of %d transactions and %d calls", op.name, cl, op.budget.tx, op.budget.calls)
		}
		fmt.Fprintf(&table, "| %s | %d (%d + %d) | %d | %s |\n", op.name, cl.Reads+cl.Writes, cl.Reads, cl.Writes,
			cl.Statements(), strings.TrimSuffix(cl.String()[strings.Index(cl.String(), "(")+1:], ")"))
	}
	t.Log(table.String())
}

// callFixture is a pool of n confirmed users and n groups; "target" has n
// attributes and belongs to every group, and group g000 has every user
// (n+1 with target). A page of 60 is a full page: the large pool is 60.
type callFixture struct {
	n                  int
	idp                *cip.Client
	counter            *storetest.Counting
	poolID, clientID   string
	access, refreshTok string
	srpSession         map[int]*cip.InitiateAuthOutput
	srpClient          map[int]*srptest.Client
}

func newCallFixture(t *testing.T, n int) *callFixture {
	t.Helper()
	f := &callFixture{n: n, srpSession: map[int]*cip.InitiateAuthOutput{}, srpClient: map[int]*srptest.Client{}}
	c := cirrotest.Start(t, cirrotest.WithStoreWrapper(func(s store.Store) store.Store {
		f.counter = storetest.NewCounting(s)
		return f.counter
	}))
	f.idp = c.IdentityProvider()
	ctx := context.Background()
	var schema []types.SchemaAttributeType
	for i := range 50 {
		schema = append(schema, types.SchemaAttributeType{Name: aws.String(fmt.Sprintf("a%02d", i)),
			AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)})
	}
	f.poolID = newFamilyPool(t, f.idp, func(in *cip.CreateUserPoolInput) { in.Schema = schema })
	f.clientID, _ = appClient(t, f.idp, f.poolID, allFlows)

	createConfirmed(t, f.idp, f.poolID, "target", "target@example.com", f.attrs(n-2, "v")...)
	for i := range n {
		name := fmt.Sprintf("u%03d", i)
		createConfirmed(t, f.idp, f.poolID, name, name+"@example.com")
		g := fmt.Sprintf("g%03d", i)
		noErr(t)(f.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &f.poolID, GroupName: &g}))
		noErr(t)(f.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &f.poolID, GroupName: &g, Username: aws.String("target")}))
		noErr(t)(f.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &f.poolID, GroupName: aws.String("g000"), Username: &name}))
	}
	for i := range 2 {
		noErr(t)(f.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &f.poolID, GroupName: aws.String(fmt.Sprintf("extra%d", i))}))
	}
	out, err := passwordSignIn(f.idp, f.clientID, "target", userPassword)
	if err != nil {
		t.Fatal(err)
	}
	f.access, f.refreshTok = *out.AuthenticationResult.AccessToken, *out.AuthenticationResult.RefreshToken
	return f
}

// attrs is k name/value pairs: standard attributes first, then custom ones.
func (f *callFixture) attrs(k int, value string) []string {
	names := []string{"given_name", "family_name", "middle_name", "nickname", "name", "locale", "zoneinfo", "website"}
	var kv []string
	for i := 0; i < k; i++ {
		name := fmt.Sprintf("custom:a%02d", i-len(names))
		if i < len(names) {
			name = names[i]
		}
		kv = append(kv, name, fmt.Sprintf("%s-%d", value, i))
	}
	return kv
}

// noErr fails the test on an SDK call's error: noErr(t)(idp.X(…)).
func noErr(t *testing.T) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func (f *callFixture) create(t *testing.T, round int) {
	name := fmt.Sprintf("new%d", round)
	noErr(t)(f.idp.AdminCreateUser(context.Background(), &cip.AdminCreateUserInput{
		UserPoolId: &f.poolID, Username: &name, TemporaryPassword: aws.String(userPassword),
		MessageAction:  types.MessageActionTypeSuppress,
		UserAttributes: uattrs(append([]string{"email", name + "@example.org"}, f.attrs(f.n-2, "c")...)...),
	}))
}

func (f *callFixture) password(t *testing.T, _ int) {
	noErr(t)(passwordSignIn(f.idp, f.clientID, "target", userPassword))
}

// srpStart and srpVerify are the two round trips of one SRP sign-in,
// measured apart; srpVerify answers the challenge srpStart got.
func (f *callFixture) srpStart(t *testing.T, round int) {
	cl := srptest.NewClient(f.poolID, userPassword)
	out, err := f.idp.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: &f.clientID,
		AuthParameters: map[string]string{"USERNAME": "target", "SRP_A": cl.SRPA()},
	})
	noErr(t)(out, err)
	f.srpSession[round], f.srpClient[round] = out, cl
}

func (f *callFixture) srpVerify(t *testing.T, round int) {
	start := f.srpSession[round]
	answer, err := f.srpClient[round].PasswordVerifier(start.ChallengeParameters, time.Now())
	noErr(t)(answer, err)
	noErr(t)(f.idp.RespondToAuthChallenge(context.Background(), &cip.RespondToAuthChallengeInput{
		ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: &f.clientID,
		ChallengeResponses: answer, Session: start.Session,
	}))
}

func (f *callFixture) refresh(t *testing.T, _ int) {
	noErr(t)(f.idp.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &f.clientID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": f.refreshTok},
	}))
}

func (f *callFixture) getUser(t *testing.T, _ int) {
	out, err := f.idp.GetUser(context.Background(), &cip.GetUserInput{AccessToken: &f.access})
	noErr(t)(out, err)
	if len(out.UserAttributes) < f.n {
		t.Fatalf("GetUser: %d attributes, want at least %d", len(out.UserAttributes), f.n)
	}
}

func (f *callFixture) adminGetUser(t *testing.T, _ int) {
	noErr(t)(f.idp.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("target")}))
}

func (f *callFixture) listByEmail(t *testing.T, _ int) {
	out, err := f.idp.ListUsers(context.Background(), &cip.ListUsersInput{
		UserPoolId: &f.poolID, Filter: aws.String(`email = "u001@example.com"`), Limit: aws.Int32(10)})
	noErr(t)(out, err)
	if len(out.Users) != 1 {
		t.Fatalf("ListUsers by email: %d users", len(out.Users))
	}
}

// listByStatus lists a full page: every user of the small pool, 60 of the
// large one.
func (f *callFixture) listByStatus(t *testing.T, _ int) {
	out, err := f.idp.ListUsers(context.Background(), &cip.ListUsersInput{
		UserPoolId: &f.poolID, Filter: aws.String(`cognito:user_status = "CONFIRMED"`), Limit: aws.Int32(60)})
	noErr(t)(out, err)
	if len(out.Users) < f.n {
		t.Fatalf("ListUsers by status: %d users, want %d", len(out.Users), f.n)
	}
}

func (f *callFixture) update(t *testing.T, round int) {
	noErr(t)(f.idp.AdminUpdateUserAttributes(context.Background(), &cip.AdminUpdateUserAttributesInput{
		UserPoolId: &f.poolID, Username: aws.String("target"), UserAttributes: uattrs(f.attrs(f.n-2, fmt.Sprintf("r%d", round))...),
	}))
}

func (f *callFixture) groupsForUser(t *testing.T, _ int) {
	out, err := f.idp.AdminListGroupsForUser(context.Background(), &cip.AdminListGroupsForUserInput{
		UserPoolId: &f.poolID, Username: aws.String("target"), Limit: aws.Int32(60)})
	noErr(t)(out, err)
	if len(out.Groups) != f.n {
		t.Fatalf("AdminListGroupsForUser: %d groups, want %d", len(out.Groups), f.n)
	}
}

func (f *callFixture) usersInGroup(t *testing.T, _ int) {
	out, err := f.idp.ListUsersInGroup(context.Background(), &cip.ListUsersInGroupInput{
		UserPoolId: &f.poolID, GroupName: aws.String("g000"), Limit: aws.Int32(60)})
	noErr(t)(out, err)
	if want := min(f.n+1, 60); len(out.Users) != want { // u000… and target, a page at most
		t.Fatalf("ListUsersInGroup: %d users, want %d", len(out.Users), want)
	}
}

func (f *callFixture) addToGroup(t *testing.T, round int) {
	noErr(t)(f.idp.AdminAddUserToGroup(context.Background(), &cip.AdminAddUserToGroupInput{
		UserPoolId: &f.poolID, GroupName: aws.String(fmt.Sprintf("extra%d", round)), Username: aws.String("target")}))
}
