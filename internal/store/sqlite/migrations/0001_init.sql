-- Records are the domain's documents. (kind, id) is the identity. The table
-- keeps SQLite's rowid so that large documents live in the table b-tree
-- and not inside an index.
CREATE TABLE records (
    kind            TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    scope           TEXT    NOT NULL,
    data            BLOB    NOT NULL,
    version         INTEGER NOT NULL,
    expires_unix_ns INTEGER,
    PRIMARY KEY (kind, id)
) STRICT;

-- List within a scope in id order, and DeleteScope.
CREATE INDEX records_by_scope ON records (scope, kind, id);
-- Sweep; most records never expire and stay out of this index.
CREATE INDEX records_by_expiry ON records (expires_unix_ns) WHERE expires_unix_ns IS NOT NULL;

-- Secondary keys, one row per key. scope is copied from the record so that
-- uniqueness and lookups stay within one index. Deleting a record deletes
-- its keys through the cascade.
CREATE TABLE record_keys (
    kind  TEXT    NOT NULL,
    scope TEXT    NOT NULL,
    name  TEXT    NOT NULL,
    value TEXT    NOT NULL,
    id    TEXT    NOT NULL,
    uniq  INTEGER NOT NULL CHECK (uniq IN (0, 1)),
    FOREIGN KEY (kind, id) REFERENCES records (kind, id) ON DELETE CASCADE
) STRICT;

-- The uniqueness guarantee itself: the database, not the code, refuses a
-- second holder.
CREATE UNIQUE INDEX record_keys_unique ON record_keys (kind, scope, name, value) WHERE uniq;
-- Lookup, equality and prefix (range) filters within a scope, in id order.
CREATE INDEX record_keys_by_value ON record_keys (kind, scope, name, value, id);
-- The same across scopes (Query.AnyScope).
CREATE INDEX record_keys_by_value_any_scope ON record_keys (kind, name, value, id);
-- Replacing and cascading the keys of one record.
CREATE INDEX record_keys_by_record ON record_keys (kind, id);
