package pool

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/store"
)

// An identity provider is a record of KindIdentityProvider under
// poolID/providerName whose document is the model's IdentityProviderType
// (so that app-client validation reads ProviderName from it) with the
// upstream secrets (client_secret, Apple's private_key) taken out of
// ProviderDetails and kept sealed beside it, bound to pool, provider and
// key. Each IdpIdentifier is a unique secondary key, so that the database
// refuses one identifier for two providers of a pool.
const (
	KindIdentityProvider = identityProviderKind
	identifierKey        = "identifier"
	idpSecretPurpose     = "idp-secret"
	// maxIdentityProvidersPerPool is Cognito's quota "Identity providers
	// per user pool: 300" (developer guide, quotas).
	maxIdentityProvidersPerPool = 300
	// defaultProviderListLimit: the model allows 0–60.
	defaultProviderListLimit = 60
)

type idpDoc struct {
	cognitoidp.IdentityProviderType
	Sealed map[string][]byte `json:"Sealed,omitzero"`
}

func idpID(poolID, name string) string { return poolID + "/" + name }

func idpNotFound(name string) error {
	return errs.New(errs.ResourceNotFoundException, "Identity provider "+name+" does not exist.")
}

func secretAD(poolID, name, key string) []byte { return []byte(poolID + "/" + name + "/" + key) }

// seal moves the secret details into doc.Sealed.
func (s *Service) seal(doc *idpDoc) {
	poolID, name := *doc.UserPoolId, *doc.ProviderName
	doc.Sealed = nil
	for _, k := range sealedDetails {
		if v, ok := doc.ProviderDetails[k]; ok {
			if doc.Sealed == nil {
				doc.Sealed = map[string][]byte{}
			}
			doc.Sealed[k] = s.Keys.Seal(idpSecretPurpose, []byte(v), secretAD(poolID, name, k))
			delete(doc.ProviderDetails, k)
		}
	}
}

// open returns the provider with its secrets; hidden keys are left out
// unless all is set.
func (s *Service) open(doc *idpDoc, all bool) (*cognitoidp.IdentityProviderType, error) {
	out := doc.IdentityProviderType
	out.ProviderDetails = maps.Clone(doc.ProviderDetails)
	for k, sealed := range doc.Sealed {
		if !all && slices.Contains(hiddenDetails, k) {
			continue
		}
		v, err := s.Keys.Open(idpSecretPurpose, sealed, secretAD(*doc.UserPoolId, *doc.ProviderName, k))
		if err != nil {
			return nil, err
		}
		out.ProviderDetails[k] = string(v)
	}
	return &out, nil
}

func (s *Service) idpDoc(ctx context.Context, tx store.Tx, poolID, name string) (*idpDoc, *store.Record, error) {
	var doc idpDoc
	rec, err := getJSON(ctx, tx, KindIdentityProvider, idpID(poolID, name), &doc)
	if err != nil {
		return nil, nil, notFound(err, "Identity provider "+name+" does not exist.")
	}
	return &doc, rec, nil
}

func idpRecord(doc *idpDoc) *store.Record {
	rec := &store.Record{Kind: KindIdentityProvider, ID: idpID(*doc.UserPoolId, *doc.ProviderName), Scope: *doc.UserPoolId, Data: mustJSON(doc)}
	for _, id := range doc.IdpIdentifiers {
		rec.Keys = append(rec.Keys, store.Key{Name: identifierKey, Value: id, Unique: true})
	}
	return rec
}

// idpWriteError maps the store's refusals of a provider record.
func idpWriteError(err error, doc *idpDoc) error {
	if errors.Is(err, store.ErrExists) {
		return errs.Newf(errs.DuplicateProviderException, "%s already exists in user pool %s", *doc.ProviderName, *doc.UserPoolId)
	}
	if _, ok := store.IsKeyConflict(err); ok {
		// cirro's wording: Cognito's is not public.
		return errs.Newf(errs.DuplicateProviderException, "An IdpIdentifier of %s is already used by another provider of user pool %s.", *doc.ProviderName, *doc.UserPoolId)
	}
	return err
}

