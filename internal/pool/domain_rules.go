package pool

import (
	"regexp"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// Sources of the domain rules and messages (Cognito's own answers, as
// reported from real accounts):
//   - prefix syntax: "The domain name contains an invalid character. …"
//     (mineiros-io/terraform-aws-cognito-user-pool#69); the pattern is the
//     model's DomainType.
//   - reserved words: "Domain cannot contain reserved word: aws" (CloudTrail
//     event in aws-solutions/content-analysis-on-aws#8; "cognito" inside
//     "newcognito" in aws-amplify/amplify-cli#3854, so any substring).
//   - "Domain already associated with another user pool." (many CDK and
//     Terraform reports, e.g. aws-samples/aws-cdk-examples#402).
//   - "User pool already has a domain configured." (aws/aws-cdk#10062).
//   - "No such domain or user pool exists." for Update/Delete of a domain
//     the pool does not have (aws-amplify/amplify-cli end-to-end tests
//     against real Cognito), which also show DescribeUserPoolDomain of an
//     unknown domain returning {"DomainDescription": {}}.
//   - "Cannot convert custom domain to prefix domain." for an update of a
//     custom domain without a certificate (hashicorp/terraform-provider-aws
//     #43252).
//   - "User pool should have a custom domain associated, failed to update
//     the certificate." (aws/aws-cdk#25712, an UpdateUserPoolDomain with a
//     certificate); cirro answers it when a certificate is sent for a
//     prefix domain, the case its wording describes.
//   - one prefix and one custom domain per pool: the CDK's UserPoolDomain
//     example adds both to one pool.
//   - describe output (Version as a timestamp, "CustomDomainConfig": {} for
//     a prefix domain): aws/aws-cli awscli/examples/cognito-idp/
//     describe-user-pool-domain.rst.

var prefixPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)

// reservedWords may not appear anywhere in a prefix ("You can't use the
// text aws, amazon, or cognito in the domain prefix", developer guide).
var reservedWords = []string{"aws", "amazon", "cognito"}

// checkDomainName validates a prefix, or a custom domain's host name.
func (s *Service) checkDomainName(domain string, custom bool) error {
	if custom {
		// A custom domain is a host name: dot-separated labels of the
		// prefix syntax. A single label is allowed, for intranet hosts.
		for _, label := range strings.Split(domain, ".") {
			if !prefixPattern.MatchString(label) {
				return errs.Newf(errs.InvalidParameterException, "The custom domain %s is not a valid host name.", domain)
			}
		}
		// Names under cirro's own prefix-domain parent would shadow, or be
		// shadowed by, prefix domains (see PoolForHost).
		if strings.HasSuffix(domain, s.PrefixHost("")) {
			return errs.Newf(errs.InvalidParameterException, "The custom domain %s is inside the domain of prefix domains, %s.", domain, strings.TrimPrefix(s.PrefixHost(""), "."))
		}
		return nil
	}
	if !prefixPattern.MatchString(domain) {
		return errs.New(errs.InvalidParameterException, `The domain name contains an invalid character. Domain names can only contain lower-case letters, numbers, and hyphens. Please enter a different name that follows this format: ^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)
	}
	for _, w := range reservedWords {
		if strings.Contains(domain, w) {
			return errs.New(errs.InvalidParameterException, "Domain cannot contain reserved word: "+w)
		}
	}
	return nil
}

// checkManagedLoginVersion accepts 1 (hosted UI, classic) and 2 (managed
// login), which "requires that your user pool be configured for any feature
// plan other than Lite" (model documentation).
func checkManagedLoginVersion(p *cognitoidp.UserPoolType, v int32) error {
	if v != 1 && v != 2 {
		return errs.Newf(errs.InvalidParameterException, "ManagedLoginVersion %d is not valid. Use 1 for the hosted UI (classic) or 2 for managed login.", v)
	}
	if v == 2 && p.UserPoolTier != nil && *p.UserPoolTier == cognitoidp.UserPoolTierTypeLite {
		return errs.New(errs.FeatureUnavailableInTierException, "Managed login requires the Essentials or Plus feature plan.")
	}
	return nil
}

// domainVersion is the Version of a domain description: Cognito reports
// the time of the last change as yyyyMMddHHmmss (e.g. "20190128175402").
func (s *Service) domainVersion() string {
	return s.Clock.Now().UTC().Format("20060102150405")
}

func (s *Service) baseDomain() string {
	if s.BaseDomain == "" {
		return "localhost"
	}
	return strings.ToLower(s.BaseDomain)
}

// PrefixHost is the host name a prefix domain is served at,
// <prefix>.auth.<region>.<BaseDomain>, the counterpart of Cognito's
// <prefix>.auth.<region>.amazoncognito.com.
func (s *Service) PrefixHost(prefix string) string {
	return prefix + ".auth." + s.Region + "." + s.baseDomain()
}

// distribution is a domain's CloudFrontDistribution: the host name that
// actually serves it, which is what a DNS alias must point at. Cognito
// names a CloudFront distribution there (d111111abcdef8.cloudfront.net);
// cirro has none, so a prefix domain reports its own host name and a
// custom domain reports the host of cirro's public URL, the target of the
// CNAME record the custom domain needs.
func (s *Service) distribution(domain string, custom bool) string {
	if !custom {
		return s.PrefixHost(domain)
	}
	if h := hostOf(s.PublicURL); h != "" {
		return h
	}
	return s.baseDomain()
}
