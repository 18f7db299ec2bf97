// Package smtp delivers email messages through an SMTP server, with
// wneessen/go-mail as the client.
//
// Each message opens its own connection: verification emails are rare
// and latency-tolerant next to the cost of a pooled connection that a
// server dropped while idle, and a fresh connection per message needs no
// locking across concurrent requests.
//
// Credentials are never sent in clear over the network: PLAIN and LOGIN
// authentication require TLS (tls or starttls) unless the server is on
// loopback, a rule the client library enforces.
package smtp