// CreateIdentityProvider registers an upstream identity provider.
func (s *Service) CreateIdentityProvider(ctx context.Context, in *cognitoidp.CreateIdentityProviderRequest) (*cognitoidp.CreateIdentityProviderResponse, error) {
	poolID, name, typ := *in.UserPoolId, *in.ProviderName, *in.ProviderType
	if err := checkProviderName(name, typ); err != nil {
		return nil, err
	}
	details, err := normalizeDetails(typ, in.ProviderDetails)
	if err != nil {
		return nil, err
	}
	if err := checkIdentifiers(in.IdpIdentifiers); err != nil {
		return nil, err
	}
	now := shape.NewTime(s.Clock.Now())
	doc := &idpDoc{IdentityProviderType: cognitoidp.IdentityProviderType{
		UserPoolId: &poolID, ProviderName: &name, ProviderType: &typ, ProviderDetails: details,
		AttributeMapping: withDefaultMapping(typ, in.AttributeMapping), IdpIdentifiers: slices.Clone(in.IdpIdentifiers),
		CreationDate: now, LastModifiedDate: now,
	}}
	s.seal(doc)
	err = s.Store.Write(ctx, func(tx store.Tx) error {
		// Exclusive: the count below must stay true until the insert commits.
		if err := s.LockPool(ctx, tx, poolID, store.LockExclusive); err != nil {
			return err
		}
		if _, _, err := s.Pool(ctx, tx, poolID); err != nil {
			return err
		}
		n, err := tx.Count(ctx, store.Query{Kind: KindIdentityProvider, Scope: poolID})
		if err != nil {
			return err
		}
		if n >= maxIdentityProvidersPerPool {
			return errs.Newf(errs.LimitExceededException, "The user pool has reached its limit of %d identity providers.", maxIdentityProvidersPerPool)
		}
		return idpWriteError(tx.Insert(ctx, idpRecord(doc)), doc)
	})
	if err != nil {
		return nil, err
	}
	out, err := s.open(doc, false)
	if err != nil {
		return nil, err
	}
	return &cognitoidp.CreateIdentityProviderResponse{IdentityProvider: out}, nil
}

// DescribeIdentityProvider returns a provider with its details, the
// client secret included, as Cognito's describe response shows it.
func (s *Service) DescribeIdentityProvider(ctx context.Context, in *cognitoidp.DescribeIdentityProviderRequest) (*cognitoidp.DescribeIdentityProviderResponse, error) {
	out, err := s.readProvider(ctx, *in.UserPoolId, func(store.Tx) (string, error) { return *in.ProviderName, nil })
	if err != nil {
		return nil, err
	}
	return &cognitoidp.DescribeIdentityProviderResponse{IdentityProvider: out}, nil
}

// GetIdentityProviderByIdentifier returns the provider an IdpIdentifier
// names.
func (s *Service) GetIdentityProviderByIdentifier(ctx context.Context, in *cognitoidp.GetIdentityProviderByIdentifierRequest) (*cognitoidp.GetIdentityProviderByIdentifierResponse, error) {
	out, err := s.readProvider(ctx, *in.UserPoolId, func(tx store.Tx) (string, error) {
		return s.ProviderForIdentifier(ctx, tx, *in.UserPoolId, *in.IdpIdentifier)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.GetIdentityProviderByIdentifierResponse{IdentityProvider: out}, nil
}

// readProvider reads one provider of an existing pool, found by name, in
// one snapshot, and opens its sealed details for the describe answer.
func (s *Service) readProvider(ctx context.Context, poolID string, name func(store.Tx) (string, error)) (*cognitoidp.IdentityProviderType, error) {
	var out *cognitoidp.IdentityProviderType
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, poolID); err != nil {
			return err
		}
		n, err := name(tx)
		if err != nil {
			return err
		}
		doc, _, err := s.idpDoc(ctx, tx, poolID, n)
		if err != nil {
			return err
		}
		out, err = s.open(doc, false)
		return err
	})
	return out, err
}

