package template

import (
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// parseYAML reads a YAML template into the same values JSON gives,
// turning CloudFormation's short-form tags into the long form:
// `!Ref X` → {"Ref": "X"}, `!GetAtt X.Attr` → {"Fn::GetAtt": ["X",
// "Attr"]}, `!Condition C` → {"Condition": "C"}, and every other
// `!Name v` → {"Fn::Name": v}.
func parseYAML(data []byte) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, fmt.Errorf("empty template")
	}
	return yamlValue(doc.Content[0])
}

// shortForms are the tags CloudFormation's YAML accepts.
var shortForms = map[string]bool{
	"Base64": true, "Cidr": true, "FindInMap": true, "GetAtt": true, "GetAZs": true,
	"ImportValue": true, "Join": true, "Select": true, "Split": true, "Sub": true,
	"Transform": true, "And": true, "Equals": true, "If": true, "Not": true, "Or": true,
	"Length": true, "ToJsonString": true, "Ref": true, "Condition": true,
}

func yamlValue(n *yaml.Node) (any, error) {
	if n.Kind == yaml.AliasNode {
		return yamlValue(n.Alias)
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return yamlTagged(n)
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: keys must be strings", k.Line)
			}
			if k.Value == "<<" {
				return nil, fmt.Errorf("line %d: YAML merge keys are not supported in templates", k.Line)
			}
			v, err := yamlValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := yamlValue(c)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		return l, nil
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!int", "!!float":
			return json.Number(n.Value), nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return nil, fmt.Errorf("line %d: %w", n.Line, err)
			}
			return b, nil
		case "!!null":
			return nil, nil
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

func yamlTagged(n *yaml.Node) (any, error) {
	name := strings.TrimPrefix(n.Tag, "!")
	if !shortForms[name] {
		return nil, fmt.Errorf("line %d: unknown tag %s", n.Line, n.Tag)
	}
	inner := *n
	inner.Tag = ""
	if n.Kind == yaml.ScalarNode {
		inner.Tag = "!!str"
	}
	v, err := yamlValue(&inner)
	if err != nil {
		return nil, err
	}
	switch name {
	case "Ref", "Condition":
		return map[string]any{name: v}, nil
	case "GetAtt":
		if s, ok := v.(string); ok {
			res, attr, found := strings.Cut(s, ".")
			if !found {
				return nil, fmt.Errorf("line %d: !GetAtt %s: expected Resource.Attribute", n.Line, s)
			}
			return map[string]any{"Fn::GetAtt": []any{res, attr}}, nil
		}
	}
	return map[string]any{"Fn::" + name: v}, nil
}
