package pool

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// A domain is stored as the model's DomainDescriptionType under the domain
// string itself: a prefix ("my-app") or a custom host name
// ("auth.example.com"). The id being the store's primary key makes a domain
// unique in this cirro however many nodes or requests race for it, and a
// unique secondary key "type" (prefix or custom) within the pool's scope
// holds a pool to one domain of each kind, Cognito's rule. Scope is the
// pool, so deleting the pool frees its domains.
const KindDomain = "domain"

const (
	domainKeyType = "type"
	domainPrefix  = "prefix"
	domainCustom  = "custom"
)

// Cognito's messages, as its API returns them (sources in domain_rules.go),
// except msgRoutingCustomOnly, which is cirro's wording of the model's
// "currently only supported for custom domains".
const (
	msgDomainTaken       = "Domain already associated with another user pool."
	msgPoolHasDomain     = "User pool already has a domain configured."
	msgNoSuchDomain      = "No such domain or user pool exists."
	msgCustomToPrefix    = "Cannot convert custom domain to prefix domain."
	msgPrefixCertificate = "User pool should have a custom domain associated, failed to update the certificate."
	msgRoutingCustomOnly = "Routing configuration is only supported for custom domains."
)

// defaultManagedLoginVersion is 1, the hosted UI (classic), when a domain
// is created without a ManagedLoginVersion.
const defaultManagedLoginVersion = 1

// isCustom tells a custom domain from a prefix domain by what was stored:
// only custom domains have a certificate.
func isCustom(d *cognitoidp.DomainDescriptionType) bool {
	return d.CustomDomainConfig != nil && d.CustomDomainConfig.CertificateArn != nil
}

func domainType(d *cognitoidp.DomainDescriptionType) string {
	if isCustom(d) {
		return domainCustom
	}
	return domainPrefix
}

func domainRecord(d *cognitoidp.DomainDescriptionType) *store.Record {
	return &store.Record{
		Kind: KindDomain, ID: *d.Domain, Scope: *d.UserPoolId, Data: mustJSON(d),
		Keys: []store.Key{{Name: domainKeyType, Value: domainType(d), Unique: true}},
	}
}

// ownedDomain reads a domain and checks that it belongs to the pool; a
// domain of another pool is answered exactly like a missing one, so that
// pools cannot probe each other's domains through Update or Delete.
func (s *Service) ownedDomain(ctx context.Context, tx store.Tx, poolID, domain string) (*cognitoidp.DomainDescriptionType, *store.Record, error) {
	var d cognitoidp.DomainDescriptionType
	rec, err := getJSON(ctx, tx, KindDomain, domain, &d)
	if err == nil && rec.Scope != poolID {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, nil, noSuchDomain(err)
	}
	return &d, rec, nil
}

// noSuchDomain maps a missing domain, including one deleted by a
// concurrent request, to Cognito's answer.
func noSuchDomain(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errs.New(errs.InvalidParameterException, msgNoSuchDomain)
	}
	return err
}

