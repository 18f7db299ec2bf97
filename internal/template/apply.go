package template

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Result is what Apply did.
type Result struct {
	Plan *Plan
	// Outputs are the stack's outputs, resolved after the apply.
	Outputs []OutputValue
	// Applied is false for a dry run.
	Applied bool
}

// Apply makes a stack match a template: it takes the stack's lease,
// plans (validating the whole template first), then creates, updates and
// replaces resources in dependency order. If a step fails, everything
// this apply did is undone, newest first, and the error is returned: the
// previous state stands. Removals run last, like CloudFormation's cleanup
// phase, and are not undone; one that fails is reported in a
// *CleanupError and recorded, to be retried by the next apply.
func (e *Engine) Apply(ctx context.Context, stack string, t *Template, params map[string]string, dryRun bool) (*Result, error) {
	if dryRun {
		pl, err := e.Plan(ctx, stack, t, params)
		if err != nil {
			return nil, err
		}
		return &Result{Plan: pl}, nil
	}
	if err := CheckStackName(stack); err != nil {
		return nil, err
	}
	token, err := acquire(ctx, e.States, stack, e.Owner)
	if err != nil {
		return nil, err
	}
	defer e.States.Unlock(context.WithoutCancel(ctx), stack, token)
	pl, err := e.Plan(ctx, stack, t, params)
	if err != nil {
		return nil, err
	}
	r := &run{eng: e, pl: pl, live: maps.Clone(pl.state.Resources)}
	for _, s := range pl.Steps {
		if s.Action == ActionSkip || s.Action == ActionNotYet {
			e.logf("%s %s (%s): %s", s.Action, s.LogicalID, s.Type, s.Reason)
		}
	}
	if err := r.build(ctx); err != nil {
		if uerr := r.rollback(context.WithoutCancel(ctx)); uerr != nil {
			return nil, fmt.Errorf("%w; rolling back failed too: %v", err, uerr)
		}
		return nil, fmt.Errorf("%w (everything this apply did was rolled back)", err)
	}
	cleanupErr := r.cleanup(ctx)
	outs, err := e.outputs(ctx, pl, r.live)
	if err == nil {
		err = e.States.PutOutputs(ctx, stack, outs)
	}
	if err != nil {
		return nil, errors.Join(err, cleanupErr)
	}
	return &Result{Plan: pl, Outputs: outs, Applied: true}, cleanupErr
}

// run is one apply in progress: the state as it stands, and the log of
// compensations that undo each step taken.
type run struct {
	eng  *Engine
	pl   *Plan
	live map[string]*ResourceState
	undo []compensation
	// replaced are the previous versions of replaced resources, removed
	// in the cleanup phase.
	replaced []*ResourceState
	// inPlace are the resources replaced under the same name (deleted,
	// then created): what refers to them must be made again too.
	inPlace map[string]bool
}

func (r *run) refersToInPlace(id string) bool {
	for _, d := range r.pl.deps[id] {
		if r.inPlace[d] {
			return true
		}
	}
	return false
}

type compensation struct {
	what string
	fn   func(ctx context.Context) error
}

func (r *run) did(what string, fn func(ctx context.Context) error) {
	r.undo = append(r.undo, compensation{what, fn})
}

// rollback runs the compensations newest first, all of them even if some
// fail.
func (r *run) rollback(ctx context.Context) error {
	var errs []error
	for i := len(r.undo) - 1; i >= 0; i-- {
		c := r.undo[i]
		r.eng.logf("rollback: %s", c.what)
		if err := c.fn(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.what, err))
		}
	}
	return errors.Join(errs...)
}

// build runs the create, update and replace steps in dependency order.
func (r *run) build(ctx context.Context) error {
	res := &applyResolver{ctx: ctx, eng: r.eng, pl: r.pl, live: r.live}
	for _, id := range r.pl.order {
		if step := r.pl.steps[id]; step.Action == ActionSkip || step.Action == ActionNotYet {
			continue
		}
		if err := r.resource(ctx, res, id); err != nil {
			return fmt.Errorf("%s (%s): %w", id, r.pl.tpl.Resources[id].Type, err)
		}
	}
	return nil
}

