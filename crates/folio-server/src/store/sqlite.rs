//! The embedded backend: one SQLite file, one server. Document contents and sync states live in
//! folio-sync's tables (`doc_store`, docs/sync.md), the same schema the desktop uses.

use super::{LoadedDoc, Result, Saved};
use crate::config::DatabaseUrl;
use crate::ServerError;
use automerge::AutoCommit;
use folio_sync::doc_store::{self, StoredDoc};
use folio_sync::DocId;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqliteConnection, SqlitePool};
use std::path::Path;
use std::time::Duration;

// Compiling the shared queries once per backend is the point: only the driver types differ.
#[allow(clippy::duplicate_mod)]
#[path = "queries.rs"]
mod queries;
pub(super) use queries::*;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

type Pool = SqlitePool;
type Conn = SqliteConnection;

pub(super) async fn open(url: &DatabaseUrl, path: &Path) -> Result<SqlitePool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| ServerError::DataDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL, not the client's NORMAL: in WAL mode NORMAL may lose the last commits on a power
        // cut, and the server acknowledges a sync message only once it is committed — a device
        // then forgets what it sent, so a lost commit here would be lost for good.
        .synchronous(SqliteSynchronous::Full)
        // Cascades (a removed user's sessions and grants) depend on it.
        .foreign_keys(true)
        // Writers queue behind the single SQLite write lock rather than fail.
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map_err(|source| ServerError::Open {
            url: url.to_string(),
            source,
        })?;
    MIGRATOR.run(&pool).await?;
    // Document contents and sync states: folio-sync owns that schema (docs/sync.md).
    doc_store::ensure_tables(&mut *pool.acquire().await?).await?;
    Ok(pool)
}

/// A transaction that holds the write lock from its first statement. SQLite's default (deferred)
/// transaction reads a snapshot and fails with "database is locked" — without waiting — if
/// another writer commits before it upgrades to write; taking the lock up front makes it queue
/// behind the busy timeout instead.
///
/// Started on its own task so it always ends with a `Transaction` (which rolls back when
/// dropped): sqlx's `begin_with` awaits again after the `BEGIN` ran, and a handler dropped there
/// (a client that hung up) would leave a pooled connection holding the write lock.
async fn begin_write(pool: &Pool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
    let pool = pool.clone();
    tokio::spawn(async move { pool.begin_with("BEGIN IMMEDIATE").await })
        .await
        .map_err(|e| ServerError::Internal(format!("starting a write stopped: {e}")))?
        .map_err(Into::into)
}

pub(super) async fn load_doc(pool: &Pool, doc: &DocId) -> Result<Option<LoadedDoc>> {
    let Some(mut stored) = doc_store::load(&mut *pool.acquire().await?, doc).await? else {
        return Ok(None);
    };
    let contents = std::mem::replace(&mut stored.doc, AutoCommit::new());
    Ok(Some(LoadedDoc {
        id: *doc,
        doc: contents,
        saved: Saved::Sqlite(Box::new(stored)),
    }))
}

pub(super) async fn sync_state(
    pool: &Pool,
    doc: &DocId,
    peer: &str,
) -> Result<automerge::sync::State> {
    Ok(doc_store::sync_state(&mut *pool.acquire().await?, doc, peer).await?)
}

pub(super) async fn save_doc(
    pool: &Pool,
    loaded: &mut LoadedDoc,
    peer: &str,
    state: &automerge::sync::State,
) -> Result<()> {
    let LoadedDoc { id, doc, saved } = loaded;
    let Saved::Sqlite(stored) = saved else {
        return Err(ServerError::Internal(
            "a document loaded from PostgreSQL was saved to SQLite".into(),
        ));
    };
    let mut tx = begin_write(pool).await?;
    {
        // `save` marks the document saved as it goes; if the commit then fails the caller drops
        // its copy and reloads from storage (see relay.rs), so nothing is counted twice.
        let lent = Lent::new(doc, stored);
        doc_store::save(&mut tx, &mut *lent.stored).await?;
    }
    doc_store::save_sync_state(&mut tx, id, peer, state).await?;
    tx.commit().await?;
    Ok(())
}

/// The document's contents moved into folio-sync's `StoredDoc` for one save, and moved back when
/// this is dropped — also if the save fails or its future is dropped half-way.
struct Lent<'a> {
    home: &'a mut AutoCommit,
    stored: &'a mut StoredDoc,
}

impl<'a> Lent<'a> {
    fn new(home: &'a mut AutoCommit, stored: &'a mut StoredDoc) -> Self {
        std::mem::swap(home, &mut stored.doc);
        Self { home, stored }
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        std::mem::swap(self.home, &mut self.stored.doc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::{poll_fn, Future};
    use std::task::Poll;

    /// Every pooled connection commits durably (`PRAGMA synchronous` 2 = FULL).
    #[tokio::test]
    async fn the_server_database_syncs_fully() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.db");
        let pool = open(&DatabaseUrl::Sqlite(path.clone()), &path)
            .await
            .unwrap();
        // Several connections at once, so more than the first one is asked.
        let mut held = Vec::new();
        for _ in 0..3 {
            let mut conn = pool.acquire().await.unwrap();
            let (level,): (i64,) = sqlx::query_as("PRAGMA synchronous")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(level, 2, "synchronous should be FULL");
            held.push(conn);
        }
    }

    /// A handler dropped while its write starts (at each point the start waits at) leaves no
    /// transaction behind: the next write gets the lock instead of "database is locked".
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_dropped_while_it_starts_leaves_the_lock_free() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.db");
        let pool = open(&DatabaseUrl::Sqlite(path.clone()), &path)
            .await
            .unwrap();
        for drop_at in 1..=8 {
            let mut start = Box::pin(begin_write(&pool));
            let mut waits = 0;
            // Polled as usual, but given up at its `drop_at`-th wait (if it waits that often).
            let started = poll_fn(|cx| match start.as_mut().poll(cx) {
                Poll::Ready(tx) => Poll::Ready(Some(tx)),
                Poll::Pending => {
                    waits += 1;
                    if waits == drop_at {
                        Poll::Ready(None)
                    } else {
                        Poll::Pending
                    }
                }
            })
            .await;
            drop(started);
            drop(start);
            let next = begin_write(&pool).await;
            assert!(next.is_ok(), "dropped at wait {drop_at}: {:?}", next.err());
            next.unwrap().commit().await.unwrap();
        }
    }
}
