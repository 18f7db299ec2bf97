package user

import (
	"testing"

	"github.com/cirrohq/cirro/internal/errs"
)

func TestParseFilter(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want *filter
		err  string
	}{
		{in: "", want: nil},
		{in: "   ", want: nil},
		{in: `email = "a@example.com"`, want: &filter{attr: "email", value: "a@example.com"}},
		{in: `given_name^="Jo"`, want: &filter{attr: "given_name", prefix: true, value: "Jo"}},
		{in: ` family_name  =  "Reddy" `, want: &filter{attr: "family_name", value: "Reddy"}},
		{in: `name = "say \"hi\" \\ bye"`, want: &filter{attr: "name", value: `say "hi" \ bye`}},
		{in: `cognito:user_status = "confirmed"`, want: &filter{attr: "cognito:user_status", value: "confirmed"}},
		{in: `status = "Enabled"`, want: &filter{attr: "status", value: "Enabled"}},
		{in: `sub ^= ""`, want: &filter{attr: "sub", prefix: true, value: ""}},
		{in: `foo`, err: "Error while parsing filter."},
		{in: `email "a"`, err: "Error while parsing filter."},
		{in: `email = a`, err: "Error while parsing filter."},
		{in: `email = "a`, err: "Error while parsing filter."},
		{in: `email = "a" and name = "b"`, err: "Error while parsing filter."},
		{in: `email != "a"`, err: "Error while parsing filter."},
		{in: `= "a"`, err: "Error while parsing filter."},
		{in: `custom:team = "a"`, err: "Invalid search attribute: custom:team"},
		{in: `nickname = "a"`, err: "Invalid search attribute: nickname"},
	} {
		got, err := parseFilter(tc.in)
		if tc.err != "" {
			wantErr(t, err, errs.InvalidParameterException, tc.err)
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("%q: got %+v, want %+v", tc.in, got, tc.want)
		}
	}
}
