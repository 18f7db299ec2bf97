-- Every text column uses the "C" collation: ids must sort (and paginate)
-- by bytes exactly as on SQLite, whatever the database's locale, and the
-- key-prefix filter is a byte range that only a "C" index can serve.

-- Records are the domain's documents; (kind, id) is the identity.
CREATE TABLE records (
    kind            text COLLATE "C" NOT NULL,
    id              text COLLATE "C" NOT NULL,
    scope           text COLLATE "C" NOT NULL,
    data            bytea  NOT NULL,
    version         bigint NOT NULL,
    expires_unix_ns bigint,
    CONSTRAINT records_pkey PRIMARY KEY (kind, id)
);

-- List within a scope in id order, and DeleteScope.
CREATE INDEX records_by_scope ON records (scope, kind, id);
-- Sweep; most records never expire and stay out of this index.
CREATE INDEX records_by_expiry ON records (expires_unix_ns) WHERE expires_unix_ns IS NOT NULL;

-- Secondary keys, one row per key. scope is copied from the record so that
-- uniqueness and lookups stay within one index. Deleting a record deletes
-- its keys through the cascade.
CREATE TABLE record_keys (
    kind  text COLLATE "C" NOT NULL,
    scope text COLLATE "C" NOT NULL,
    name  text COLLATE "C" NOT NULL,
    value text COLLATE "C" NOT NULL,
    id    text COLLATE "C" NOT NULL,
    uniq  boolean NOT NULL,
    CONSTRAINT record_keys_record_fkey FOREIGN KEY (kind, id) REFERENCES records (kind, id) ON DELETE CASCADE
);

-- The uniqueness guarantee itself: concurrent transactions on any number
-- of cirro processes cannot both insert the same key. The Go code maps a
-- violation of this index, by name, to store.KeyConflict.
CREATE UNIQUE INDEX record_keys_unique ON record_keys (kind, scope, name, value) WHERE uniq;
-- Lookup, equality and prefix (range) filters within a scope, in id order.
CREATE INDEX record_keys_by_value ON record_keys (kind, scope, name, value, id);
-- The same across scopes (Query.AnyScope).
CREATE INDEX record_keys_by_value_any_scope ON record_keys (kind, name, value, id);
-- Replacing and cascading the keys of one record.
CREATE INDEX record_keys_by_record ON record_keys (kind, id);
