package main

import (
	"bytes"
	"fmt"
	"sort"
)

func (g *gen) emitTypes(b *bytes.Buffer) error {
	fmt.Fprintf(b, "package %s\n\nimport \"github.com/cirrohq/cirro/internal/model/shape\"\n\n", g.svc.pkg)
	fmt.Fprintf(b, "var _ shape.Time\n\n")
	for _, name := range g.m.shapeNames("structure") {
		if !g.isStruct(name) {
			continue
		}
		s := g.shape(name)
		fmt.Fprintf(b, "// %s is the model's %s shape.\ntype %s struct {\n", name, name, name)
		for _, mn := range s.memberNames() {
			mem := s.Members[mn]
			if s.isRequired(mn) {
				fmt.Fprintf(b, "\t// %s is required.\n", goName(mn))
			}
			if mem.Deprecated {
				fmt.Fprintf(b, "\t// Deprecated: in the model.\n")
			}
			fmt.Fprintf(b, "\t%s %s `json:%q`\n", goName(mn), g.memberType(mem.Shape), mn+",omitzero")
		}
		fmt.Fprintf(b, "}\n\n")
	}
	// Enum values as constants, for handlers that produce them.
	seen := map[string]bool{}
	for _, name := range g.m.shapeNames("string") {
		s := g.shape(name)
		if len(s.Enum) == 0 {
			continue
		}
		vals := append([]string(nil), s.Enum...)
		sort.Strings(vals)
		fmt.Fprintf(b, "// Values of %s.\nconst (\n", name)
		for _, v := range vals {
			c := enumConst(name, v)
			if seen[c] {
				return fmt.Errorf("enum constant %s collides", c)
			}
			seen[c] = true
			fmt.Fprintf(b, "\t%s = %q\n", c, v)
		}
		fmt.Fprintf(b, ")\n\n")
	}
	return nil
}
