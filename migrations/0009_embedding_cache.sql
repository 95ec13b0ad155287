-- Device-local (never synced): offline embeddings of keyword topics, by model, so clustering,
-- "similar keywords" and the duplicate-topic check embed each topic once. Keyed by the topic's
-- text, not the keyword, so keywords that share a topic share a row; rebuilt on demand (a
-- missing or damaged row is embedded again).
CREATE TABLE embedding_cache (
    model   TEXT NOT NULL,
    topic   TEXT NOT NULL,
    vector  BLOB NOT NULL,
    PRIMARY KEY (model, topic)
);
