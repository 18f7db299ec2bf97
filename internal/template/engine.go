package template

import (
	"context"
	"fmt"
	"strings"

	"github.com/cirrohq/cirro/internal/ids"
)

// Env is what pseudo parameters and ARNs are made of.
type Env struct {
	Region    string `json:"Region"`
	AccountID string `json:"AccountId"`
	// Partition defaults to "aws", URLSuffix to "amazonaws.com".
	Partition string `json:"Partition,omitempty"`
	URLSuffix string `json:"URLSuffix,omitempty"`
	// PublicURL is cirro's base URL: a pool's ProviderURL (its token
	// issuer) is under it. Empty means Cognito's form.
	PublicURL string `json:"PublicURL,omitempty"`
}

func (e Env) partition() string {
	if e.Partition == "" {
		return "aws"
	}
	return e.Partition
}

func (e Env) urlSuffix() string {
	if e.URLSuffix == "" {
		return "amazonaws.com"
	}
	return e.URLSuffix
}

// arn builds an ARN in this environment ("" region for global services).
func (e Env) arn(service, region, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", e.partition(), service, region, e.AccountID, resource)
}

// Engine plans and applies templates.
type Engine struct {
	Cloud  Cloud
	States States
	Env    Env
	// Lambdas maps a Lambda function's logical id to the endpoint cirro
	// invokes for the triggers that name it.
	Lambdas map[string]string
	// Log receives one line per resource cirro skips or cannot run yet,
	// and per step of an apply. Nil discards them.
	Log func(line string)
	// Owner names this process in the stack lease (host, pid).
	Owner string
}

func (e *Engine) logf(format string, args ...any) {
	if e.Log != nil {
		e.Log(fmt.Sprintf(format, args...))
	}
}

// rc is one resource as a kind's functions see it.
type rc struct {
	eng      *Engine
	pl       *Plan
	stack    string
	id       string
	typ      string
	physical string
	// attrs are the Attributes to record (generated names and the like).
	attrs map[string]string
	// old is the resource's previous state, for updates and deletes.
	old *ResourceState
	// placeholder is set while planning: generated names are not drawn
	// yet, so that a dry run changes nothing, not even in memory.
	placeholder bool
}

func (x *rc) idp(ctx context.Context, op string, in, out any) error {
	return x.eng.Cloud.Call(ctx, IdentityProvider, op, in, out)
}

func (x *rc) identity(ctx context.Context, op string, in, out any) error {
	return x.eng.Cloud.Call(ctx, Identity, op, in, out)
}

// name returns given, or the name CloudFormation would generate when a
// template leaves a resource's name out: "<LogicalId>-<random>". It is
// drawn once and recorded, so it stays the same on every later apply.
func (x *rc) name(given *string, max int) string {
	if given != nil {
		return *given
	}
	if n := x.attrs[attrGeneratedName]; n != "" {
		return n
	}
	suffix := strings.Repeat("X", 12)
	if !x.placeholder {
		suffix = ids.FromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 12)
	}
	base := x.id
	if len(base)+1+len(suffix) > max {
		base = base[:max-1-len(suffix)]
	}
	n := base + "-" + suffix
	if !x.placeholder {
		x.attrs[attrGeneratedName] = n
	}
	return n
}

// Attributes recorded for resources.
const (
	// attrGeneratedName is a name cirro generated for a resource.
	attrGeneratedName = "GeneratedName"
	// attrPoolID is the pool a pool's resource belongs to, so that it can
	// be deleted even when its properties are not at hand.
	attrPoolID = "UserPoolId"
)

func (x *rc) env() Env { return x.eng.Env }
