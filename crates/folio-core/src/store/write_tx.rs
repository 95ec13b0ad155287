//! The one write path. Every mutation of authored data goes through a [`WriteTx`]: an
//! `IMMEDIATE` SQLite transaction (so the app and the CLI never dead-lock upgrading a read lock).
//! At commit the rows it changed become changes of their Automerge documents, which are saved in
//! the same transaction ([`crate::store::mirror`]): rows and documents commit together or not at all.

use crate::{CoreError, Folio};
use sqlx::{Sqlite, SqliteConnection, Transaction};
use uuid::Uuid;

/// The kinds of authored records, for change tracking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entity {
    Account,
    Site,
    Sector,
    SiteSettings,
    Keyword,
    Cluster,
    Idea,
    Task,
    Content,
    Image,
    Taxonomy,
    AccountSettings,
    Prompt,
    AuthorProfile,
    CreditLedger,
}

/// A write in progress. Dropping it without [`WriteTx::commit`] rolls everything back.
pub struct WriteTx {
    tx: Transaction<'static, Sqlite>,
    touched: Vec<(Entity, Uuid)>,
    /// Bulk changes (imports, bulk status changes) are recorded as a count, not row by row.
    bulk: Vec<(Entity, usize)>,
    pub(crate) docs: crate::store::mirror::OpenDocs,
    changes: std::sync::Arc<tokio::sync::watch::Sender<u64>>,
}

impl WriteTx {
    pub fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }

    /// Record that a record was created, changed or deleted.
    pub fn touch(&mut self, entity: Entity, id: Uuid) {
        self.touched.push((entity, id));
    }

    /// Record a bulk change of `count` records of one kind.
    pub fn touch_many(&mut self, entity: Entity, count: usize) {
        if count > 0 {
            self.bulk.push((entity, count));
        }
    }

    /// The connection and the documents this write keeps open, for writing to both.
    pub(crate) fn parts(&mut self) -> (&mut SqliteConnection, &mut crate::store::mirror::OpenDocs) {
        (&mut self.tx, &mut self.docs)
    }

    /// Sign this write's document changes as a person's edit (see `store/authorship.rs`): the
    /// article history gathers quick edits into one version.
    pub(crate) fn sign_as(&mut self, kind: crate::store::authorship::ChangeKind) {
        self.docs.kind = Some(kind);
    }

    pub async fn commit(mut self) -> Result<(), CoreError> {
        let (touched, bulk) = (self.touched.len(), self.bulk.len());
        let records = crate::store::mirror::flush(&mut self.tx, &mut self.docs).await?;
        let docs = self.docs.save_all(&mut self.tx).await?;
        let saved = std::mem::take(&mut self.docs)
            .into_committable(&mut self.tx)
            .await?;
        self.tx.commit().await?;
        saved.committed();
        if docs > 0 {
            // Wakes this process's sync loop (and the app's views) at once; other processes on
            // the same data directory see `doc_versions` change.
            self.changes.send_modify(|n| *n += 1);
        }
        tracing::debug!(touched, bulk, records, docs, "write committed");
        Ok(())
    }
}

impl Folio {
    /// Ticks after every committed write that changed documents in this process, local edits
    /// and applied remote changes alike.
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Start a write. Waits (up to the busy timeout) while another process writes.
    pub async fn begin_write(&self) -> Result<WriteTx, CoreError> {
        // Started on its own task so that it always ends with a `Transaction` (which rolls back
        // when dropped): sqlx's `begin_with` awaits once more after the worker ran the `BEGIN`
        // (to check the statement opened a transaction), and a caller dropped at that point —
        // a cancelled call, a `try_join!` sibling failing — left the connection back in the
        // pool holding the write lock, so every later write failed with "database is locked".
        let pool = self.pool.clone();
        let tx = tokio::spawn(async move { pool.begin_with("BEGIN IMMEDIATE").await })
            .await
            .map_err(|e| CoreError::Internal(format!("starting a write stopped: {e}")))??;
        Ok(WriteTx {
            tx,
            touched: Vec::new(),
            bulk: Vec::new(),
            docs: crate::store::mirror::OpenDocs::with_cache(self.doc_cache.clone()),
            changes: self.changes.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::{poll_fn, Future};
    use std::task::Poll;

    /// A caller dropped while its write starts (at each of the points the start waits at)
    /// leaves no transaction behind: the next write gets the lock at once instead of failing
    /// with "database is locked" after the busy timeout.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_dropped_while_it_starts_leaves_the_lock_free() {
        let dir = tempfile::tempdir().unwrap();
        let folio = Folio::open(dir.path()).await.unwrap();
        for drop_at in 1..=8 {
            let mut start = Box::pin(folio.begin_write());
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
            let next = folio.begin_write().await;
            assert!(
                next.is_ok(),
                "dropped at wait {drop_at}: {:?}",
                next.err().map(|e| e.to_string())
            );
            next.unwrap().commit().await.unwrap();
        }
    }
}
