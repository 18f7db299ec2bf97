package api

import "github.com/cirrohq/cirro/internal/model/cognitoidp"

// passkeyNotes lists passkey operations that are only partly done.
var passkeyNotes = map[string]string{
	"StartWebAuthnRegistration": "FriendlyCredentialName is generic (no authenticator metadata service); attestation is not requested (\"none\")",
	"CompleteWebAuthnRegistration": "attestation statements are checked as go-webauthn checks them, without the FIDO metadata service; " +
		"a user has at most 20 passkeys (a cirro limit)",
}

func (a *API) registerPasskeys(h *cognitoidp.Handlers) {
	s := a.Passkeys
	h.StartWebAuthnRegistration = s.StartWebAuthnRegistration
	h.CompleteWebAuthnRegistration = s.CompleteWebAuthnRegistration
	h.ListWebAuthnCredentials = s.ListWebAuthnCredentials
	h.DeleteWebAuthnCredential = s.DeleteWebAuthnCredential
}
