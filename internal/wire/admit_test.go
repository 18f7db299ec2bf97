package wire

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// Admit answers before the operation is decoded: a refused request runs
// nothing, even when its body would not decode.
func TestAdmitRefusesBeforeDecoding(t *testing.T) {
	ran := false
	idp := &cognitoidp.Handlers{
		ListUserPools: func(context.Context, *cognitoidp.ListUserPoolsRequest) (*cognitoidp.ListUserPoolsResponse, error) {
			ran = true
			return &cognitoidp.ListUserPoolsResponse{}, nil
		},
	}
	var asked []string
	h := New(Config{
		Services: []Service{{TargetPrefix: cognitoidp.TargetPrefix, SigningName: cognitoidp.SigningName, Operations: idp.Operations()}},
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Admit: func(ctx context.Context, service, op string) error {
			asked = append(asked, service+" "+op)
			if op == "ListUserPools" {
				return errs.New(errs.TooManyRequestsException, "Rate exceeded")
			}
			return nil
		},
	})
	code, body, _ := call(t, h, cognitoidp.TargetPrefix+".ListUserPools", `{"MaxResults":"not a number"}`)
	if code != http.StatusBadRequest || body["__type"] != "TooManyRequestsException" || body["message"] != "Rate exceeded" || ran {
		t.Fatalf("throttled call: %d %v ran=%v", code, body, ran)
	}
	// Unimplemented operations are answered without being counted.
	if code, body, _ := call(t, h, cognitoidp.TargetPrefix+".DescribeUserPool", `{}`); body["__type"] != "NotImplementedException" {
		t.Fatalf("unimplemented: %d %v", code, body)
	}
	if len(asked) != 1 || asked[0] != "cognito-idp ListUserPools" {
		t.Fatalf("Admit asked %v", asked)
	}
}
