package template

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
)

// Local is the in-process Cloud: it calls the operation tables the API
// serves (api.API.IdentityProvider and Identity), through the same model
// validation the wire runs, without HTTP or signatures. `cirro serve
// --template` uses it before the server starts listening.
type Local struct {
	ops map[string]shape.Operation
}

// NewLocal serves calls from the given operation tables.
func NewLocal(idp *cognitoidp.Handlers, identity *cognitoidentity.Handlers) *Local {
	l := &Local{ops: map[string]shape.Operation{}}
	if idp != nil {
		for _, op := range idp.Operations() {
			l.ops[IdentityProvider+":"+op.Name] = op
		}
	}
	if identity != nil {
		for _, op := range identity.Operations() {
			l.ops[Identity+":"+op.Name] = op
		}
	}
	return l
}

// Supports implements Cloud.
func (l *Local) Supports(_ context.Context, service, op string) (bool, error) {
	o, ok := l.ops[service+":"+op]
	return ok && o.Implemented, nil
}

// Call implements Cloud.
func (l *Local) Call(ctx context.Context, service, op string, in, out any) error {
	o, ok := l.ops[service+":"+op]
	if !ok || !o.Implemented {
		return errs.Newf(errs.NotImplementedException, "cirro does not implement %s yet (see docs/compatibility.md).", op)
	}
	res, err := o.Invoke(ctx, localDecoder{in: in})
	if err != nil {
		return err
	}
	if out == nil || res == nil {
		return nil
	}
	return assign(out, res)
}

// localDecoder hands the operation the caller's request, checked with the
// model's constraints as the wire would.
type localDecoder struct{ in any }

func (d localDecoder) Decode(target shape.Input) error {
	if err := assign(target, d.in); err != nil {
		return err
	}
	var v shape.Violations
	target.Validate(&shape.Path{}, &v)
	if !v.Empty() {
		return errs.New(errs.InvalidParameterException, v.Message())
	}
	return nil
}

// assign copies *src into *dst: directly when they are the same type,
// else through JSON (the model's types are the wire format).
func assign(dst, src any) error {
	dv, sv := reflect.ValueOf(dst), reflect.ValueOf(src)
	if dv.Kind() != reflect.Pointer || dv.IsNil() {
		return fmt.Errorf("template: assign to %T", dst)
	}
	if sv.Kind() == reflect.Pointer && sv.Type() == dv.Type() {
		if !sv.IsNil() {
			dv.Elem().Set(sv.Elem())
		}
		return nil
	}
	b, err := json.Marshal(src)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}
