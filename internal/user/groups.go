package user

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pagination"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
)

// A membership is a record of kind pool.KindGroupMember, id
// poolID/groupName/sub, scoped to the pool and keyed (not uniquely) by
// group name and by sub, so that both directions are one indexed query
// and DeleteGroup and DeleteUserPool cascade to it (see pool/group.go).
type membership struct {
	Group   string    `json:"group"`
	Sub     string    `json:"sub"`
	Created time.Time `json:"created"`
}

// maxGroupsPerUser is Cognito's quota "Groups per user: 100" (developer
// guide, Quotas).
const maxGroupsPerUser = 100

// defaultListLimit is the page size when Limit is left out or 0; 60 is
// also the largest the model allows.
const defaultListLimit = 60

func memberID(poolID, group, sub string) string { return poolID + "/" + group + "/" + sub }

// group reads a pool's group (pool/group.go stores it under poolID/name).
func group(ctx context.Context, tx store.Tx, poolID, name string) (*cognitoidp.GroupType, error) {
	rec, err := tx.Get(ctx, pool.KindGroup, poolID+"/"+name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errs.New(errs.ResourceNotFoundException, "Group not found.")
	}
	if err != nil {
		return nil, err
	}
	var g cognitoidp.GroupType
	if err := json.Unmarshal(rec.Data, &g); err != nil {
		return nil, err
	}
	return &g, nil
}

// groupsNamed reads a pool's groups by name in one query, in the order of
// names: a page of memberships costs one read, not one per group.
// DeleteGroup removes a group's memberships with it, so a name without a
// group is the same error as group's.
func groupsNamed(ctx context.Context, tx store.Tx, poolID string, names []string) ([]cognitoidp.GroupType, error) {
	if len(names) == 0 {
		return nil, nil
	}
	ids := make([]string, len(names))
	for i, n := range names {
		ids[i] = poolID + "/" + n
	}
	recs, err := tx.GetMany(ctx, pool.KindGroup, ids)
	if err != nil {
		return nil, err
	}
	if len(recs) != len(names) {
		return nil, errs.New(errs.ResourceNotFoundException, "Group not found.")
	}
	out := make([]cognitoidp.GroupType, len(recs))
	for i, rec := range recs {
		if err := json.Unmarshal(rec.Data, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AdminAddUserToGroup makes a user a member of a group; adding a member
// again changes nothing.
func (s *Service) AdminAddUserToGroup(ctx context.Context, in *cognitoidp.AdminAddUserToGroupRequest) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		// Shared: a pool deleted meanwhile gets no orphan membership.
		if err := s.Pools.LockPool(ctx, tx, *in.UserPoolId, store.LockShared); err != nil {
			return err
		}
		_, u, _, err := s.adminUser(ctx, tx, *in.UserPoolId, *in.Username)
		if err != nil {
			return err
		}
		// The user exclusively, so that two adds of one user cannot both
		// pass the per-user limit and a concurrent deletion of the user
		// waits for this membership; the group shared, for DeleteGroup.
		if err := lockUser(ctx, tx, u, store.LockExclusive); err != nil {
			return err
		}
		if err := lockGroup(ctx, tx, u.PoolID, *in.GroupName); err != nil {
			return err // the lock is also the check that the group exists
		}
		id := memberID(u.PoolID, *in.GroupName, u.Sub)
		if _, err := tx.Get(ctx, pool.KindGroupMember, id); err == nil {
			return nil
		}
		n, err := tx.Count(ctx, store.Query{Kind: pool.KindGroupMember, Scope: u.PoolID, KeyName: pool.MemberKeyUser, KeyValue: u.Sub})
		if err != nil {
			return err
		}
		if n >= maxGroupsPerUser {
			return errs.Newf(errs.LimitExceededException, "A user can be a member of at most %d groups.", maxGroupsPerUser)
		}
		data, _ := json.Marshal(membership{Group: *in.GroupName, Sub: u.Sub, Created: s.Clock.Now()})
		err = tx.Insert(ctx, &store.Record{
			Kind: pool.KindGroupMember, ID: id, Scope: u.PoolID, Data: data,
			Keys: []store.Key{{Name: pool.MemberKeyGroup, Value: *in.GroupName}, {Name: pool.MemberKeyUser, Value: u.Sub}},
		})
		if errors.Is(err, store.ErrExists) {
			return nil // added concurrently: the outcome is the same
		}
		return err
	})
}

// AdminRemoveUserFromGroup ends a membership; removing a non-member
// changes nothing.
func (s *Service) AdminRemoveUserFromGroup(ctx context.Context, in *cognitoidp.AdminRemoveUserFromGroupRequest) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		_, u, _, err := s.adminUser(ctx, tx, *in.UserPoolId, *in.Username)
		if err != nil {
			return err
		}
		if _, err := group(ctx, tx, u.PoolID, *in.GroupName); err != nil {
			return err
		}
		err = tx.Delete(ctx, pool.KindGroupMember, memberID(u.PoolID, *in.GroupName, u.Sub))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
}

