package sigv4

import (
	"fmt"

	"github.com/cirrohq/cirro/internal/errs"
)

// Allowed reports whether the key's grant covers action on resource. As in
// IAM, action names are case-insensitive and ARNs are not; an empty list of
// patterns grants everything.
func (p *Principal) Allowed(action, resource string) bool {
	if p == nil {
		return false
	}
	return anyMatch(p.actions, action, WildcardFold) && anyMatch(p.resources, resource, Wildcard)
}

func anyMatch(patterns []string, s string, match func(pattern, s string) bool) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if match(p, s) {
			return true
		}
	}
	return false
}

// ARN names the principal as an IAM user of accountID, the way AWS names the
// caller in AccessDenied messages.
func (p *Principal) ARN(accountID string) string {
	if p == nil {
		return "anonymous"
	}
	name := p.Name
	if name == "" {
		name = p.AccessKeyID
	}
	return "arn:aws:iam::" + accountID + ":user/" + name
}

// AccessDenied is AWS's answer to a signed request whose key may not perform
// action on resource.
func AccessDenied(p *Principal, accountID, action, resource string) *errs.Error {
	return errs.New(errs.AccessDeniedException, fmt.Sprintf(
		"User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
		p.ARN(accountID), action, resource, action))
}
