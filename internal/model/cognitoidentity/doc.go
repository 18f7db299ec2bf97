// Package cognitoidentity holds the wire types of the cognitoidentity API, generated from its
// botocore model by ../modelgen: one struct per shape with the model's
// constraints as Validate methods, and the Handlers table through which
// internal/api plugs in its implementations. Nothing here is written by hand
// except this file; run `go generate ./intern../model` after a model update.
package cognitoidentity
