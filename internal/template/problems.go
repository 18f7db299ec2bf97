package template

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a template: where (a path such as
// "Resources.Pool.Properties.Policies.PasswordPolicy.MinimumLength") and
// what.
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// TemplateError lists every problem found in a template; nothing was
// changed because of it.
type TemplateError struct {
	Name     string
	Problems []Problem
}

func (e *TemplateError) Error() string {
	var b strings.Builder
	if e.Name != "" {
		b.WriteString(e.Name)
		b.WriteString(": ")
	}
	if len(e.Problems) == 1 {
		b.WriteString(e.Problems[0].String())
		return b.String()
	}
	fmt.Fprintf(&b, "%d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// AsTemplateError extracts a *TemplateError from err.
func AsTemplateError(err error) (*TemplateError, bool) {
	var te *TemplateError
	ok := errors.As(err, &te)
	return te, ok
}

// problems collects Problems so that one run reports all of them.
type problems struct{ list []Problem }

func (p *problems) addf(path, format string, args ...any) {
	p.list = append(p.list, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) empty() bool { return len(p.list) == 0 }

func (p *problems) err(name string) error {
	if p.empty() {
		return nil
	}
	list := append([]Problem(nil), p.list...)
	sort.SliceStable(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	return &TemplateError{Name: name, Problems: list}
}
