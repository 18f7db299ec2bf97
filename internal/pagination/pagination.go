// Package pagination makes the NextToken/PaginationToken strings of list
// operations: opaque to clients and tamper-proof, because each is sealed
// under the master key and bound to the operation and scope that issued
// it. An edited or transplanted token is rejected, never trusted.
package pagination

import (
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/secrets"
)

const purpose = "pagination"

// Token seals cursor (the last ID returned) for op within scope.
func Token(kr *secrets.Keyring, op, scope, cursor string) *string {
	if cursor == "" {
		return nil
	}
	t := kr.SealToken(purpose, []byte(cursor), []byte(op+"\x00"+scope))
	return &t
}

// Cursor opens a token made by Token for the same op and scope. A nil or
// empty token starts from the beginning.
func Cursor(kr *secrets.Keyring, op, scope string, token *string) (string, error) {
	if token == nil || *token == "" {
		return "", nil
	}
	b, err := kr.OpenToken(purpose, *token, []byte(op+"\x00"+scope))
	if err != nil {
		return "", errs.New(errs.InvalidParameterException, "Invalid pagination token.")
	}
	return string(b), nil
}
