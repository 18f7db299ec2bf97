package mfa

import (
	"strings"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// The Session of MFA_SETUP is presented to AssociateSoftwareToken and
// VerifySoftwareToken, whose requests name neither the pool nor the app
// client. internal/auth seals sessions bound to both (the binding is the
// AES-GCM associated data, not part of the text), so on its own such a
// session cannot even be opened there. The sign-in operations therefore
// hand out the MFA_SETUP session as "<client id>.<session>": the app
// client's id is public (every app embeds it), the session stays sealed
// and bound, and the setup operations find the pool through the client.
// VerifySoftwareToken answers the bare session, which
// RespondToAuthChallenge takes to complete MFA_SETUP.

// setupSeparator joins client id and session; neither contains it (client
// ids are alphanumeric, sessions base64url).
const setupSeparator = "."

// SetupSession is the Session string a client is given for the MFA_SETUP
// session raw of app client clientID.
func SetupSession(clientID, raw string) *string {
	s := clientID + setupSeparator + raw
	return &s
}

// WrapSetupSession is the Session a sign-in operation answers: for an
// MFA_SETUP challenge the session with its client (SetupSession), any
// other as it is.
func WrapSetupSession(clientID string, challenge, session *string) *string {
	if deref(challenge) != cognitoidp.ChallengeNameTypeMfaSetup || session == nil || strings.Contains(*session, setupSeparator) {
		return session
	}
	return SetupSession(clientID, *session)
}
