package template

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cirrohq/cirro/internal/model/shape"
)

// kind is what cirro does with one CloudFormation resource type. Each
// type is described in its own res_*.go file and registered in kinds.
type kind struct {
	// props returns a new, empty properties struct: CloudFormation's
	// property names as json tags.
	props func() any
	// replace lists the properties whose change replaces the resource
	// (CloudFormation's "Update requires: Replacement").
	replace []string
	// needs are the operations ("service:Operation") the server must
	// implement; when one is missing the type is reported "not yet".
	needs []string
	// notYet, when set, reports the type as recognised but not run.
	notYet string
	// skip, when set, means the type has nothing to do in cirro; it is
	// reported with this reason. Its Ref and attributes are synthesized.
	skip string
	// check validates bound properties with the model's constraints (see
	// modelCheck), adding problems with paths relative to Properties.
	check func(x *rc, props any, p *problems)
	// create makes the resource, setting x.physical (and x.attrs).
	create func(ctx context.Context, x *rc, props any) error
	// update changes the resource in place (x.physical is set).
	update func(ctx context.Context, x *rc, props any) error
	// remove deletes it; force is set when rolling back a resource this
	// very apply created (deletion protection is then lifted first).
	remove func(ctx context.Context, x *rc, force bool) error
	// ref is the resource's Ref value; nil means its physical id.
	ref func(x *rc) string
	// attrs are the attribute names Fn::GetAtt may ask for, and attr
	// computes one. A nil attr answers from x.attrs.
	attrs []string
	attr  func(ctx context.Context, x *rc, name string) (string, error)
	// lazy lists attributes that need a call to the server (ClientSecret):
	// a plan shows them as known after apply.
	lazy []string
	// classify, when set, looks at bound properties and may decide that
	// this resource is one cirro skips after all (a custom resource whose
	// Lambda it cannot run), returning why.
	classify func(props any) string
	// synthRef, for a skipped type whose ids have a form the API checks
	// (a Pinpoint application id is hex), synthesizes its Ref.
	synthRef func(stack, id string) string
	// anyAttr lets Fn::GetAtt name any attribute (custom resources).
	anyAttr bool
	// identity names the thing in its parent (a group's name in its
	// pool): a replacement that keeps it must delete the old resource
	// before creating the new one, since both cannot exist at once.
	identity func(props any) string
}

// kinds is the registry of resource types, filled by the res_*.go files.
var kinds = map[string]*kind{}

func register(typ string, k *kind) {
	if _, dup := kinds[typ]; dup {
		panic("template: " + typ + " registered twice")
	}
	kinds[typ] = k
}

// kindOf returns the kind of a type; unknown types are skipped.
func kindOf(typ string) *kind {
	if k, ok := kinds[typ]; ok {
		return k
	}
	if strings.HasPrefix(typ, "Custom::") || typ == "AWS::CloudFormation::CustomResource" {
		return customResourceKind
	}
	return &kind{skip: "not a type cirro manages"}
}

// hasAttr reports whether Fn::GetAtt may name attr on this kind. Skipped
// kinds answer any attribute (with a synthesized value).
func (k *kind) hasAttr(attr string) bool {
	return k.skip != "" || k.notYet != "" || k.anyAttr || slices.Contains(k.attrs, attr)
}

// modelCheck runs the model's constraints on a request built from a
// resource's properties and reports each violation under the
// CloudFormation property it came from. renames maps a request member to
// its property name where they differ (PoolName → UserPoolName); members
// set by cirro rather than the template (ids of other resources, known
// only after apply) never show, because their values carry unknownMark.
func modelCheck(req shape.Input, renames map[string]string, p *problems) {
	var v shape.Violations
	req.Validate(&shape.Path{}, &v)
	for _, x := range v.List {
		if strings.Contains(x.Value, unknownMark) {
			continue
		}
		path := cfnPath(x.Path, renames)
		msg := x.Constraint
		if x.HasValue {
			msg = fmt.Sprintf("value %q fails the constraint: %s", clip(x.Value), x.Constraint)
		} else if x.Null {
			msg = "required"
		}
		p.addf(path, "%s", msg)
	}
}

// cfnPath turns a violation path ("policies.passwordPolicy.minimumLength",
// "scopes.2.member.scopeName") into property names
// ("Policies.PasswordPolicy.MinimumLength", "Scopes[1].ScopeName").
// renames replaces a leading member path ("PoolName",
// "EmailMfaConfiguration.Message") with the property it came from.
func cfnPath(path string, renames map[string]string) string {
	segs := strings.Split(path, ".")
	var b strings.Builder
	for i := 0; i < len(segs); i++ {
		s := segs[i]
		// A list element is "<list>.<n>.member", n counting from 1.
		if n, err := strconv.Atoi(s); err == nil && i+1 < len(segs) && segs[i+1] == "member" {
			fmt.Fprintf(&b, "[%d]", n-1)
			i++
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(upperFirst(s))
	}
	out := b.String()
	best := ""
	for from := range renames {
		if len(from) > len(best) && (out == from || strings.HasPrefix(out, from+".") || strings.HasPrefix(out, from+"[")) {
			best = from
		}
	}
	if best != "" {
		out = renames[best] + out[len(best):]
	}
	return out
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// str returns *p, or "" for nil.
func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ptr[T any](v T) *T { return &v }
