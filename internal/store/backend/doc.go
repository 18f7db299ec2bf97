// Package backend turns the database setting of cirro's configuration (a
// single string) into an open store.Store, so that neither the server nor
// the tests need to know the backends by name.
package backend
