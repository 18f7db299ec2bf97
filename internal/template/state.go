package template

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// StackState is what earlier applies of a stack left: one ResourceState
// per logical id, and the outputs as last resolved.
type StackState struct {
	Name      string                    `json:"Name"`
	Resources map[string]*ResourceState `json:"Resources"`
	Outputs   []OutputValue             `json:"Outputs,omitempty"`
}

// ResourceState is one resource as applied.
type ResourceState struct {
	LogicalID  string `json:"LogicalId"`
	Type       string `json:"Type"`
	PhysicalID string `json:"PhysicalId"`
	// Properties are the resolved properties last applied; the plan
	// compares the template's against them.
	Properties map[string]any `json:"Properties,omitempty"`
	// Attributes are values fixed when the resource was created that its
	// physical id does not imply (a generated name, a CloudFront domain).
	Attributes map[string]string `json:"Attributes,omitempty"`
	// DependsOn are the resources this one referenced, so that removals
	// run dependents first even once the template no longer says so.
	DependsOn           []string `json:"DependsOn,omitempty"`
	DeletionPolicy      string   `json:"DeletionPolicy,omitempty"`
	UpdateReplacePolicy string   `json:"UpdateReplacePolicy,omitempty"`
	// Status is "" for a live resource, or StatusDeleteFailed when the
	// cleanup phase could not remove it (the next apply tries again).
	Status string `json:"Status,omitempty"`
}

// StatusDeleteFailed marks a resource the template dropped but that could
// not be deleted.
const StatusDeleteFailed = "DELETE_FAILED"

// OutputValue is one resolved output.
type OutputValue struct {
	Key         string `json:"OutputKey"`
	Value       string `json:"OutputValue"`
	Description string `json:"Description,omitempty"`
	ExportName  string `json:"ExportName,omitempty"`
}

// States keeps stacks' state. StoreStates keeps it in cirro's store; the
// remote client reaches the same records through a server's stack API.
type States interface {
	// Load returns a stack's state, empty (not nil) for a new stack.
	Load(ctx context.Context, stack string) (*StackState, error)
	// PutResource records one resource, replacing its previous record.
	PutResource(ctx context.Context, stack string, r *ResourceState) error
	// DeleteResource forgets one resource (absent is not an error).
	DeleteResource(ctx context.Context, stack, logicalID string) error
	// PutOutputs records the resolved outputs.
	PutOutputs(ctx context.Context, stack string, outputs []OutputValue) error
	// Lock takes the stack's apply lease for ttl, so that two servers
	// started on one database with the same template do not both create
	// its resources. It fails with ErrLocked while another holds it.
	Lock(ctx context.Context, stack, owner string, ttl time.Duration) (token string, err error)
	// Unlock releases a lease taken with Lock.
	Unlock(ctx context.Context, stack, token string) error
}

// ErrLocked is returned by Lock while another apply holds the stack.
var ErrLocked = errors.New("stack is being applied by another process")

// stackNamePattern is CloudFormation's rule for stack names.
var stackNamePattern = regexp.MustCompile(`^[A-Za-z][-A-Za-z0-9]{0,127}$`)

// CheckStackName refuses names CloudFormation would.
func CheckStackName(name string) error {
	if !stackNamePattern.MatchString(name) {
		return fmt.Errorf("stack name %q: must start with a letter and contain only letters, digits and hyphens (at most 128)", name)
	}
	return nil
}

// lockWait is how long an apply waits for another to finish.
const lockWait = 2 * time.Minute

// lockTTL bounds how long a crashed apply keeps a stack locked.
const lockTTL = 5 * time.Minute

// acquire waits for the stack's lease.
func acquire(ctx context.Context, st States, stack, owner string) (string, error) {
	deadline := time.Now().Add(lockWait)
	delay := 100 * time.Millisecond
	for {
		token, err := st.Lock(ctx, stack, owner, lockTTL)
		if !errors.Is(err, ErrLocked) {
			return token, err
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("stack %s: %w (waited %s)", stack, err, lockWait)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

func secondsTTL(n int) time.Duration { return time.Duration(n) * time.Second }
