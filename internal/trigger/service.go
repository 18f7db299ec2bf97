package trigger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// Config assembles a Service.
type Config struct {
	Triggers config.TriggersConfig
	// Region is the region events name.
	Region string
	Clock  clock.Clock
	Logger *slog.Logger
	// HTTPClient calls Lambda endpoints and webhooks; a client without
	// its own timeout (the Service bounds each attempt) when nil.
	HTTPClient *http.Client
	// Router replaces the routes of Triggers (tests).
	Router *Router
	// Backoff is the pause before the second attempt, doubling after;
	// 100 ms when zero.
	Backoff time.Duration
}

// Service invokes a pool's triggers. Each method belongs to one trigger
// point; it returns at once, invoking nothing, when the pool attaches no
// function there (nil response, nil error).
type Service struct {
	region   string
	router   *Router
	keys     *kmsKeys
	clock    clock.Clock
	log      *slog.Logger
	timeout  time.Duration
	attempts int
	backoff  time.Duration
}

// New checks cfg.Triggers and returns a Service.
func New(cfg Config) (*Service, error) {
	if err := cfg.Triggers.Check(); err != nil {
		return nil, err
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	keys, err := newKMSKeys(cfg.Triggers.KMSKeys)
	if err != nil {
		return nil, err
	}
	s := &Service{
		region: cfg.Region, router: cfg.Router, keys: keys, clock: cfg.Clock, log: cfg.Logger,
		timeout: cfg.Triggers.Timeout, attempts: cfg.Triggers.Attempts, backoff: cfg.Backoff,
	}
	if s.router == nil {
		s.router = NewRouter(cfg.Triggers, cfg.HTTPClient, cfg.Clock)
	}
	if s.timeout == 0 {
		s.timeout = config.DefaultTriggerTimeout
	}
	if s.attempts == 0 {
		s.attempts = config.DefaultTriggerAttempts
	}
	if s.backoff == 0 {
		s.backoff = 100 * time.Millisecond
	}
	return s, nil
}

// Reachable reports whether any function can be invoked at all: some
// route or a default Lambda endpoint is configured.
func (s *Service) Reachable() bool { return !s.router.Empty() }

// call sends ev (an Event, or a sender's event) to the function at arn
// and decodes the response member of its answer into a fresh Resp.
func call[Resp any](ctx context.Context, s *Service, p Point, arn, source string, ev any) (*Resp, error) {
	payload, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("trigger: encode %s event: %w", source, err)
	}
	out, err := s.invoke(ctx, Function{ARN: arn, Point: p, Source: source}, payload)
	if err != nil {
		return nil, err
	}
	return decodeResponse[Resp](out)
}

// invoke runs one invocation with Cognito's limits: each attempt gets the
// timeout; attempts that got no answer for a transient reason (timeout,
// throttling, network, server fault) are repeated up to the attempt count,
// with a doubling pause; a function that threw is never repeated.
func (s *Service) invoke(ctx context.Context, fn Function, payload []byte) ([]byte, error) {
	inv := s.router.Route(fn.ARN)
	if inv == nil {
		return nil, unmapped(fn.Point, fn.ARN)
	}
	ctx = withInvocationID(ctx)
	pause := s.backoff
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, s.timeout)
		start := time.Now()
		out, err := inv.Invoke(actx, fn, payload)
		timedOut := errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		cancel()
		if err == nil {
			return out, nil
		}
		var ie *InvokeError
		if timedOut && (!errors.As(err, &ie) || ie.Reason != reasonTimeout) {
			err = &InvokeError{Reason: reasonTimeout, Retryable: true, Err: err}
		}
		// A function that throws on purpose (a refused sign-up) is news,
		// not trouble; anything else is worth an operator's look.
		level := slog.LevelWarn
		var fe *FunctionError
		if errors.As(err, &fe) {
			level = slog.LevelInfo
		}
		s.log.Log(ctx, level, "trigger invocation failed", "point", fn.Point, "source", fn.Source, "arn", fn.ARN,
			"attempt", attempt, "elapsed", time.Since(start), "error", err)
		if !errors.As(err, &ie) || !ie.Retryable || attempt >= s.attempts || ctx.Err() != nil {
			return nil, classify(fn.Point, err)
		}
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return nil, classify(fn.Point, err)
		}
		pause *= 2
	}
}

// decodeResponse reads the response member of a function's answer. The
// answer must be a JSON object (the event, returned); a missing or null
// response keeps the defaults, as a function that returns the event
// unchanged does. Anything else is Cognito's "Unrecognizable lambda
// output".
func decodeResponse[Resp any](out []byte) (*Resp, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(out, &doc); err != nil || doc == nil {
		return nil, invalidResponse(msgUnrecognizable, fmt.Errorf("answer is not a JSON object: %q", clip(string(out), 200)))
	}
	resp := new(Resp)
	raw := bytes.TrimSpace(doc["response"])
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return resp, nil
	}
	if err := json.Unmarshal(raw, resp); err != nil {
		return nil, invalidResponse(msgUnrecognizable, err)
	}
	return resp, nil
}

// attached returns the function at p, or "" when the pool has none.
func attached(pool *cognitoidp.UserPoolType, p Point) (arn, version string) {
	return p.function(lambdaConfig(pool))
}
