package pool

import (
	"strings"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

func TestCheckDomainName(t *testing.T) {
	s := &Service{Region: "eu-west-1", BaseDomain: "Cirro.Example"}
	cases := []struct {
		domain string
		custom bool
		want   string // "" when valid
	}{
		{"my-app", false, ""},
		{"a", false, ""},
		{"0-9", false, ""},
		{"-a", false, "The domain name contains an invalid character."},
		{"a-", false, "The domain name contains an invalid character."},
		{"a.b", false, "The domain name contains an invalid character."},
		{"UPPER", false, "The domain name contains an invalid character."},
		{"aws", false, "Domain cannot contain reserved word: aws"},
		{"my-amazon-app", false, "Domain cannot contain reserved word: amazon"},
		{"newcognito", false, "Domain cannot contain reserved word: cognito"},
		{"auth.example.com", true, ""},
		{"login", true, ""},
		{"aws.example.com", true, ""}, // reserved words restrict prefixes only
		{"auth..example.com", true, "is not a valid host name"},
		{"auth.example.com.", true, "is not a valid host name"},
		{"auth_x.example.com", true, "is not a valid host name"},
		{"x.auth.eu-west-1.cirro.example", true, "is inside the domain of prefix domains"},
	}
	for _, tc := range cases {
		err := s.checkDomainName(tc.domain, tc.custom)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q (custom %v): %v", tc.domain, tc.custom, err)
			}
			continue
		}
		e, ok := errs.As(err)
		if !ok || e.Code != errs.InvalidParameterException || !strings.Contains(e.Message, tc.want) {
			t.Errorf("%q (custom %v): got %v, want InvalidParameterException %q", tc.domain, tc.custom, err, tc.want)
		}
	}
}

func TestCheckManagedLoginVersion(t *testing.T) {
	lite := &cognitoidp.UserPoolType{UserPoolTier: ptr(cognitoidp.UserPoolTierTypeLite)}
	plus := &cognitoidp.UserPoolType{UserPoolTier: ptr(cognitoidp.UserPoolTierTypePlus)}
	unset := &cognitoidp.UserPoolType{}
	for _, tc := range []struct {
		p    *cognitoidp.UserPoolType
		v    int32
		want errs.Code
	}{
		{unset, 1, ""}, {unset, 2, ""}, {plus, 2, ""}, {lite, 1, ""},
		{lite, 2, errs.FeatureUnavailableInTierException},
		{unset, 0, errs.InvalidParameterException}, {unset, 3, errs.InvalidParameterException},
	} {
		err := checkManagedLoginVersion(tc.p, tc.v)
		if tc.want == "" && err != nil || tc.want != "" && !errs.Is(err, tc.want) {
			t.Errorf("tier %v version %d: %v, want %q", tc.p.UserPoolTier, tc.v, err, tc.want)
		}
	}
}

func TestDomainHosts(t *testing.T) {
	s := &Service{Region: "us-east-1", PublicURL: "https://idp.example.net:8443", Clock: clock.NewFake(time.Date(2019, 1, 28, 17, 54, 2, 0, time.UTC))}
	if got := s.PrefixHost("my-app"); got != "my-app.auth.us-east-1.localhost" {
		t.Errorf("PrefixHost = %q", got)
	}
	if got := s.distribution("my-app", false); got != "my-app.auth.us-east-1.localhost" {
		t.Errorf("prefix distribution = %q", got)
	}
	if got := s.distribution("auth.example.com", true); got != "idp.example.net" {
		t.Errorf("custom distribution = %q", got)
	}
	if got := s.domainVersion(); got != "20190128175402" {
		t.Errorf("version = %q", got)
	}
	for in, want := range map[string]string{
		"Auth.Example.COM":      "auth.example.com",
		"auth.example.com:443":  "auth.example.com",
		"auth.example.com.":     "auth.example.com",
		"auth.example.com.:443": "auth.example.com",
		"[::1]:80":              "::1",
	} {
		if got := normalizeHost(in); got != want {
			t.Errorf("normalizeHost(%q) = %q, want %q", in, got, want)
		}
	}
}
