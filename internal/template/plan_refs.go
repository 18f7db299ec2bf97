package template

import "slices"

// checkReferences records a resource's dependencies and reports the names
// it uses that the template does not define.
func (e *Engine) checkReferences(t *Template, params map[string]any, id string, active map[string]bool, deps map[string][]string, p *problems) {
	r := t.Resources[id]
	path := "Resources." + id
	if r.Type == "" {
		return
	}
	var out []string
	for _, d := range r.DependsOn {
		if _, ok := t.Resources[d]; !ok {
			p.addf(path+".DependsOn", "depends on %s, which is not a resource of the template", d)
			continue
		}
		out = append(out, d)
	}
	for _, ref := range references(r.Properties) {
		if ref.id == id {
			p.addf(path+".Properties", "refers to itself")
			continue
		}
		if dep, ok := t.Resources[ref.id]; ok {
			if ref.attr != "" && dep.Type != "" && !kindOf(dep.Type).hasAttr(ref.attr) {
				p.addf(path+".Properties", "Fn::GetAtt %s.%s: %s has no attribute %s", ref.id, ref.attr, dep.Type, ref.attr)
			}
			if !slices.Contains(out, ref.id) {
				out = append(out, ref.id)
			}
			continue
		}
		if isParam(params, ref) {
			continue
		}
		p.addf(path+".Properties", "refers to %s, which is neither a resource nor a parameter of the template", ref.id)
	}
	deps[id] = out
}

func checkOutputReferences(t *Template, params map[string]any, id string, p *problems) {
	o := t.Outputs[id]
	for _, ref := range references([]any{o.Value, o.ExportName}) {
		if _, ok := t.Resources[ref.id]; ok {
			continue
		}
		if isParam(params, ref) {
			continue
		}
		p.addf("Outputs."+id+".Value", "refers to %s, which is neither a resource nor a parameter of the template", ref.id)
	}
}

// isParam reports whether a reference names a parameter or a pseudo
// parameter.
func isParam(params map[string]any, ref reference) bool {
	_, ok := params[ref.id]
	return ref.attr == "" && (ok || ref.id == "AWS::NoValue")
}

// removalOrder lists recorded resources the template no longer has (or
// whose condition is now false), dependents first.
func removalOrder(state *StackState, active map[string]bool) []string {
	gone := map[string][]string{}
	for id := range state.Resources {
		if !active[id] {
			gone[id] = nil
		}
	}
	for id := range gone {
		for _, d := range state.Resources[id].DependsOn {
			if _, ok := gone[d]; ok {
				gone[id] = append(gone[id], d)
			}
		}
	}
	ord, err := order(gone)
	if err != nil { // recorded state is acyclic; fall back to id order
		ord = sortedKeys(gone)
	}
	slices.Reverse(ord)
	return ord
}
