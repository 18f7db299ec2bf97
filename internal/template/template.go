package template

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Template is a parsed CloudFormation template.
type Template struct {
	Description string
	Parameters  map[string]*Parameter
	Mappings    map[string]any
	Conditions  map[string]any
	Resources   map[string]*Resource
	Outputs     map[string]*Output
}

// Parameter is a template parameter declaration.
type Parameter struct {
	Type           string
	Default        any
	AllowedValues  []any
	AllowedPattern string
	MinLength      *int
	MaxLength      *int
	MinValue       *float64
	MaxValue       *float64
	NoEcho         bool
}

// Resource is one entry of Resources.
type Resource struct {
	Type                string
	Properties          map[string]any
	DependsOn           []string
	Condition           string
	DeletionPolicy      string
	UpdateReplacePolicy string
}

// Output is one entry of Outputs.
type Output struct {
	Value       any
	Description any
	Condition   string
	ExportName  any
}

// Deletion policies (DeletionPolicy and UpdateReplacePolicy).
const (
	PolicyDelete   = "Delete"
	PolicyRetain   = "Retain"
	PolicySnapshot = "Snapshot"
	// PolicyRetainExceptOnCreate retains, except when the resource was
	// created by the failing operation itself (which then deletes it).
	PolicyRetainExceptOnCreate = "RetainExceptOnCreate"
)

// sections CloudFormation defines; cirro reads the first six and skips
// the others (Rules only assert the CDK bootstrap version, Metadata is
// for tools).
var (
	knownSections   = []string{"AWSTemplateFormatVersion", "Description", "Parameters", "Mappings", "Conditions", "Resources", "Outputs", "Metadata", "Rules", "Transform"}
	resourceKeys    = []string{"Type", "Properties", "DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy", "Metadata", "CreationPolicy", "UpdatePolicy"}
	outputKeys      = []string{"Value", "Description", "Condition", "Export"}
	parameterKeys   = []string{"Type", "Default", "AllowedValues", "AllowedPattern", "MinLength", "MaxLength", "MinValue", "MaxValue", "NoEcho", "Description", "ConstraintDescription"}
	deletionPolicys = []string{PolicyDelete, PolicyRetain, PolicySnapshot, PolicyRetainExceptOnCreate}
)

// Parse reads a template in JSON or YAML. name labels errors (a file name).
func Parse(name string, data []byte) (*Template, error) {
	var doc any
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	} else {
		var err error
		if doc, err = parseYAML(data); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	top, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: a template is an object with a Resources section", name)
	}
	var p problems
	t := readTemplate(top, &p)
	if err := p.err(name); err != nil {
		return nil, err
	}
	return t, nil
}

func readTemplate(top map[string]any, p *problems) *Template {
	t := &Template{Parameters: map[string]*Parameter{}, Resources: map[string]*Resource{}, Outputs: map[string]*Output{}}
	for _, k := range sortedKeys(top) {
		if !slices.Contains(knownSections, k) {
			p.addf(k, "unknown template section")
		}
	}
	if tr, ok := top["Transform"]; ok {
		p.addf("Transform", "transforms (macros such as %v) are not supported: synthesize a template without them", tr)
	}
	t.Description, _ = top["Description"].(string)
	t.Mappings = objectAt(top, "Mappings", p)
	t.Conditions = objectAt(top, "Conditions", p)
	for name, v := range objectAt(top, "Parameters", p) {
		t.Parameters[name] = readParameter("Parameters."+name, v, p)
	}
	res := objectAt(top, "Resources", p)
	if len(res) == 0 {
		p.addf("Resources", "a template needs at least one resource")
	}
	for id, v := range res {
		t.Resources[id] = readResource("Resources."+id, v, p)
	}
	for id, v := range objectAt(top, "Outputs", p) {
		t.Outputs[id] = readOutput("Outputs."+id, v, p)
	}
	return t
}

