package template

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Action is what an apply does to one resource.
type Action string

const (
	ActionCreate   Action = "create"
	ActionUpdate   Action = "update"
	ActionReplace  Action = "replace"
	ActionDelete   Action = "delete"
	ActionRetain   Action = "retain" // dropped, left in place (DeletionPolicy Retain)
	ActionNone     Action = "no change"
	ActionSkip     Action = "skip"    // a type cirro has nothing to do for
	ActionNotYet   Action = "not yet" // a type cirro cannot run yet
	ActionInactive Action = "inactive"
)

// Step is one line of a plan.
type Step struct {
	LogicalID string
	Type      string
	Action    Action
	// Changes are the properties that differ from the recorded state.
	Changes []string
	// Tentative is set when the change depends on values known only
	// after apply (a new pool's id): the apply decides for certain.
	Tentative bool
	// Reason explains skips, "not yet", replacements and retentions.
	Reason string
}

// Plan is the difference between a template and a stack's state.
type Plan struct {
	Stack string
	Steps []*Step

	eng        *Engine
	tpl        *Template
	params     map[string]any
	conditions map[string]bool
	state      *StackState
	order      []string // active resources, dependencies first
	deps       map[string][]string
	steps      map[string]*Step
	// unmanagedProviders are the ProviderNames of the template's identity
	// providers that the server cannot create yet: app clients leave them
	// out of SupportedIdentityProviders rather than fail.
	unmanagedProviders map[string]bool
}

// Changes reports whether applying the plan would change anything.
func (p *Plan) Changes() bool {
	for _, s := range p.Steps {
		switch s.Action {
		case ActionCreate, ActionUpdate, ActionReplace, ActionDelete, ActionRetain:
			return true
		}
	}
	return false
}

// Plan validates a template for a stack and computes its plan. Nothing
// is changed. Every problem found is reported at once in a
// *TemplateError.
func (e *Engine) Plan(ctx context.Context, stack string, t *Template, params map[string]string) (*Plan, error) {
	if err := CheckStackName(stack); err != nil {
		return nil, err
	}
	state, err := e.States.Load(ctx, stack)
	if err != nil {
		return nil, fmt.Errorf("load stack %s: %w", stack, err)
	}
	return e.plan(ctx, stack, t, params, state)
}

func (e *Engine) pseudo(stack string) map[string]any {
	return map[string]any{
		"AWS::Region":           e.Env.Region,
		"AWS::AccountId":        e.Env.AccountID,
		"AWS::Partition":        e.Env.partition(),
		"AWS::URLSuffix":        e.Env.urlSuffix(),
		"AWS::StackName":        stack,
		"AWS::StackId":          e.Env.arn("cloudformation", e.Env.Region, "stack/"+stack+"/cirro"),
		"AWS::NotificationARNs": []any{},
	}
}

func (e *Engine) plan(ctx context.Context, stack string, t *Template, given map[string]string, state *StackState) (*Plan, error) {
	var p problems
	params := resolveParameters(t, given, &p)
	for k, v := range e.pseudo(stack) {
		params[k] = v
	}
	pl := &Plan{Stack: stack, eng: e, tpl: t, params: params, state: state, deps: map[string][]string{}, steps: map[string]*Step{}}
	pl.conditions = resolveConditions(t, params, &p)

	active := map[string]bool{}
	for _, id := range sortedKeys(t.Resources) {
		r := t.Resources[id]
		if r.Condition == "" {
			active[id] = true
			continue
		}
		c, ok := pl.conditions[r.Condition]
		if _, declared := t.Conditions[r.Condition]; !declared {
			p.addf("Resources."+id+".Condition", "unknown condition %s", r.Condition)
		}
		active[id] = ok && c
	}
	for _, id := range sortedKeys(t.Resources) {
		e.checkReferences(t, params, id, active, pl.deps, &p)
	}
	for _, id := range sortedKeys(t.Outputs) {
		checkOutputReferences(t, params, id, &p)
	}
	// A reference to a resource whose condition is false can only sit in
	// the branch of an Fn::If not taken (evaluation refuses it anywhere
	// else): it orders nothing.
	activeDeps := map[string][]string{}
	for id := range active {
		if active[id] {
			pl.deps[id] = slices.DeleteFunc(pl.deps[id], func(d string) bool { return !active[d] })
			activeDeps[id] = pl.deps[id]
		}
	}
	ord, err := order(activeDeps)
	if err != nil {
		p.addf("Resources", "%v", err)
	}
	pl.order = ord
	if err := p.err(""); err != nil {
		return nil, err
	}

	if err := e.findUnmanagedProviders(ctx, pl); err != nil {
		return nil, err
	}
	res := &planResolver{pl: pl, eng: e, ctx: ctx}
	for _, id := range ord {
		step := e.planResource(ctx, pl, res, id, &p)
		pl.steps[id] = step
		pl.Steps = append(pl.Steps, step)
	}
	for _, id := range sortedKeys(t.Resources) {
		if !active[id] {
			step := &Step{LogicalID: id, Type: t.Resources[id].Type, Action: ActionInactive,
				Reason: "condition " + t.Resources[id].Condition + " is false"}
			if _, recorded := state.Resources[id]; !recorded {
				pl.Steps = append(pl.Steps, step)
			}
		}
	}
	for _, id := range removalOrder(state, active) {
		old := state.Resources[id]
		step := &Step{LogicalID: id, Type: old.Type, Action: ActionDelete}
		if old.DeletionPolicy == PolicyRetain || old.DeletionPolicy == PolicyRetainExceptOnCreate {
			step.Action, step.Reason = ActionRetain, "DeletionPolicy "+old.DeletionPolicy+": left in place, no longer managed by the stack"
		}
		pl.steps[id] = step
		pl.Steps = append(pl.Steps, step)
	}
	if err := p.err(""); err != nil {
		return nil, err
	}
	return pl, nil
}

