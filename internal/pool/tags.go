package pool

import (
	"context"
	"maps"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// A pool's tags are its UserPoolTags member, so DescribeUserPool shows
// them and CreateUserPool/UpdateUserPool set them; these operations edit
// them by the pool's ARN. Tagging does not change LastModifiedDate: tags
// are not configuration.

// poolFromARN returns the id of the pool an ARN names. A well-formed ARN
// of anything but a user pool of this cirro is a resource that does not
// exist here.
func (s *Service) poolFromARN(resource string) (string, error) {
	a, ok := parseARN(resource)
	if !ok {
		return "", errs.Newf(errs.InvalidParameterException, "Invalid ResourceArn: %s", resource)
	}
	id, ok := strings.CutPrefix(a.Resource, "userpool/")
	if a.Service != "cognito-idp" || !ok || id == "" {
		return "", errs.Newf(errs.InvalidParameterException, "ResourceArn must be the ARN of a user pool: %s", resource)
	}
	if a.Region != s.Region || a.Account != s.AccountID {
		return "", errs.Newf(errs.ResourceNotFoundException, "User pool %s does not exist.", id)
	}
	return id, nil
}

// editTags applies edit to the tags of the pool an ARN names.
func (s *Service) editTags(ctx context.Context, resource string, edit func(map[string]string)) error {
	id, err := s.poolFromARN(resource)
	if err != nil {
		return err
	}
	return s.Store.Write(ctx, func(tx store.Tx) error {
		p, rec, err := s.Pool(ctx, tx, id)
		if err != nil {
			return err
		}
		tags := maps.Clone(p.UserPoolTags)
		if tags == nil {
			tags = map[string]string{}
		}
		edit(tags)
		if err := checkTags(tags); err != nil {
			return err
		}
		p.UserPoolTags = tags
		rec.Data = mustJSON(p)
		return tx.Update(ctx, rec)
	})
}

// TagResource adds tags to a pool, replacing the values of keys it has.
func (s *Service) TagResource(ctx context.Context, in *cognitoidp.TagResourceRequest) (*cognitoidp.TagResourceResponse, error) {
	err := s.editTags(ctx, *in.ResourceArn, func(tags map[string]string) { maps.Copy(tags, in.Tags) })
	if err != nil {
		return nil, err
	}
	return &cognitoidp.TagResourceResponse{}, nil
}

// UntagResource removes tags from a pool; keys it does not have are ignored.
func (s *Service) UntagResource(ctx context.Context, in *cognitoidp.UntagResourceRequest) (*cognitoidp.UntagResourceResponse, error) {
	err := s.editTags(ctx, *in.ResourceArn, func(tags map[string]string) {
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.UntagResourceResponse{}, nil
}

// ListTagsForResource returns a pool's tags.
func (s *Service) ListTagsForResource(ctx context.Context, in *cognitoidp.ListTagsForResourceRequest) (*cognitoidp.ListTagsForResourceResponse, error) {
	id, err := s.poolFromARN(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	var p *cognitoidp.UserPoolType
	err = s.Store.Read(ctx, func(tx store.Tx) (err error) {
		p, _, err = s.Pool(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	tags := p.UserPoolTags
	if tags == nil {
		tags = map[string]string{}
	}
	return &cognitoidp.ListTagsForResourceResponse{Tags: tags}, nil
}