// CreateUserPoolDomain gives a pool a prefix domain, or a custom domain
// when the request carries CustomDomainConfig. It is served at once:
// Status is ACTIVE from the start.
func (s *Service) CreateUserPoolDomain(ctx context.Context, in *cognitoidp.CreateUserPoolDomainRequest) (*cognitoidp.CreateUserPoolDomainResponse, error) {
	poolID, domain := *in.UserPoolId, *in.Domain
	custom := in.CustomDomainConfig != nil
	if err := s.checkDomainName(domain, custom); err != nil {
		return nil, err
	}
	if in.Routing != nil && !custom {
		return nil, errs.New(errs.InvalidParameterException, msgRoutingCustomOnly)
	}
	d := &cognitoidp.DomainDescriptionType{
		UserPoolId:             &poolID,
		AWSAccountId:           ptr(s.AccountID),
		Domain:                 &domain,
		CloudFrontDistribution: ptr(s.distribution(domain, custom)),
		Version:                ptr(s.domainVersion()),
		Status:                 ptr(cognitoidp.DomainStatusTypeActive),
		// Cognito describes a prefix domain with "CustomDomainConfig": {}.
		CustomDomainConfig:  &cognitoidp.CustomDomainConfigType{},
		ManagedLoginVersion: in.ManagedLoginVersion,
		Routing:             in.Routing,
	}
	if custom {
		d.CustomDomainConfig = in.CustomDomainConfig
	}
	if d.ManagedLoginVersion == nil {
		d.ManagedLoginVersion = ptr(int32(defaultManagedLoginVersion))
	}
	kind := domainType(d)
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		p, _, err := s.Pool(ctx, tx, poolID)
		if err != nil {
			return err
		}
		if err := checkManagedLoginVersion(p, *d.ManagedLoginVersion); err != nil {
			return err
		}
		// These reads answer the usual case; the database's constraints on
		// the insert below decide true races, with the same messages.
		if _, err := tx.Lookup(ctx, KindDomain, poolID, domainKeyType, kind); err == nil {
			return errs.New(errs.InvalidParameterException, msgPoolHasDomain)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if _, err := tx.Get(ctx, KindDomain, domain); err == nil {
			return errs.New(errs.InvalidParameterException, msgDomainTaken)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		err = tx.Insert(ctx, domainRecord(d))
		if _, ok := store.IsKeyConflict(err); ok {
			return errs.New(errs.InvalidParameterException, msgPoolHasDomain)
		}
		if errors.Is(err, store.ErrExists) {
			return errs.New(errs.InvalidParameterException, msgDomainTaken)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.CreateUserPoolDomainResponse{
		CloudFrontDomain:    cloudFrontDomain(d),
		ManagedLoginVersion: d.ManagedLoginVersion,
		Routing:             d.Routing,
	}, nil
}

// DescribeUserPoolDomain returns a domain's description. Like Cognito, it
// answers an unknown domain with an empty description rather than an
// error; tools (CloudFormation, Terraform) rely on that to detect that a
// domain is gone.
func (s *Service) DescribeUserPoolDomain(ctx context.Context, in *cognitoidp.DescribeUserPoolDomainRequest) (*cognitoidp.DescribeUserPoolDomainResponse, error) {
	d := &cognitoidp.DomainDescriptionType{}
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		_, err := getJSON(ctx, tx, KindDomain, *in.Domain, d)
		if errors.Is(err, store.ErrNotFound) {
			*d = cognitoidp.DomainDescriptionType{}
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.DescribeUserPoolDomainResponse{DomainDescription: d}, nil
}

// UpdateUserPoolDomain changes a domain's managed login version, and a
// custom domain's certificate and routing. A domain's name and kind never
// change: Cognito requires deleting and re-creating for that.
func (s *Service) UpdateUserPoolDomain(ctx context.Context, in *cognitoidp.UpdateUserPoolDomainRequest) (*cognitoidp.UpdateUserPoolDomainResponse, error) {
	var d *cognitoidp.DomainDescriptionType
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		p, _, err := s.Pool(ctx, tx, *in.UserPoolId)
		if err != nil {
			return err
		}
		var rec *store.Record
		d, rec, err = s.ownedDomain(ctx, tx, *in.UserPoolId, *in.Domain)
		if err != nil {
			return err
		}
		switch custom := isCustom(d); {
		case custom && in.CustomDomainConfig == nil:
			// An update without a certificate would turn the custom
			// domain into a prefix domain, which Cognito refuses.
			return errs.New(errs.InvalidParameterException, msgCustomToPrefix)
		case !custom && in.CustomDomainConfig != nil:
			return errs.New(errs.InvalidParameterException, msgPrefixCertificate)
		case !custom && in.Routing != nil:
			return errs.New(errs.InvalidParameterException, msgRoutingCustomOnly)
		case custom:
			d.CustomDomainConfig = in.CustomDomainConfig
			d.Routing = in.Routing
		}
		if in.ManagedLoginVersion != nil {
			if err := checkManagedLoginVersion(p, *in.ManagedLoginVersion); err != nil {
				return err
			}
			d.ManagedLoginVersion = in.ManagedLoginVersion
		}
		d.Version = ptr(s.domainVersion())
		d.Status = ptr(cognitoidp.DomainStatusTypeActive)
		upd := domainRecord(d)
		upd.Version = rec.Version
		return noSuchDomain(tx.Update(ctx, upd))
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.UpdateUserPoolDomainResponse{
		CloudFrontDomain:    cloudFrontDomain(d),
		ManagedLoginVersion: d.ManagedLoginVersion,
		Routing:             d.Routing,
	}, nil
}

// DeleteUserPoolDomain removes a domain; its name is free again at once.
func (s *Service) DeleteUserPoolDomain(ctx context.Context, in *cognitoidp.DeleteUserPoolDomainRequest) (*cognitoidp.DeleteUserPoolDomainResponse, error) {
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		if _, _, err := s.ownedDomain(ctx, tx, *in.UserPoolId, *in.Domain); err != nil {
			return err
		}
		return noSuchDomain(tx.Delete(ctx, KindDomain, *in.Domain))
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.DeleteUserPoolDomainResponse{}, nil
}

// PoolDomains returns a pool's prefix and custom domains ("" when it has
// none), for DescribeUserPool's Domain and CustomDomain members.
func (s *Service) PoolDomains(ctx context.Context, tx store.Tx, poolID string) (prefix, custom string, err error) {
	for _, kind := range []string{domainPrefix, domainCustom} {
		rec, err := tx.Lookup(ctx, KindDomain, poolID, domainKeyType, kind)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", "", err
		}
		if kind == domainPrefix {
			prefix = rec.ID
		} else {
			custom = rec.ID
		}
	}
	return prefix, custom, nil
}

// cloudFrontDomain is the CloudFrontDomain of Create/Update responses:
// Cognito returns it for custom domains only, null for prefix domains.
func cloudFrontDomain(d *cognitoidp.DomainDescriptionType) *string {
	if isCustom(d) {
		return d.CloudFrontDistribution
	}
	return nil
}
