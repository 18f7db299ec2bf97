package user

import (
	"context"
	"slices"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pagination"
	"github.com/cirrohq/cirro/internal/store"
)

// ListUsers pages through a pool's users in sub order, all of them or
// those a filter selects. Every filter is one range of a search key's
// index (see keys.go), so its cost follows the number of matches, not
// the size of the pool.
func (s *Service) ListUsers(ctx context.Context, in *cognitoidp.ListUsersRequest) (*cognitoidp.ListUsersResponse, error) {
	const op = "ListUsers"
	f, err := parseFilter(deref(in.Filter))
	if err != nil {
		return nil, err
	}
	limit := defaultListLimit
	if in.Limit != nil && *in.Limit > 0 {
		limit = int(*in.Limit)
	}
	// A token continues the listing it came from: same pool, same filter.
	scope := *in.UserPoolId + "\x00" + deref(in.Filter)
	after, err := pagination.Cursor(s.Keys, op, scope, in.PaginationToken)
	if err != nil {
		return nil, err
	}
	out := &cognitoidp.ListUsersResponse{Users: []cognitoidp.UserType{}}
	err = s.Store.Read(ctx, func(tx store.Tx) error {
		p, _, err := s.Pools.SharedPool(ctx, tx, *in.UserPoolId)
		if err != nil {
			return err
		}
		readable, err := attributesToGet(p, in.AttributesToGet)
		if err != nil {
			return err
		}
		users, err := s.scan(ctx, tx, rulesOf(p), f, after, limit+1)
		if err != nil {
			return err
		}
		if len(users) > limit {
			users = users[:limit]
			out.PaginationToken = pagination.Token(s.Keys, op, scope, users[limit-1].Sub)
		}
		for _, u := range users {
			ut := u.ToUserType()
			if readable != nil {
				ut.Attributes = u.AttributeList(readable)
			}
			out.Users = append(out.Users, *ut)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scan returns up to n users after the id after that f selects (all when
// f is nil). The index narrows to the candidates; each is then checked
// against its full value, since search keys of long values are cut.
func (s *Service) scan(ctx context.Context, tx store.Tx, r rules, f *filter, after string, n int) ([]*User, error) {
	q := store.Query{Kind: Kind, Scope: r.poolID()}
	var want string
	if f != nil {
		want = f.normalize(r)
		q.KeyName, q.KeyValue, q.Prefix = filterKeyPrefix+f.attr, want, f.prefix
		if len(want) > queryKeyMax {
			q.KeyValue, q.Prefix = truncate(want, queryKeyMax), true
		}
	}
	var users []*User
	for len(users) < n {
		q.After, q.Limit = after, n-len(users)
		recs, err := tx.List(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			u, err := decodeUser(rec)
			if err != nil {
				return nil, err
			}
			after = rec.ID
			if f == nil || f.matches(r, u, want) {
				users = append(users, u)
			}
		}
		if len(recs) < q.Limit {
			break
		}
	}
	return users, nil
}

// attributesToGet is the selection of AttributesToGet, nil for all
// attributes ("When you don't provide an AttributesToGet parameter,
// Amazon Cognito returns all attributes", model). Unknown names are
// refused.
func attributesToGet(p *cognitoidp.UserPoolType, names []string) (func(string) bool, error) {
	if names == nil {
		return nil, nil
	}
	for _, n := range names {
		if n != attrSub && schemaAttribute(p, n) == nil {
			return nil, invalid("One or more requested attributes do not exist: " + n)
		}
	}
	return func(n string) bool { return slices.Contains(names, n) }, nil
}
