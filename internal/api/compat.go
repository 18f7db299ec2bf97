package api

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cirrohq/cirro/internal/model/shape"
)

// State is how far cirro implements an operation or feature.
type State string

const (
	Works   State = "works"
	Partial State = "partial"
	NotYet  State = "not yet"
)

// partial lists implemented operations that do not yet do everything
// Cognito does, and what is missing. Implemented operations absent here
// are complete as far as we know.
var partial = map[string]map[string]string{
	"cognito-idp":      merge(userPoolNotes, clientNotes, groupNotes, resourceServerNotes, identityProviderNotes, domainNotes, userNotes, authNotes, selfServiceNotes, mfaNotes, deviceNotes, passkeyNotes, userImportNotes, limitNotes),
	"cognito-identity": identityNotes,
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// Feature is a capability beyond single operations.
type Feature struct {
	Name  string
	State State
	Note  string
}

// Features is the feature table of docs/compatibility.md.
var Features = []Feature{
	{"AWS JSON 1.1 protocol (X-Amz-Target, __type errors, x-amzn-ErrorType)", Works, "both services, generated from the botocore models"},
	{"Request validation from the model (required, length, pattern, enum, range)", Works, "Cognito's wording: \"1 validation error detected: …\""},
	{"SigV4 on IAM-authorized operations, per-key action/resource grants", Works, "development mode on loopback without keys accepts any signature"},
	{"Opaque, tamper-proof pagination tokens", Works, "AES-GCM sealed, bound to operation and scope"},
	{"Embedded SQLite store (pure Go)", Works, "WAL, synchronous=FULL, one writer"},
	{"PostgreSQL store, several nodes on one database", Works, "uniqueness by database constraints"},
	{"Secrets at rest under a master key outside the database", Works, "HKDF-derived purpose keys, AES-256-GCM"},
	{"/healthz, /readyz, Prometheus /metrics", Works, "request count and latency per operation and outcome"},
	{"API request-rate quotas (TooManyRequestsException)", Partial, "opt-in (quotas.enforce): Cognito's per-category user pool quotas and per-operation identity pool quotas, " +
		"token buckets per node, provisioned limits from UpdateProvisionedLimit; not yet: OAuth endpoints and hosted pages, per-pool and per-user rates"},
	{"Sign-up, confirmation, admin user management, aliases, account recovery", Works, "messages by SMTP, SMS webhook or the dev outbox (/_cirro/outbox)"},
	{"Sign-in flows (SRP, password, refresh), tokens, JWKS", Works, "USER_SRP_AUTH checked end to end with amazon-cognito-identity-js; USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH, NEW_PASSWORD_REQUIRED; lockout; auth events"},
	{"MFA (SMS, email, TOTP) and devices", Works, "SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE, MFA_SETUP; remembered devices with device SRP"},
	{"Choice-based sign-in (USER_AUTH) and passkeys", Partial, "USER_AUTH with PREFERRED_CHALLENGE or SELECT_CHALLENGE and AvailableChallenges from the pool's AllowedFirstAuthFactors and the user's factors: " +
		"PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP (passwordless, no MFA after them), WEB_AUTHN; passkey registration, listing and deletion with go-webauthn " +
		"(origin must be the relying party id or a subdomain of it); sign-in straight from sign-up (ConfirmSignUp's Session, single-use, " +
		"taken by InitiateAuth USER_AUTH); on the hosted pages, sign-in with a one-time code (EMAIL_OTP, SMS_OTP) for clients that allow USER_AUTH, tested in Chromium; " +
		"not yet: passkeys as MFA (WebAuthnMfaSettings, MULTI_FACTOR_WITH_USER_VERIFICATION), passkeys on the hosted pages"},
	{"Lambda triggers", Partial, "every trigger source invoked (Lambda Invoke API with SigV4, HMAC webhook, local command) with Cognito's events, limits and errors: " +
		"pre sign-up, post confirmation, pre/post authentication, pre token generation V1–V3, custom message, custom email/SMS senders (code encrypted with a local key standing in for KMS), " +
		"user migration (not on USER_SRP_AUTH, as Cognito), custom auth with or without SRP inside it (CUSTOM_AUTH with SRP_A checked end to end with amazon-cognito-identity-js), " +
		"PreSignUp_ExternalProvider and inbound federation (OIDC and social sign-in); not yet: the AccountTakeOverNotification sender (cirro does no risk detection); custom senders are called synchronously, Cognito calls them asynchronously"},
	{"OAuth2/OIDC endpoints and hosted UI", Works, "authorize (code+PKCE, implicit), token (code, refresh, client_credentials), userInfo, revoke, logout; hosted pages incl. MFA and sign-in with a one-time code (choice-based USER_AUTH); tested in Chromium"},
	{"Federation (OIDC, SAML, social)", Partial, "identity-provider operations, account linking; OIDC and social sign-in (Google, Facebook, Login with Amazon, Sign in with Apple as presets with overridable endpoints) through /oauth2/idpresponse with state, nonce, PKCE, go-oidc ID token verification, userInfo, attribute mapping, EXTERNAL_PROVIDER users, identities claim, provider group, pre sign-up and inbound federation triggers; SAML sign-in (SP- and IdP-initiated, POST binding to /saml2/idpresponse, SP metadata at /saml2/metadata) through internal/federation/samlsp; SAML single logout (IDPSignout: signed LogoutRequest from /logout, LogoutResponse at /saml2/logout, and IdP-initiated LogoutRequest); MetadataURL cached 6 h and re-read once on a signature failure; Sign in with Apple's first-sign-in user (firstName, lastName); required pool attributes enforced on first sign-in; the provider-buttons-only sign-in page for clients without COGNITO; upstream requests refuse private addresses (checked at dial time) unless development mode or federation.allow_private_upstreams; not yet: SAML metadata fetched and checked at CreateIdentityProvider, \"Attribute cannot be updated\" on refresh of immutable attributes"},
	{"CloudFormation templates (cdk synth): serve --template, apply, export, outputs", Partial, "every Cognito resource type with every property, identity providers and risk configurations included; " +
		"IAM roles recorded; Lambda functions mapped with --lambda or triggers.functions; export round-trips identity providers (client secrets in plain text or NoEcho parameters, Apple keys as parameters). " +
		"Not yet: UserPoolReplica and RegionalConfigurationAttachment (reported, one cirro is one Region), dynamic references ({{resolve:…}} kept as written), Fn::ImportValue, Fn::Cidr, transforms; see docs/templates.md"},
	{"Identity pools and credentials", Partial, "credentials need an STS endpoint (sts.endpoint); OpenID token issuer is <public-url>/identitypool"},
}

// CompatibilityDoc renders docs/compatibility.md from the operation tables.
func CompatibilityDoc(services map[string][]shape.Operation) string {
	var b strings.Builder
	b.WriteString("# Compatibility\n\n")
	b.WriteString("Generated by `go test ./internal/api -run TestCompatibilityDoc -update` from the operation\n")
	b.WriteString("tables that cirro serves; a test fails when this file and the code disagree.\n\n")
	b.WriteString("States: **works** (implemented as Cognito documents it), **partial** (implemented,\nwith the gaps noted), **not yet** (answers `NotImplementedException`).\n\n")
	b.WriteString("## Features\n\n| feature | state | note |\n|---|---|---|\n")
	for _, f := range Features {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", f.Name, f.State, f.Note)
	}
	names := make([]string, 0, len(services))
	for n := range services {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, svc := range names {
		ops := append([]shape.Operation(nil), services[svc]...)
		sort.Slice(ops, func(i, j int) bool { return ops[i].Name < ops[j].Name })
		counts := map[State]int{}
		var rows strings.Builder
		for _, op := range ops {
			st, note := NotYet, ""
			if op.Implemented {
				st = Works
				if n, ok := partial[svc][op.Name]; ok {
					st, note = Partial, n
				}
			}
			counts[st]++
			fmt.Fprintf(&rows, "| %s | %s | %s | %s |\n", op.Name, op.Auth, st, note)
		}
		fmt.Fprintf(&b, "\n## %s (%d operations: %d works, %d partial, %d not yet)\n\n", svc, len(ops), counts[Works], counts[Partial], counts[NotYet])
		b.WriteString("| operation | authorization | state | note |\n|---|---|---|---|\n")
		b.WriteString(rows.String())
	}
	return b.String()
}
