package pool

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/pagination"
	"github.com/cirrohq/cirro/internal/store"
)

// A pool's record is its own scope, so DeleteScope(poolID) removes the
// pool together with everything it owns.
//
// The record holds the settled configuration only. What Cognito computes
// on every read (EstimatedNumberOfUsers, Domain, CustomDomain) is added by
// describe, from the records that own those facts.

// userRecordKind is the kind of the users' records (Scope: their pool),
// which the users' code owns; DescribeUserPool counts them.
const userRecordKind = "user"

// CreateUserPool creates a pool with Cognito's defaults for whatever the
// request leaves out.
func (s *Service) CreateUserPool(ctx context.Context, in *cognitoidp.CreateUserPoolRequest) (*cognitoidp.CreateUserPoolResponse, error) {
	schema, err := buildSchema(in.Schema)
	if err != nil {
		return nil, err
	}
	p := &cognitoidp.UserPoolType{
		Name:                        in.PoolName,
		SchemaAttributes:            schema,
		AliasAttributes:             in.AliasAttributes,
		UsernameAttributes:          in.UsernameAttributes,
		UsernameConfiguration:       in.UsernameConfiguration,
		UserPoolTags:                in.UserPoolTags,
		KeyConfiguration:            in.KeyConfiguration,
		IssuerConfiguration:         in.IssuerConfiguration,
		AccountRecoverySetting:      in.AccountRecoverySetting,
		AdminCreateUserConfig:       in.AdminCreateUserConfig,
		AutoVerifiedAttributes:      in.AutoVerifiedAttributes,
		DeletionProtection:          in.DeletionProtection,
		DeviceConfiguration:         in.DeviceConfiguration,
		EmailConfiguration:          in.EmailConfiguration,
		EmailVerificationMessage:    in.EmailVerificationMessage,
		EmailVerificationSubject:    in.EmailVerificationSubject,
		LambdaConfig:                in.LambdaConfig,
		MfaConfiguration:            in.MfaConfiguration,
		Policies:                    in.Policies,
		SmsAuthenticationMessage:    in.SmsAuthenticationMessage,
		SmsConfiguration:            in.SmsConfiguration,
		SmsVerificationMessage:      in.SmsVerificationMessage,
		UserAttributeUpdateSettings: in.UserAttributeUpdateSettings,
		UserPoolAddOns:              in.UserPoolAddOns,
		UserPoolTier:                in.UserPoolTier,
		VerificationMessageTemplate: in.VerificationMessageTemplate,
	}
	if err := s.settle(p); err != nil {
		return nil, err
	}
	st := mfaState{}
	st.SMS = smsFactor(p, st)
	if err := checkMfa(p, st, errPoolMfaWithoutSms); err != nil {
		return nil, err
	}
	now := shape.NewTime(s.Clock.Now())
	id := ids.UserPoolID(s.Region)
	p.Id, p.Arn, p.CreationDate, p.LastModifiedDate = &id, ptr(s.PoolARN(id)), now, now
	rec := &store.Record{Kind: KindPool, ID: id, Scope: id, Data: mustJSON(p)}
	err = s.Store.Write(ctx, func(tx store.Tx) error {
		if err := tx.Insert(ctx, rec); err != nil {
			return err
		}
		return saveMfa(ctx, tx, id, st, nil)
	})
	if err != nil {
		return nil, err
	}
	p.EstimatedNumberOfUsers = ptr(int32(0))
	return &cognitoidp.CreateUserPoolResponse{UserPool: p}, nil
}

// Pool returns a pool's configuration.
func (s *Service) Pool(ctx context.Context, tx store.Tx, id string) (*cognitoidp.UserPoolType, *store.Record, error) {
	var p cognitoidp.UserPoolType
	rec, err := getJSON(ctx, tx, KindPool, id, &p)
	if err != nil {
		return nil, nil, notFound(err, "User pool "+id+" does not exist.")
	}
	return &p, rec, nil
}

