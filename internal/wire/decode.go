package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/shape"
)

// decoder implements shape.Decoder for one request: JSON into the typed
// input, then the IAM grant, then the model's constraints.
type decoder struct {
	body      []byte
	svc       *Service
	op        string
	principal Principal
}

func (d *decoder) Decode(in shape.Input) error {
	body := bytes.TrimSpace(d.body)
	if len(body) == 0 {
		body = []byte("{}") // some clients send no body for empty inputs
	}
	if body[0] != '{' {
		return errs.New(errs.SerializationException, "The request body must be a JSON object.")
	}
	if err := json.Unmarshal(body, in); err != nil {
		return errs.New(errs.SerializationException, serializationMessage(err))
	}
	if d.principal != nil {
		action := d.svc.SigningName + ":" + d.op
		resource := d.resource(in)
		if !d.principal.Allowed(action, resource) {
			return d.principal.Denied(action, resource)
		}
	}
	var v shape.Violations
	in.Validate(&shape.Path{}, &v)
	if !v.Empty() {
		return errs.New(errs.InvalidParameterException, v.Message())
	}
	return nil
}

// resource is the ARN an IAM grant is checked against: the pool the
// request names, the tagged resource, or "*" for account-wide calls.
func (d *decoder) resource(in shape.Input) string {
	if s, ok := in.(shape.Scoped); ok && s.ScopeID() != "" && d.svc.ScopeARN != nil {
		return d.svc.ScopeARN(s.ScopeID())
	}
	if a, ok := in.(shape.ARNed); ok && a.ResourceARN() != "" {
		return a.ResourceARN()
	}
	return "*"
}

// serializationMessage describes a JSON failure without echoing input.
func serializationMessage(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("Malformed JSON at offset %d.", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("Member '%s' has the wrong type: expected %s, found JSON %s.", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
		}
		return fmt.Sprintf("Unexpected JSON %s.", typ.Value)
	default:
		return "The request body could not be read as JSON: " + firstLine(err.Error())
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "ptr", "string":
		return "a value"
	case "int32", "int64":
		return "an integer"
	case "slice":
		return "a list"
	case "map":
		return "a map"
	case "struct":
		return "a structure"
	case "bool":
		return "a boolean"
	}
	return goKind
}

func firstLine(s string) string {
	if i := bytes.IndexByte([]byte(s), '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
