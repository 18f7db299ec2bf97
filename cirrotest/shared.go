package cirrotest

import (
	"crypto/rand"
	"testing"

	"github.com/cirrohq/cirro/internal/secrets"
)

// Several servers started on one database are several cirro nodes: what
// one of them writes (a sign-out, a revocation) the others must honour.
// They need the same database schema, the same master key, since a node
// refuses to start with a key other than the one the database was created
// with, and the same public URL, which is the issuer of their tokens (by
// default each server's URL is its own listening address):
//
//	dsn := cirrotest.SharedPostgres(t, os.Getenv("CIRRO_TEST_POSTGRES"))
//	node := cirrotest.SharedNode(dsn, cirrotest.NewMasterKey(), "https://idp.example.test")
//	a := cirrotest.Start(t, node)
//	b := cirrotest.Start(t, node)

// SharedPostgres creates a fresh schema in the PostgreSQL database at dsn
// and returns a DSN on it, for WithDB. The schema is dropped when the test
// ends, after the servers started on it have stopped.
func SharedPostgres(t testing.TB, dsn string) string {
	t.Helper()
	return freshSchema(t, dsn)
}

// NewMasterKey returns a random master key for WithMasterKey.
func NewMasterKey() []byte {
	k := make([]byte, secrets.KeySize)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return k
}

// WithMasterKey starts the server with the given master key instead of a
// random one, so that servers sharing a database can read each other's
// sealed secrets (signing keys, client secrets, SRP verifiers).
func WithMasterKey(key []byte) Option {
	return func(s *settings) {
		kr, err := secrets.New(key)
		if err != nil {
			panic("cirrotest: " + err.Error())
		}
		s.opts.Keys = kr
	}
}

// SharedNode starts the server as one node of several on the database at
// dsn: with the nodes' common master key and public URL.
func SharedNode(dsn string, key []byte, publicURL string) Option {
	return func(s *settings) {
		WithDB(dsn)(s)
		WithMasterKey(key)(s)
		s.cfg.PublicURL = publicURL
	}
}
