// Package pgtest gives tests a private PostgreSQL schema, so that test
// runs, packages and parallel tests never see each other's data, and
// skips them when no test server is configured. Tests only.
package pgtest
