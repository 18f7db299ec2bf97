package pool

import (
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
)

// arn is an Amazon Resource Name split into its fields.
type arn struct {
	Partition, Service, Region, Account, Resource string
}

// parseARN splits s ("arn:partition:service:region:account:resource").
// The model's patterns have already checked the characters; this only
// names the parts, so that rules can say which service an ARN must be of.
func parseARN(s string) (arn, bool) {
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[0] != "arn" || f[1] == "" || f[2] == "" || f[5] == "" {
		return arn{}, false
	}
	return arn{Partition: f[1], Service: f[2], Region: f[3], Account: f[4], Resource: f[5]}, true
}

// arnKind is a kind of resource a member must name: the ARN's service,
// the start of its resource part, and how messages call it.
type arnKind struct{ service, prefix, what string }

var (
	sesIdentity    = arnKind{"ses", "identity/", "an Amazon SES identity"}
	iamRole        = arnKind{"iam", "role/", "an IAM role"}
	lambdaFunction = arnKind{"lambda", "function:", "a Lambda function"}
	kmsKey         = arnKind{"kms", "key/", "a KMS key"}
	logGroup       = arnKind{"logs", "log-group:", "a CloudWatch Logs log group"}
	firehoseStream = arnKind{"firehose", "deliverystream/", "an Amazon Data Firehose stream"}
)

// check refuses s, the value of member, unless it is the ARN of a
// resource of this kind.
func (k arnKind) check(member, s string) error {
	a, ok := parseARN(s)
	if !ok || a.Service != k.service || !strings.HasPrefix(a.Resource, k.prefix) {
		return errs.Newf(errs.InvalidParameterException, "%s must be the ARN of %s: %s", member, k.what, s)
	}
	return nil
}
