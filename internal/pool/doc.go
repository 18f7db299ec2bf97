// Package pool is the control plane of user pools: pools, app clients,
// groups, resource servers, domains, identity providers and the settings
// hung on them, with Cognito's defaults and validation beyond the model's
// constraints.
//
// Configuration is kept in the model's own shapes (cognitoidp.UserPoolType
// and friends) so that Describe* returns exactly what Create*/Update*
// stored. Every other package reads pool settings through this one.
//
// Limits (limits*.go) holds the account's API request-rate quotas: the
// provisioned limits of GetProvisionedLimit/UpdateProvisionedLimit and,
// when enforced, the admission check the edge runs before each operation.
package pool
