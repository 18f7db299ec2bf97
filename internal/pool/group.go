package pool

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/store"
)

// Groups are stored one record each, as the model's GroupType, under
// poolID/groupName: pool ids never contain "/", so the id is unique across
// pools, and listing a pool's groups in id order lists them by name.
//
// Memberships (issue: users) will be records of KindGroupMember with id
// poolID/groupName/sub, scoped to the pool and keyed by group and by user,
// so that both directions of the relation are one indexed query and
// DeleteGroup (below) and DeleteUserPool (DeleteScope) already cascade.
// A transaction that adds a membership must also update the group's
// record (a version bump, as DeleteGroup does): on PostgreSQL, at READ
// COMMITTED, that is what orders it against a concurrent DeleteGroup, so
// that no membership outlives its group.
const (
	KindGroup       = "group"
	KindGroupMember = "groupmember"

	// MemberKeyGroup and MemberKeyUser are the secondary keys of a
	// membership record: the group name and the user's sub.
	MemberKeyGroup = "group"
	MemberKeyUser  = "user"
)

// maxGroupsPerPool is Cognito's quota "Groups per user pool: 10,000"
// (developer guide, quotas).
const maxGroupsPerPool = 10000

// defaultGroupListLimit applies when ListGroups has no Limit, or Limit 0
// (the model allows 0–60; 60 is the largest page Cognito serves).
const defaultGroupListLimit = 60

const msgGroupNotFound = "Group not found."

func groupID(poolID, name string) string { return poolID + "/" + name }

// group reads one group of a pool.
func (s *Service) group(ctx context.Context, tx store.Tx, poolID, name string) (*cognitoidp.GroupType, *store.Record, error) {
	var g cognitoidp.GroupType
	rec, err := getJSON(ctx, tx, KindGroup, groupID(poolID, name), &g)
	if err != nil {
		return nil, nil, notFound(err, msgGroupNotFound)
	}
	return &g, rec, nil
}

// CreateGroup adds a group to a pool. The name is unique within the pool;
// the database enforces it, so concurrent creators cannot both succeed.
func (s *Service) CreateGroup(ctx context.Context, in *cognitoidp.CreateGroupRequest) (*cognitoidp.CreateGroupResponse, error) {
	poolID, name := *in.UserPoolId, *in.GroupName
	now := shape.NewTime(s.Clock.Now())
	g := &cognitoidp.GroupType{
		GroupName:        &name,
		UserPoolId:       &poolID,
		Description:      in.Description,
		RoleArn:          in.RoleArn,
		Precedence:       in.Precedence,
		CreationDate:     now,
		LastModifiedDate: now,
	}
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		// Exclusive: the count below must stay true until the insert commits.
		if err := s.LockPool(ctx, tx, poolID, store.LockExclusive); err != nil {
			return err
		}
		if _, _, err := s.Pool(ctx, tx, poolID); err != nil {
			return err
		}
		n, err := tx.Count(ctx, store.Query{Kind: KindGroup, Scope: poolID})
		if err != nil {
			return err
		}
		if n >= maxGroupsPerPool {
			return errs.Newf(errs.LimitExceededException, "The user pool has reached its limit of %d groups.", maxGroupsPerPool)
		}
		err = tx.Insert(ctx, &store.Record{Kind: KindGroup, ID: groupID(poolID, name), Scope: poolID, Data: mustJSON(g)})
		if errors.Is(err, store.ErrExists) {
			return errs.Newf(errs.GroupExistsException, "A group with the name %s already exists.", name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.CreateGroupResponse{Group: g}, nil
}

// GetGroup returns a group.
func (s *Service) GetGroup(ctx context.Context, in *cognitoidp.GetGroupRequest) (*cognitoidp.GetGroupResponse, error) {
	var g *cognitoidp.GroupType
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		var err error
		g, _, err = s.group(ctx, tx, *in.UserPoolId, *in.GroupName)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.GetGroupResponse{Group: g}, nil
}

// ListGroups pages through a pool's groups in name order.
func (s *Service) ListGroups(ctx context.Context, in *cognitoidp.ListGroupsRequest) (*cognitoidp.ListGroupsResponse, error) {
	limit := defaultGroupListLimit
	if in.Limit != nil && *in.Limit > 0 {
		limit = int(*in.Limit)
	}
	var p page
	err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
		p, err = s.listPage(ctx, tx, "ListGroups", KindGroup, *in.UserPoolId, in.NextToken, limit)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &cognitoidp.ListGroupsResponse{Groups: make([]cognitoidp.GroupType, len(p.recs)), NextToken: p.next}
	for i, rec := range p.recs {
		if err := decode(rec, &out.Groups[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UpdateGroup changes only the members the request carries; the others
// keep their values. Cognito documents it so: the AWS CLI's update-group
// example (aws/aws-cli awscli/examples/cognito-idp/update-group.rst) sends
// Description and Precedence only, and the group it returns still has its
// RoleArn. (Older CLI pages carried a generic "set to the default value"
// warning, which AWS has since removed for this operation.)
func (s *Service) UpdateGroup(ctx context.Context, in *cognitoidp.UpdateGroupRequest) (*cognitoidp.UpdateGroupResponse, error) {
	var g *cognitoidp.GroupType
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		var rec *store.Record
		var err error
		g, rec, err = s.group(ctx, tx, *in.UserPoolId, *in.GroupName)
		if err != nil {
			return err
		}
		if in.Description != nil {
			g.Description = in.Description
		}
		if in.RoleArn != nil {
			g.RoleArn = in.RoleArn
		}
		if in.Precedence != nil {
			g.Precedence = in.Precedence
		}
		g.LastModifiedDate = shape.NewTime(s.Clock.Now())
		rec.Data = mustJSON(g)
		// ErrNotFound here means a concurrent DeleteGroup won.
		return notFound(tx.Update(ctx, rec), msgGroupNotFound)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.UpdateGroupResponse{Group: g}, nil
}

// DeleteGroup deletes a group together with its memberships, so that no
// user keeps a group (and its role) that no longer exists.
func (s *Service) DeleteGroup(ctx context.Context, in *cognitoidp.DeleteGroupRequest) error {
	poolID, name := *in.UserPoolId, *in.GroupName
	return s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, poolID); err != nil {
			return err
		}
		_, rec, err := s.group(ctx, tx, poolID, name)
		if err != nil {
			return err
		}
		// Exclusive before reading its memberships: a concurrent
		// AdminAddUserToGroup, which locks the group shared, commits first
		// and its membership is deleted here, or finds the group gone.
		if err := tx.Lock(ctx, KindGroup, rec.ID, store.LockExclusive); err != nil {
			return notFound(err, msgGroupNotFound)
		}
		members, err := tx.List(ctx, store.Query{Kind: KindGroupMember, Scope: poolID, KeyName: MemberKeyGroup, KeyValue: name})
		if err != nil {
			return err
		}
		if err := deleteAll(ctx, tx, KindGroupMember, members); err != nil {
			return err
		}
		return notFound(tx.Delete(ctx, KindGroup, groupID(poolID, name)), msgGroupNotFound)
	})
}
