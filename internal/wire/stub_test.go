package wire

import (
	"context"
	"reflect"

	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
)

// stubHandlers fills every handler field of a generated Handlers struct with
// a trivial implementation that returns an empty output, so that the whole
// protocol path (decode, validate, dispatch, encode) runs for every
// operation without any domain behind it.
func stubHandlers(h any) {
	v := reflect.ValueOf(h).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		ft := f.Type()
		f.Set(reflect.MakeFunc(ft, func(args []reflect.Value) []reflect.Value {
			out := make([]reflect.Value, ft.NumOut())
			for j := 0; j < ft.NumOut(); j++ {
				t := ft.Out(j)
				if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
					out[j] = reflect.New(t.Elem())
				} else {
					out[j] = reflect.Zero(t)
				}
			}
			return out
		}))
	}
}

func stubServices() []Service {
	idp, identity := &cognitoidp.Handlers{}, &cognitoidentity.Handlers{}
	stubHandlers(idp)
	stubHandlers(identity)
	return []Service{
		{TargetPrefix: cognitoidp.TargetPrefix, SigningName: cognitoidp.SigningName, Operations: idp.Operations(),
			ScopeARN: func(id string) string { return "arn:aws:cognito-idp:us-east-1:000000000000:userpool/" + id }},
		{TargetPrefix: cognitoidentity.TargetPrefix, SigningName: cognitoidentity.SigningName, Operations: identity.Operations()},
	}
}

var _ = context.Background
var _ shape.Operation
