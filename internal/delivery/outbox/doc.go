// Package outbox is the development mailbox: a message.Sender that keeps
// messages in the store instead of delivering them, so that a developer
// (through the page delivery/outboxhttp serves) or a test can read the
// code a message carries.
//
// It lives in the store rather than in memory so that every cirro node
// sharing a database sees every message, whichever node sent it. Each
// message expires after a day; the store's Sweep removes it.
//
// The outbox holds live codes and temporary passwords in clear. That is
// its purpose, and the reason it is the default only when no real sender
// is configured and is served only in development mode or when enabled.
package outbox
