'use strict';
// Signs in to a running cirro with the unmodified amazon-cognito-identity-js
// over real HTTP, in a pool that requires TOTP MFA and tracks devices:
//
//   1. SRP sign-in meets MFA_SETUP; the library associates an authenticator
//      (AssociateSoftwareToken with the session), the script computes the
//      TOTP code itself, and VerifySoftwareToken + MFA_SETUP finish.
//   2. A new SRP sign-in meets SOFTWARE_TOKEN_MFA, answered with a code
//      computed here; the library confirms the new device (ConfirmDevice,
//      with the verifier it derives), and the script remembers it
//      (setDeviceStatusRemembered → UpdateDeviceStatus).
//   3. A third SRP sign-in presents the remembered device: the library
//      answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER, and no MFA is
//      asked.
//
// The TOTP codes come from RFC 6238 written out below with node's crypto,
// not from any OTP package: an implementation independent of cirro's.
//
// Input (stdin, one JSON document): {"endpoint", "poolId", "clientId",
// "username", "password"}.
// Output (stdout, one JSON document per step, then {"done": true}):
//   {"step", "outcome": "success"|"failure"|<unexpected callback>,
//    "code"?, "message"?, "challenges": [...], "accessToken"?,
//    "userConfirmationNecessary"?, "deviceKey"?}

const crypto = require('crypto');
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

// base32Decode reads an RFC 4648 base32 string (no padding needed).
function base32Decode(text) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0;
	let value = 0;
	const out = [];
	for (const c of text.replace(/=+$/, '').toUpperCase()) {
		const i = alphabet.indexOf(c);
		if (i < 0) throw new Error(`not base32: ${c}`);
		value = (value << 5) | i;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

// totp is RFC 6238 with HMAC-SHA-1, 30-second steps and six digits, for
// the step `offset` steps from now.
function totp(secret, offset) {
	const counter = Math.floor(Date.now() / 1000 / 30) + offset;
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(counter));
	const mac = crypto.createHmac('sha1', base32Decode(secret)).update(msg).digest();
	const o = mac[mac.length - 1] & 0x0f;
	const bin = ((mac[o] & 0x7f) << 24) | (mac[o + 1] << 16) | (mac[o + 2] << 8) | mac[o + 3];
	return String(bin % 1000000).padStart(6, '0');
}

// signIn runs one sign-in of the scenario and resolves with its outcome.
// answers says how to meet each challenge the step expects.
function signIn(pool, scenario, answers) {
	return new Promise(resolve => {
		const user = new CognitoUser({ Username: scenario.username, Pool: pool });
		const details = new AuthenticationDetails({ Username: scenario.username, Password: scenario.password });
		const result = { challenges: [] };
		const done = extra => resolve(Object.assign(result, extra));
		const callbacks = {
			onSuccess: (session, userConfirmationNecessary) => {
				Object.assign(result, {
					outcome: 'success',
					accessToken: session.getAccessToken().getJwtToken(),
					userConfirmationNecessary: userConfirmationNecessary === true,
					deviceKey: user.deviceKey || null,
				});
				if (!answers.remember) {
					done({});
					return;
				}
				user.setDeviceStatusRemembered({
					onSuccess: () => done({ remembered: true }),
					onFailure: err => done({ outcome: 'failure', code: err.code, message: err.message }),
				});
			},
			onFailure: err => done({ outcome: 'failure', code: err.code, message: err.message }),
			mfaSetup: () => {
				result.challenges.push('MFA_SETUP');
				if (!answers.setup) {
					done({ outcome: 'mfaSetup' });
					return;
				}
				user.associateSoftwareToken({
					associateSecretCode: secret => {
						result.secret = secret;
						user.verifySoftwareToken(totp(secret, 0), 'e2e authenticator', callbacks);
					},
					onFailure: err => done({ outcome: 'failure', code: err.code, message: err.message }),
				});
			},
			totpRequired: () => {
				result.challenges.push('SOFTWARE_TOKEN_MFA');
				if (!answers.secret) {
					done({ outcome: 'totpRequired' });
					return;
				}
				// The code of the next step: within the one step of skew the
				// service allows, and never the one the setup used.
				user.sendMFACode(totp(answers.secret, 1), callbacks, 'SOFTWARE_TOKEN_MFA');
			},
		};
		for (const name of ['newPasswordRequired', 'mfaRequired', 'customChallenge', 'selectMFAType']) {
			callbacks[name] = () => done({ outcome: name });
		}
		user.authenticateUser(details, callbacks);
	});
}

async function main() {
	const scenario = JSON.parse(await readStdin());
	const pool = new CognitoUserPool({ UserPoolId: scenario.poolId, ClientId: scenario.clientId, endpoint: scenario.endpoint });
	const emit = (step, r) => process.stdout.write(JSON.stringify(Object.assign({ step }, r)) + '\n');

	const setup = await signIn(pool, scenario, { setup: true });
	emit(0, setup);
	const mfa = await signIn(pool, scenario, { secret: setup.secret, remember: true });
	emit(1, mfa);
	// No answers: any MFA challenge now ends the step unanswered.
	emit(2, await signIn(pool, scenario, {}));
	process.stdout.write(JSON.stringify({ done: true }) + '\n');
}

main().catch(err => {
	process.stderr.write(String(err && err.stack || err) + '\n');
	process.exit(1);
});
