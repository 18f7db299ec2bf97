package wire

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzDecode drives arbitrary bodies through the whole protocol path of an
// arbitrary operation (decode, IAM resource extraction, validation,
// dispatch, encode). Whatever the input, the answer must be a well-formed
// AWS JSON response: 200, or 400/413 with a known error type; never a
// panic or a 500.
//
//	go test ./internal/wire -run '^$' -fuzz FuzzDecode -fuzztime 5m
func FuzzDecode(f *testing.F) {
	svcs := stubServices()
	var targets []string
	for _, s := range svcs {
		for _, op := range s.Operations {
			targets = append(targets, s.TargetPrefix+"."+op.Name)
		}
	}
	h := quietHandler(svcs)
	seeds := []string{
		`{}`, `{"UserPoolId":"us-east-1_abc"}`, `{"UserPoolId":"us-east-1_abc","Username":"u","UserAttributes":[{"Name":"email","Value":"a@b.c"}]}`,
		`{"MaxResults":0}`, `{"MaxResults":-1}`, `{"MaxResults":1e99}`, `{"Limit":"x"}`, `{"ClientMetadata":{"a":"b"}}`,
		`{"CreationDate":1.5e9}`, `{"ImageFile":"aGVsbG8="}`, `{"ImageFile":"%%%"}`, `{"Schema":[{"Name":"x","NumberAttributeConstraints":{}}]}`,
		`null`, `"x"`, `{"UserPoolId":null}`, "{\"Username\":\"\xff\xfe\"}", `{"a":` + strings.Repeat("[", 1000),
	}
	for i, s := range seeds {
		f.Add(uint16(i*7), []byte(s))
	}
	f.Fuzz(func(t *testing.T, op uint16, body []byte) {
		target := targets[int(op)%len(targets)]
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
		r.Header.Set("X-Amz-Target", target)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		var m map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
			t.Fatalf("%s: response is not JSON: %q", target, w.Body.String())
		}
		switch w.Code {
		case 200:
		case 400, 413:
			switch m["__type"] {
			case "SerializationException", "InvalidParameterException", "RequestEntityTooLargeException":
			default:
				t.Fatalf("%s: unexpected error %v", target, m)
			}
		default:
			t.Fatalf("%s: status %d %v for %q", target, w.Code, m, body)
		}
	})
}
