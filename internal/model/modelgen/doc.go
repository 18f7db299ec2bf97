// Command modelgen generates cirro's wire types from the botocore API
// models of cognito-idp and cognito-identity.
//
// The models are data: every request and response shape, every member's
// constraints (required, length, pattern, enum, range) and every operation
// come from them, so the wire layer never drifts from what the AWS SDKs
// send. For each service it writes, into internal/model/<service>/:
//
//	zz_types.go     one Go struct per structure shape, enum constants
//	zz_validate.go  a Validate method per structure (the model's constraints)
//	zz_ops.go       the Handlers table and the dispatch list of operations
//
// and, for both services together, internal/errs/codes_gen.go with every
// exception shape as an errs.Code.
//
// Run it with `go generate ./internal/model` (models are read from
// ../shared/aws-models, or from $CIRRO_MODELS).
package main
