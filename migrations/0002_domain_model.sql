-- The domain model: global defaults, the account scope, site configuration and the planner and
-- writer records of a site and sector.
--
-- Global rows are shipped with the app and written by core (crates/folio-core/src/defaults.rs)
-- the first time a store of this defaults version is used; `is_builtin` marks them.
-- Ids are UUIDv7 text unless a global row has a stable natural key; times are RFC 3339 UTC text;
-- money and credits are decimal strings. Scoping (a sector of the site; a cluster, idea, task and
-- article in one site and sector) is checked by core with clear messages, and backed here by
-- composite foreign keys so that no write path can get it wrong.

-- ---------------------------------------------------------------------------------------------
-- Global

CREATE TABLE plans (
    id                TEXT PRIMARY KEY NOT NULL,        -- slug: free, starter, growth, scale
    name              TEXT NOT NULL,
    included_credits  INTEGER NOT NULL CHECK (included_credits >= 0),
    max_sites         INTEGER NOT NULL CHECK (max_sites >= 0),
    max_users         INTEGER NOT NULL CHECK (max_users >= 0),
    max_keywords      INTEGER NOT NULL CHECK (max_keywords >= 0),
    price_monthly     TEXT NOT NULL,
    is_active         INTEGER NOT NULL DEFAULT 1,
    is_builtin        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE ai_models (
    model_name          TEXT PRIMARY KEY NOT NULL,
    model_type          TEXT NOT NULL CHECK (model_type IN ('text', 'image')),
    provider            TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    is_default          INTEGER NOT NULL DEFAULT 0,
    is_active           INTEGER NOT NULL DEFAULT 1,
    cost_per_1k_input   TEXT,
    cost_per_1k_output  TEXT,
    tokens_per_credit   INTEGER CHECK (tokens_per_credit > 0),
    credits_per_image   INTEGER CHECK (credits_per_image > 0),
    cost_per_image      TEXT,
    quality_tier        TEXT CHECK (quality_tier IN ('basic', 'quality', 'premium')),
    max_output_tokens   INTEGER,
    context_window      INTEGER,
    sizes               TEXT NOT NULL DEFAULT '[]',     -- JSON [{"width", "height"}]
    is_builtin          INTEGER NOT NULL DEFAULT 0
);

-- one default model per type
CREATE UNIQUE INDEX ai_models_one_default ON ai_models (model_type) WHERE is_default = 1;

-- The system layer of settings (between the built-in defaults and an account's overrides).
CREATE TABLE system_settings (
    key         TEXT PRIMARY KEY NOT NULL,
    value       TEXT NOT NULL,                          -- JSON number or string
    updated_at  TEXT NOT NULL
);

CREATE TABLE global_prompts (
    prompt_type   TEXT PRIMARY KEY NOT NULL,
    prompt_value  TEXT NOT NULL,
    variables     TEXT NOT NULL DEFAULT '[]',           -- JSON list of variable names
    is_active     INTEGER NOT NULL DEFAULT 1,
    is_builtin    INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT NOT NULL
);

CREATE TABLE global_author_profiles (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL UNIQUE,
    tone         TEXT NOT NULL,
    language     TEXT NOT NULL DEFAULT 'en',
    description  TEXT NOT NULL DEFAULT '',
    is_active    INTEGER NOT NULL DEFAULT 1,
    is_builtin   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE credit_costs (
    operation     TEXT PRIMARY KEY NOT NULL,
    display_name  TEXT NOT NULL,
    base_credits  INTEGER NOT NULL DEFAULT 1 CHECK (base_credits >= 0),
    is_active     INTEGER NOT NULL DEFAULT 1,
    description   TEXT NOT NULL DEFAULT '',
    is_builtin    INTEGER NOT NULL DEFAULT 0
);

-- The keyword library: industries, their sectors and seed keywords.
CREATE TABLE industries (
    id          TEXT PRIMARY KEY NOT NULL,              -- slug
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    is_builtin  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE industry_sectors (
    id           TEXT PRIMARY KEY NOT NULL,             -- industry-slug/sector-slug
    industry_id  TEXT NOT NULL REFERENCES industries(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    is_builtin   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (industry_id, name_key)
);

CREATE TABLE seed_keywords (
    id           INTEGER PRIMARY KEY,
    sector_id    TEXT NOT NULL REFERENCES industry_sectors(id) ON DELETE CASCADE,
    keyword      TEXT NOT NULL,
    keyword_key  TEXT NOT NULL,
    volume       INTEGER CHECK (volume >= 0),
    difficulty   INTEGER CHECK (difficulty BETWEEN 0 AND 100),
    country      TEXT NOT NULL,
    is_active    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (sector_id, keyword_key, country)
);

-- ---------------------------------------------------------------------------------------------
-- Account

-- NULL for a purely local account: no plan, no limits.
ALTER TABLE accounts ADD COLUMN plan_id TEXT REFERENCES plans(id);

CREATE TABLE users (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    email       TEXT NOT NULL UNIQUE,                   -- lowercase
    name        TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
    is_active   INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
);

CREATE INDEX users_by_account ON users (account_id);

CREATE TABLE subscriptions (
    id                    TEXT PRIMARY KEY NOT NULL,
    account_id            TEXT NOT NULL UNIQUE REFERENCES accounts(id) ON DELETE CASCADE,
    plan_id               TEXT NOT NULL REFERENCES plans(id),
    status                TEXT NOT NULL CHECK (status IN ('active', 'past_due', 'canceled')),
    current_period_start  TEXT NOT NULL,
    current_period_end    TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);

CREATE TABLE account_settings (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,                          -- JSON number or string
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (account_id, key)
);

-- No row: the defaults (everything on but linker and optimizer).
CREATE TABLE module_settings (
    account_id           TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    planner_enabled      INTEGER NOT NULL,
    writer_enabled       INTEGER NOT NULL,
    automation_enabled   INTEGER NOT NULL,
    integration_enabled  INTEGER NOT NULL,
    publisher_enabled    INTEGER NOT NULL,
    linker_enabled       INTEGER NOT NULL,
    optimizer_enabled    INTEGER NOT NULL,
    updated_at           TEXT NOT NULL
);

CREATE TABLE account_prompts (
    account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    prompt_type   TEXT NOT NULL,
    prompt_value  TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, prompt_type)
);

CREATE TABLE author_profiles (
    id           TEXT PRIMARY KEY NOT NULL,
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    tone         TEXT NOT NULL,
    language     TEXT NOT NULL DEFAULT 'en',
    description  TEXT NOT NULL DEFAULT '',
    is_active    INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    UNIQUE (account_id, name_key)
);

-- No row: an empty balance.
CREATE TABLE credit_balances (
    account_id     TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    plan_credits   TEXT NOT NULL DEFAULT '0',
    bonus_credits  TEXT NOT NULL DEFAULT '0',
    period_start   TEXT,
    period_end     TEXT,
    updated_at     TEXT NOT NULL
);

-- ---------------------------------------------------------------------------------------------
-- Site

-- lets the site+sector tables reference (sector, site) pairs
CREATE UNIQUE INDEX sectors_id_site ON sectors (id, site_id);

CREATE TABLE publishing_settings (
    site_id                TEXT PRIMARY KEY NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    auto_approval_enabled  INTEGER NOT NULL,
    auto_publish_enabled   INTEGER NOT NULL,
    daily_publish_limit    INTEGER NOT NULL CHECK (daily_publish_limit >= 0),
    weekly_publish_limit   INTEGER NOT NULL CHECK (weekly_publish_limit >= 0),
    monthly_publish_limit  INTEGER NOT NULL CHECK (monthly_publish_limit >= 0),
    publish_days           TEXT NOT NULL,               -- JSON ["mon", …]
    publish_time_slots     TEXT NOT NULL,               -- JSON ["09:00", …]
    timezone               TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);

CREATE TABLE automation_configs (
    site_id                   TEXT PRIMARY KEY NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    is_active                 INTEGER NOT NULL,
    clustering_limit          INTEGER NOT NULL CHECK (clustering_limit >= 0),
    ideas_limit               INTEGER NOT NULL CHECK (ideas_limit >= 0),
    content_limit             INTEGER NOT NULL CHECK (content_limit >= 0),
    image_limit               INTEGER NOT NULL CHECK (image_limit >= 0),
    publish_limit             INTEGER NOT NULL CHECK (publish_limit >= 0),
    delay_between_operations  INTEGER NOT NULL CHECK (delay_between_operations >= 0),
    max_runtime               INTEGER NOT NULL CHECK (max_runtime > 0),
    auto_approve              INTEGER NOT NULL,
    auto_publish              INTEGER NOT NULL,
    stop_on_error             INTEGER NOT NULL,
    updated_at                TEXT NOT NULL
);

-- Where a site is published. Credentials are never stored here: they live in the OS keychain.
CREATE TABLE site_integrations (
    id                    TEXT PRIMARY KEY NOT NULL,
    site_id               TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    platform              TEXT NOT NULL CHECK (platform IN ('wordpress')),
    external_site_url     TEXT NOT NULL,
    sync_enabled          INTEGER NOT NULL DEFAULT 1,
    sync_status           TEXT NOT NULL DEFAULT 'pending'
                          CHECK (sync_status IN ('pending', 'syncing', 'completed', 'error')),
    last_sync_at          TEXT,
    sync_error            TEXT,
    connection_status     TEXT NOT NULL DEFAULT 'not_connected'
                          CHECK (connection_status IN ('not_connected', 'configured', 'connected', 'error')),
    structure             TEXT NOT NULL DEFAULT '{}',   -- JSON: categories, tags, authors, post types
    structure_updated_at  TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    UNIQUE (site_id, platform)
);

CREATE TABLE site_user_access (
    site_id     TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    granted_at  TEXT NOT NULL,
    PRIMARY KEY (site_id, user_id)
);

-- The site layer of settings (overrides the account's).
CREATE TABLE site_settings (
    site_id     TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (site_id, key)
);

-- ---------------------------------------------------------------------------------------------
-- Site + sector
--
-- Sector rows may not be deleted while clusters or articles use them (NO ACTION foreign keys);
-- core explains that before the database has to.

CREATE TABLE clusters (
    id           TEXT PRIMARY KEY NOT NULL,
    site_id      TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    sector_id    TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'mapped')),
    disabled     INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    FOREIGN KEY (sector_id, site_id) REFERENCES sectors (id, site_id),
    UNIQUE (site_id, sector_id, name_key)
);

CREATE UNIQUE INDEX clusters_scope ON clusters (id, site_id, sector_id);
CREATE INDEX clusters_by_sector ON clusters (sector_id);

CREATE TABLE ideas (
    id                  TEXT PRIMARY KEY NOT NULL,
    site_id             TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    sector_id           TEXT NOT NULL,
    cluster_id          TEXT NOT NULL,
    title               TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    -- keywords live in another table without foreign keys (see 0003); core checks their scope
    primary_keyword_id  TEXT,
    content_type        TEXT NOT NULL DEFAULT 'post',
    content_structure   TEXT NOT NULL DEFAULT 'article',
    target_word_count   INTEGER CHECK (target_word_count > 0),
    outline             TEXT NOT NULL DEFAULT '[]',     -- JSON [{"heading", "notes", "subheadings"}]
    status              TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'queued', 'completed')),
    disabled            INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    FOREIGN KEY (cluster_id, site_id, sector_id) REFERENCES clusters (id, site_id, sector_id)
);

CREATE UNIQUE INDEX ideas_scope ON ideas (id, site_id, sector_id, cluster_id);
CREATE INDEX ideas_by_site ON ideas (site_id, created_at);
CREATE INDEX ideas_by_cluster ON ideas (cluster_id);

-- An idea's secondary keywords, in order.
CREATE TABLE idea_keywords (
    idea_id     TEXT NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,
    keyword_id  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (idea_id, keyword_id)
);

CREATE INDEX idea_keywords_by_keyword ON idea_keywords (keyword_id);

CREATE TABLE tasks (
    id                  TEXT PRIMARY KEY NOT NULL,
    site_id             TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    sector_id           TEXT NOT NULL,
    cluster_id          TEXT NOT NULL,
    idea_id             TEXT,
    title               TEXT NOT NULL,
    brief               TEXT NOT NULL DEFAULT '',
    primary_keyword     TEXT NOT NULL DEFAULT '',
    secondary_keywords  TEXT NOT NULL DEFAULT '[]',     -- JSON list of keyword texts
    content_type        TEXT NOT NULL DEFAULT 'post',
    content_structure   TEXT NOT NULL DEFAULT 'article',
    target_word_count   INTEGER CHECK (target_word_count > 0),
    status              TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'completed')),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    FOREIGN KEY (cluster_id, site_id, sector_id) REFERENCES clusters (id, site_id, sector_id),
    FOREIGN KEY (idea_id, site_id, sector_id, cluster_id)
        REFERENCES ideas (id, site_id, sector_id, cluster_id)
);

