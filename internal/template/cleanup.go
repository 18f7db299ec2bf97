package template

import (
	"context"
	"fmt"
	"strings"
)

// CleanupError lists the removals that failed after a successful apply.
type CleanupError struct{ Failures []error }

func (e *CleanupError) Error() string {
	msgs := make([]string, len(e.Failures))
	for i, f := range e.Failures {
		msgs[i] = f.Error()
	}
	return "the apply succeeded, but removing dropped resources failed (the next apply retries): " + strings.Join(msgs, "; ")
}

// cleanup removes the previous versions of replaced resources (newest
// replacement first, so dependents go before what they depended on), then
// what the template dropped, each unless its policy retains it.
func (r *run) cleanup(ctx context.Context) error {
	var failures []error
	for i := len(r.replaced) - 1; i >= 0; i-- {
		old := r.replaced[i]
		// The resource's record is its replacement's now: only the old
		// one itself goes.
		if err := r.remove(ctx, old, old.UpdateReplacePolicy); err != nil {
			failures = append(failures, err)
		}
	}
	for _, s := range r.pl.Steps {
		if s.Action != ActionDelete && s.Action != ActionRetain {
			continue
		}
		old := r.pl.state.Resources[s.LogicalID]
		err := r.remove(ctx, old, old.DeletionPolicy)
		if err != nil {
			failures = append(failures, err)
			failed := *old
			failed.Status = StatusDeleteFailed
			if perr := r.eng.States.PutResource(ctx, r.pl.Stack, &failed); perr != nil {
				failures = append(failures, perr)
			}
			continue
		}
		if err := r.eng.States.DeleteResource(ctx, r.pl.Stack, old.LogicalID); err != nil {
			failures = append(failures, err)
		}
		delete(r.live, old.LogicalID)
	}
	if len(failures) > 0 {
		return &CleanupError{Failures: failures}
	}
	return nil
}

// remove deletes one resource, or leaves it in place when policy retains
// it.
func (r *run) remove(ctx context.Context, old *ResourceState, policy string) error {
	if policy == PolicyRetain || policy == PolicyRetainExceptOnCreate {
		r.eng.logf("retained %s (%s): %s is left in place and no longer managed", old.LogicalID, old.Type, old.PhysicalID)
		return nil
	}
	if err := kindOf(old.Type).remove(ctx, r.pl.newRC(old.LogicalID, old.Type, old), false); err != nil {
		return fmt.Errorf("%s (%s) %s: %w", old.LogicalID, old.Type, old.PhysicalID, err)
	}
	r.eng.logf("deleted %s (%s): %s", old.LogicalID, old.Type, old.PhysicalID)
	return nil
}
