-- Automation (DESIGN §6, issue 16).

-- The site's automation schedule and per-run cap (synced with the rest of its config).
ALTER TABLE automation_configs ADD COLUMN schedule_days TEXT NOT NULL DEFAULT '';
ALTER TABLE automation_configs ADD COLUMN schedule_time TEXT;
ALTER TABLE automation_configs ADD COLUMN run_credit_cap INTEGER;

-- Device-local: the runs of each site's automation and their item logs. A run is this device's
-- work (its paid calls are in the synced ledger); it is never synced.
CREATE TABLE automation_runs (
    id                TEXT PRIMARY KEY NOT NULL,
    site_id           TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    status            TEXT NOT NULL CHECK (status IN
                          ('pending', 'running', 'paused', 'completed', 'failed', 'cancelled')),
    stage             TEXT,
    items_processed   INTEGER NOT NULL DEFAULT 0,
    items_total       INTEGER NOT NULL DEFAULT 0,
    credits_spent     INTEGER NOT NULL DEFAULT 0,
    credits_estimated INTEGER NOT NULL DEFAULT 0,
    started_by        TEXT NOT NULL,
    started_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    completed_at      TEXT,
    reason            TEXT,
    -- A pause or cancel asked for by another process, seen by the one running it.
    requested         TEXT CHECK (requested IN ('pause', 'cancel')),
    -- Each stage's items, chosen once when the stage first starts (JSON: stage → ids), so a
    -- resumed run works on the same items and never takes new ones past its limits.
    plan              TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX automation_runs_site ON automation_runs (site_id, started_at);

CREATE TABLE automation_items (
    run_id   TEXT NOT NULL REFERENCES automation_runs(id) ON DELETE CASCADE,
    stage    TEXT NOT NULL,
    item     TEXT NOT NULL,
    label    TEXT NOT NULL DEFAULT '',
    outcome  TEXT NOT NULL CHECK (outcome IN ('done', 'skipped', 'failed')),
    credits  INTEGER NOT NULL DEFAULT 0,
    reason   TEXT,
    at       TEXT NOT NULL,
    PRIMARY KEY (run_id, stage, item)
);

-- Device-local: the last schedule slot each site's automation ran for, so a missed slot runs
-- once at the next start rather than once per slot missed.
CREATE TABLE automation_schedule_runs (
    site_id   TEXT PRIMARY KEY NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    last_slot TEXT NOT NULL
);

-- A kept answer now belongs to any pipeline item (a task's part, a cluster's ideas, a keyword
-- batch's clusters), so a call paid for is never paid again whatever stops the process.
ALTER TABLE write_checkpoints RENAME COLUMN task_id TO item;
