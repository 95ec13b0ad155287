//! Scale mode: PostgreSQL, shared by any number of server instances.
//!
//! The account and document-registry queries are the shared ones (`queries.rs`). What is
//! PostgreSQL's own:
//! - Document contents and sync states live in this backend's own tables (`doc_chunks`,
//!   `doc_sync_states` in `migrations/postgres/`), with the same snapshot-plus-increments layout
//!   as folio-sync's SQLite `doc_store`.
//! - Each instance holds its own in-memory copy of a document, so saves of one document are
//!   serialised across instances by an advisory lock, and a save that folds the increments into a
//!   new snapshot first merges the chunks other instances wrote.
//! - A save that changed a document runs `pg_notify(CHANGES_CHANNEL, '<instance> <doc id>')` in
//!   its transaction, so the other instances hear of it exactly when it commits
//!   ([`RemoteChanges`]).

use super::{LoadedDoc, Result, Saved};
use crate::config::DatabaseUrl;
use crate::ServerError;
use automerge::AutoCommit;
use folio_sync::DocId;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{PgConnection, PgPool};
use std::str::FromStr;
use std::time::Duration;

#[allow(clippy::duplicate_mod)]
#[path = "queries.rs"]
mod queries;
pub(super) use queries::*;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The PostgreSQL channel saves are announced on. The payload is `<instance id> <doc id>`: well
/// under PostgreSQL's 8000-byte limit, and the instance id lets an instance skip its own saves.
pub const CHANGES_CHANNEL: &str = "folio_doc_changed";

/// How long to wait before reconnecting a lost listener, doubling up to the maximum.
const RELISTEN_FIRST: Duration = Duration::from_millis(100);
const RELISTEN_MAX: Duration = Duration::from_secs(5);

type Pool = PgPool;
type Conn = PgConnection;

#[derive(Clone, Debug)]
pub(super) struct PgBackend {
    pub(super) pool: PgPool,
    /// This server instance, as named in its change notifications.
    instance: String,
}

pub(super) async fn open(url: &DatabaseUrl, raw: &str) -> Result<PgBackend> {
    // `url` prints without the password; `raw` is never printed.
    let open_error = |source| ServerError::Open {
        url: url.to_string(),
        source,
    };
    let options = PgConnectOptions::from_str(raw).map_err(open_error)?;
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(open_error)?;
    // sqlx takes an advisory lock around migrations, so instances starting together are safe.
    MIGRATOR.run(&pool).await?;
    Ok(PgBackend {
        pool,
        instance: uuid::Uuid::now_v7().to_string(),
    })
}

/// Plain READ COMMITTED: the account row lock (`lock_account`) is what serialises the checks
/// that need it, and conditional updates re-check their rows after waiting for a lock.
async fn begin_write(pool: &Pool) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    Ok(pool.begin().await?)
}

fn damaged(doc: &DocId, e: automerge::AutomergeError) -> ServerError {
    ServerError::Corrupt(format!(
        "document {doc} is damaged in storage ({e}); restore it from a device"
    ))
}

async fn chunks(conn: &mut Conn, doc: &str) -> Result<Vec<Vec<u8>>> {
    let rows: Vec<(Vec<u8>,)> =
        sqlx::query_as("SELECT data FROM doc_chunks WHERE doc_id = $1 ORDER BY seq")
            .bind(doc)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}

pub(super) async fn load_doc(pool: &Pool, doc: &DocId) -> Result<Option<LoadedDoc>> {
    let chunks = chunks(&mut *pool.acquire().await?, &doc.to_string()).await?;
    if chunks.is_empty() {
        return Ok(None);
    }
    // Automerge loads a concatenation of saved documents and changes as one.
    let mut loaded = AutoCommit::load(&chunks.concat()).map_err(|e| damaged(doc, e))?;
    let heads = loaded.get_heads();
    Ok(Some(LoadedDoc {
        id: *doc,
        doc: loaded,
        saved: Saved::Postgres(heads),
    }))
}

/// A kept state that no longer decodes is replaced by a fresh one: that costs one extra round
/// trip, never data.
pub(super) async fn sync_state(
    pool: &Pool,
    doc: &DocId,
    peer: &str,
) -> Result<automerge::sync::State> {
    let row: Option<(Vec<u8>,)> =
        sqlx::query_as("SELECT state FROM doc_sync_states WHERE doc_id = $1 AND peer = $2")
            .bind(doc.to_string())
            .bind(peer)
            .fetch_optional(pool)
            .await?;
    Ok(row
        .and_then(|(bytes,)| automerge::sync::State::decode(&bytes).ok())
        .unwrap_or_default())
}

