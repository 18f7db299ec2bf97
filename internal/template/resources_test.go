package template_test

import (
	"context"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/template"
)

const userTemplate = `
Parameters:
  Email: {Type: String, Default: alice@example.com}
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties: {UserPoolName: people}
  Staff:
    Type: AWS::Cognito::UserPoolGroup
    Properties: {UserPoolId: !Ref Pool, GroupName: staff}
  Alice:
    Type: AWS::Cognito::UserPoolUser
    Properties:
      UserPoolId: !Ref Pool
      Username: alice
      MessageAction: SUPPRESS
      UserAttributes: [{Name: email, Value: !Ref Email}]
  AliceIsStaff:
    Type: AWS::Cognito::UserPoolUserToGroupAttachment
    Properties: {UserPoolId: !Ref Pool, GroupName: !Ref Staff, Username: !Ref Alice}
`

// TestUserReplacedInPlace: CloudFormation replaces a user for any change;
// the new user has the same username, so the old one goes first, and
// what depends on it (the membership) follows.
func TestUserReplacedInPlace(t *testing.T) {
	c := cirrotest.Start(t)
	var log lines
	e := engine(c, &log)
	tpl := parse(t, userTemplate)
	mustApply(t, e, "People", tpl, nil)
	pool := loadState(t, c, "People").Resources["Pool"].PhysicalID

	res := mustApply(t, e, "People", tpl, map[string]string{"Email": "alice@example.org"})
	actions := map[string]template.Action{}
	for _, s := range res.Plan.Steps {
		actions[s.LogicalID] = s.Action
	}
	if actions["Alice"] != template.ActionReplace || actions["Pool"] != template.ActionNone {
		t.Errorf("actions %v", actions)
	}
	u, err := c.IdentityProvider().AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: &pool, Username: ptr("alice")})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range u.UserAttributes {
		if *a.Name == "email" && *a.Value != "alice@example.org" {
			t.Errorf("email %s", *a.Value)
		}
	}
	groups, err := c.IdentityProvider().AdminListGroupsForUser(context.Background(), &cip.AdminListGroupsForUserInput{UserPoolId: &pool, Username: ptr("alice")})
	if err != nil || len(groups.Groups) != 1 {
		t.Errorf("groups %v %v\n%s", groups, err, log.String())
	}
}

// TestClientSecretOutput: UserPoolClient.userPoolClientSecret synthesizes
// an AwsCustomResource calling DescribeUserPoolClient; its attribute
// resolves to the client's secret without the secret being recorded.
func TestClientSecretOutput(t *testing.T) {
	c := cirrotest.Start(t)
	res := mustApply(t, engine(c, nil), "AppClients", fixture(t, "AppClients"), nil)
	st := loadState(t, c, "AppClients")
	client := st.Resources["UserPoolClient2F5918F7"]
	out, err := c.IdentityProvider().DescribeUserPoolClient(context.Background(), &cip.DescribeUserPoolClientInput{
		UserPoolId: ptr(str(client, "UserPoolId")), ClientId: &client.PhysicalID})
	if err != nil {
		t.Fatal(err)
	}
	var secret string
	for _, o := range res.Outputs {
		if o.Key == "ClientSecret" {
			secret = o.Value
		}
	}
	if secret == "" || secret != *out.UserPoolClient.ClientSecret {
		t.Errorf("ClientSecret output %q, want the client's secret", secret)
	}
	err = c.Internal().Store.Read(context.Background(), func(tx store.Tx) error {
		for _, kind := range []string{template.KindStack, template.KindStackResource} {
			recs, err := tx.List(context.Background(), store.Query{Kind: kind, AnyScope: true})
			if err != nil {
				return err
			}
			for _, r := range recs {
				if strings.Contains(string(r.Data), secret) {
					t.Errorf("%s %s holds the secret in plain text", kind, r.ID)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestUpdateReplacePolicyRetain: a replacement whose old resource the
// template retains leaves it in place; the stack moves to the new one.
func TestUpdateReplacePolicyRetain(t *testing.T) {
	c := cirrotest.Start(t)
	e := engine(c, nil)
	src := `
Parameters:
  Aliases: {Type: CommaDelimitedList, Default: email}
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    UpdateReplacePolicy: Retain
    DeletionPolicy: Retain
    Properties: {UserPoolName: kept, AliasAttributes: !Ref Aliases}
`
	mustApply(t, e, "Replace", parse(t, src), nil)
	old := loadState(t, c, "Replace").Resources["Pool"].PhysicalID
	res := mustApply(t, e, "Replace", parse(t, src), map[string]string{"Aliases": "email,phone_number"})
	if res.Plan.Steps[0].Action != template.ActionReplace {
		t.Fatalf("plan %+v", res.Plan.Steps[0])
	}
	now := loadState(t, c, "Replace").Resources["Pool"].PhysicalID
	if now == old {
		t.Fatal("not replaced")
	}
	for _, id := range []string{old, now} {
		if _, err := c.IdentityProvider().DescribeUserPool(context.Background(), &cip.DescribeUserPoolInput{UserPoolId: &id}); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}
