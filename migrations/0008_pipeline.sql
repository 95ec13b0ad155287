-- The content pipeline: what its stages keep (issue "The content pipeline").

-- An idea's FAQ questions (its outline, already JSON, gains format, keywords and word budgets).
ALTER TABLE ideas ADD COLUMN faq TEXT NOT NULL DEFAULT '[]';

-- What a task is written from, frozen when its idea is queued: outline, keywords, voice, model,
-- prompt. JSON; NULL for tasks made by hand (they are written from their own fields).
ALTER TABLE tasks ADD COLUMN frozen_brief TEXT;

-- The quality gate's report of an article (JSON), NULL until checked.
ALTER TABLE content ADD COLUMN quality TEXT;

-- The voice of an author profile beyond its tone and language.
ALTER TABLE author_profiles ADD COLUMN point_of_view TEXT NOT NULL DEFAULT '';
ALTER TABLE author_profiles ADD COLUMN audience TEXT NOT NULL DEFAULT '';
ALTER TABLE author_profiles ADD COLUMN samples TEXT NOT NULL DEFAULT '[]';
ALTER TABLE global_author_profiles ADD COLUMN point_of_view TEXT NOT NULL DEFAULT '';
ALTER TABLE global_author_profiles ADD COLUMN audience TEXT NOT NULL DEFAULT '';
ALTER TABLE global_author_profiles ADD COLUMN samples TEXT NOT NULL DEFAULT '[]';

-- Device-local, never synced: why an item of a stage failed and the model's last raw answer
-- (size-capped by core), so a person can see it. Cleared when the item succeeds.
CREATE TABLE stage_failures (
    stage       TEXT NOT NULL,
    item        TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL,
    raw_answer  TEXT,
    at          TEXT NOT NULL,
    PRIMARY KEY (stage, item)
);

-- Device-local: the parts of an article already written (a section, the intro, the meta…), so a
-- crash or a cancel resumes at the next part and never pays for a part twice. Removed when the
-- article is saved.
CREATE TABLE write_checkpoints (
    task_id  TEXT NOT NULL,
    part     TEXT NOT NULL,
    body     TEXT NOT NULL,
    at       TEXT NOT NULL,
    PRIMARY KEY (task_id, part)
);
