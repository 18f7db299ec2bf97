'use strict';
// Computes cirro's SRP golden vectors with amazon-cognito-identity-js, the
// client library cirro must interoperate with. Nothing here re-implements
// the protocol: every client-side value comes from the library, and the
// signatures come from CognitoUser.authenticateUser itself, run against a
// scripted stand-in for the service.
//
//   node vectors.js < ../vector_inputs.json > ../vectors.json
//
// The only values computed here rather than by the library are the server
// side ones (v and B), with the library's own BigInteger.

const lib = require('amazon-cognito-identity-js');
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;

const { AuthenticationHelper, CognitoUserPool, CognitoUser, AuthenticationDetails, DateHelper } = lib;

function readStdin() {
	return require('fs').readFileSync(0, 'utf8');
}

function hex(n) {
	return n.toString(16);
}

// Client-side values of one SRP exchange, as the library derives them.
function stageValues(st) {
	const h = new AuthenticationHelper(st.poolName);
	h.smallAValue = new BigInteger(st.a, 16);
	h.largeAValue = undefined;
	let A;
	h.getLargeAValue((err, v) => {
		if (err) throw err;
		A = v;
	});

	const salt = new BigInteger(st.salt, 16);
	const x = new BigInteger(h.hexHash(h.padHex(salt) + h.hash(`${st.poolName}${st.username}:${st.password}`)), 16);
	let v;
	h.g.modPow(x, h.N, (err, r) => {
		if (err) throw err;
		v = r;
	});
	const b = new BigInteger(st.b, 16);
	let gb;
	h.g.modPow(b, h.N, (err, r) => {
		if (err) throw err;
		gb = r;
	});
	const B = h.k.multiply(v).add(gb).mod(h.N);

	let key;
	h.getPasswordAuthenticationKey(st.username, st.password, B, salt, (err, hkdf) => {
		if (err) throw err;
		key = Buffer.from(hkdf).toString('hex');
	});
	let S;
	h.calculateS(x, B, (err, r) => {
		if (err) throw err;
		S = r;
	});
	return {
		A: hex(A),
		x: hex(x),
		v: hex(v),
		B: hex(B),
		u: hex(h.UValue),
		S: hex(S),
		paddedS: h.padHex(S),
		paddedU: h.padHex(h.UValue),
		key,
	};
}

// signIn runs CognitoUser.authenticateUser (USER_SRP_AUTH) with the
// library's randomness and clock pinned to the case, answering its
// requests from the precomputed server values, and returns what it sent.
function signIn(c, user, device) {
	const smallAs = [user.a].concat(device ? [device.a] : []);
	const nows = [user.timestamp].concat(device ? [device.timestamp] : []);
	const origSmallA = AuthenticationHelper.prototype.generateRandomSmallA;
	const origNow = DateHelper.prototype.getNowString;
	// The constructor draws a before anything else; only the helpers that
	// authenticateUser creates take values from these queues.
	AuthenticationHelper.prototype.generateRandomSmallA = function () {
		return new BigInteger(smallAs.length ? smallAs.shift() : 'ff', 16);
	};
	DateHelper.prototype.getNowString = () => nows.shift();

	const store = {};
	const storage = {
		setItem: (k, v) => (store[k] = String(v)),
		getItem: k => (k in store ? store[k] : null),
		removeItem: k => delete store[k],
		clear: () => Object.keys(store).forEach(k => delete store[k]),
	};
	const pool = new CognitoUserPool({ UserPoolId: c.poolId, ClientId: 'vectorsclient', Storage: storage });
	if (device) {
		const prefix = `CognitoIdentityServiceProvider.vectorsclient.${c.user.username}`;
		storage.setItem(`${prefix}.deviceKey`, device.username);
		storage.setItem(`${prefix}.randomPasswordKey`, device.password);
		storage.setItem(`${prefix}.deviceGroupKey`, device.poolName);
	}
	const sent = {};
	const token = Buffer.from(JSON.stringify({ iat: 1, exp: 4102444800 })).toString('base64');
	const jwt = `e30.${token}.sig`;
	pool.client.request = (op, params, cb) => {
		if (op === 'InitiateAuth') {
			sent.userSrpA = params.AuthParameters.SRP_A;
			return cb(null, {
				ChallengeName: 'PASSWORD_VERIFIER',
				ChallengeParameters: {
					SALT: c.user.salt,
					SRP_B: c.userOut.B,
					SECRET_BLOCK: c.user.secretBlock,
					USER_ID_FOR_SRP: c.user.username,
					USERNAME: c.user.username,
				},
				Session: 'session-1',
			});
		}
		if (op === 'RespondToAuthChallenge' && params.ChallengeName === 'PASSWORD_VERIFIER') {
			sent.user = params.ChallengeResponses;
			if (device) {
				return cb(null, { ChallengeName: 'DEVICE_SRP_AUTH', ChallengeParameters: {}, Session: 'session-2' });
			}
		} else if (op === 'RespondToAuthChallenge' && params.ChallengeName === 'DEVICE_SRP_AUTH') {
			sent.deviceSrpA = params.ChallengeResponses.SRP_A;
			return cb(null, {
				ChallengeName: 'DEVICE_PASSWORD_VERIFIER',
				ChallengeParameters: {
					SALT: device.salt,
					SRP_B: c.deviceOut.B,
					SECRET_BLOCK: device.secretBlock,
					USERNAME: c.user.username,
					DEVICE_KEY: device.username,
				},
				Session: 'session-3',
			});
		} else if (op === 'RespondToAuthChallenge' && params.ChallengeName === 'DEVICE_PASSWORD_VERIFIER') {
			sent.device = params.ChallengeResponses;
		} else {
			return cb(Object.assign(new Error(`unexpected ${op}`), { code: 'InternalErrorException' }));
		}
		return cb(null, { AuthenticationResult: { IdToken: jwt, AccessToken: jwt, RefreshToken: 'r' } });
	};

	let outcome;
	const cognitoUser = new CognitoUser({ Username: c.user.username, Pool: pool, Storage: storage });
	cognitoUser.authenticateUser(new AuthenticationDetails({ Username: c.user.username, Password: c.user.password }), {
		onSuccess: () => (outcome = 'success'),
		onFailure: err => (outcome = `failure: ${err && err.message}`),
	});
	AuthenticationHelper.prototype.generateRandomSmallA = origSmallA;
	DateHelper.prototype.getNowString = origNow;
	if (outcome !== 'success') throw new Error(`case ${c.name}: ${outcome}`);
	return sent;
}

