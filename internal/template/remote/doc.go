// Package remote is how `cirro apply` reaches a running cirro: a
// template.Cloud on the AWS SDK's Cognito clients, and template.States
// on the server's stack API, both signed with the same credentials.
package remote
