package template

import (
	"context"
	"fmt"
	"sort"
)

// A Lambda function is a trigger target. cirro does not run its code: a
// pool's LambdaConfig keeps the function's ARN, and cirro's configuration
// maps that ARN to a way to invoke it (config.TriggersConfig). The ARN is
// "function:<FunctionName>", or, without one, a name derived from the
// stack and logical id (not random, unlike CloudFormation's), so that it
// is known before the template is applied and `serve --template
// --lambda LogicalId=URL` can route it (FunctionARNs).
func init() {
	register("AWS::Lambda::Function", &kind{
		props:   func() any { return &map[string]any{} },
		replace: []string{"FunctionName"},
		create: func(_ context.Context, x *rc, props any) error {
			name, _ := (*props.(*map[string]any))["FunctionName"].(string)
			if name == "" {
				name = stableName(x.stack, x.id, 64)
			}
			x.physical = name
			if _, mapped := x.eng.Lambdas[x.id]; !mapped {
				x.eng.logf("%s (AWS::Lambda::Function): %s has no invoke endpoint here; map it under triggers.functions in cirro's configuration, or it will not run",
					x.id, functionARN(x.env(), name))
			}
			return nil
		},
		update: func(context.Context, *rc, any) error { return nil },
		remove: func(context.Context, *rc, bool) error { return nil },
		attrs:  []string{"Arn"},
		attr: func(_ context.Context, x *rc, name string) (string, error) {
			if name == "Arn" {
				return functionARN(x.env(), x.physical), nil
			}
			return "", fmt.Errorf("no attribute %s", name)
		},
	})
}

func functionARN(env Env, name string) string {
	return env.arn("lambda", env.Region, "function:"+name)
}

// FunctionARNs returns the ARN each of the template's Lambda functions
// gets in the stack, by logical id, for routing trigger invocations
// before the template is applied. A FunctionName that depends on another
// resource cannot be known in advance and is an error.
func FunctionARNs(t *Template, stack string, env Env, params map[string]string) (map[string]string, error) {
	var p problems
	values := resolveParameters(t, params, &p)
	if err := p.err(""); err != nil {
		return nil, err
	}
	e := &Engine{Env: env}
	for k, v := range e.pseudo(stack) {
		values[k] = v
	}
	ev := &evaluator{params: values, conditions: resolveConditions(t, values, &p), mappings: t.Mappings, res: noResources{"FunctionName"}}
	out := map[string]string{}
	ids := sortedKeys(t.Resources)
	sort.Strings(ids)
	for _, id := range ids {
		r := t.Resources[id]
		if r.Type != "AWS::Lambda::Function" {
			continue
		}
		name := stableName(stack, id, 64)
		if fn, ok := r.Properties["FunctionName"]; ok {
			v, err := ev.eval(fn, "Resources."+id+".Properties.FunctionName")
			if err != nil {
				return nil, err
			}
			if name, err = toString(v); err != nil {
				return nil, fmt.Errorf("Resources.%s.Properties.FunctionName: %v", id, err)
			}
		}
		out[id] = functionARN(env, name)
	}
	return out, nil
}