// ListIdentityProviders pages through a pool's providers in name order.
func (s *Service) ListIdentityProviders(ctx context.Context, in *cognitoidp.ListIdentityProvidersRequest) (*cognitoidp.ListIdentityProvidersResponse, error) {
	limit := defaultProviderListLimit
	if in.MaxResults != nil && *in.MaxResults > 0 {
		limit = int(*in.MaxResults)
	}
	var p page
	err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
		p, err = s.listPage(ctx, tx, "ListIdentityProviders", KindIdentityProvider, *in.UserPoolId, in.NextToken, limit)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &cognitoidp.ListIdentityProvidersResponse{Providers: make([]cognitoidp.ProviderDescription, len(p.recs)), NextToken: p.next}
	for i, rec := range p.recs {
		var doc idpDoc
		if err := decode(rec, &doc); err != nil {
			return nil, err
		}
		out.Providers[i] = cognitoidp.ProviderDescription{
			ProviderName: doc.ProviderName, ProviderType: doc.ProviderType,
			CreationDate: doc.CreationDate, LastModifiedDate: doc.LastModifiedDate,
		}
	}
	return out, nil
}

// UpdateIdentityProvider replaces what the request gives: the details (a
// secret left out keeps its value, since Describe is the only way to read
// it back), the attribute mapping, the identifiers.
func (s *Service) UpdateIdentityProvider(ctx context.Context, in *cognitoidp.UpdateIdentityProviderRequest) (*cognitoidp.UpdateIdentityProviderResponse, error) {
	if err := checkIdentifiers(in.IdpIdentifiers); err != nil {
		return nil, err
	}
	var out *cognitoidp.IdentityProviderType
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		doc, rec, err := s.idpDoc(ctx, tx, *in.UserPoolId, *in.ProviderName)
		if err != nil {
			return err
		}
		typ := *doc.ProviderType
		if in.ProviderDetails != nil {
			cur, err := s.open(doc, true)
			if err != nil {
				return err
			}
			given := maps.Clone(in.ProviderDetails)
			for _, k := range sealedDetails {
				if _, ok := given[k]; !ok && cur.ProviderDetails[k] != "" {
					given[k] = cur.ProviderDetails[k]
				}
			}
			details, err := normalizeDetails(typ, given)
			if err != nil {
				return err
			}
			doc.ProviderDetails = details
			s.seal(doc)
		}
		if in.AttributeMapping != nil {
			doc.AttributeMapping = withDefaultMapping(typ, in.AttributeMapping)
		}
		if in.IdpIdentifiers != nil {
			doc.IdpIdentifiers = slices.Clone(in.IdpIdentifiers)
		}
		doc.LastModifiedDate = shape.NewTime(s.Clock.Now())
		next := idpRecord(doc)
		next.Version = rec.Version
		if err := idpWriteError(tx.Update(ctx, next), doc); err != nil {
			return notFound(err, "Identity provider "+*in.ProviderName+" does not exist.")
		}
		out, err = s.open(doc, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.UpdateIdentityProviderResponse{IdentityProvider: out}, nil
}

// DeleteIdentityProvider deletes a provider. The app clients that list it
// stop listing it in the same transaction, so that no client names a
// provider that does not exist (which their validation refuses).
func (s *Service) DeleteIdentityProvider(ctx context.Context, in *cognitoidp.DeleteIdentityProviderRequest) error {
	poolID, name := *in.UserPoolId, *in.ProviderName
	return s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, poolID); err != nil {
			return err
		}
		if _, _, err := s.idpDoc(ctx, tx, poolID, name); err != nil {
			return err
		}
		if err := tx.Delete(ctx, KindIdentityProvider, idpID(poolID, name)); err != nil {
			return notFound(err, "Identity provider "+name+" does not exist.")
		}
		recs, err := tx.List(ctx, store.Query{Kind: KindClient, Scope: poolID})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			var doc clientDoc
			if err := decode(rec, &doc); err != nil {
				return err
			}
			if !slices.Contains(doc.Client.SupportedIdentityProviders, name) {
				continue
			}
			doc.Client.SupportedIdentityProviders = slices.DeleteFunc(doc.Client.SupportedIdentityProviders, func(n string) bool { return n == name })
			rec.Data = mustJSON(&doc)
			if err := tx.Update(ctx, rec); err != nil {
				return err
			}
		}
		return nil
	})
}

