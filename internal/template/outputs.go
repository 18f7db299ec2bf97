package template

import (
	"context"
	"fmt"
	"strings"
)

// outputs resolves a template's Outputs against the stack as applied.
// An output whose condition is false is left out, as in CloudFormation.
func (e *Engine) outputs(ctx context.Context, pl *Plan, live map[string]*ResourceState) ([]OutputValue, error) {
	res := &applyResolver{ctx: ctx, eng: e, pl: pl, live: live}
	ev := &evaluator{params: pl.params, conditions: pl.conditions, mappings: pl.tpl.Mappings, res: res}
	var out []OutputValue
	for _, key := range sortedKeys(pl.tpl.Outputs) {
		o := pl.tpl.Outputs[key]
		if o.Condition != "" && !pl.conditions[o.Condition] {
			continue
		}
		path := "Outputs." + key
		v, err := outputString(ev, o.Value, path+".Value")
		if err != nil {
			return nil, err
		}
		ov := OutputValue{Key: key, Value: v}
		if o.Description != nil {
			if ov.Description, err = outputString(ev, o.Description, path+".Description"); err != nil {
				return nil, err
			}
		}
		if o.ExportName != nil {
			if ov.ExportName, err = outputString(ev, o.ExportName, path+".Export.Name"); err != nil {
				return nil, err
			}
		}
		out = append(out, ov)
	}
	return out, nil
}

// outputString evaluates an output value; a list is comma-joined, as
// CloudFormation shows list outputs.
func outputString(ev *evaluator, v any, path string) (string, error) {
	r, err := ev.eval(v, path)
	if err != nil {
		return "", err
	}
	if l, ok := r.([]any); ok {
		parts := make([]string, len(l))
		for i, el := range l {
			if parts[i], err = toString(el); err != nil {
				return "", fmt.Errorf("%s: %v", path, err)
			}
		}
		return strings.Join(parts, ","), nil
	}
	s, err := toString(r)
	if err != nil {
		return "", fmt.Errorf("%s: %v", path, err)
	}
	return s, nil
}
