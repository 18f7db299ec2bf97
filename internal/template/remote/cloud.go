package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/template"
)

// Cloud calls a remote server through the AWS SDK's Cognito clients: the
// SDK resolves the endpoint and credentials, signs, retries and decodes
// errors. The template package speaks cirro's model types, which are the
// wire format itself, so the request body is the model request as JSON
// and the answer is decoded from the response body, each handed to and
// taken from the SDK's middleware stack; the SDK's own input and output
// types stay empty. That spares a member-by-member copy between two
// renderings of the same model.
type Cloud struct {
	ops map[string]call

	mu        sync.Mutex
	supported map[string]bool
}

// call runs one SDK operation with the given middleware option.
type call func(ctx context.Context, stack func(*middleware.Stack) error) error

// NewCloud returns a Cloud for the server cfg points at (cfg.BaseEndpoint).
func NewCloud(cfg aws.Config) *Cloud {
	idp := cip.NewFromConfig(cfg)
	identity := ci.NewFromConfig(cfg)
	c := &Cloud{ops: map[string]call{}, supported: map[string]bool{}}
	for name, op := range idpOps(idp) {
		c.ops[template.IdentityProvider+":"+name] = op
	}
	for name, op := range identityOps(identity) {
		c.ops[template.Identity+":"+name] = op
	}
	return c
}

// Call implements template.Cloud.
func (c *Cloud) Call(ctx context.Context, service, op string, in, out any) error {
	run, ok := c.ops[service+":"+op]
	if !ok {
		return errs.Newf(errs.NotImplementedException, "cirro apply cannot call %s:%s", service, op)
	}
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	if string(body) == "null" {
		body = []byte("{}")
	}
	var answer []byte
	if err := run(ctx, passthrough(body, &answer)); err != nil {
		return apiError(err)
	}
	if out == nil || len(answer) == 0 {
		return nil
	}
	return json.Unmarshal(answer, out)
}

// Supports implements template.Cloud by asking: an empty request to an
// operation the server implements fails its validation (every operation
// probed has required members) and changes nothing; one it does not
// implement answers NotImplementedException.
func (c *Cloud) Supports(ctx context.Context, service, op string) (bool, error) {
	key := service + ":" + op
	c.mu.Lock()
	known, cached := c.supported[key]
	c.mu.Unlock()
	if cached {
		return known, nil
	}
	err := c.Call(ctx, service, op, struct{}{}, nil)
	var e *errs.Error
	switch {
	case err == nil:
		known = true
	case errors.As(err, &e):
		known = e.Code != errs.NotImplementedException && e.Code != errs.UnknownOperationException
	default:
		return false, err
	}
	c.mu.Lock()
	c.supported[key] = known
	c.mu.Unlock()
	return known, nil
}

// passthrough replaces the serialized body with body and keeps the raw
// successful answer in *answer. Input validation is the server's job: the
// SDK would check its own, empty, input.
func passthrough(body []byte, answer *[]byte) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		st.Initialize.Remove("OperationInputValidation")
		err := st.Serialize.Add(middleware.SerializeMiddlewareFunc("CirroModelBody",
			func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (middleware.SerializeOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					r, err := req.SetStream(bytes.NewReader(body))
					if err != nil {
						return middleware.SerializeOutput{}, middleware.Metadata{}, err
					}
					in.Request = r
				}
				return next.HandleSerialize(ctx, in)
			}), middleware.After)
		if err != nil {
			return err
		}
		return st.Deserialize.Add(middleware.DeserializeMiddlewareFunc("CirroModelAnswer",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleDeserialize(ctx, in)
				if err != nil {
					return out, md, err
				}
				if r, ok := out.RawResponse.(*smithyhttp.Response); ok && r.StatusCode < 300 && r.Body != nil {
					b, rerr := io.ReadAll(r.Body)
					r.Body.Close()
					if rerr != nil {
						return out, md, rerr
					}
					*answer = b
					r.Body = io.NopCloser(bytes.NewReader(b))
				}
				return out, md, nil
			}), middleware.After)
	}
}

// apiError turns the SDK's error for a service answer into cirro's.
func apiError(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return &errs.Error{Code: errs.Code(ae.ErrorCode()), Message: ae.ErrorMessage(), Cause: err}
	}
	return err
}
