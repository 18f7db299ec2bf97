// Package sqlbase holds what the SQL backends (sqlite, postgres) have in
// common and must agree on to pass the same conformance suite: validation
// of records, normalisation of keys, the byte-order prefix range, the
// encoding of expiry times, the SQL of List and Count, the Write retry
// loop and the loading of embedded migrations. It opens no database.
package sqlbase