CREATE UNIQUE INDEX tasks_scope ON tasks (id, site_id, sector_id);
CREATE INDEX tasks_by_site ON tasks (site_id, created_at);
CREATE INDEX tasks_by_idea ON tasks (idea_id) WHERE idea_id IS NOT NULL;

-- A task's own prompt templates, which win over the account's and the global ones.
CREATE TABLE task_prompts (
    task_id       TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    prompt_type   TEXT NOT NULL,
    prompt_value  TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (task_id, prompt_type)
);

CREATE TABLE content (
    id                      TEXT PRIMARY KEY NOT NULL,
    site_id                 TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    sector_id               TEXT NOT NULL,
    task_id                 TEXT,
    cluster_id              TEXT,
    title                   TEXT NOT NULL,
    body_html               TEXT NOT NULL DEFAULT '',
    excerpt                 TEXT NOT NULL DEFAULT '',
    meta_title              TEXT NOT NULL DEFAULT '',
    meta_description        TEXT NOT NULL DEFAULT '',
    slug                    TEXT NOT NULL,
    word_count              INTEGER NOT NULL DEFAULT 0,
    content_type            TEXT NOT NULL DEFAULT 'post',
    content_structure       TEXT NOT NULL DEFAULT 'article',
    status                  TEXT NOT NULL DEFAULT 'draft'
                            CHECK (status IN ('draft', 'review', 'approved', 'published')),
    site_status             TEXT NOT NULL DEFAULT 'not_published'
                            CHECK (site_status IN ('not_published', 'scheduled', 'publishing', 'published', 'failed')),
    site_status_updated_at  TEXT,
    scheduled_publish_at    TEXT,
    external_id             TEXT,
    external_url            TEXT,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    FOREIGN KEY (sector_id, site_id) REFERENCES sectors (id, site_id),
    FOREIGN KEY (task_id, site_id, sector_id) REFERENCES tasks (id, site_id, sector_id),
    FOREIGN KEY (cluster_id, site_id, sector_id) REFERENCES clusters (id, site_id, sector_id),
    UNIQUE (site_id, slug)
);

