-- Local-first: authored rows are projections of Automerge documents (docs/local-first.md).
--
-- Triggers (installed by core at open, generated from crates/folio-core/src/mirror.rs) note every
-- authored row a write touches here; at commit core turns them into changes of the owning
-- documents, in the same transaction, and empties the table.
CREATE TABLE doc_outbox (
    tbl    TEXT NOT NULL,
    pk     TEXT NOT NULL,
    -- the owner the row's document is found by (account, site or content id)
    scope  TEXT,
    PRIMARY KEY (tbl, pk)
) WITHOUT ROWID;

-- One row while core writes projection rows from documents, so the triggers stay quiet.
CREATE TABLE mirror_paused (
    one  INTEGER PRIMARY KEY CHECK (one = 1)
);

-- Bumped whenever a document is saved here, local edit or remote change, so a sync loop (in this
-- or another process) knows which documents to offer the server.
CREATE TABLE doc_versions (
    doc_id   TEXT PRIMARY KEY NOT NULL,
    version  INTEGER NOT NULL
) WITHOUT ROWID;

-- Documents whose projection had to skip records whose parents (in another document) have not
-- arrived yet; re-projected after every sync step until they project whole.
CREATE TABLE projection_pending (
    doc_id  TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;
