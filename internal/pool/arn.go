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

// requireARN checks that s names a resource of the given service whose
// resource part starts with prefix (e.g. "function:", "role/").
func requireARN(member, s, service, prefix string) error {
	a, ok := parseARN(s)
	if !ok || a.Service != service || !strings.HasPrefix(a.Resource, prefix) {
		return errs.Newf(errs.InvalidParameterException, "%s must be the ARN of a %s %s resource, not %q.",
			member, service, strings.TrimRight(prefix, ":/"), s)
	}
	return nil
}
