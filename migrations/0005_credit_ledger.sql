-- The credit ledger: one entry per provider call, synced with the account (append-only), and the
-- device-local holds that reserve credits while a call runs. Balances are derived from the
-- ledger (see docs/credits.md), so entries merged in from other devices count without any
-- balance row having to merge.

CREATE TABLE credit_ledger (
    id                 TEXT PRIMARY KEY NOT NULL,       -- UUIDv7
    account_id         TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at         TEXT NOT NULL,                   -- RFC 3339 UTC, fixed width
    operation          TEXT NOT NULL,
    -- No foreign keys to sites or content: deleting a site or an article never rewrites (or
    -- cascades into) the history of what was spent on it. The site's name is kept for reports.
    site_id            TEXT,
    site_name          TEXT,
    content_id         TEXT,
    provider           TEXT NOT NULL,
    model              TEXT NOT NULL,
    tokens_in          INTEGER NOT NULL DEFAULT 0 CHECK (tokens_in >= 0),
    tokens_out         INTEGER NOT NULL DEFAULT 0 CHECK (tokens_out >= 0),
    images             INTEGER NOT NULL DEFAULT 0 CHECK (images >= 0),
    cost_usd           TEXT NOT NULL DEFAULT '0',       -- decimal string
    -- Credits are whole numbers by construction (ceil-rounded), so they are integers here and
    -- sums stay exact in SQL. credits = plan_credits + bonus_credits on a server account.
    credits            INTEGER NOT NULL DEFAULT 0 CHECK (credits >= 0),
    plan_credits       INTEGER NOT NULL DEFAULT 0 CHECK (plan_credits >= 0),
    bonus_credits      INTEGER NOT NULL DEFAULT 0 CHECK (bonus_credits >= 0),
    -- what the call cost beyond the balance left (never charged below zero, recorded honestly)
    credits_uncovered  INTEGER NOT NULL DEFAULT 0 CHECK (credits_uncovered >= 0),
    outcome            TEXT NOT NULL DEFAULT 'ok' CHECK (outcome IN ('ok', 'failed')),
    error_kind         TEXT,
    device_id          TEXT
);

CREATE INDEX credit_ledger_by_time ON credit_ledger (account_id, created_at);
CREATE INDEX credit_ledger_by_site ON credit_ledger (site_id, created_at) WHERE site_id IS NOT NULL;
CREATE INDEX credit_ledger_by_content ON credit_ledger (content_id) WHERE content_id IS NOT NULL;

-- Device-local: credits reserved by calls in progress in a process on this data directory. A
-- crashed process's holds stop counting at expires_at.
CREATE TABLE credit_holds (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL,
    operation   TEXT NOT NULL,
    credits     INTEGER NOT NULL CHECK (credits >= 0),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

CREATE INDEX credit_holds_by_expiry ON credit_holds (account_id, expires_at);
