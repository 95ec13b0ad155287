-- folio-server's own schema on PostgreSQL (scale mode): the same tables as
-- migrations/sqlite/0001_accounts_auth_docs.sql, statement for statement, so the queries in
-- src/store/queries.rs run on both. Keep the two in step.
--
-- Unlike SQLite, where folio-sync owns the document-content tables (doc_store), PostgreSQL's are
-- defined here, at the end.

CREATE TABLE plans (
    id                TEXT PRIMARY KEY NOT NULL,       -- slug: free, starter, growth, scale
    name              TEXT NOT NULL,
    included_credits  BIGINT NOT NULL CHECK (included_credits >= 0),
    max_sites         BIGINT NOT NULL CHECK (max_sites >= 0),
    max_users         BIGINT NOT NULL CHECK (max_users >= 1),
    max_keywords      BIGINT NOT NULL CHECK (max_keywords >= 0)
);

-- The same four plans the desktop ships (crates/folio-core/src/defaults.rs), with the same limits.
INSERT INTO plans (id, name, included_credits, max_sites, max_users, max_keywords) VALUES
    ('free',    'Free',    100,  1,  1, 100),
    ('starter', 'Starter', 1000, 2,  2, 500),
    ('growth',  'Growth',  2000, 5,  3, 2000),
    ('scale',   'Scale',   5000, 99, 5, 5000);

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    plan_id       TEXT NOT NULL REFERENCES plans(id),
    created_at    BIGINT NOT NULL,
    -- Bumped as the first write of every transaction that checks a plan limit or the last owner,
    -- so such transactions on one account run one after another (SQLite: the write lock; Postgres:
    -- the row lock) and a count cannot be read stale.
    lock_version  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE users (
    id                   TEXT PRIMARY KEY NOT NULL,
    account_id           TEXT NOT NULL REFERENCES accounts(id),
    email                TEXT NOT NULL UNIQUE,         -- trimmed and lowercased by the server
    password_hash        TEXT NOT NULL,                -- argon2id PHC string
    role                 TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
    created_at           BIGINT NOT NULL,
    password_changed_at  BIGINT NOT NULL,
    UNIQUE (account_id, id)
);

-- One login on one device: the family of its rotating refresh tokens. Revoking it (logout, reuse
-- of a spent refresh token, password reset) kills its access tokens at once.
CREATE TABLE sessions (
    id              TEXT PRIMARY KEY NOT NULL,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    revoked_at      BIGINT,
    revoked_reason  TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE access_tokens (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX access_tokens_session ON access_tokens(session_id);

CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT                                 -- set when rotated; a second use is theft
);
CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);

CREATE TABLE password_reset_tokens (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX password_reset_tokens_user ON password_reset_tokens(user_id);

CREATE TABLE invites (
    id           TEXT PRIMARY KEY NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    email        TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
    invited_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    accepted_at  BIGINT,
    revoked_at   BIGINT                                -- replaced by a newer invite to the same email
);
CREATE INDEX invites_account ON invites(account_id, email);

-- Sites are created on devices (UUIDv7 ids) and registered here so documents can hang off them.
CREATE TABLE sites (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    name        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (account_id, id)
);

-- SiteUserAccess: which sites an editor or viewer may see. Owners and admins see every site.
CREATE TABLE site_grants (
    account_id  TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    site_id     TEXT NOT NULL,
    granted_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, site_id),
    FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE
);
CREATE INDEX site_grants_site ON site_grants(site_id);

-- Every document the sync socket may serve. A document exists for sync only once registered here
-- by an authenticated API call; the socket never creates rows. `doc_id` is folio-sync's canonical
-- spelling (account/ID, site/ID, site/ID/keywords/N, site/ID/plan, site/ID/articles, article/ID);
-- `site_id` is the site the id names, or for an article the site it was registered under.
CREATE TABLE docs (
    doc_id      TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    site_id     TEXT,                                  -- NULL: an account-level document
    kind        TEXT NOT NULL,                         -- account, site, keywords, plan, articles, article
    created_by  TEXT NOT NULL,                         -- a user id; kept if the user leaves
    created_at  BIGINT NOT NULL,
    FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id)
);
CREATE INDEX docs_account ON docs(account_id, site_id);

-- Document contents: per document a snapshot plus the increments saved since (folio-sync's
-- doc_store layout), and the sync state kept per (document, peer). Rows of one document are read
-- in `seq` order; any instance may append.
CREATE TABLE doc_chunks (
    seq       BIGSERIAL PRIMARY KEY,
    doc_id    TEXT NOT NULL,
    snapshot  BOOLEAN NOT NULL,
    data      BYTEA NOT NULL
);
CREATE INDEX doc_chunks_by_doc ON doc_chunks (doc_id, seq);

CREATE TABLE doc_sync_states (
    doc_id  TEXT NOT NULL,
    peer    TEXT NOT NULL,
    state   BYTEA NOT NULL,
    PRIMARY KEY (doc_id, peer)
);
