-- Keywords of a site and sector, and the imports that brought them.
--
-- This table is written 100k rows at a time by imports (budget: 1 s), so it carries only the
-- indexes writes need; lists, filters, sorting and search are answered by core's in-memory
-- keyword index (crates/folio-core/src/keyword_index.rs), loaded from here.

CREATE TABLE keyword_imports (
    id           TEXT PRIMARY KEY NOT NULL,
    site_id      TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    sector_id    TEXT NOT NULL REFERENCES sectors(id) ON DELETE CASCADE,
    format       TEXT NOT NULL,
    file_name    TEXT,
    imported     INTEGER NOT NULL,
    duplicates   INTEGER NOT NULL,
    rejected     INTEGER NOT NULL,
    created_at   TEXT NOT NULL
);

-- No foreign keys: core checks site and sector before every write, and three parent look-ups
-- per row would cost a fifth of the import budget. Deleting a site or sector deletes its
-- keywords in core.
CREATE TABLE keywords (
    rid          INTEGER PRIMARY KEY,
    -- UUIDv7: the synced identity, which also records when the keyword was created
    id           TEXT NOT NULL UNIQUE,
    site_id      TEXT NOT NULL,
    sector_id    TEXT NOT NULL,
    keyword      TEXT NOT NULL,
    -- the normalised identity (NFC, lowercase, single spaces)
    key          TEXT NOT NULL,
    volume       INTEGER,
    difficulty   INTEGER,
    -- cost per click in millionths of a currency unit: exact, and sortable as an integer
    cpc_micros   INTEGER,
    intent       TEXT,
    status       TEXT NOT NULL DEFAULT 'new',
    cluster_id   TEXT,
    disabled     INTEGER NOT NULL DEFAULT 0,
    import_id    TEXT
);

-- A sector belongs to one site, so (sector, key) alone is the identity; it also serves loading
-- a site's keywords sector by sector.
CREATE UNIQUE INDEX keywords_identity ON keywords (sector_id, key);
CREATE INDEX keywords_by_cluster ON keywords (cluster_id) WHERE cluster_id IS NOT NULL;

-- Bumped by every write to a site's keywords, in the same transaction, so a process whose
-- in-memory index is older (the app while the CLI imports) knows to reload it.
CREATE TABLE keyword_versions (
    site_id   TEXT PRIMARY KEY NOT NULL,
    version   INTEGER NOT NULL
);
