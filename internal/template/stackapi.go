package template

import (
	"context"
	"errors"
	"fmt"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/wire"
)

// The stack API lets `cirro apply` keep a stack's state in the server it
// applies to, where `cirro serve --template` keeps it too: the same
// records, whichever way a template was applied. It is cirro's own AWS
// JSON 1.1 service, signed like the others (signing name "cirro", IAM
// actions "cirro:GetStack" and so on, resources
// "arn:aws:cloudformation:<region>:<account>:stack/<name>").
const (
	StackTargetPrefix = "CirroStacks_20250101"
	StackSigningName  = "cirro"
)

type (
	stackNameInput struct {
		StackName string `json:"StackName"`
	}
	getStackOutput struct {
		Stack *StackState `json:"Stack"`
		// Environment tells `cirro apply` the server's region, account and
		// public URL, which its templates' pseudo parameters and ARNs use.
		Environment *Env `json:"Environment"`
	}
	putResourceInput struct {
		StackName string         `json:"StackName"`
		Resource  *ResourceState `json:"Resource"`
	}
	deleteResourceInput struct {
		StackName string `json:"StackName"`
		LogicalID string `json:"LogicalId"`
	}
	putOutputsInput struct {
		StackName string        `json:"StackName"`
		Outputs   []OutputValue `json:"Outputs"`
	}
	lockInput struct {
		StackName  string `json:"StackName"`
		Owner      string `json:"Owner"`
		TTLSeconds int    `json:"TtlSeconds"`
	}
	lockOutput struct {
		Token string `json:"Token"`
	}
	unlockInput struct {
		StackName string `json:"StackName"`
		Token     string `json:"Token"`
	}
	listStacksOutput struct {
		StackNames []string `json:"StackNames"`
	}
	empty struct{}
)

func checkName(p *shape.Path, v *shape.Violations, name string) {
	if CheckStackName(name) != nil {
		q := p.Member("stackName")
		v.String(&q, name, false, "Member must satisfy regular expression pattern: [A-Za-z][-A-Za-z0-9]{0,127}")
	}
}

func (in *stackNameInput) Validate(p *shape.Path, v *shape.Violations) { checkName(p, v, in.StackName) }
func (in *putOutputsInput) Validate(p *shape.Path, v *shape.Violations) {
	checkName(p, v, in.StackName)
}
func (in *unlockInput) Validate(p *shape.Path, v *shape.Violations) { checkName(p, v, in.StackName) }
func (in *deleteResourceInput) Validate(p *shape.Path, v *shape.Violations) {
	checkName(p, v, in.StackName)
	if in.LogicalID == "" {
		q := p.Member("logicalId")
		v.Null(&q)
	}
}
func (in *putResourceInput) Validate(p *shape.Path, v *shape.Violations) {
	checkName(p, v, in.StackName)
	if in.Resource == nil || in.Resource.LogicalID == "" {
		q := p.Member("resource")
		v.Null(&q)
	}
}
func (in *lockInput) Validate(p *shape.Path, v *shape.Violations) {
	checkName(p, v, in.StackName)
	if in.TTLSeconds < 1 || in.TTLSeconds > 3600 {
		q := p.Member("ttlSeconds")
		v.Number(&q, int64(in.TTLSeconds), "Member must have value between 1 and 3600")
	}
}
func (empty) Validate(*shape.Path, *shape.Violations) {}

func (in *stackNameInput) ScopeID() string      { return in.StackName }
func (in *putResourceInput) ScopeID() string    { return in.StackName }
func (in *deleteResourceInput) ScopeID() string { return in.StackName }
func (in *putOutputsInput) ScopeID() string     { return in.StackName }
func (in *lockInput) ScopeID() string           { return in.StackName }
func (in *unlockInput) ScopeID() string         { return in.StackName }

// StackService is the stack API over st, for the server's wire edge.
func StackService(st *StoreStates, env Env) wire.Service {
	return wire.Service{
		TargetPrefix: StackTargetPrefix,
		SigningName:  StackSigningName,
		ScopeARN: func(name string) string {
			return env.arn("cloudformation", env.Region, "stack/"+name)
		},
		Operations: []shape.Operation{
			stackOp("GetStack", func(ctx context.Context, in *stackNameInput) (any, error) {
				s, err := st.Load(ctx, in.StackName)
				return &getStackOutput{Stack: s, Environment: &env}, err
			}),
			stackOp("PutStackResource", func(ctx context.Context, in *putResourceInput) (any, error) {
				return &empty{}, st.PutResource(ctx, in.StackName, in.Resource)
			}),
			stackOp("DeleteStackResource", func(ctx context.Context, in *deleteResourceInput) (any, error) {
				return &empty{}, st.DeleteResource(ctx, in.StackName, in.LogicalID)
			}),
			stackOp("PutStackOutputs", func(ctx context.Context, in *putOutputsInput) (any, error) {
				return &empty{}, st.PutOutputs(ctx, in.StackName, in.Outputs)
			}),
			stackOp("LockStack", func(ctx context.Context, in *lockInput) (any, error) {
				token, err := st.Lock(ctx, in.StackName, in.Owner, secondsTTL(in.TTLSeconds))
				if errors.Is(err, ErrLocked) {
					return nil, errs.New(errs.ConcurrentModificationException, fmt.Sprintf("Stack %s is being applied by another process.", in.StackName))
				}
				return &lockOutput{Token: token}, err
			}),
			stackOp("UnlockStack", func(ctx context.Context, in *unlockInput) (any, error) {
				return &empty{}, st.Unlock(ctx, in.StackName, in.Token)
			}),
			stackOp("ListStacks", func(ctx context.Context, _ *empty) (any, error) {
				names, err := st.ListStacks(ctx)
				return &listStacksOutput{StackNames: names}, err
			}),
		},
	}
}

func stackOp[I any, P interface {
	*I
	shape.Input
}](name string, h func(context.Context, P) (any, error)) shape.Operation {
	return shape.Operation{Name: name, Auth: shape.AuthIAM, Implemented: true,
		Invoke: func(ctx context.Context, dec shape.Decoder) (any, error) {
			in := P(new(I))
			if err := dec.Decode(in); err != nil {
				return nil, err
			}
			return h(ctx, in)
		}}
}
