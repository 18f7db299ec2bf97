package pool

import (
	"context"
	"crypto/subtle"
	"fmt"
	"slices"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/store"
)

// A client's secrets must be recoverable, because Create and Describe
// return ClientSecret, so they are sealed (AES-GCM under the master key,
// bound to the client id) rather than hashed.
const (
	clientSecretPurpose = "client-secret"
	// maxClientSecrets: "Supports up to 2 active secrets per app client"
	// (model, AddUserPoolClientSecret).
	maxClientSecrets = 2
	// Generated secrets look like Cognito's: 51 lowercase letters and
	// digits (about 263 bits).
	clientSecretLength   = 51
	clientSecretAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// clientSecret is one active secret of a client.
type clientSecret struct {
	// ID is "<client-id>--<epoch-create-time>" (model,
	// ClientSecretDescriptorType), the time in milliseconds.
	ID      string      `json:"Id"`
	Created *shape.Time `json:"Created"`
	Sealed  []byte      `json:"Sealed"`
}

func newClientSecretValue() string { return ids.FromAlphabet(clientSecretAlphabet, clientSecretLength) }

// sealClientSecret makes a secret created at t, with an id distinct from
// those of the client's other secrets.
func (s *Service) sealClientSecret(clientID, value string, t time.Time, others []clientSecret) clientSecret {
	ms := t.UnixMilli()
	id := func() string { return fmt.Sprintf("%s--%d", clientID, ms) }
	for slices.ContainsFunc(others, func(o clientSecret) bool { return o.ID == id() }) {
		ms++
	}
	return clientSecret{
		ID:      id(),
		Created: shape.NewTime(t),
		Sealed:  s.Keys.Seal(clientSecretPurpose, []byte(value), []byte(clientID)),
	}
}

func (s *Service) openClientSecret(clientID string, cs clientSecret) (string, error) {
	b, err := s.Keys.Open(clientSecretPurpose, cs.Sealed, []byte(clientID))
	if err != nil {
		return "", fmt.Errorf("client %s secret %s: %w", clientID, cs.ID, err)
	}
	return string(b), nil
}

// VerifyClientSecret reports whether secret is one of the client's active
// secrets, comparing in constant time. A client without a secret verifies
// nothing.
func (s *Service) VerifyClientSecret(ctx context.Context, tx store.Tx, clientID, secret string) (bool, error) {
	doc, _, err := s.clientDoc(ctx, tx, clientID)
	if err != nil {
		return false, err
	}
	match := 0
	for _, cs := range doc.Secrets {
		v, err := s.openClientSecret(clientID, cs)
		if err != nil {
			return false, err
		}
		match |= subtle.ConstantTimeCompare([]byte(v), []byte(secret))
	}
	return match == 1, nil
}

// AddUserPoolClientSecret gives a confidential client a further secret,
// for rotation without downtime.
func (s *Service) AddUserPoolClientSecret(ctx context.Context, in *cognitoidp.AddUserPoolClientSecretRequest) (*cognitoidp.AddUserPoolClientSecretResponse, error) {
	generated := in.ClientSecret == nil
	value := ""
	if generated {
		value = newClientSecretValue()
	} else {
		value = *in.ClientSecret
	}
	var added clientSecret
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		_, doc, rec, err := s.poolClient(ctx, tx, *in.UserPoolId, *in.ClientId)
		if err != nil {
			return err
		}
		switch {
		case len(doc.Secrets) == 0:
			// The model: "for an existing confidential user pool app
			// client". cirro's wording.
			return errs.Newf(errs.InvalidParameterException, "User pool client %s has no client secret; secrets can only be added to a confidential app client.", *in.ClientId)
		case len(doc.Secrets) >= maxClientSecrets:
			// cirro's wording.
			return errs.Newf(errs.LimitExceededException, "User pool client %s already has the maximum of %d client secrets.", *in.ClientId, maxClientSecrets)
		}
		added = s.sealClientSecret(*in.ClientId, value, s.Clock.Now(), doc.Secrets)
		doc.Secrets = append(doc.Secrets, added)
		rec.Data = mustJSON(doc)
		return tx.Update(ctx, rec)
	})
	if err != nil {
		return nil, err
	}
	d := describeSecret(added)
	// "only returned when creating a new secret and only if Amazon Cognito
	// generated the secret" (model, ClientSecretDescriptorType).
	if generated {
		d.ClientSecretValue = &value
	}
	return &cognitoidp.AddUserPoolClientSecretResponse{ClientSecretDescriptor: &d}, nil
}

// ListUserPoolClientSecrets lists a client's secrets, oldest first,
// without their values.
func (s *Service) ListUserPoolClientSecrets(ctx context.Context, in *cognitoidp.ListUserPoolClientSecretsRequest) (*cognitoidp.ListUserPoolClientSecretsResponse, error) {
	out := &cognitoidp.ListUserPoolClientSecretsResponse{ClientSecrets: []cognitoidp.ClientSecretDescriptorType{}}
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		_, doc, _, err := s.poolClient(ctx, tx, *in.UserPoolId, *in.ClientId)
		if err != nil {
			return err
		}
		for _, cs := range doc.Secrets {
			out.ClientSecrets = append(out.ClientSecrets, describeSecret(cs))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteUserPoolClientSecret removes one of a client's secrets, never the
// last: a confidential client stays confidential.
func (s *Service) DeleteUserPoolClientSecret(ctx context.Context, in *cognitoidp.DeleteUserPoolClientSecretRequest) (*cognitoidp.DeleteUserPoolClientSecretResponse, error) {
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		_, doc, rec, err := s.poolClient(ctx, tx, *in.UserPoolId, *in.ClientId)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(doc.Secrets, func(cs clientSecret) bool { return cs.ID == *in.ClientSecretId })
		switch {
		case i < 0:
			// cirro's wording.
			return errs.Newf(errs.ResourceNotFoundException, "Client secret %s does not exist.", *in.ClientSecretId)
		case len(doc.Secrets) == 1:
			// "You cannot delete the last remaining secret for an app
			// client." (model, DeleteUserPoolClientSecret)
			return errs.New(errs.InvalidParameterException, "You cannot delete the last remaining secret for an app client.")
		}
		doc.Secrets = slices.Delete(doc.Secrets, i, i+1)
		rec.Data = mustJSON(doc)
		return tx.Update(ctx, rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.DeleteUserPoolClientSecretResponse{}, nil
}

func describeSecret(cs clientSecret) cognitoidp.ClientSecretDescriptorType {
	return cognitoidp.ClientSecretDescriptorType{ClientSecretId: ptr(cs.ID), ClientSecretCreateDate: cs.Created}
}
