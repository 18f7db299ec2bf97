package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/cirrohq/cirro/internal/template/remote"
)

// runOutputs is `cirro outputs`: a stack's Outputs as resolved by its
// last apply, as `aws cloudformation describe-stacks` shows them.
func runOutputs(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("outputs", flag.ContinueOnError)
	stackName := fs.String("stack-name", "", "stack whose outputs to print (required)")
	asJSON := fs.Bool("json", false, "print a JSON array of {OutputKey, OutputValue, …} instead of key<TAB>value lines")
	rf := remoteFlagsFor(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *stackName == "" {
		return errors.New("--stack-name is required")
	}
	cfg, err := rf.awsConfig(ctx)
	if err != nil {
		return err
	}
	st, err := remote.NewStates(cfg).Load(ctx, *stackName)
	if err != nil {
		return err
	}
	if len(st.Resources) == 0 && len(st.Outputs) == 0 {
		return fmt.Errorf("stack %s does not exist (nothing was applied to it)", *stackName)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if st.Outputs == nil {
			return enc.Encode([]any{})
		}
		return enc.Encode(st.Outputs)
	}
	printOutputs(stdout, st.Outputs)
	return nil
}

// remoteCommand runs apply, export or outputs until done or interrupted;
// an interrupted apply rolls back what it did and releases the stack.
func remoteCommand(name string, args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch name {
	case "apply":
		return runApply(ctx, args, os.Stdout)
	case "export":
		return runExport(ctx, args, os.Stdout, os.Stderr)
	}
	return runOutputs(ctx, args, os.Stdout)
}