CREATE INDEX content_by_site ON content (site_id, created_at);
CREATE INDEX content_by_sector ON content (sector_id);
CREATE INDEX content_by_task ON content (task_id) WHERE task_id IS NOT NULL;
CREATE INDEX content_due ON content (scheduled_publish_at) WHERE site_status = 'scheduled';

CREATE TABLE images (
    id          TEXT PRIMARY KEY NOT NULL,
    content_id  TEXT NOT NULL REFERENCES content(id) ON DELETE CASCADE,
    image_type  TEXT NOT NULL CHECK (image_type IN ('featured', 'in_article')),
    url         TEXT,
    local_path  TEXT,
    alt_text    TEXT NOT NULL DEFAULT '',
    caption     TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
    prompt      TEXT NOT NULL DEFAULT '',
    provider    TEXT,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'generated', 'failed')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE INDEX images_by_content ON images (content_id, position);
-- one featured image per article
CREATE UNIQUE INDEX images_one_featured ON images (content_id) WHERE image_type = 'featured';

CREATE TABLE taxonomy_terms (
    id           TEXT PRIMARY KEY NOT NULL,
    site_id      TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    taxonomy     TEXT NOT NULL CHECK (taxonomy IN ('category', 'tag')),
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    slug         TEXT NOT NULL,
    external_id  INTEGER,
    created_at   TEXT NOT NULL,
    UNIQUE (site_id, taxonomy, name_key)
);

CREATE TABLE content_terms (
    content_id  TEXT NOT NULL REFERENCES content(id) ON DELETE CASCADE,
    term_id     TEXT NOT NULL REFERENCES taxonomy_terms(id) ON DELETE CASCADE,
    PRIMARY KEY (content_id, term_id)
);

CREATE INDEX content_terms_by_term ON content_terms (term_id);