pub(super) async fn save_doc(
    pg: &PgBackend,
    loaded: &mut LoadedDoc,
    peer: &str,
    state: &automerge::sync::State,
) -> Result<()> {
    let LoadedDoc { id, doc, saved } = loaded;
    let Saved::Postgres(saved) = saved else {
        return Err(ServerError::Internal(
            "a document loaded from SQLite was saved to PostgreSQL".into(),
        ));
    };
    let key = id.to_string();
    let changed = doc.get_heads() != *saved;
    let mut tx = begin_write(&pg.pool).await?;
    if changed {
        // One save of a document at a time across instances, so a compaction below sees every
        // chunk another instance committed.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(&key)
            .execute(&mut *tx)
            .await?;
        let increment = doc.save_after(saved);
        let (snapshot, increments): (i64, i64) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(octet_length(data)) FILTER (WHERE snapshot), 0) AS BIGINT),
                    CAST(COALESCE(SUM(octet_length(data)) FILTER (WHERE NOT snapshot), 0) AS BIGINT)
               FROM doc_chunks WHERE doc_id = $1",
        )
        .bind(&key)
        .fetch_one(&mut *tx)
        .await?;
        // automerge-repo's rule, as in folio-sync's doc_store: fold the increments into a new
        // snapshot once together they outgrow it.
        if increments + increment.len() as i64 <= snapshot {
            sqlx::query("INSERT INTO doc_chunks (doc_id, snapshot, data) VALUES ($1, FALSE, $2)")
                .bind(&key)
                .bind(&increment)
                .execute(&mut *tx)
                .await?;
        } else {
            // Other instances' increments may be missing from this copy; without them the new
            // snapshot would replace their changes with nothing.
            for chunk in chunks(&mut tx, &key).await? {
                doc.load_incremental(&chunk).map_err(|e| damaged(id, e))?;
            }
            let whole = doc.save();
            sqlx::query("DELETE FROM doc_chunks WHERE doc_id = $1")
                .bind(&key)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO doc_chunks (doc_id, snapshot, data) VALUES ($1, TRUE, $2)")
                .bind(&key)
                .bind(&whole)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANGES_CHANNEL)
            .bind(format!("{} {key}", pg.instance))
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO doc_sync_states (doc_id, peer, state) VALUES ($1, $2, $3)
         ON CONFLICT (doc_id, peer) DO UPDATE SET state = EXCLUDED.state",
    )
    .bind(&key)
    .bind(peer)
    .bind(state.encode())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // Only now: had the commit failed, the next save would have to write the same changes again.
    *saved = doc.get_heads();
    Ok(())
}

/// What another instance did, as heard on [`CHANGES_CHANNEL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoteChange {
    /// Another instance saved a change to this document.
    Doc(DocId),
    /// The listening connection was lost and is back: notifications sent meanwhile are gone, so
    /// any document may have changed.
    Missed,
}

/// The changes other instances save, from a dedicated listening connection that is re-opened
/// whenever it drops.
pub struct RemoteChanges {
    pool: PgPool,
    instance: String,
    listener: Option<PgListener>,
    retry_in: Duration,
}

async fn listen(pool: &PgPool) -> Result<PgListener> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANGES_CHANNEL).await?;
    Ok(listener)
}

impl RemoteChanges {
    pub(super) async fn start(pg: &PgBackend) -> Result<Self> {
        Ok(Self {
            listener: Some(listen(&pg.pool).await?),
            pool: pg.pool.clone(),
            instance: pg.instance.clone(),
            retry_in: RELISTEN_FIRST,
        })
    }

    /// The next change another instance made; `None` once the database is closed (shutdown).
    pub async fn next(&mut self) -> Option<RemoteChange> {
        loop {
            if self.pool.is_closed() {
                return None;
            }
            let Some(listener) = self.listener.as_mut() else {
                tokio::time::sleep(self.retry_in).await;
                match listen(&self.pool).await {
                    Ok(listener) => {
                        tracing::info!("listening for other instances' changes again");
                        self.listener = Some(listener);
                        self.retry_in = RELISTEN_FIRST;
                        return Some(RemoteChange::Missed);
                    }
                    Err(e) => {
                        self.retry_in = (self.retry_in * 2).min(RELISTEN_MAX);
                        tracing::warn!(error = %e, retry_in = ?self.retry_in, "cannot listen for other instances' changes");
                        continue;
                    }
                }
            };
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    if let Some(doc) = self.parse(notification.payload()) {
                        return Some(RemoteChange::Doc(doc));
                    }
                }
                // sqlx reconnected (and re-listened) by itself.
                Ok(None) => {
                    tracing::warn!("the change listener's connection dropped and is back");
                    return Some(RemoteChange::Missed);
                }
                Err(sqlx::Error::PoolClosed) => return None,
                Err(e) => {
                    tracing::warn!(error = %e, "lost the change listener; reconnecting");
                    self.listener = None;
                }
            }
        }
    }

    /// The document another instance changed; `None` for this instance's own saves (its
    /// connections were woken directly) and for payloads that are not ours.
    fn parse(&self, payload: &str) -> Option<DocId> {
        let (instance, doc) = payload.split_once(' ')?;
        if instance == self.instance {
            return None;
        }
        match doc.parse() {
            Ok(doc) => Some(doc),
            Err(e) => {
                tracing::warn!(%payload, error = %e, "ignoring a change notification");
                None
            }
        }
    }
}