// IdentityProviderConfig is a provider with every detail, secrets
// included, for the federation service that signs users in through it.
func (s *Service) IdentityProviderConfig(ctx context.Context, tx store.Tx, poolID, name string) (*cognitoidp.IdentityProviderType, error) {
	doc, _, err := s.idpDoc(ctx, tx, poolID, name)
	if err != nil {
		return nil, err
	}
	return s.open(doc, true)
}

// ProviderForIdentifier is the name of the provider an IdpIdentifier names.
func (s *Service) ProviderForIdentifier(ctx context.Context, tx store.Tx, poolID, identifier string) (string, error) {
	rec, err := tx.Lookup(ctx, KindIdentityProvider, poolID, identifierKey, identifier)
	if errors.Is(err, store.ErrNotFound) {
		return "", errs.New(errs.ResourceNotFoundException, "No identity provider has the identifier "+identifier+".")
	}
	if err != nil {
		return "", err
	}
	var doc idpDoc
	if err := decode(rec, &doc); err != nil {
		return "", err
	}
	return *doc.ProviderName, nil
}

// EnsureProviderGroup returns the group Cognito puts every user of a
// provider in, <poolId>_<ProviderName>, creating it on first use.
func (s *Service) EnsureProviderGroup(ctx context.Context, tx store.Tx, poolID, providerName string) (string, error) {
	name := poolID + "_" + providerName
	if _, _, err := s.group(ctx, tx, poolID, name); err == nil {
		return name, nil
	} else if !errs.Is(err, errs.ResourceNotFoundException) {
		return "", err
	}
	now := shape.NewTime(s.Clock.Now())
	desc := "Autogenerated group for users who sign in using " + providerName
	g := &cognitoidp.GroupType{GroupName: &name, UserPoolId: &poolID, Description: &desc, CreationDate: now, LastModifiedDate: now}
	err := tx.Insert(ctx, &store.Record{Kind: KindGroup, ID: groupID(poolID, name), Scope: poolID, Data: mustJSON(g)})
	if errors.Is(err, store.ErrExists) {
		return name, nil
	}
	return name, err
}

// IdentityProviderConfigs are a pool's providers of one type, secrets
// included, for the federation service (a SAML IdP's logout request
// names the IdP by its entity id, which only its metadata gives).
func (s *Service) IdentityProviderConfigs(ctx context.Context, tx store.Tx, poolID, typ string) ([]*cognitoidp.IdentityProviderType, error) {
	recs, err := tx.List(ctx, store.Query{Kind: KindIdentityProvider, Scope: poolID, Limit: maxIdentityProvidersPerPool})
	if err != nil {
		return nil, err
	}
	var out []*cognitoidp.IdentityProviderType
	for _, rec := range recs {
		var doc idpDoc
		if err := decode(rec, &doc); err != nil {
			return nil, err
		}
		if doc.ProviderType == nil || *doc.ProviderType != typ {
			continue
		}
		idp, err := s.open(&doc, true)
		if err != nil {
			return nil, err
		}
		out = append(out, idp)
	}
	return out, nil
}
