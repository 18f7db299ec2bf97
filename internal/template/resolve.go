package template

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// newRC is the context a kind's functions get for resource id.
func (pl *Plan) newRC(id, typ string, old *ResourceState) *rc {
	x := &rc{eng: pl.eng, pl: pl, stack: pl.Stack, id: id, typ: typ, old: old, attrs: map[string]string{}}
	if old != nil {
		x.physical = old.PhysicalID
		for k, v := range old.Attributes {
			x.attrs[k] = v
		}
	}
	return x
}

// refValue and attrValue answer Ref and Fn::GetAtt for a resource that
// exists (x.physical set).
func refValue(k *kind, x *rc) string {
	if k.ref != nil {
		return k.ref(x)
	}
	return x.physical
}

func attrValue(ctx context.Context, k *kind, x *rc, name string) (string, error) {
	if k.attr != nil {
		return k.attr(ctx, x, name)
	}
	if v, ok := x.attrs[name]; ok {
		return v, nil
	}
	return "", fmt.Errorf("%s: no attribute %s", x.id, name)
}

// synthesized answers references to resources cirro skips: a Ref is the
// logical id (or, for an identity provider, its ProviderName), an Arn is
// built from the type, anything else is "<id>.<attribute>". They keep
// templates that mention such resources resolvable (a pool's SMS role,
// a Pinpoint application) without pretending they exist.
func (e *Engine) synthesized(stack string, r *Resource, id, attr string) string {
	if attr == "" {
		if name, ok := r.Properties["ProviderName"].(string); ok && r.Type == typeIdentityProvider {
			return name
		}
		if k := kindOf(r.Type); k.synthRef != nil {
			return k.synthRef(stack, id)
		}
		return id
	}
	if attr == "Arn" {
		parts := strings.Split(r.Type, "::")
		service, res := "cloudformation", "resource"
		if len(parts) == 3 {
			service, res = strings.ToLower(parts[1]), strings.ToLower(parts[2])
		}
		return e.Env.arn(service, e.Env.Region, res+"/"+stack+"-"+id)
	}
	return id + "." + attr
}

// planResolver answers references while planning: resources that keep
// their physical id answer from the recorded state; new or replaced ones
// are unknown until applied.
type planResolver struct {
	pl  *Plan
	eng *Engine
	ctx context.Context
}

func (r *planResolver) lookup(id string) (*Resource, *kind, error) {
	res, ok := r.pl.tpl.Resources[id]
	if !ok {
		return nil, nil, fmt.Errorf("no resource %s", id)
	}
	if res.Condition != "" && !r.pl.conditions[res.Condition] {
		return nil, nil, fmt.Errorf("%s is not created (its condition %s is false)", id, res.Condition)
	}
	return res, kindOf(res.Type), nil
}

func (r *planResolver) ref(id string) (any, error) {
	res, k, err := r.lookup(id)
	if err != nil {
		return nil, err
	}
	if synthesizedStep(k, r.stepOf(id)) {
		return r.eng.synthesized(r.pl.Stack, res, id, ""), nil
	}
	x, known := r.existing(id, res)
	if !known {
		return unknown{id}, nil
	}
	return refValue(k, x), nil
}

func (r *planResolver) getAtt(id, attr string) (any, error) {
	res, k, err := r.lookup(id)
	if err != nil {
		return nil, err
	}
	if synthesizedStep(k, r.stepOf(id)) {
		return r.eng.synthesized(r.pl.Stack, res, id, attr), nil
	}
	x, known := r.existing(id, res)
	if !known || k.anyAttr || slices.Contains(k.lazy, attr) {
		return unknown{id + "." + attr}, nil
	}
	v, err := attrValue(r.ctx, k, x, attr)
	if err != nil {
		return nil, err
	}
	return v, nil
}

func (r *planResolver) stepOf(id string) Action {
	if s := r.pl.steps[id]; s != nil {
		return s.Action
	}
	return ""
}

// existing is the resource as recorded, when the plan keeps it.
func (r *planResolver) existing(id string, res *Resource) (*rc, bool) {
	old := r.pl.state.Resources[id]
	switch r.stepOf(id) {
	case ActionNone, ActionUpdate:
		return r.pl.newRC(id, res.Type, old), old != nil
	}
	return nil, false
}

// applyResolver answers references while applying, from the state as it
// stands after the steps run so far.
type applyResolver struct {
	ctx  context.Context
	eng  *Engine
	pl   *Plan
	live map[string]*ResourceState
}

func (r *applyResolver) ref(id string) (any, error) {
	res, k, x, err := r.lookup(id, "")
	if err != nil || x == nil {
		return r.eng.synthesized(r.pl.Stack, res, id, ""), err
	}
	return refValue(k, x), nil
}

func (r *applyResolver) getAtt(id, attr string) (any, error) {
	res, k, x, err := r.lookup(id, attr)
	if err != nil || x == nil {
		return r.eng.synthesized(r.pl.Stack, res, id, attr), err
	}
	return attrValue(r.ctx, k, x, attr)
}

// lookup returns the live resource, or a nil rc for synthesized ones.
func (r *applyResolver) lookup(id, attr string) (*Resource, *kind, *rc, error) {
	res, ok := r.pl.tpl.Resources[id]
	if !ok {
		return &Resource{}, nil, nil, fmt.Errorf("no resource %s", id)
	}
	if res.Condition != "" && !r.pl.conditions[res.Condition] {
		return res, nil, nil, fmt.Errorf("%s is not created (its condition %s is false)", id, res.Condition)
	}
	k := kindOf(res.Type)
	var action Action
	if s := r.pl.steps[id]; s != nil {
		action = s.Action
	}
	if synthesizedStep(k, action) {
		return res, k, nil, nil
	}
	live := r.live[id]
	if live == nil {
		return res, k, nil, fmt.Errorf("%s has not been created", id)
	}
	return res, k, r.pl.newRC(id, res.Type, live), nil
}

// synthesizedStep reports whether references to a resource are answered
// with synthesized values: cirro skips it or cannot run it yet.
func synthesizedStep(k *kind, a Action) bool {
	return k.skip != "" || k.notYet != "" || a == ActionSkip || a == ActionNotYet
}
