package pool

import (
	"regexp"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
)

// customizableClasses are the selectors the classic hosted UI lets a pool
// style: the class names of the developer guide ("Customizing the
// built-in sign-in and sign-up webpages") and of Cognito's CSS template.
var customizableClasses = map[string]bool{
	".background-customizable":             true,
	".banner-customizable":                 true,
	".errorMessage-customizable":           true,
	".idpButton-customizable":              true,
	".idpButton-customizable:hover":        true,
	".idpDescription-customizable":         true,
	".inputField-customizable":             true,
	".inputField-customizable:focus":       true,
	".label-customizable":                  true,
	".legalText-customizable":              true,
	".logo-customizable":                   true,
	".passwordCheck-notValid-customizable": true,
	".passwordCheck-valid-customizable":    true,
	".redirect-customizable":               true,
	".socialButton-customizable":           true,
	".submitButton-customizable":           true,
	".submitButton-customizable:hover":     true,
	".textDescription-customizable":        true,
}

var (
	cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	// "Property values can contain HTML, except for the following
	// values: @import, @supports, @page, or @media statements, or
	// Javascript" (developer guide).
	cssForbidden = regexp.MustCompile(`(?i)@import|@supports|@page|@media|javascript:|expression\s*\(|<\s*script`)
)

// checkCSS accepts a style sheet made only of rules whose selectors are
// customizable classes, without the constructs Cognito forbids.
func checkCSS(css string) error {
	css = cssComment.ReplaceAllString(css, "")
	if m := cssForbidden.FindString(css); m != "" {
		return errs.Newf(errs.InvalidParameterException, "CSS must not contain %s.", m)
	}
	rest := css
	for strings.TrimSpace(rest) != "" {
		selectors, after, ok := strings.Cut(rest, "{")
		if !ok {
			return errs.New(errs.InvalidParameterException, "CSS is not a list of rules: a selector has no block.")
		}
		body, next, ok := strings.Cut(after, "}")
		if !ok || strings.Contains(body, "{") {
			return errs.New(errs.InvalidParameterException, "CSS is not a list of rules: a block is not closed.")
		}
		for _, sel := range strings.Split(selectors, ",") {
			if sel = strings.TrimSpace(sel); !customizableClasses[sel] {
				return errs.Newf(errs.InvalidParameterException, "CSS selector %q is not one of the customizable classes.", sel)
			}
		}
		rest = next
	}
	return nil
}
