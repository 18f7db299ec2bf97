// Package shape is the small runtime that the generated model packages
// (internal/model/cognitoidp, internal/model/cognitoidentity) build on: the
// operation table entry, the validation-error accumulator that words
// failures the way Cognito does, and the JSON forms of the model's
// timestamp and document types.
package shape
