package pool

import (
	"testing"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
)

func TestMergeSettings(t *testing.T) {
	for _, tc := range []struct{ old, patch, want string }{
		{``, `{"a":1}`, `{"a":1}`},
		{`{"a":1,"b":{"c":1,"d":2}}`, `{"b":{"c":3}}`, `{"a":1,"b":{"c":3,"d":2}}`},
		{`{"a":{"x":1}}`, `{"a":[1,2]}`, `{"a":[1,2]}`},
		{`{"a":1}`, `{"a":null}`, `{"a":null}`},
		{`{"n":12345678901234567890}`, `{"m":0.1}`, `{"m":0.1,"n":12345678901234567890}`},
	} {
		got, err := mergeSettings(shape.Document(tc.old), shape.Document(tc.patch))
		if err != nil || string(got) != tc.want {
			t.Errorf("merge(%s, %s) = %s, %v; want %s", tc.old, tc.patch, got, err, tc.want)
		}
	}
}

func asset(cat, mode, id string) cognitoidp.AssetType {
	a := cognitoidp.AssetType{Category: &cat, ColorMode: &mode, Extension: ptr("PNG")}
	if id != "" {
		a.ResourceId = &id
	}
	return a
}

func TestCheckBranding(t *testing.T) {
	yes := ptr(true)
	for _, tc := range []struct {
		name     string
		defaults *bool
		settings string
		assets   []cognitoidp.AssetType
		ok       bool
	}{
		{"nothing", nil, ``, nil, true},
		{"defaults alone", yes, ``, nil, true},
		{"defaults with null settings", yes, `null`, nil, true},
		{"defaults and settings", yes, `{}`, nil, false},
		{"defaults and assets", yes, ``, []cognitoidp.AssetType{asset("FORM_LOGO", "LIGHT", "")}, false},
		{"settings array", nil, `[1]`, nil, false},
		{"settings string", nil, ` "x"`, nil, false},
		{"same slot twice", nil, ``, []cognitoidp.AssetType{asset("FORM_LOGO", "LIGHT", ""), asset("FORM_LOGO", "LIGHT", "")}, false},
		{"two modes", nil, ``, []cognitoidp.AssetType{asset("FORM_LOGO", "LIGHT", ""), asset("FORM_LOGO", "DARK", "")}, true},
		{"two idp icons", nil, ``, []cognitoidp.AssetType{asset("IDP_BUTTON_ICON", "LIGHT", "a"), asset("IDP_BUTTON_ICON", "LIGHT", "b")}, true},
	} {
		err := checkBranding(tc.defaults, shape.Document(tc.settings), tc.assets)
		if tc.ok && err != nil || !tc.ok && !errs.Is(err, errs.InvalidParameterException) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestApplyBranding(t *testing.T) {
	b := &cognitoidp.ManagedLoginBrandingType{
		UseCognitoProvidedValues: ptr(true),
		Assets:                   []cognitoidp.AssetType{asset("FORM_LOGO", "LIGHT", "")},
	}
	newLogo := asset("FORM_LOGO", "LIGHT", "")
	newLogo.Bytes = []byte("new")
	err := applyBranding(b, &cognitoidp.UpdateManagedLoginBrandingRequest{
		Settings: shape.Document(`{"a":1}`),
		Assets:   []cognitoidp.AssetType{newLogo, asset("FORM_LOGO", "DARK", "")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if *b.UseCognitoProvidedValues || string(b.Settings) != `{"a":1}` || len(b.Assets) != 2 || string(b.Assets[0].Bytes) != "new" {
		t.Fatalf("after update %+v", b)
	}
	if err := applyBranding(b, &cognitoidp.UpdateManagedLoginBrandingRequest{UseCognitoProvidedValues: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if !*b.UseCognitoProvidedValues || b.Settings != nil || b.Assets == nil || len(b.Assets) != 0 {
		t.Fatalf("after reset %+v", b)
	}
}
