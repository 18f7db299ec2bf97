// Package api connects the generated operation tables to the domain: one
// file per operation family registers its handlers and maps wire shapes to
// domain calls. It decides nothing itself; an operation whose field is left
// nil answers that it is not implemented, and docs/compatibility.md is
// generated from the same registrations.
package api
