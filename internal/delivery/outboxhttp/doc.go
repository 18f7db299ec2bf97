// Package outboxhttp serves the development outbox over HTTP:
// GET /_cirro/outbox is a page listing recent messages, and
// GET /_cirro/outbox.json the same list as JSON for tests and scripts.
// Both take ?pool= and ?to= filters and ?limit=.
//
// It is an edge, kept apart from internal/message and the outbox itself
// so that the domain never depends on net/http. The server mounts it only
// in development mode or when enabled in configuration: the page shows
// live codes and temporary passwords.
package outboxhttp
