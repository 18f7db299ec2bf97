package template

import (
	"fmt"
	"io"
	"strings"
)

var actionMarks = map[Action]string{
	ActionCreate: "+", ActionUpdate: "~", ActionReplace: "±", ActionDelete: "-", ActionRetain: "r",
	ActionNone: "=", ActionSkip: "·", ActionNotYet: "!", ActionInactive: "·",
}

// Render writes the plan as `cirro apply --dry-run` shows it: one line
// per resource, then a count of the changes.
func (p *Plan) Render(w io.Writer) {
	fmt.Fprintf(w, "stack %s:\n", p.Stack)
	width := 0
	for _, s := range p.Steps {
		width = max(width, len(s.LogicalID))
	}
	counts := map[Action]int{}
	for _, s := range p.Steps {
		counts[s.Action]++
		action := string(s.Action)
		if s.Tentative {
			action += "?"
		}
		line := fmt.Sprintf("  %s %-10s %-*s %s", actionMarks[s.Action], action, width, s.LogicalID, s.Type)
		switch {
		case s.Reason != "":
			line += ": " + s.Reason
		case len(s.Changes) > 0:
			line += ": " + strings.Join(s.Changes, ", ")
		}
		if s.Tentative {
			line += " (depends on values known after apply)"
		}
		fmt.Fprintln(w, line)
	}
	var parts []string
	for _, a := range []Action{ActionCreate, ActionUpdate, ActionReplace, ActionDelete, ActionRetain, ActionNone, ActionSkip, ActionNotYet} {
		if counts[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[a], a))
		}
	}
	if !p.Changes() {
		parts = append([]string{"nothing to change"}, parts...)
	}
	fmt.Fprintf(w, "%s\n", strings.Join(parts, ", "))
}
