package wire

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/caller"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/shape"
)

// DefaultMaxBody bounds request bodies. The largest legitimate request is a
// UI customization or branding asset (1 MB in the model), base64 encoded.
const DefaultMaxBody = 2 << 20

// Service is one AWS JSON 1.1 API served on POST /.
type Service struct {
	// TargetPrefix precedes "." and the operation name in X-Amz-Target.
	TargetPrefix string
	// SigningName is the SigV4 service name and the IAM action prefix.
	SigningName string
	// ScopeARN turns a pool id into the ARN that IAM grants name.
	ScopeARN   func(id string) string
	Operations []shape.Operation
}

// IAM verifies SigV4-signed requests.
type IAM interface {
	Verify(r *http.Request, body []byte, service string) (Principal, error)
}

// Principal is whoever signed a request.
type Principal interface {
	Name() string
	Allowed(action, resource string) bool
	// Denied is the error for an action outside the principal's grant.
	Denied(action, resource string) error
}

// Observer receives one call per request, for metrics.
type Observer func(service, operation, outcome string, d time.Duration)

// Config assembles a Handler.
type Config struct {
	Services []Service
	// IAM verifies signatures of IAM-authorized operations. Nil is the
	// development mode: any or no signature is accepted.
	IAM      IAM
	MaxBody  int64
	Logger   *slog.Logger
	Observer Observer
	// Admit, when set, is asked about every implemented operation after
	// its signature is checked and before it is decoded or run; its error
	// (TooManyRequestsException) is the answer. Request-rate quotas are
	// enforced there, in one place.
	Admit func(ctx context.Context, service, operation string) error
}

// Handler serves AWS JSON 1.1 requests for the configured services.
type Handler struct {
	routes  map[string]*route
	iam     IAM
	maxBody int64
	log     *slog.Logger
	observe Observer
	admit   func(ctx context.Context, service, operation string) error
}

type route struct {
	svc *Service
	op  shape.Operation
}

// New builds a Handler.
func New(cfg Config) *Handler {
	h := &Handler{
		routes:  map[string]*route{},
		iam:     cfg.IAM,
		maxBody: cfg.MaxBody,
		log:     cfg.Logger,
		observe: cfg.Observer,
		admit:   cfg.Admit,
	}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBody
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	for i := range cfg.Services {
		svc := &cfg.Services[i]
		for _, op := range svc.Operations {
			h.routes[svc.TargetPrefix+"."+op.Name] = &route{svc: svc, op: op}
		}
	}
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := uuid.NewString()
	w.Header().Set("x-amzn-RequestId", reqID)
	rt := h.routes[r.Header.Get("X-Amz-Target")]
	svcName, opName := "unknown", "unknown"
	if rt != nil {
		svcName, opName = rt.svc.SigningName, rt.op.Name
	}
	c := &caller.Caller{RequestID: reqID, IP: clientIP(r), UserAgent: r.UserAgent()}
	ctx := caller.With(r.Context(), c)

	out, err := h.serve(ctx, r, rt, c)
	if err == nil {
		err = writeJSON(w, http.StatusOK, out)
	} else {
		h.writeError(ctx, w, err, opName)
	}
	if h.observe != nil {
		outcome := "ok"
		if err != nil {
			outcome = outcomeOf(err)
		}
		h.observe(svcName, opName, outcome, time.Since(start))
	}
}

// serve does everything between the bytes in and the value out; its error
// is encoded by the caller. A panic below becomes an internal error, never
// a dropped connection or a leaked stack trace.
func (h *Handler) serve(ctx context.Context, r *http.Request, rt *route, c *caller.Caller) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			h.log.ErrorContext(ctx, "panic serving request", "request_id", c.RequestID, "panic", p, "stack", string(debug.Stack()))
			out, err = nil, errors.New("panic")
		}
	}()
	if r.Method != http.MethodPost {
		return nil, errs.New(errs.UnknownOperationException, "Only POST is supported.")
	}
	if rt == nil {
		return nil, errs.New(errs.UnknownOperationException, "Unknown operation: "+targetForMessage(r.Header.Get("X-Amz-Target")))
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, h.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &errs.Error{Code: errs.RequestEntityTooLargeException, Message: "Request body is too large.", Status: http.StatusRequestEntityTooLarge}
		}
		return nil, errs.New(errs.SerializationException, "Could not read the request body.")
	}

	var principal Principal
	if rt.op.Auth == shape.AuthIAM && h.iam != nil {
		principal, err = h.iam.Verify(r, body, rt.svc.SigningName)
		if err != nil {
			return nil, err
		}
		c.Principal = principal.Name()
	}
	if !rt.op.Implemented {
		return nil, errs.Newf(errs.NotImplementedException, "cirro does not implement %s yet (see docs/compatibility.md).", rt.op.Name)
	}
	if h.admit != nil {
		if err := h.admit(ctx, rt.svc.SigningName, rt.op.Name); err != nil {
			return nil, err
		}
	}
	dec := &decoder{body: body, svc: rt.svc, op: rt.op.Name, principal: principal}
	return rt.op.Invoke(ctx, dec)
}

// clientIP is the peer address. Forwarded headers are not trusted here:
// a proxy deployment must be configured to set them (not yet supported).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// targetForMessage keeps an echoed unknown target short and printable.
func targetForMessage(t string) string {
	if len(t) > 128 {
		t = t[:128]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, t)
}
