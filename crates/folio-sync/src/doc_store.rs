//! Automerge documents stored in SQLite, on the desktop and on the server alike.
//!
//! A document is a snapshot plus the incremental saves made since; when the increments together
//! outgrow the snapshot they are folded into a new one (automerge-repo's rule), so a document
//! with thousands of small edits still loads from a handful of rows. Every function takes a
//! connection, so a save joins the caller's transaction: the document change and the projection
//! rows it produces commit together or not at all. Sync states are kept per (document, peer) so
//! that an idle reconnect does not repeat the whole handshake.

use crate::doc_id::DocId;
use automerge::sync::State as SyncState;
use automerge::{AutoCommit, ChangeHash};
use sqlx::SqliteConnection;

/// A document and what of it is already in storage.
pub struct StoredDoc {
    pub id: DocId,
    pub doc: AutoCommit,
    /// Heads at the last load or save: the next save writes only what came after.
    saved: Vec<ChangeHash>,
}

impl StoredDoc {
    /// A document that is not in storage yet.
    pub fn new(id: DocId, doc: AutoCommit) -> Self {
        Self {
            id,
            doc,
            saved: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DocStoreError {
    #[error("document storage: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("document {doc} is damaged in storage ({source}); restore it from another device or the server")]
    Corrupt {
        doc: String,
        #[source]
        source: automerge::AutomergeError,
    },
}

/// The two tables, created if missing. The sync layer owns its schema, like sqlx owns
/// `_sqlx_migrations`, so the desktop store and the server share one definition.
pub async fn ensure_tables(conn: &mut SqliteConnection) -> Result<(), DocStoreError> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS doc_chunks (
             seq      INTEGER PRIMARY KEY,
             doc_id   TEXT NOT NULL,
             snapshot INTEGER NOT NULL,
             data     BLOB NOT NULL
         );
         CREATE INDEX IF NOT EXISTS doc_chunks_by_doc ON doc_chunks (doc_id, seq);
         CREATE TABLE IF NOT EXISTS doc_sync_states (
             doc_id  TEXT NOT NULL,
             peer    TEXT NOT NULL,
             state   BLOB NOT NULL,
             PRIMARY KEY (doc_id, peer)
         );",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Load a document; `None` if it was never saved here.
pub async fn load(
    conn: &mut SqliteConnection,
    doc: &DocId,
) -> Result<Option<StoredDoc>, DocStoreError> {
    let chunks: Vec<(Vec<u8>,)> =
        sqlx::query_as("SELECT data FROM doc_chunks WHERE doc_id = ? ORDER BY seq")
            .bind(doc.to_string())
            .fetch_all(conn)
            .await?;
    if chunks.is_empty() {
        return Ok(None);
    }
    // Automerge loads a concatenation of saved documents and changes as one.
    let bytes: Vec<u8> = chunks.into_iter().flat_map(|(c,)| c).collect();
    let mut loaded = AutoCommit::load(&bytes).map_err(|source| DocStoreError::Corrupt {
        doc: doc.to_string(),
        source,
    })?;
    let saved = loaded.get_heads();
    Ok(Some(StoredDoc {
        id: *doc,
        doc: loaded,
        saved,
    }))
}

/// What a save wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    Nothing,
    Increment {
        bytes: usize,
    },
    /// The increments were folded into a new snapshot of this size.
    Snapshot {
        bytes: usize,
    },
}

/// Save what changed since the document was loaded or last saved. On an error nothing counts
/// as saved, so a retry (after the caller's transaction rolled back) writes it again.
pub async fn save(
    conn: &mut SqliteConnection,
    stored: &mut StoredDoc,
) -> Result<Saved, DocStoreError> {
    let heads = stored.doc.get_heads();
    if heads == stored.saved {
        return Ok(Saved::Nothing);
    }
    let id = stored.id.to_string();
    if stored.saved.is_empty() {
        // Nothing stored yet: the whole document is the first snapshot (encoding it as an
        // increment first would only be thrown away).
        return write_snapshot(conn, stored, &id, heads).await;
    }
    let increment = stored.doc.save_after(&stored.saved);
    let (snapshot, increments): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT SUM(CASE WHEN snapshot = 1 THEN length(data) END),
                SUM(CASE WHEN snapshot = 0 THEN length(data) END)
         FROM doc_chunks WHERE doc_id = ?",
    )
    .bind(&id)
    .fetch_one(&mut *conn)
    .await?;
    let increments = increments.unwrap_or(0) + increment.len() as i64;
    if increments <= snapshot.unwrap_or(0) {
        sqlx::query("INSERT INTO doc_chunks (doc_id, snapshot, data) VALUES (?, 0, ?)")
            .bind(&id)
            .bind(&increment)
            .execute(&mut *conn)
            .await?;
        stored.saved = heads;
        return Ok(Saved::Increment {
            bytes: increment.len(),
        });
    }
    write_snapshot(conn, stored, &id, heads).await
}

/// Replace a document's chunks with one snapshot of it.
async fn write_snapshot(
    conn: &mut SqliteConnection,
    stored: &mut StoredDoc,
    id: &str,
    heads: Vec<ChangeHash>,
) -> Result<Saved, DocStoreError> {
    let whole = stored.doc.save();
    sqlx::query("DELETE FROM doc_chunks WHERE doc_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO doc_chunks (doc_id, snapshot, data) VALUES (?, 1, ?)")
        .bind(id)
        .bind(&whole)
        .execute(&mut *conn)
        .await?;
    stored.saved = heads;
    Ok(Saved::Snapshot { bytes: whole.len() })
}

/// The sync state with `peer` for a document (fresh if none was kept or it no longer decodes:
/// a fresh state costs one extra round trip, never data).
pub async fn sync_state(
    conn: &mut SqliteConnection,
    doc: &DocId,
    peer: &str,
) -> Result<SyncState, DocStoreError> {
    let row: Option<(Vec<u8>,)> =
        sqlx::query_as("SELECT state FROM doc_sync_states WHERE doc_id = ? AND peer = ?")
            .bind(doc.to_string())
            .bind(peer)
            .fetch_optional(conn)
            .await?;
    Ok(row
        .and_then(|(bytes,)| SyncState::decode(&bytes).ok())
        .unwrap_or_default())
}

pub async fn save_sync_state(
    conn: &mut SqliteConnection,
    doc: &DocId,
    peer: &str,
    state: &SyncState,
) -> Result<(), DocStoreError> {
    sqlx::query(
        "INSERT INTO doc_sync_states (doc_id, peer, state) VALUES (?, ?, ?)
         ON CONFLICT (doc_id, peer) DO UPDATE SET state = excluded.state",
    )
    .bind(doc.to_string())
    .bind(peer)
    .bind(state.encode())
    .execute(conn)
    .await?;
    Ok(())
}
