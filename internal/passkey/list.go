package passkey

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/pagination"
	"github.com/cirrohq/cirro/internal/store"
)

// defaultPage is ListWebAuthnCredentials' page when MaxResults is absent
// or 0: its maximum (WebAuthnCredentialsQueryLimitType, 20).
const defaultPage = 20

// ListWebAuthnCredentials lists the signed-in user's passkeys, oldest
// first.
func (s *Service) ListWebAuthnCredentials(ctx context.Context, in *cognitoidp.ListWebAuthnCredentialsRequest) (*cognitoidp.ListWebAuthnCredentialsResponse, error) {
	c, err := s.Auth.SignedIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	n := defaultPage
	if in.MaxResults != nil && *in.MaxResults > 0 {
		n = int(*in.MaxResults)
	}
	const op = "ListWebAuthnCredentials"
	scope := c.PoolID + "/" + c.Sub
	after, err := pagination.Cursor(s.Keys, op, scope, in.NextToken)
	if err != nil {
		return nil, err
	}
	var recs []*store.Record
	var keys []*passkey
	err = s.Store.Read(ctx, func(tx store.Tx) (err error) {
		recs, keys, err = userPasskeys(ctx, tx, c.PoolID, c.Sub, after, n+1)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &cognitoidp.ListWebAuthnCredentialsResponse{Credentials: []cognitoidp.WebAuthnCredentialDescription{}}
	if len(keys) > n {
		recs, keys = recs[:n], keys[:n]
		out.NextToken = pagination.Token(s.Keys, op, scope, recs[n-1].ID)
	}
	for _, p := range keys {
		d := cognitoidp.WebAuthnCredentialDescription{
			CredentialId: ptr(p.CredentialID), FriendlyCredentialName: ptr(p.FriendlyName),
			RelyingPartyId: ptr(p.RelyingPartyID), AuthenticatorTransports: append([]string{}, p.Transports...),
			CreatedAt: shape.NewTime(p.Created),
		}
		if p.Attachment != "" {
			d.AuthenticatorAttachment = ptr(p.Attachment)
		}
		out.Credentials = append(out.Credentials, d)
	}
	return out, nil
}

// DeleteWebAuthnCredential deletes one of the signed-in user's passkeys.
func (s *Service) DeleteWebAuthnCredential(ctx context.Context, in *cognitoidp.DeleteWebAuthnCredentialRequest) (*cognitoidp.DeleteWebAuthnCredentialResponse, error) {
	c, err := s.Auth.SignedIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if in.CredentialId == nil || *in.CredentialId == "" {
		return nil, errNotFound
	}
	err = s.Store.Write(ctx, func(tx store.Tx) error {
		rec, _, err := byCredentialID(ctx, tx, c.PoolID, c.Sub, *in.CredentialId)
		if err != nil {
			return err
		}
		err = tx.Delete(ctx, Kind, rec.ID)
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.DeleteWebAuthnCredentialResponse{}, nil
}

func ptr[T any](v T) *T { return &v }
