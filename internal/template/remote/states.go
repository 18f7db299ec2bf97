package remote

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/template"
)

// States keeps stack state in the remote server, through its stack API
// (template.StackService). That API is cirro's own, so no SDK client
// exists for it: requests are AWS JSON 1.1, signed with the SDK's SigV4
// signer and the same credentials as the Cognito calls.
type States struct {
	cfg aws.Config
}

// NewStates returns States for the server cfg points at.
func NewStates(cfg aws.Config) *States { return &States{cfg: cfg} }

// Load implements template.States.
func (s *States) Load(ctx context.Context, stack string) (*template.StackState, error) {
	st, _, err := s.get(ctx, stack)
	return st, err
}

// Env is the server's environment (region, account, public URL), which
// the templates applied to it must resolve against.
func (s *States) Env(ctx context.Context, stack string) (template.Env, error) {
	_, env, err := s.get(ctx, stack)
	if err != nil {
		return template.Env{}, err
	}
	return *env, nil
}

func (s *States) get(ctx context.Context, stack string) (*template.StackState, *template.Env, error) {
	var out struct {
		Stack       *template.StackState
		Environment *template.Env
	}
	if err := s.call(ctx, "GetStack", map[string]any{"StackName": stack}, &out); err != nil {
		if errs.Is(err, errs.UnknownOperationException) {
			err = fmt.Errorf("the server has no stack API (a cirro older than `cirro apply`?): %w", err)
		}
		return nil, nil, err
	}
	if out.Stack == nil || out.Environment == nil {
		return nil, nil, fmt.Errorf("GetStack: the answer has no stack")
	}
	if out.Stack.Resources == nil {
		out.Stack.Resources = map[string]*template.ResourceState{}
	}
	return out.Stack, out.Environment, nil
}

// PutResource implements template.States.
func (s *States) PutResource(ctx context.Context, stack string, r *template.ResourceState) error {
	return s.call(ctx, "PutStackResource", map[string]any{"StackName": stack, "Resource": r}, nil)
}

// DeleteResource implements template.States.
func (s *States) DeleteResource(ctx context.Context, stack, logicalID string) error {
	return s.call(ctx, "DeleteStackResource", map[string]any{"StackName": stack, "LogicalId": logicalID}, nil)
}

// PutOutputs implements template.States.
func (s *States) PutOutputs(ctx context.Context, stack string, outputs []template.OutputValue) error {
	return s.call(ctx, "PutStackOutputs", map[string]any{"StackName": stack, "Outputs": outputs}, nil)
}

// Lock implements template.States.
func (s *States) Lock(ctx context.Context, stack, owner string, ttl time.Duration) (string, error) {
	var out struct{ Token string }
	err := s.call(ctx, "LockStack", map[string]any{"StackName": stack, "Owner": owner, "TtlSeconds": int(ttl / time.Second)}, &out)
	if errs.Is(err, errs.ConcurrentModificationException) {
		return "", template.ErrLocked
	}
	return out.Token, err
}

// Unlock implements template.States.
func (s *States) Unlock(ctx context.Context, stack, token string) error {
	return s.call(ctx, "UnlockStack", map[string]any{"StackName": stack, "Token": token}, nil)
}

// ListStacks names the stacks the server has state for.
func (s *States) ListStacks(ctx context.Context) ([]string, error) {
	var out struct{ StackNames []string }
	err := s.call(ctx, "ListStacks", map[string]any{}, &out)
	return out.StackNames, err
}

func (s *States) call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	endpoint := strings.TrimRight(aws.ToString(s.cfg.BaseEndpoint), "/") + "/"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", template.StackTargetPrefix+"."+op)
	if s.cfg.Credentials != nil {
		creds, err := s.cfg.Credentials.Retrieve(ctx)
		if err != nil {
			return fmt.Errorf("credentials: %w", err)
		}
		sum := sha256.Sum256(body)
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), template.StackSigningName, s.cfg.Region, time.Now()); err != nil {
			return err
		}
	}
	client := s.cfg.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		json.Unmarshal(data, &e)
		if e.Type == "" {
			return fmt.Errorf("%s: HTTP %d", op, resp.StatusCode)
		}
		return &errs.Error{Code: errs.Code(e.Type[strings.LastIndex(e.Type, "#")+1:]), Message: e.Message}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}
