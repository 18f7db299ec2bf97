package identitypool

import (
	"context"
	"maps"
	"strings"

	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
)

// A pool's tags are its IdentityPoolTags member, so Describe shows them
// and Create sets them; these operations edit them by the pool's ARN.

// poolFromARN returns the id of the pool an ARN names. A well-formed ARN
// of anything but an identity pool of this cirro is a resource that does
// not exist here.
func (s *Service) poolFromARN(resource string) (string, error) {
	a, ok := parseARN(resource)
	if !ok {
		return "", invalidParameter("Invalid ResourceArn: %s", resource)
	}
	id, ok := strings.CutPrefix(a.resource, "identitypool/")
	if a.service != "cognito-identity" || !ok || id == "" {
		return "", invalidParameter("ResourceArn must be the ARN of an identity pool: %s", resource)
	}
	if a.region != s.region || a.account != s.accountID {
		return "", poolNotFound(id)
	}
	return id, nil
}

func (s *Service) editTags(ctx context.Context, resource string, edit func(map[string]string)) error {
	id, err := s.poolFromARN(resource)
	if err != nil {
		return err
	}
	_, err = s.editPool(ctx, id, func(p *poolDoc) error {
		tags := maps.Clone(p.Pool.IdentityPoolTags)
		if tags == nil {
			tags = map[string]string{}
		}
		edit(tags)
		if err := checkTags(tags); err != nil {
			return err
		}
		p.Pool.IdentityPoolTags = tags
		return nil
	})
	return err
}

// TagResource adds tags to a pool, replacing the values of keys it has.
func (s *Service) TagResource(ctx context.Context, in *cognitoidentity.TagResourceInput) (*cognitoidentity.TagResourceResponse, error) {
	if err := s.editTags(ctx, *in.ResourceArn, func(tags map[string]string) { maps.Copy(tags, in.Tags) }); err != nil {
		return nil, err
	}
	return &cognitoidentity.TagResourceResponse{}, nil
}

// UntagResource removes tags from a pool; keys it lacks are ignored.
func (s *Service) UntagResource(ctx context.Context, in *cognitoidentity.UntagResourceInput) (*cognitoidentity.UntagResourceResponse, error) {
	err := s.editTags(ctx, *in.ResourceArn, func(tags map[string]string) {
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidentity.UntagResourceResponse{}, nil
}

// ListTagsForResource returns a pool's tags.
func (s *Service) ListTagsForResource(ctx context.Context, in *cognitoidentity.ListTagsForResourceInput) (*cognitoidentity.ListTagsForResourceResponse, error) {
	id, err := s.poolFromARN(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	p, err := s.readPool(ctx, id)
	if err != nil {
		return nil, err
	}
	tags := p.Pool.IdentityPoolTags
	if tags == nil {
		tags = map[string]string{}
	}
	return &cognitoidentity.ListTagsForResourceResponse{Tags: tags}, nil
}
