// Package postgres is the shared backend of store: any number of cirro
// processes may use one PostgreSQL database (or one schema of it, chosen
// with search_path in the DSN) at the same time.
//
// Correctness across processes rests on the database alone. Write
// transactions run at READ COMMITTED; an Update changes a row only if its
// version is still the one the domain read (compare-and-set), unique keys
// are a unique index, and a lost race surfaces as store.ErrConflict (which
// Write retries) or store.KeyConflict. Serialization failures and
// deadlocks are reported as ErrConflict too. What a writer only reads is
// not re-checked at commit, so a decision resting on it (a count under a
// quota, a parent that must outlive the insert of its child) takes a row
// lock first, Tx.Lock: SELECT … FOR SHARE or FOR UPDATE. Read
// transactions run at REPEATABLE READ, READ ONLY, so they see one
// snapshot; Lock there only checks that the record exists.
//
// Migrations run at Open under a transaction-scoped advisory lock, so
// processes starting together apply each step exactly once.
package postgres
