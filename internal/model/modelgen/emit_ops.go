package main

import (
	"bytes"
	"fmt"
	"sort"
)

// authOf derives who may call an operation. The model marks public and
// token-authorized operations "authtype: none"; of those, the ones whose
// input carries an AccessToken are authorized by that token.
func (g *gen) authOf(op *operation) string {
	if op.AuthType != "none" {
		return "shape.AuthIAM"
	}
	if op.Input != nil {
		if _, ok := g.shape(op.Input.Shape).Members["AccessToken"]; ok {
			return "shape.AuthToken"
		}
	}
	return "shape.AuthNone"
}

func (g *gen) emitOps(b *bytes.Buffer) error {
	fmt.Fprintf(b, "package %s\n\nimport (\n\t\"context\"\n\n\t\"github.com/cirrohq/cirro/internal/model/shape\"\n)\n\n", g.svc.pkg)
	fmt.Fprintf(b, "const (\n\t// TargetPrefix precedes the operation name in X-Amz-Target.\n\tTargetPrefix = %q\n", g.m.Metadata.TargetPrefix)
	fmt.Fprintf(b, "\t// SigningName is the SigV4 service name.\n\tSigningName = %q\n", g.svc.signing)
	fmt.Fprintf(b, "\t// APIVersion is the model's version.\n\tAPIVersion = %q\n)\n\n", g.m.Metadata.APIVersion)

	names := g.m.opNames()
	fmt.Fprintf(b, "// Handlers holds one function per operation of %s; a nil\n// function answers that the operation is not implemented.\ntype Handlers struct {\n", g.m.Metadata.ServiceFullName)
	for _, n := range names {
		op := g.m.Operations[n]
		if op.Input == nil {
			return fmt.Errorf("operation %s has no input", n)
		}
		if op.Output != nil {
			fmt.Fprintf(b, "\t%s func(context.Context, *%s) (*%s, error)\n", n, op.Input.Shape, op.Output.Shape)
		} else {
			fmt.Fprintf(b, "\t%s func(context.Context, *%s) error\n", n, op.Input.Shape)
		}
	}
	fmt.Fprintf(b, "}\n\n")

	fmt.Fprintf(b, "// Operations returns the dispatch table: every operation of the model.\nfunc (h *Handlers) Operations() []shape.Operation {\n\treturn []shape.Operation{\n")
	for _, n := range names {
		op := g.m.Operations[n]
		fmt.Fprintf(b, "\t\t{Name: %q, Auth: %s, Implemented: h.%s != nil, Invoke: func(ctx context.Context, dec shape.Decoder) (any, error) {\n", n, g.authOf(op), n)
		fmt.Fprintf(b, "\t\t\tin := new(%s)\n\t\t\tif err := dec.Decode(in); err != nil {\n\t\t\t\treturn nil, err\n\t\t\t}\n", op.Input.Shape)
		if op.Output != nil {
			fmt.Fprintf(b, "\t\t\tout, err := h.%s(ctx, in)\n\t\t\tif err != nil || out == nil {\n\t\t\t\treturn nil, err\n\t\t\t}\n\t\t\treturn out, nil\n", n)
		} else {
			fmt.Fprintf(b, "\t\t\treturn nil, h.%s(ctx, in)\n", n)
		}
		fmt.Fprintf(b, "\t\t}},\n")
	}
	fmt.Fprintf(b, "\t}\n}\n\n")

	// Resource accessors for IAM grants.
	var inputs []string
	for _, n := range names {
		inputs = append(inputs, g.m.Operations[n].Input.Shape)
	}
	sort.Strings(inputs)
	for _, in := range inputs {
		s := g.shape(in)
		for _, scope := range []string{"UserPoolId", "IdentityPoolId"} {
			if m, ok := s.Members[scope]; ok && g.shape(m.Shape).Type == "string" {
				fmt.Fprintf(b, "// ScopeID names the pool the request acts on.\nfunc (s *%s) ScopeID() string {\n\tif s.%s == nil {\n\t\treturn \"\"\n\t}\n\treturn *s.%s\n}\n\n", in, scope, scope)
				break
			}
		}
		if m, ok := s.Members["ResourceArn"]; ok && g.shape(m.Shape).Type == "string" {
			fmt.Fprintf(b, "// ResourceARN names the resource the request acts on.\nfunc (s *%s) ResourceARN() string {\n\tif s.ResourceArn == nil {\n\t\treturn \"\"\n\t}\n\treturn *s.ResourceArn\n}\n\n", in)
		}
	}
	return nil
}

func emitCodes(b *bytes.Buffer, models []*model) error {
	codes := map[string]bool{} // name -> fault
	for _, m := range models {
		for n, s := range m.Shapes {
			if s.Exception {
				codes[n] = codes[n] || s.Fault
			}
		}
	}
	var names []string
	for n := range codes {
		names = append(names, n)
	}
	sort.Strings(names)
	b.WriteString("package errs\n\n// Every exception shape of the cognito-idp and cognito-identity models.\nconst (\n")
	for _, n := range names {
		fmt.Fprintf(b, "\t%s Code = %q\n", n, n)
	}
	b.WriteString(")\n\n// faults are the server-side errors (HTTP 500).\nvar faults = map[Code]bool{\n")
	for _, n := range names {
		if codes[n] {
			fmt.Fprintf(b, "\t%s: true,\n", n)
		}
	}
	b.WriteString("}\n")
	return nil
}