// LockPool locks pool id in a Write (store.Tx.Lock), answering as Pool
// does when it does not exist. Writes that insert a record scoped to the
// pool take it shared, so that DeleteUserPool, which takes it exclusive,
// cannot miss their record; writes that count the pool's children
// against a quota take it exclusive, so that two cannot both pass the
// last free slot. Take it before any other write of the transaction.
func (s *Service) LockPool(ctx context.Context, tx store.Tx, id string, mode store.LockMode) error {
	return notFound(tx.Lock(ctx, KindPool, id, mode), "User pool "+id+" does not exist.")
}

// describe adds to a stored pool what Cognito computes when it is read:
// the number of users and the domains hung on the pool.
func (s *Service) describe(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType) error {
	n, err := tx.Count(ctx, store.Query{Kind: userRecordKind, Scope: *p.Id})
	if err != nil {
		return err
	}
	p.EstimatedNumberOfUsers = ptr(int32(n))
	prefix, custom, err := s.PoolDomains(ctx, tx, *p.Id)
	if err != nil {
		return err
	}
	if prefix != "" {
		p.Domain = &prefix
	}
	if custom != "" {
		p.CustomDomain = &custom
	}
	return nil
}

// DescribeUserPool returns a pool's configuration.
func (s *Service) DescribeUserPool(ctx context.Context, in *cognitoidp.DescribeUserPoolRequest) (*cognitoidp.DescribeUserPoolResponse, error) {
	var p *cognitoidp.UserPoolType
	err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
		if p, _, err = s.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		return s.describe(ctx, tx, p)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.DescribeUserPoolResponse{UserPool: p}, nil
}

// ListUserPools pages through every pool, in id order.
func (s *Service) ListUserPools(ctx context.Context, in *cognitoidp.ListUserPoolsRequest) (*cognitoidp.ListUserPoolsResponse, error) {
	after, err := pagination.Cursor(s.Keys, "ListUserPools", "", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := int(*in.MaxResults)
	var recs []*store.Record
	err = s.Store.Read(ctx, func(tx store.Tx) (err error) {
		// One record more than asked tells whether another page follows.
		recs, err = tx.List(ctx, store.Query{Kind: KindPool, AnyScope: true, After: after, Limit: limit + 1})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &cognitoidp.ListUserPoolsResponse{UserPools: []cognitoidp.UserPoolDescriptionType{}}
	if len(recs) > limit {
		recs = recs[:limit]
		out.NextToken = pagination.Token(s.Keys, "ListUserPools", "", recs[len(recs)-1].ID)
	}
	for _, rec := range recs {
		var p cognitoidp.UserPoolType
		if err := decode(rec, &p); err != nil {
			return nil, err
		}
		out.UserPools = append(out.UserPools, cognitoidp.UserPoolDescriptionType{
			Id: p.Id, Name: p.Name, LambdaConfig: p.LambdaConfig,
			CreationDate: p.CreationDate, LastModifiedDate: p.LastModifiedDate,
		})
	}
	return out, nil
}

// DeleteUserPool deletes a pool and everything it owns, unless deletion
// protection is on.
func (s *Service) DeleteUserPool(ctx context.Context, in *cognitoidp.DeleteUserPoolRequest) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		// Waits for the writes inserting into the pool (LockPool) to
		// commit, so that DeleteScope sees what they inserted.
		if err := s.LockPool(ctx, tx, *in.UserPoolId, store.LockExclusive); err != nil {
			return err
		}
		p, _, err := s.Pool(ctx, tx, *in.UserPoolId)
		if err != nil {
			return err
		}
		if *p.DeletionProtection == cognitoidp.DeletionProtectionTypeActive {
			return errs.New(errs.InvalidParameterException, "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
		}
		_, err = tx.DeleteScope(ctx, *in.UserPoolId)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
}

func ptr[T any](v T) *T { return &v }
