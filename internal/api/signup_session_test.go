package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// signUpAndConfirm signs name up with an email address on the fixture's
// client and confirms with the mailed code, returning ConfirmSignUp's
// answer.
func (f *mfaFixture) signUpAndConfirm(clientID, name string) *cip.ConfirmSignUpOutput {
	f.t.Helper()
	ctx := context.Background()
	to := name + "@example.com"
	if _, err := f.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: &name, Password: aws.String(userPassword),
		UserAttributes: uattrs("email", to)}); err != nil {
		f.t.Fatal(err)
	}
	out, err := f.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: &name, ConfirmationCode: aws.String(f.emailCode(to))})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// signUpSession is InitiateAuth USER_AUTH with ConfirmSignUp's Session.
func (f *mfaFixture) signUpSession(name string, session *string) (*cip.InitiateAuthOutput, error) {
	return f.idp.InitiateAuth(context.Background(), &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserAuth, ClientId: &f.clientID,
		AuthParameters: map[string]string{"USERNAME": name}, Session: session})
}

// ConfirmSignUp's Session signs the new user in with USER_AUTH, without
// a password or another code, once, within the client's
// AuthSessionValidity, for that user only (Amplify's autoSignIn). A
// client that does not allow USER_AUTH gets no Session.
func TestSignUpSessionSignsIn(t *testing.T) {
	f := newUserAuthFixture(t, nil, verifyingEmail, firstFactors("PASSWORD", "EMAIL_OTP"))

	confirmed := f.signUpAndConfirm(f.clientID, "sam")
	if confirmed.Session == nil {
		t.Fatal("ConfirmSignUp answered no Session to a USER_AUTH client")
	}
	// Another user's name, then a tampered Session: refused, and the
	// Session is still good.
	f.signUpAndConfirm(f.clientID, "tess")
	_, err := f.signUpSession("tess", confirmed.Session)
	wantCognitoErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	tampered := *confirmed.Session
	tampered = tampered[:len(tampered)-4] + "AAAA"
	_, err = f.signUpSession("sam", &tampered)
	wantCognitoErr(t, err, "NotAuthorizedException", "Invalid session for the user.")

	out, err := f.signUpSession("sam", confirmed.Session)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, out.AuthenticationResult, "sam", true)
	// The Session is spent.
	_, err = f.signUpSession("sam", confirmed.Session)
	wantCognitoErr(t, err, "NotAuthorizedException", "Invalid session for the user, session can only be used once.")

	// Past the client's AuthSessionValidity (3 minutes by default).
	late := f.signUpAndConfirm(f.clientID, "uma")
	f.clk.Advance(3*time.Minute + time.Second)
	_, err = f.signUpSession("uma", late.Session)
	wantCognitoErr(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")

	// A client without USER_AUTH: no Session.
	plain, _ := appClient(t, f.idp, f.poolID, allFlows)
	if got := f.signUpAndConfirm(plain, "vic"); got.Session != nil {
		t.Errorf("ConfirmSignUp answered a Session to a client without USER_AUTH")
	}
}
