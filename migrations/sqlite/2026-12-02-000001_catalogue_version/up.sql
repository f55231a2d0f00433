-- One row: the version of the catalogue's programmes. Every programme write (and a seed
-- that changes one) bumps it in its own transaction, so each API
-- process can tell that its in-memory snapshot is stale by a periodic read of this row.
CREATE TABLE catalogue_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO catalogue_version (id, version) VALUES (1, 1);
