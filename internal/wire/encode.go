package wire

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/cirrohq/cirro/internal/caller"
	"github.com/cirrohq/cirro/internal/errs"
)

const contentType = "application/x-amz-json-1.1"

func writeJSON(w http.ResponseWriter, status int, v any) error {
	var body []byte
	if v == nil {
		body = []byte("{}")
	} else {
		var err error
		if body, err = json.Marshal(v); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return nil
}

type errorBody struct {
	Type    errs.Code `json:"__type"`
	Message string    `json:"message"`
}

// writeError is the one place where errors become bytes. Only *errs.Error
// values reach the client as they are; anything else is logged with the
// request id and answered as InternalErrorException.
func (h *Handler) writeError(ctx context.Context, w http.ResponseWriter, err error, op string) {
	e, ok := errs.As(err)
	if !ok {
		if errors.Is(err, context.Canceled) {
			e = errs.New(errs.InternalErrorException, "The request was cancelled.")
		} else {
			h.log.ErrorContext(ctx, "internal error", "operation", op, "request_id", caller.From(ctx).RequestID, "error", err)
			e = errs.New(errs.InternalErrorException, "An internal error occurred. Request id: "+caller.From(ctx).RequestID)
		}
	} else if errs.StatusOf(e.Code) >= 500 && e.Cause != nil {
		h.log.ErrorContext(ctx, "internal error", "operation", op, "request_id", caller.From(ctx).RequestID, "error", e.Cause)
	}
	w.Header().Set("x-amzn-ErrorType", string(e.Code))
	body, _ := json.Marshal(errorBody{Type: e.Code, Message: e.Message})
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(errs.HTTPStatus(e))
	_, _ = w.Write(body)
}

// outcomeOf labels a request's result for metrics: the error type, or
// "InternalErrorException" for untyped failures.
func outcomeOf(err error) string {
	if e, ok := errs.As(err); ok {
		return string(e.Code)
	}
	return string(errs.InternalErrorException)
}
