// Package template runs CloudFormation templates — what `cdk synth`
// writes — as cirro's declarative configuration.
//
// A template is parsed (JSON or YAML, short-form tags included), its
// parameters and conditions resolved, its resources ordered by their
// references, and each resource's properties checked against the same
// model constraints the API enforces, before anything is changed. The
// plan is the difference between that desired state and the state
// recorded by the previous apply of the same stack (logical id →
// physical id, and the properties applied), kept in cirro's store so that
// it survives restarts. Applying runs the plan through a Cloud — the
// domain services in-process (`cirro serve --template`) or a remote
// server through the AWS SDK (`cirro apply`) — and, when a step fails,
// undoes what this apply did, newest first, so that the previous state
// stands. Removals, like CloudFormation's cleanup phase, come last and
// are not undone: a deleted pool cannot be brought back.
//
// Each resource type is one file (res_*.go) describing its properties as
// a Go struct with CloudFormation's names, which properties force a
// replacement, and how it is created, updated, deleted and referenced.
// Types cirro recognises but cannot (yet) run are reported with one line
// each and never fail an apply.
package template
