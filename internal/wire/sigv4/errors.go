package sigv4

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
)

// The messages below follow the wording AWS JSON services answer with, so
// that error handling (and people searching for the text) behave the same
// against cirro as against AWS.

const msgSignatureMismatch = "The request signature we calculated does not match the signature you provided. " +
	"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

func missingToken() *errs.Error {
	return errs.New(errs.MissingAuthenticationTokenException, "Missing Authentication Token")
}

func incomplete(msg string) *errs.Error {
	return errs.New(errs.IncompleteSignatureException, msg)
}

func invalidSignature(msg string) *errs.Error {
	return errs.New(errs.InvalidSignatureException, msg)
}

func unrecognizedClient() *errs.Error {
	return errs.New(errs.UnrecognizedClientException, "The security token included in the request is invalid.")
}

// hashed stands in for the Authorization header in messages, as AWS now does:
// echoing it would put a replayable signature into logs.
func hashed(header string) string {
	sum := sha256.Sum256([]byte(header))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// printable keeps client-chosen text in messages short and free of control
// characters; the message is logged as well as sent back.
func printable(s string) string {
	const limit = 128
	if len(s) > limit {
		s = s[:limit] + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

func expired(signed, now time.Time) *errs.Error {
	return invalidSignature(fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
		stamp(signed), stamp(now.Add(-MaxSkew)), stamp(now)))
}

func notYetCurrent(signed, now time.Time) *errs.Error {
	return invalidSignature(fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 15 min.)",
		stamp(signed), stamp(now.Add(MaxSkew)), stamp(now)))
}

func badDate(got string) *errs.Error {
	return incomplete(fmt.Sprintf("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", printable(got)))
}
