'use strict';
// Signs in to a running cirro with the unmodified amazon-cognito-identity-js,
// over real HTTP to the endpoint the Go test gives (CognitoUserPool's
// `endpoint` option), as a browser app would: USER_SRP_AUTH by default,
// NEW_PASSWORD_REQUIRED answered with completeNewPasswordChallenge, and
// with "custom" the library's CUSTOM_AUTH with SRP (the password first,
// then a custom challenge answered with sendCustomChallengeAnswer).
//
// Input (stdin, one JSON document):
//   {"endpoint", "poolId", "clientId",
//    "steps": [{"username", "password", "newPassword"?, "attributes"?,
//               "custom"?, "answer"?}]}
// Output (stdout, one JSON document per step, then {"done": true}):
//   {"step", "outcome": "success"|"failure"|<unexpected callback>,
//    "code"?, "message"?, "idToken"?, "accessToken"?, "refreshToken"?,
//    "newPasswordRequired"?: {"userAttributes", "requiredAttributes"},
//    "customChallenge"?: <its public parameters>}

const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require('amazon-cognito-identity-js');

function readStdin() {
	return new Promise((resolve, reject) => {
		let data = '';
		process.stdin.setEncoding('utf8');
		process.stdin.on('data', chunk => { data += chunk; });
		process.stdin.on('end', () => resolve(data));
		process.stdin.on('error', reject);
	});
}

function signIn(pool, step) {
	return new Promise(resolve => {
		const user = new CognitoUser({ Username: step.username, Pool: pool });
		const details = new AuthenticationDetails({ Username: step.username, Password: step.password });
		const result = {};
		const callbacks = {
			onSuccess: session => resolve(Object.assign(result, {
				outcome: 'success',
				idToken: session.getIdToken().getJwtToken(),
				accessToken: session.getAccessToken().getJwtToken(),
				refreshToken: session.getRefreshToken().getToken(),
			})),
			onFailure: err => resolve(Object.assign(result, { outcome: 'failure', code: err.code, message: err.message })),
			newPasswordRequired: (userAttributes, requiredAttributes) => {
				result.newPasswordRequired = { userAttributes, requiredAttributes };
				if (!step.newPassword) {
					resolve(Object.assign(result, { outcome: 'newPasswordRequired' }));
					return;
				}
				// The library's own advice: the service does not take these back.
				delete userAttributes.email_verified;
				delete userAttributes.phone_number_verified;
				user.completeNewPasswordChallenge(step.newPassword, step.attributes || {}, callbacks);
			},
		};
		for (const name of ['mfaRequired', 'totpRequired', 'mfaSetup', 'selectMFAType']) {
			callbacks[name] = () => resolve(Object.assign(result, { outcome: name }));
		}
		callbacks.customChallenge = params => {
			if (step.answer === undefined || result.customChallenge) {
				resolve(Object.assign(result, { outcome: 'customChallenge', customChallenge: params }));
				return;
			}
			result.customChallenge = params;
			user.sendCustomChallengeAnswer(step.answer, callbacks);
		};
		if (step.custom) {
			user.setAuthenticationFlowType('CUSTOM_AUTH');
		}
		user.authenticateUser(details, callbacks);
	});
}

async function main() {
	const scenario = JSON.parse(await readStdin());
	const pool = new CognitoUserPool({ UserPoolId: scenario.poolId, ClientId: scenario.clientId, endpoint: scenario.endpoint });
	for (const [i, step] of scenario.steps.entries()) {
		const r = await signIn(pool, step);
		process.stdout.write(JSON.stringify(Object.assign({ step: i }, r)) + '\n');
	}
	process.stdout.write(JSON.stringify({ done: true }) + '\n');
}

main().catch(err => {
	process.stderr.write(String(err && err.stack || err) + '\n');
	process.exit(1);
});
