package wire

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

const benchBody = `{"UserPoolId":"us-east-1_AbC123xyZ","Username":"alice","TemporaryPassword":"Passw0rd!x",` +
	`"UserAttributes":[{"Name":"email","Value":"alice@example.com"},{"Name":"email_verified","Value":"true"},{"Name":"name","Value":"Alice Example"}],` +
	`"DesiredDeliveryMediums":["EMAIL"],"MessageAction":"SUPPRESS","ClientMetadata":{"source":"bench"}}`

// BenchmarkProtocolPath measures cirro's AWS JSON 1.1 edge alone: target
// routing, body read, JSON decode, IAM resource extraction, model
// validation, dispatch to a trivial handler and encoding of the response.
// BenchmarkProtocolBaseline does only the unavoidable part (decode the
// same body, encode the same response with encoding/json) so that the
// ratio of the two is the edge's own overhead.
func BenchmarkProtocolPath(b *testing.B) {
	h := quietHandler(stubServices())
	idp := &cognitoidp.Handlers{AdminCreateUser: trivialCreate}
	h.routes["AWSCognitoIdentityProviderService.AdminCreateUser"].op = idp.Operations()[indexOf(idp, "AdminCreateUser")]
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(benchBody))
		r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminCreateUser")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body.String())
		}
	}
}

func BenchmarkProtocolBaseline(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(benchBody))
		w := httptest.NewRecorder()
		var in cognitoidp.AdminCreateUserRequest
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			b.Fatal(err)
		}
		out, _ := trivialCreate(nil, &in)
		body, _ := json.Marshal(out)
		w.Write(body)
	}
}

func trivialCreate(_ context.Context, in *cognitoidp.AdminCreateUserRequest) (*cognitoidp.AdminCreateUserResponse, error) {
	return &cognitoidp.AdminCreateUserResponse{User: &cognitoidp.UserType{
		Username: in.Username, Attributes: in.UserAttributes, Enabled: ptrTo(true), UserStatus: ptrTo("FORCE_CHANGE_PASSWORD"),
	}}, nil
}

func indexOf(h *cognitoidp.Handlers, name string) int {
	for i, op := range h.Operations() {
		if op.Name == name {
			return i
		}
	}
	panic(name)
}

func ptrTo[T any](v T) *T { return &v }
