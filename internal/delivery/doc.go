// Package delivery holds the adapters that implement message.Sender and
// the Router that picks one per channel.
//
// Email goes through an SMTP server (delivery/smtp). SMS goes to an HTTP
// webhook the operator points at their gateway (delivery/smswebhook),
// because no SMS provider is universal. Whatever has no adapter configured
// lands in the outbox (delivery/outbox), which keeps messages in the store
// for a day so that a developer, or a test, can read the code it carries;
// delivery/outboxhttp serves it as a page and as JSON.
package delivery