func readResource(path string, v any, p *problems) *Resource {
	m, ok := v.(map[string]any)
	if !ok {
		p.addf(path, "a resource is an object")
		return &Resource{}
	}
	checkKeys(path, m, resourceKeys, "resource attribute", p)
	r := &Resource{}
	r.Type, ok = m["Type"].(string)
	if !ok || r.Type == "" {
		p.addf(path+".Type", "required, a string")
	}
	if props, found := m["Properties"]; found && props != nil {
		if r.Properties, ok = props.(map[string]any); !ok {
			p.addf(path+".Properties", "must be an object")
		}
	}
	switch d := m["DependsOn"].(type) {
	case nil:
	case string:
		r.DependsOn = []string{d}
	case []any:
		for i, x := range d {
			s, ok := x.(string)
			if !ok {
				p.addf(fmt.Sprintf("%s.DependsOn[%d]", path, i), "must be a logical id")
				continue
			}
			r.DependsOn = append(r.DependsOn, s)
		}
	default:
		p.addf(path+".DependsOn", "must be a logical id or a list of them")
	}
	r.Condition = stringAt(m, "Condition", path, p)
	r.DeletionPolicy = policyAt(m, "DeletionPolicy", path, p)
	r.UpdateReplacePolicy = policyAt(m, "UpdateReplacePolicy", path, p)
	return r
}

func policyAt(m map[string]any, key, path string, p *problems) string {
	s := stringAt(m, key, path, p)
	if s != "" && !slices.Contains(deletionPolicys, s) {
		p.addf(path+"."+key, "%q is not one of %s", s, strings.Join(deletionPolicys, ", "))
	}
	return s
}

func readOutput(path string, v any, p *problems) *Output {
	m, ok := v.(map[string]any)
	if !ok {
		p.addf(path, "an output is an object")
		return &Output{}
	}
	checkKeys(path, m, outputKeys, "output attribute", p)
	o := &Output{Value: m["Value"], Description: m["Description"], Condition: stringAt(m, "Condition", path, p)}
	if _, ok := m["Value"]; !ok {
		p.addf(path+".Value", "required")
	}
	if e, ok := m["Export"]; ok {
		em, ok := e.(map[string]any)
		if !ok || em["Name"] == nil {
			p.addf(path+".Export", "must be an object with a Name")
		} else {
			o.ExportName = em["Name"]
		}
	}
	return o
}

func readParameter(path string, v any, p *problems) *Parameter {
	m, ok := v.(map[string]any)
	if !ok {
		p.addf(path, "a parameter is an object")
		return &Parameter{Type: "String"}
	}
	checkKeys(path, m, parameterKeys, "parameter attribute", p)
	par := &Parameter{Default: m["Default"], AllowedPattern: stringAt(m, "AllowedPattern", path, p)}
	par.Type = stringAt(m, "Type", path, p)
	if par.Type == "" {
		p.addf(path+".Type", "required")
	}
	if av, ok := m["AllowedValues"]; ok {
		if par.AllowedValues, ok = av.([]any); !ok {
			p.addf(path+".AllowedValues", "must be a list")
		}
	}
	par.MinLength = intAt(m, "MinLength", path, p)
	par.MaxLength = intAt(m, "MaxLength", path, p)
	par.MinValue = numberAt(m, "MinValue", path, p)
	par.MaxValue = numberAt(m, "MaxValue", path, p)
	if ne, ok := m["NoEcho"]; ok {
		b, err := toBool(ne)
		if err != nil {
			p.addf(path+".NoEcho", "%v", err)
		}
		par.NoEcho = b
	}
	return par
}

func checkKeys(path string, m map[string]any, known []string, what string, p *problems) {
	for _, k := range sortedKeys(m) {
		if !slices.Contains(known, k) {
			p.addf(path+"."+k, "unknown %s", what)
		}
	}
}

func objectAt(m map[string]any, key string, p *problems) map[string]any {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		p.addf(key, "must be an object")
	}
	return o
}

func stringAt(m map[string]any, key, path string, p *problems) string {
	v, ok := m[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		p.addf(path+"."+key, "must be a string")
	}
	return s
}

func intAt(m map[string]any, key, path string, p *problems) *int {
	f := numberAt(m, key, path, p)
	if f == nil {
		return nil
	}
	n := int(*f)
	return &n
}

func numberAt(m map[string]any, key, path string, p *problems) *float64 {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	f, err := toFloat(v)
	if err != nil {
		p.addf(path+"."+key, "%v", err)
		return nil
	}
	return &f
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
