package token

// protectedClaims are the claims the pre token generation trigger cannot
// add, override or suppress. The developer guide lists, for the ID token:
// acr, amr, aud, at_hash, auth_time, azp, cognito:username, exp, iat,
// identities, iss, jti, nbf, nonce, origin_jti, sub, token_use; group
// claims change only through the group override. For the access token
// cirro protects the same time, identity and binding claims and the
// claims that authorize (client_id, scope — changed through the scope
// lists — username, device_key, version); event_id ties a token to its
// auth event and is protected in both.
var protectedClaims = map[string]map[string]bool{
	UseID: set("acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat",
		"identities", "iss", "jti", "nbf", "nonce", "origin_jti", "sub", "token_use", "event_id",
		"cognito:groups", "cognito:roles", "cognito:preferred_role"),
	UseAccess: set("acr", "amr", "aud", "auth_time", "azp", "client_id", "device_key", "event_id", "exp",
		"iat", "iss", "jti", "nbf", "nonce", "origin_jti", "scope", "sub", "token_use", "username", "version",
		"cognito:groups", "cognito:roles", "cognito:preferred_role"),
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// Protected reports whether the trigger may not change claim in tokens of
// use (UseID or UseAccess). The trigger's caller can use it to reject a
// response; IssueTokens ignores such changes regardless.
func Protected(use, claim string) bool { return protectedClaims[use][claim] }

// apply makes the changes to c, skipping protected claims. Suppression
// runs last, so a claim both overridden and suppressed is suppressed.
func (ch *ClaimChanges) apply(c claimSet, use string) {
	for k, v := range ch.AddOrOverride {
		if !Protected(use, k) {
			c[k] = v
		}
	}
	for _, k := range ch.Suppress {
		if !Protected(use, k) {
			delete(c, k)
		}
	}
}