// AdminListGroupsForUser pages through a user's groups in name order.
func (s *Service) AdminListGroupsForUser(ctx context.Context, in *cognitoidp.AdminListGroupsForUserRequest) (*cognitoidp.AdminListGroupsForUserResponse, error) {
	out := &cognitoidp.AdminListGroupsForUserResponse{Groups: []cognitoidp.GroupType{}}
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		_, u, _, err := s.adminUser(ctx, tx, *in.UserPoolId, *in.Username)
		if err != nil {
			return err
		}
		ms, next, err := s.memberPage(ctx, tx, "AdminListGroupsForUser", u.PoolID, pool.MemberKeyUser, u.Sub, in.NextToken, in.Limit)
		if err != nil {
			return err
		}
		out.NextToken = next
		names := make([]string, len(ms))
		for i, m := range ms {
			names[i] = m.Group
		}
		gs, err := groupsNamed(ctx, tx, u.PoolID, names)
		if err != nil {
			return err
		}
		out.Groups = append(out.Groups, gs...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListUsersInGroup pages through a group's members in sub order.
func (s *Service) ListUsersInGroup(ctx context.Context, in *cognitoidp.ListUsersInGroupRequest) (*cognitoidp.ListUsersInGroupResponse, error) {
	out := &cognitoidp.ListUsersInGroupResponse{Users: []cognitoidp.UserType{}}
	poolID := *in.UserPoolId
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pools.Pool(ctx, tx, poolID); err != nil {
			return err
		}
		if _, err := group(ctx, tx, poolID, *in.GroupName); err != nil {
			return err
		}
		ms, next, err := s.memberPage(ctx, tx, "ListUsersInGroup", poolID, pool.MemberKeyGroup, *in.GroupName, in.NextToken, in.Limit)
		if err != nil {
			return err
		}
		out.NextToken = next
		subs := make([]string, len(ms))
		for i, m := range ms {
			subs[i] = m.Sub
		}
		// One read for the page; a user missing (deleting a user deletes
		// its memberships, so never left behind) or of another pool is
		// left out, as Get would not find it.
		recs, err := tx.GetMany(ctx, Kind, subs)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			if rec.Scope != poolID {
				continue
			}
			u, err := decodeUser(rec)
			if err != nil {
				return err
			}
			out.Users = append(out.Users, *u.ToUserType())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// memberPage reads one page of memberships having key name=value, in id
// order. The token is bound to the operation and to the group or user
// listed, so it cannot page through another.
func (s *Service) memberPage(ctx context.Context, tx store.Tx, op, poolID, key, value string, token *string, limit *int32) ([]membership, *string, error) {
	scope := poolID + "/" + key + "/" + value
	after, err := pagination.Cursor(s.Keys, op, scope, token)
	if err != nil {
		return nil, nil, err
	}
	n := defaultListLimit
	if limit != nil && *limit > 0 {
		n = int(*limit)
	}
	recs, err := tx.List(ctx, store.Query{Kind: pool.KindGroupMember, Scope: poolID, KeyName: key, KeyValue: value, After: after, Limit: n + 1})
	if err != nil {
		return nil, nil, err
	}
	var next *string
	if len(recs) > n {
		recs = recs[:n]
		next = pagination.Token(s.Keys, op, scope, recs[n-1].ID)
	}
	ms := make([]membership, len(recs))
	for i, rec := range recs {
		if err := json.Unmarshal(rec.Data, &ms[i]); err != nil {
			return nil, nil, err
		}
	}
	return ms, next, nil
}

// lockUser locks u's record (store.Tx.Lock), answering as a missing user
// if it was deleted meanwhile.
func lockUser(ctx context.Context, tx store.Tx, u *User, mode store.LockMode) error {
	err := tx.Lock(ctx, Kind, u.Sub, mode)
	if errors.Is(err, store.ErrNotFound) {
		return errUserNotFound
	}
	return err
}

// lockGroup locks a group shared: DeleteGroup, which locks it
// exclusively, then sees the membership this transaction adds.
func lockGroup(ctx context.Context, tx store.Tx, poolID, name string) error {
	err := tx.Lock(ctx, pool.KindGroup, poolID+"/"+name, store.LockShared)
	if errors.Is(err, store.ErrNotFound) {
		return errs.New(errs.ResourceNotFoundException, "Group not found.")
	}
	return err
}

// removeMemberships deletes every membership of a user (AdminDeleteUser).
func removeMemberships(ctx context.Context, tx store.Tx, poolID, sub string) error {
	recs, err := tx.List(ctx, store.Query{Kind: pool.KindGroupMember, Scope: poolID, KeyName: pool.MemberKeyUser, KeyValue: sub})
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if err := tx.Delete(ctx, pool.KindGroupMember, rec.ID); err != nil {
			return err
		}
	}
	return nil
}