func (r *run) resource(ctx context.Context, res resolver, id string) error {
	tr := r.pl.tpl.Resources[id]
	k := kindOf(tr.Type)
	var p problems
	props, desired := r.eng.evalProps(r.pl, res, id, &p)
	if props != nil {
		r.pl.check(k, id, r.live[id], props, &p)
	}
	if err := p.err(""); err != nil {
		return err
	}
	next := &ResourceState{
		LogicalID: id, Type: tr.Type, Properties: desired, DependsOn: r.pl.deps[id],
		DeletionPolicy: tr.DeletionPolicy, UpdateReplacePolicy: tr.UpdateReplacePolicy,
	}
	old := r.live[id]
	if old == nil {
		return r.create(ctx, k, next, props)
	}
	action, changes, _ := diff(k, old.Properties, desired)
	if action == ActionNone && r.refersToInPlace(id) {
		// Its references read the same, but what they name was made anew.
		action, changes = ActionUpdate, nil
	}
	if action == ActionUpdate && k.update == nil {
		action = ActionReplace // every change replaces such a resource
	}
	switch action {
	case ActionNone:
		if old.DeletionPolicy != next.DeletionPolicy || old.UpdateReplacePolicy != next.UpdateReplacePolicy ||
			!slices.Equal(old.DependsOn, next.DependsOn) || old.Status != "" {
			next.PhysicalID, next.Attributes = old.PhysicalID, old.Attributes
			return r.record(ctx, next, old)
		}
		return nil
	case ActionUpdate:
		return r.update(ctx, k, old, next, props)
	}
	oldProps, err := r.bindRecorded(k, old)
	if err != nil {
		return err
	}
	if why := joinList(replaceChanges(k, changes)); why != "" {
		r.eng.logf("replace %s (%s): %s changed", id, tr.Type, why)
	} else {
		r.eng.logf("replace %s (%s): a resource it refers to was made anew", id, tr.Type)
	}
	if k.identity != nil && k.identity(oldProps) == k.identity(props) {
		if r.inPlace == nil {
			r.inPlace = map[string]bool{}
		}
		r.inPlace[id] = true
		return r.replaceInPlace(ctx, k, old, next, props, oldProps)
	}
	if err := r.create(ctx, k, next, props); err != nil {
		return err
	}
	r.replaced = append(r.replaced, old)
	return nil
}

// record writes a resource's new state, logging how to put back the old.
func (r *run) record(ctx context.Context, next, old *ResourceState) error {
	stack := r.pl.Stack
	if err := r.eng.States.PutResource(ctx, stack, next); err != nil {
		return err
	}
	r.live[next.LogicalID] = next
	r.did("restore the record of "+next.LogicalID, func(ctx context.Context) error {
		if old == nil {
			delete(r.live, next.LogicalID)
			return r.eng.States.DeleteResource(ctx, stack, next.LogicalID)
		}
		r.live[old.LogicalID] = old
		return r.eng.States.PutResource(ctx, stack, old)
	})
	return nil
}

func (r *run) create(ctx context.Context, k *kind, next *ResourceState, props any) error {
	x := r.pl.newRC(next.LogicalID, next.Type, nil)
	if err := k.create(ctx, x, props); err != nil {
		if x.physical != "" { // created, then a follow-up call failed
			r.did("delete "+next.LogicalID+" "+x.physical, func(ctx context.Context) error { return k.remove(ctx, x, true) })
		}
		return err
	}
	r.eng.logf("created %s (%s): %s", next.LogicalID, next.Type, x.physical)
	r.did("delete "+next.LogicalID+" "+x.physical, func(ctx context.Context) error { return k.remove(ctx, x, true) })
	next.PhysicalID, next.Attributes = x.physical, x.attrs
	return r.record(ctx, next, r.live[next.LogicalID])
}

func (r *run) update(ctx context.Context, k *kind, old, next *ResourceState, props any) error {
	oldProps, err := r.bindRecorded(k, old)
	if err != nil {
		return err
	}
	x := r.pl.newRC(old.LogicalID, old.Type, old)
	if err := k.update(ctx, x, props); err != nil {
		return err
	}
	r.eng.logf("updated %s (%s): %s", old.LogicalID, old.Type, old.PhysicalID)
	r.did("restore "+old.LogicalID+" "+old.PhysicalID, func(ctx context.Context) error {
		return k.update(ctx, r.pl.newRC(old.LogicalID, old.Type, old), oldProps)
	})
	next.PhysicalID, next.Attributes = x.physical, x.attrs
	return r.record(ctx, next, old)
}

// replaceInPlace replaces a resource whose new version has the same name
// in the same parent (a user with the same username): the old one must
// go first. Undoing it creates the old version again.
func (r *run) replaceInPlace(ctx context.Context, k *kind, old, next *ResourceState, props, oldProps any) error {
	if old.UpdateReplacePolicy == PolicyRetain {
		return fmt.Errorf("the replacement keeps the same name, so the old resource cannot be retained (UpdateReplacePolicy Retain): rename it")
	}
	x := r.pl.newRC(old.LogicalID, old.Type, old)
	if err := k.remove(ctx, x, false); err != nil {
		return err
	}
	r.did("create "+old.LogicalID+" again", func(ctx context.Context) error {
		again := r.pl.newRC(old.LogicalID, old.Type, nil)
		again.attrs = maps.Clone(old.Attributes)
		if again.attrs == nil {
			again.attrs = map[string]string{}
		}
		if err := k.create(ctx, again, oldProps); err != nil {
			return err
		}
		restored := *old
		restored.PhysicalID, restored.Attributes = again.physical, again.attrs
		return r.eng.States.PutResource(ctx, r.pl.Stack, &restored)
	})
	return r.create(ctx, k, next, props)
}

// bindRecorded binds a resource's recorded properties (resolved values,
// so nothing is unknown).
func (r *run) bindRecorded(k *kind, old *ResourceState) (any, error) {
	props := k.props()
	var p problems
	bind(old.Properties, props, "", &p)
	if err := p.err("recorded state of " + old.LogicalID); err != nil {
		return nil, err
	}
	return props, nil
}
