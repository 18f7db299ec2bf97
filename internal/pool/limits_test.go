package pool

import (
	"context"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store/backend"
)

// The quota tables name only operations and categories that exist.
func TestQuotaTablesMatchTheModels(t *testing.T) {
	idp := map[string]bool{}
	for _, op := range (&cognitoidp.Handlers{}).Operations() {
		idp[op.Name] = true
	}
	for op, cat := range operationCategory {
		if !idp[op] {
			t.Errorf("operationCategory: %s is not a cognito-idp operation", op)
		}
		if _, ok := quotaCategories[cat]; !ok {
			t.Errorf("operationCategory: %s counts towards unknown category %s", op, cat)
		}
	}
	for op := range challengeResponses {
		if operationCategory[op] != CategoryUserAuthentication {
			t.Errorf("challenge response %s is not in UserAuthentication", op)
		}
	}
	identity := map[string]bool{}
	for _, op := range (&cognitoidentity.Handlers{}).Operations() {
		identity[op.Name] = true
	}
	for op := range identityOperationRate {
		if !identity[op] {
			t.Errorf("identityOperationRate: %s is not a cognito-identity operation", op)
		}
	}
}

func TestLimitsMaxConfig(t *testing.T) {
	for _, tc := range []struct {
		max map[string]int
		ok  bool
	}{
		{nil, true},
		{map[string]int{"UserAuthentication": 500}, true},
		{map[string]int{"UserAuthentication": 120}, true},
		{map[string]int{"UserAuthentication": 119}, false},
		{map[string]int{"UserList": 100}, false},
		{map[string]int{"NoSuchCategory": 100}, false},
	} {
		_, err := NewLimits(LimitsConfig{Max: tc.max})
		if (err == nil) != tc.ok {
			t.Errorf("max %v: err %v, want ok=%v", tc.max, err, tc.ok)
		}
	}
}

func TestAdmitChallengeAllowance(t *testing.T) {
	ctx := context.Background()
	st, err := backend.Open(ctx, "memory")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clk := clock.NewFake(time.Unix(1_700_000_000, 0))
	l, err := NewLimits(LimitsConfig{Store: st, Clock: clk, Enforce: true})
	if err != nil {
		t.Fatal(err)
	}
	// 3×120 challenge responses ride on their own allowance; the next
	// ones take UserAuthentication's 120, which InitiateAuth then lacks.
	for i := range 360 + 120 {
		if err := l.Admit(ctx, "cognito-idp", "RespondToAuthChallenge"); err != nil {
			t.Fatalf("response %d: %v", i+1, err)
		}
	}
	if err := l.Admit(ctx, "cognito-idp", "InitiateAuth"); !errs.Is(err, errs.TooManyRequestsException) {
		t.Fatalf("InitiateAuth after the allowance was spent: %v", err)
	}
	if err := l.Admit(ctx, "cognito-idp", "ListUsers"); err != nil {
		t.Fatalf("another category throttled: %v", err)
	}
	if err := l.Admit(ctx, "cognito-idp", "ListTerms"); err != nil {
		t.Fatalf("an uncategorized operation throttled: %v", err)
	}
	for i := range 5 {
		if err := l.Admit(ctx, "cognito-identity", "ListIdentities"); err != nil {
			t.Fatalf("ListIdentities %d: %v", i+1, err)
		}
	}
	if err := l.Admit(ctx, "cognito-identity", "ListIdentities"); !errs.Is(err, errs.TooManyRequestsException) {
		t.Fatalf("6th ListIdentities in one instant: %v", err)
	}
	clk.Advance(time.Second)
	if err := l.Admit(ctx, "cognito-idp", "InitiateAuth"); err != nil {
		t.Fatalf("InitiateAuth after a second: %v", err)
	}
}
