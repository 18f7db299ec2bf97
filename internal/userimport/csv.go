package userimport

import (
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// The columns of every import file besides the pool's attributes.
const (
	colUsername   = "cognito:username"
	colMFAEnabled = "cognito:mfa_enabled"
)

// Limits of the file ("Formatting the .csv file", developer guide).
const (
	maxFileSize = 100 << 20 // "The maximum .csv file size is 100 MB."
	maxUsers    = 500_000   // "The maximum number of rows (users) in the file is 500,000."
	maxRowChars = 16_000    // "The maximum row length is 16,000 characters."
)

// header is GetCSVHeader's answer for pool p: every attribute of the
// pool's schema in schema order (standard attributes as Cognito lists
// them, then custom ones) but sub, then cognito:mfa_enabled and
// cognito:username, as the developer guide's sample response shows it.
func header(p *cognitoidp.UserPoolType) []string {
	out := make([]string, 0, len(p.SchemaAttributes)+2)
	for _, a := range p.SchemaAttributes {
		if name := deref(a.Name); name != "" && name != "sub" && name != "identities" {
			out = append(out, name)
		}
	}
	return append(out, colMFAEnabled, colUsername)
}

// checkHeader compares a file's header row with the pool's columns: "All
// columns in the header must be present" and "The order of columns in the
// .csv file doesn't matter". A file whose columns differ cannot be parsed,
// and then "the import job will fail" (developer guide, Viewing the user
// pool import results).
func checkHeader(p *cognitoidp.UserPoolType, cols []string) string {
	want := header(p)
	seen := map[string]bool{}
	var unknown, dup []string
	for _, c := range cols {
		switch {
		case seen[c]:
			dup = append(dup, c)
		case !slices.Contains(want, c):
			unknown = append(unknown, c)
		}
		seen[c] = true
	}
	var missing []string
	for _, c := range want {
		if !seen[c] {
			missing = append(missing, c)
		}
	}
	var problems []string
	if len(missing) > 0 {
		problems = append(problems, "missing columns: "+strings.Join(missing, ", "))
	}
	if len(unknown) > 0 {
		problems = append(problems, "columns that are not attributes of the user pool: "+strings.Join(unknown, ", "))
	}
	if len(dup) > 0 {
		problems = append(problems, "repeated columns: "+strings.Join(dup, ", "))
	}
	if len(problems) == 0 {
		return ""
	}
	return "The CSV header does not match the user pool (see GetCSVHeader): " + strings.Join(problems, "; ") + "."
}

// fields splits one line of the file. Cognito's format is not RFC 4180:
// "Attribute values that are strings should not be in quotation marks"
// and "If an attribute value contains a comma, you must put a backslash
// (\) before the comma"; "Any leading or trailing white space in an
// attribute value will be trimmed". A backslash before anything else is
// kept as it is.
func fields(line string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\' && i+1 < len(line) && line[i+1] == ',':
			b.WriteByte(',')
			i++
		case c == ',':
			out = append(out, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(out, strings.TrimSpace(b.String()))
}
