-- WordPress publishing (docs/wordpress.md): what Folio remembers about the remote post, its media
-- and each attempt. Application passwords are never stored here; they live in the OS keychain,
-- one entry per (site, WordPress user).

-- The WordPress user the connection logs in as, and the REST root discovery found
-- (`https://example.com/wp-json/` or `https://example.com/index.php?rest_route=/`).
ALTER TABLE site_integrations ADD COLUMN username TEXT;
ALTER TABLE site_integrations ADD COLUMN api_root TEXT;

-- The post's `modified_gmt` as Folio last saw it: an update first compares it with the post's
-- current value, so an edit made in wp-admin is never overwritten silently.
ALTER TABLE content ADD COLUMN external_modified_at TEXT;

-- An image file attached by hand or generated: the WordPress media id once uploaded, so a
-- re-publish (on any device, these sync) never uploads the same image twice.
ALTER TABLE images ADD COLUMN external_media_id INTEGER;
ALTER TABLE images ADD COLUMN external_url TEXT;

-- One row per publishing attempt: written as `pending` before the first request to the site and
-- finished as `succeeded` or `failed` with the reason.
CREATE TABLE publishing_records (
    id                TEXT PRIMARY KEY NOT NULL,
    content_id        TEXT NOT NULL REFERENCES content(id) ON DELETE CASCADE,
    site_id           TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    action            TEXT NOT NULL
                      CHECK (action IN ('publish', 'schedule', 'draft', 'pending', 'update', 'unpublish', 'trash')),
    status            TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    -- the post's status on WordPress afterwards (publish, future, draft, pending, trash)
    remote_status     TEXT,
    external_id       TEXT,
    external_url      TEXT,
    error             TEXT,
    -- a machine-readable reason: auth, forbidden, not_found, not_json, server, timeout,
    -- unreachable, conflict, invalid
    error_code        TEXT,
    started_at        TEXT NOT NULL,
    finished_at       TEXT
);

CREATE INDEX publishing_records_by_content ON publishing_records (content_id, started_at);
