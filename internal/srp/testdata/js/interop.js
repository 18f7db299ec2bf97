'use strict';
// Signs in with amazon-cognito-identity-js's CognitoUser against a Cognito
// stand-in that the Go test runs on the other end of this process's stdio.
// The library is used unmodified, with its real randomness and clock; only
// its transport (CognitoUserPool.client.request) is redirected to the pipe.
//
// Protocol, one JSON document per line:
//   Go -> JS, first line: {"poolId", "clientId", "steps": [{"username", "password"}]}
//   JS -> Go: {"type": "request", "op", "params"}   answered by
//   Go -> JS: {"data": {...}} or {"error": {"code", "message"}}
//   JS -> Go: {"type": "result", "step", "outcome", "code", "message"} per step
//   JS -> Go: {"type": "done"}

const readline = require('readline');
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require('amazon-cognito-identity-js');

const lines = [];
const waiters = [];
readline.createInterface({ input: process.stdin }).on('line', line => {
	const w = waiters.shift();
	if (w) w(line);
	else lines.push(line);
});

function nextMessage() {
	return new Promise(resolve => {
		const line = lines.shift();
		if (line !== undefined) resolve(JSON.parse(line));
		else waiters.push(l => resolve(JSON.parse(l)));
	});
}

function send(msg) {
	process.stdout.write(JSON.stringify(msg) + '\n');
}

function signIn(pool, step) {
	return new Promise(resolve => {
		const user = new CognitoUser({ Username: step.username, Pool: pool });
		const details = new AuthenticationDetails({ Username: step.username, Password: step.password });
		const unexpected = name => () => resolve({ outcome: name });
		user.authenticateUser(details, {
			onSuccess: () => resolve({ outcome: 'success' }),
			onFailure: err => resolve({ outcome: 'failure', code: err.code, message: err.message }),
			newPasswordRequired: unexpected('newPasswordRequired'),
			mfaRequired: unexpected('mfaRequired'),
			totpRequired: unexpected('totpRequired'),
			customChallenge: unexpected('customChallenge'),
			mfaSetup: unexpected('mfaSetup'),
			selectMFAType: unexpected('selectMFAType'),
		});
	});
}

async function main() {
	const scenario = await nextMessage();
	const pool = new CognitoUserPool({ UserPoolId: scenario.poolId, ClientId: scenario.clientId });
	pool.client.request = (op, params, callback) => {
		send({ type: 'request', op, params });
		nextMessage().then(reply => {
			if (reply.error) {
				const err = new Error(reply.error.message);
				err.code = reply.error.code;
				err.name = reply.error.code;
				callback(err);
			} else {
				callback(null, reply.data);
			}
		});
	};
	for (let i = 0; i < scenario.steps.length; i++) {
		const result = await signIn(pool, scenario.steps[i]);
		send({ type: 'result', step: i, ...result });
	}
	send({ type: 'done' });
	process.exit(0);
}

main().catch(err => {
	process.stderr.write(String(err && err.stack) + '\n');
	process.exit(1);
});
