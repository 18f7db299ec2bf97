package api_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/model/shape"
)

// TestEveryOperationThroughTheSDK calls all 152 operations of both
// services through the real AWS SDK for Go v2 clients, with every input
// member filled in. Each must get a real answer (success or one of
// Cognito's error types) when cirro implements it, and the clear
// NotImplementedException when it does not — never a protocol, signature
// or internal error.
func TestEveryOperationThroughTheSDK(t *testing.T) {
	c := cirrotest.Start(t)
	a := c.Internal().API
	clients := map[string]struct {
		client any
		ops    []shape.Operation
	}{
		"cognito-idp":      {c.IdentityProvider(withoutClientValidation), a.IdentityProvider().Operations()},
		"cognito-identity": {c.Identity(func(o *ci.Options) { o.APIOptions = append(o.APIOptions, dropValidation) }), a.Identity().Operations()},
	}
	total := 0
	var sdkMissing []string
	for svc, sc := range clients {
		cv := reflect.ValueOf(sc.client)
		for _, op := range sc.ops {
			total++
			var err error
			if m := cv.MethodByName(op.Name); m.IsValid() {
				in := reflect.New(m.Type().In(1).Elem())
				fill(in.Elem(), op.Name, 0)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				res := m.Call([]reflect.Value{reflect.ValueOf(ctx), in})
				cancel()
				err, _ = res[1].Interface().(error)
			} else {
				// The model is newer than the released SDK: sign the call
				// with the SDK's signer and send it by hand.
				sdkMissing = append(sdkMissing, op.Name)
				err = rawCall(t, c, svc, op.Name)
			}
			code := ""
			var ae smithy.APIError
			if errors.As(err, &ae) {
				code = ae.ErrorCode()
			} else if err != nil {
				t.Errorf("%s %s: not an API error: %v", svc, op.Name, err)
				continue
			}
			switch {
			case !op.Implemented && code != "NotImplementedException":
				t.Errorf("%s %s: not implemented, but answered %q (%v)", svc, op.Name, code, err)
			case op.Implemented && code == "NotImplementedException":
				t.Errorf("%s %s: implemented, but answered NotImplementedException", svc, op.Name)
			case protocolFailure[code]:
				t.Errorf("%s %s: protocol failure %s: %v", svc, op.Name, code, err)
			}
		}
	}
	if len(sdkMissing) > 0 {
		t.Logf("not in the released SDK, called with SDK-signed raw requests: %v", sdkMissing)
	}
	if total != 152 {
		t.Fatalf("%d operations, want 152", total)
	}
}

var protocolFailure = map[string]bool{
	"SerializationException": true, "UnknownOperationException": true, "InternalErrorException": true,
	"InvalidSignatureException": true, "UnrecognizedClientException": true, "MissingAuthenticationTokenException": true,
	"IncompleteSignatureException": true, "AccessDeniedException": true,
}

// plausible values for members the server parses beyond the model.
var plausible = map[string]string{
	"UserPoolId":     "us-east-1_abcDEF123",
	"IdentityPoolId": "us-east-1:0f3e1c2a-1111-4222-8333-444455556666",
	"IdentityId":     "us-east-1:0f3e1c2a-1111-4222-8333-444455556666",
	"ClientId":       "abcdefghijklmnopqrstuvwxyz",
	"ResourceArn":    "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abcDEF123",
	"Domain":         "example-domain",
	"Identifier":     "https://api.example.com",
	"Username":       "someone",
	"GroupName":      "group",
}

func fill(v reflect.Value, field string, depth int) {
	if depth > 40 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.Type().Elem().Kind() == reflect.Struct && v.Type().Elem().PkgPath() == "time" {
			v.Set(reflect.ValueOf(someTime()))
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), field, depth+1)
		v.Set(p)
	case reflect.Struct:
		if strings.HasPrefix(v.Type().PkgPath(), "github.com/aws/smithy-go") {
			return // middleware metadata, documents
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if f.IsExported() {
				fill(v.Field(i), f.Name, depth+1)
			}
		}
	case reflect.String:
		if m := v.Addr().MethodByName("Values"); v.Type().PkgPath() != "" && m.IsValid() {
			vals := m.Call(nil)[0]
			if vals.Len() > 0 {
				v.Set(vals.Index(0))
				return
			}
		}
		if s, ok := plausible[field]; ok {
			v.SetString(s)
		} else {
			v.SetString("x")
		}
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int32, reflect.Int64, reflect.Int:
		v.SetInt(1)
	case reflect.Float64:
		v.SetFloat(1)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte("x"))
			return
		}
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), field, depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		fill(k, "key", depth+1)
		e := reflect.New(v.Type().Elem()).Elem()
		fill(e, field, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	}
}

func someTime() *time.Time { t := time.Now(); return &t }

// dropValidation removes the SDK's required-member check where the
// operation has one.
func dropValidation(s *middleware.Stack) error {
	if _, ok := s.Initialize.Get("OperationInputValidation"); ok {
		_, err := s.Initialize.Remove("OperationInputValidation")
		return err
	}
	return nil
}
