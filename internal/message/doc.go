// Package message is the domain side of everything cirro sends to users:
// Cognito's message templates and their defaults, placeholder rendering,
// one-time codes, and the Sender port.
//
// The user flows (sign-up, invitation, MFA, password recovery, attribute
// verification) decide what to send; this package turns a pool's stored
// templates into text and HTML with Cognito's placeholders, and defines the
// Message they hand to a Sender. Adapters that actually deliver (SMTP, an
// SMS webhook, the development outbox) live in internal/delivery, so the
// domain never imports a network client.
//
// Codes are generated here too, and stored only as keyed hashes bound to
// the pool, the user and the purpose: a database dump yields no usable
// code, and a code issued for one purpose cannot confirm another.
package message
