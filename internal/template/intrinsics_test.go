package template_test

import (
	"reflect"
	"testing"

	"github.com/cirrohq/cirro/cirrotest"
)

// TestIntrinsics resolves every intrinsic function and pseudo parameter,
// from the same template in YAML short form and in JSON long form.
func TestIntrinsics(t *testing.T) {
	var yamlOut map[string]string
	for _, file := range []string{"intrinsics.yaml", "intrinsics.json"} {
		t.Run(file, func(t *testing.T) {
			c := cirrotest.Start(t)
			res := mustApply(t, engine(c, nil), "Intrinsics", parseFile(t, "testdata/templates/"+file), nil)
			st := loadState(t, c, "Intrinsics")
			pool := st.Resources["Pool"].PhysicalID
			if st.Resources["Unused"] != nil {
				t.Error("Unused (condition IsProd, false) was created")
			}
			got := map[string]string{}
			for _, o := range res.Outputs {
				got[o.Key] = o.Value
			}
			srv := c.Internal().Config
			want := map[string]string{
				"Join":         "a.example.com,b.example.com",
				"Select":       "b.example.com",
				"Split":        "c",
				"Sub":          "Intrinsics/dev/" + pool + "/${Literal}",
				"SubVars":      "Hello, dev",
				"SubAttr":      "arn:aws:cognito-idp:us-east-1:" + srv.AccountID + ":userpool/" + pool,
				"If":           "development",
				"IfNoValue":    "x",
				"Both":         "yes",
				"FindInMap":    "12",
				"Base64":       "Y2lycm8=",
				"AZ":           "us-east-1a",
				"Pseudo":       "us-east-1 " + srv.AccountID + " aws amazonaws.com",
				"ProviderName": "cognito-idp.us-east-1.amazonaws.com/" + pool,
				"ProviderURL":  srv.PublicURL + "/" + pool,
				"PoolId":       pool,
			}
			if !reflect.DeepEqual(got, want) {
				for k := range want {
					if got[k] != want[k] {
						t.Errorf("%s = %q, want %q", k, got[k], want[k])
					}
				}
				for k := range got {
					if _, ok := want[k]; !ok {
						t.Errorf("unexpected output %s = %q", k, got[k])
					}
				}
			}
			if p := st.Resources["Pool"].Properties; p["UserPoolName"] != "Intrinsics-dev" {
				t.Errorf("UserPoolName %v", p["UserPoolName"])
			}
			if file == "intrinsics.yaml" {
				yamlOut = got
			} else if yamlOut != nil {
				for k, v := range yamlOut {
					if k != "Sub" && k != "SubAttr" && k != "ProviderName" && k != "ProviderURL" && k != "PoolId" && got[k] != v {
						t.Errorf("YAML and JSON differ on %s: %q vs %q", k, v, got[k])
					}
				}
			}
		})
	}
}
