//! The local store: one SQLite database per data directory, migrated at open.

use crate::{paths, CoreError};
use chrono::Utc;
use folio_model::AccountId;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

const CURRENT_ACCOUNT_KEY: &str = "current_account_id";

/// An open Folio data directory: the database plus the account this device works in.
///
/// Cheap to clone; clones share the connection pool.
#[derive(Clone, Debug)]
pub struct Folio {
    pub(crate) pool: SqlitePool,
    pub(crate) account_id: AccountId,
    data_dir: PathBuf,
    pub(crate) keyword_index: std::sync::Arc<crate::store::keyword_index::KeywordIndexes>,
    pub(crate) changes: std::sync::Arc<tokio::sync::watch::Sender<u64>>,
    /// Documents committed writes left loaded for the next one (`store::doc_cache`).
    pub(crate) doc_cache: std::sync::Arc<crate::store::doc_cache::DocCache>,
    jobs: crate::jobs::Jobs,
}

impl Folio {
    /// Open (creating if needed) the data directory, apply pending migrations and make sure a local
    /// account exists. The desktop app and the CLI may have the same directory open at once.
    pub async fn open(data_dir: &Path) -> Result<Self, CoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| CoreError::DataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        // SQLite migrations take no lock, so two processes opening a fresh directory at once (the
        // app and the CLI) would both apply them; an OS file lock serialises the whole open.
        let _open_lock = lock_for_open(data_dir).await?;
        let db_path = paths::database_path(data_dir);
        let options = SqliteConnectOptions::new()
            .filename(&db_path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // A 100k-keyword import touches ~10 MB of index pages in one transaction; with the
            // default 2 MB cache they spill and are rewritten (measured: ~30% of the import).
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory")
            // the app and the CLI can write at the same moment; wait rather than fail
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // A connection to a local file does not go stale the way a network one does; the
            // check before each acquire was a round trip to its worker thread on every query.
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(|source| CoreError::Open {
                path: db_path.clone(),
                source,
            })?;
        migrate(&pool).await?;
        let account_id = ensure_local_account(&pool).await?;
        let folio = Self {
            pool,
            account_id,
            data_dir: data_dir.to_path_buf(),
            keyword_index: Default::default(),
            changes: std::sync::Arc::new(tokio::sync::watch::channel(0).0),
            doc_cache: Default::default(),
            jobs: crate::jobs::Jobs::new(paths::jobs_dir(data_dir)),
        };
        // Still under the open lock: the shipped defaults and the owner are written once.
        folio.ensure_defaults().await?;
        folio.seed_documents().await?;
        tracing::info!(data_dir = %data_dir.display(), %account_id, "store opened");
        Ok(folio)
    }

    /// Rows from before documents existed go into documents once.
    async fn seed_documents(&self) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        let (conn, docs) = tx.parts();
        if crate::store::mirror::seed(conn, docs).await? {
            tx.commit().await?;
        }
        Ok(())
    }

    /// The account this device works in.
    pub fn account_id(&self) -> AccountId {
        self.account_id
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The long work running on this store (see [`crate::jobs`]).
    pub fn jobs(&self) -> &crate::jobs::Jobs {
        &self.jobs
    }

    /// Close the pool, checkpointing the WAL so the database is one file again.
    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// Schema migrations, the document tables and the mirror triggers. sqlx's migrator future is not
/// `Send` for every lifetime (its generic `Acquire`/`Executor` bounds), which would make
/// `Folio::open` unusable from a spawned task (the app re-opens the store after joining an
/// account); so it runs to completion on a blocking thread of the same runtime.
async fn migrate(pool: &SqlitePool) -> Result<(), CoreError> {
    let pool = pool.clone();
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        handle.block_on(async move {
            MIGRATOR.run(&pool).await?;
            let mut conn = pool.acquire().await?;
            folio_sync::doc_store::ensure_tables(&mut conn).await?;
            crate::store::mirror::install_triggers(&mut conn).await?;
            Ok(())
        })
    })
    .await
    .map_err(|e| CoreError::Internal(format!("the schema upgrade stopped: {e}")))?
}

async fn lock_for_open(data_dir: &Path) -> Result<std::fs::File, CoreError> {
    lock_file(data_dir.join("folio.db.open-lock")).await
}

/// An exclusive OS file lock, held until the returned file is dropped; waits for other processes
/// holding it (on a blocking thread).
pub(crate) async fn lock_file(path: PathBuf) -> Result<std::fs::File, CoreError> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| CoreError::DataDir {
            path: path.clone(),
            source,
        })?;
    tokio::task::spawn_blocking(move || file.lock().map(|()| file))
        .await
        .map_err(|e| CoreError::Internal(format!("waiting for the lock {}: {e}", path.display())))?
        .map_err(|source| CoreError::DataDir { path, source })
}

/// A fresh device gets one local account ("My account"); later the sync issue lets it join a
/// server account. Runs in one transaction so two processes opening a new directory at once still
/// end up with a single account.
async fn ensure_local_account(pool: &SqlitePool) -> Result<AccountId, CoreError> {
    let mut tx = pool.begin().await?;
    let existing: Option<(String,)> = sqlx::query_as("SELECT value FROM local_meta WHERE key = ?")
        .bind(CURRENT_ACCOUNT_KEY)
        .fetch_optional(&mut *tx)
        .await?;
    let id = match existing {
        Some((value,)) => AccountId::from_str(&value)
            .map_err(|e| CoreError::Corrupt(format!("current account id {value:?}: {e}")))?,
        None => {
            let id = AccountId(Uuid::now_v7());
            sqlx::query("INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)")
                .bind(id.to_string())
                .bind("My account")
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO local_meta (key, value) VALUES (?, ?)")
                .bind(CURRENT_ACCOUNT_KEY)
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
            id
        }
    };
    tx.commit().await?;
    Ok(id)
}