// planResource evaluates, binds and checks one resource and decides its
// action against the recorded state.
func (e *Engine) planResource(ctx context.Context, pl *Plan, res resolver, id string, p *problems) *Step {
	r := pl.tpl.Resources[id]
	k := kindOf(r.Type)
	step := &Step{LogicalID: id, Type: r.Type}
	switch {
	case k.skip != "":
		step.Action, step.Reason = ActionSkip, k.skip
		return step
	case k.notYet != "":
		step.Action, step.Reason = ActionNotYet, k.notYet
		return step
	}
	for _, need := range k.needs {
		svc, op, _ := strings.Cut(need, ":")
		ok, err := e.Cloud.Supports(ctx, svc, op)
		if err != nil {
			p.addf("Resources."+id, "cannot tell whether the server supports %s: %v", op, err)
			return step
		}
		if !ok {
			step.Action, step.Reason = ActionNotYet, "the server does not implement "+op+" yet"
			return step
		}
	}
	old := pl.state.Resources[id]
	if old != nil && old.Type != r.Type {
		p.addf("Resources."+id+".Type", "was %s: a resource cannot change type (give it a new logical id)", old.Type)
		return step
	}
	props, desired := e.evalProps(pl, res, id, p)
	if props == nil {
		return step
	}
	if k.classify != nil {
		if why := k.classify(props); why != "" {
			step.Action, step.Reason = ActionSkip, why
			return step
		}
	}
	pl.check(k, id, old, props, p)
	if old == nil {
		step.Action = ActionCreate
		return step
	}
	step.Action, step.Changes, step.Tentative = diff(k, old.Properties, desired)
	if step.Action == ActionReplace {
		step.Reason = "a change to " + joinList(replaceChanges(k, step.Changes)) + " requires a new resource"
	}
	return step
}

// evalProps resolves a resource's properties and binds them into its
// kind's properties struct.
func (e *Engine) evalProps(pl *Plan, res resolver, id string, p *problems) (props any, desired map[string]any) {
	r := pl.tpl.Resources[id]
	k := kindOf(r.Type)
	path := "Resources." + id + ".Properties"
	ev := &evaluator{params: pl.params, conditions: pl.conditions, mappings: pl.tpl.Mappings, res: res}
	v, err := ev.eval(map[string]any(r.Properties), path)
	if err != nil {
		p.addf(path, "%v", err)
		return nil, nil
	}
	desired, _ = v.(map[string]any)
	if desired == nil {
		desired = map[string]any{}
	}
	props = k.props()
	var bp problems
	bind(desired, props, "", &bp)
	for _, pr := range bp.list {
		p.addf(joinPath(path, pr.Path), "%s", pr.Message)
	}
	if !bp.empty() {
		return nil, nil
	}
	return props, desired
}

// diff compares desired properties with recorded ones, property by
// property.
func diff(k *kind, old, desired map[string]any) (Action, []string, bool) {
	var changes []string
	tentative := false
	keys := map[string]bool{}
	for key := range old {
		keys[key] = true
	}
	for key := range desired {
		keys[key] = true
	}
	for _, key := range sortedKeys(keys) {
		if containsUnknown(desired[key]) {
			changes = append(changes, key)
			tentative = true
			continue
		}
		if canonical(old[key]) != canonical(desired[key]) {
			changes = append(changes, key)
		}
	}
	switch {
	case len(changes) == 0:
		return ActionNone, nil, false
	case len(replaceChanges(k, changes)) > 0:
		return ActionReplace, changes, tentative
	}
	return ActionUpdate, changes, tentative
}

func replaceChanges(k *kind, changes []string) []string {
	var out []string
	for _, c := range changes {
		if slices.Contains(k.replace, c) {
			out = append(out, c)
		}
	}
	return out
}

// canonical is a value's JSON with sorted keys, "" for absent.
func canonical(v any) string {
	if v == nil {
		return ""
	}
	b, _ := json.Marshal(plain(v))
	return string(b)
}

func joinList(l []string) string {
	l = slices.Clone(l)
	sort.Strings(l)
	return strings.Join(l, ", ")
}

// check runs a kind's model checks on bound properties, reporting under
// the resource's Properties. It draws no generated names.
func (pl *Plan) check(k *kind, id string, old *ResourceState, props any, p *problems) {
	if k.check == nil {
		return
	}
	x := pl.newRC(id, pl.tpl.Resources[id].Type, old)
	x.placeholder = true
	var kp problems
	k.check(x, props, &kp)
	for _, pr := range kp.list {
		p.addf(joinPath("Resources."+id+".Properties", pr.Path), "%s", pr.Message)
	}
}