// padHexTable covers the library's padHex around every sign-byte boundary,
// negative values included. Values are hex with a minus sign, since the
// library's BigInteger has no decimal radix.
function padHexTable() {
	const h = new AuthenticationHelper('x');
	const int = n => (n < 0 ? new BigInteger((-n).toString(16), 16).negate() : new BigInteger(n.toString(16), 16));
	const values = [];
	for (let i = -300; i <= 300; i++) values.push(int(i));
	for (let k = 1; k <= 130; k++) {
		const p = new BigInteger((1 << k % 4).toString(16) + '0'.repeat(Math.floor(k / 4)), 16); // 2^k
		for (const d of [-1, 0, 1]) {
			const m = p.add(int(d));
			values.push(m, m.negate());
		}
	}
	return values.map(v => [v.toString(16), h.padHex(v)]);
}

function main() {
	const input = JSON.parse(readStdin());
	const k = new AuthenticationHelper('x').k;
	const cases = input.cases.map(c => {
		const out = { ...c, userOut: stageValues(c.user) };
		if (c.device) out.deviceOut = stageValues(c.device);
		const sent = signIn(out, c.user, c.device);
		if (sent.userSrpA !== out.userOut.A) throw new Error(`case ${c.name}: SRP_A sent differs from A`);
		out.userOut.srpA = sent.userSrpA;
		out.userOut.signature = sent.user.PASSWORD_CLAIM_SIGNATURE;
		out.userOut.timestampSent = sent.user.TIMESTAMP;
		if (c.device) {
			out.deviceOut.srpA = sent.deviceSrpA;
			out.deviceOut.signature = sent.device.PASSWORD_CLAIM_SIGNATURE;
			out.deviceOut.timestampSent = sent.device.TIMESTAMP;
		}
		return out;
	});
	const doc = {
		generator: 'internal/srp/testdata/js/vectors.js',
		library: `amazon-cognito-identity-js@${require('amazon-cognito-identity-js/package.json').version}`,
		k: k.toString(16),
		cases,
		padHex: padHexTable(),
	};
	// One padHex pair per line keeps the file short and diffable.
	const text = JSON.stringify(doc, null, 2).replace(/\[\n\s+("[^"]*"),\n\s+("[^"]*")\n\s+\]/g, '[$1, $2]');
	process.stdout.write(text + '\n');
}

main();
