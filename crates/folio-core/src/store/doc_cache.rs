//! Documents kept loaded between writes.
//!
//! Opening a document for a write used to load it from its stored chunks every time, and
//! loading replays the document's whole history: in the pipeline benchmark that was a quarter of
//! Folio's own time per article, growing with every record the account gains. Committed writes
//! now hand their documents back here and the next write takes them as they are.
//!
//! Why a cached copy is never stale: every write of a document's chunks goes through
//! [`crate::store::mirror::OpenDocs::save_all`], which bumps the document's row in
//! `doc_versions` in the same transaction. A write reads that version inside its `IMMEDIATE`
//! transaction — no other connection or process can write until it ends — and takes the cached
//! copy only when its version is still the stored one. A write that rolls back never hands its
//! documents back, so the cache only ever holds committed state.

use folio_sync::doc_store::StoredDoc;
use folio_sync::DocId;
use sqlx::SqliteConnection;
use std::collections::HashMap;
use std::sync::Mutex;

/// How many documents stay loaded: the account's documents and the keyword documents a write
/// touches fit; a bulk import touching more loads the rest from storage as before.
const CAPACITY: usize = 32;

#[derive(Default)]
pub(crate) struct DocCache {
    inner: Mutex<Inner>,
    /// The statement reading a mirrored table's row as JSON, by table: built from the table's
    /// columns, which only a migration changes (and every migration runs at open). Reading the
    /// columns was a statement returning a row per column in every write.
    row_selects: Mutex<HashMap<&'static str, String>>,
}

#[derive(Default)]
struct Inner {
    docs: HashMap<DocId, Cached>,
    /// Increases with every hand-back: the least recently returned document goes first.
    tick: u64,
}

struct Cached {
    stored: StoredDoc,
    version: i64,
    returned: u64,
}

impl std::fmt::Debug for DocCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let docs = self.inner.lock().map(|i| i.docs.len()).unwrap_or(0);
        f.debug_struct("DocCache").field("docs", &docs).finish()
    }
}

impl DocCache {
    /// The cached document if it is still the stored `version`; it leaves the cache (the write
    /// owns it until it commits). A stale copy is dropped.
    pub(crate) fn take(&self, id: &DocId, version: i64) -> Option<StoredDoc> {
        let mut inner = self.inner.lock().ok()?;
        let cached = inner.docs.remove(id)?;
        (cached.version == version).then_some(cached.stored)
    }

    /// A committed write's document, saved at `version`.
    pub(crate) fn put(&self, stored: StoredDoc, version: i64) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        inner.tick += 1;
        let returned = inner.tick;
        inner.docs.insert(
            stored.id,
            Cached {
                stored,
                version,
                returned,
            },
        );
        while inner.docs.len() > CAPACITY {
            let oldest = inner
                .docs
                .iter()
                .min_by_key(|(_, c)| c.returned)
                .map(|(id, _)| *id);
            match oldest {
                Some(id) => inner.docs.remove(&id),
                None => break,
            };
        }
    }

    pub(crate) fn row_select(&self, table: &str) -> Option<String> {
        self.row_selects.lock().ok()?.get(table).cloned()
    }

    pub(crate) fn remember_row_select(&self, table: &'static str, select: String) {
        if let Ok(mut m) = self.row_selects.lock() {
            m.insert(table, select);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.lock().map(|i| i.docs.len()).unwrap_or(0)
    }
}

/// The stored version of a document; `None` for one never saved.
pub(crate) async fn stored_version(
    conn: &mut SqliteConnection,
    id: &DocId,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT version FROM doc_versions WHERE doc_id = ?")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(v,)| v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Folio;
    use automerge::{ReadDoc, ROOT};
    use folio_model::{NewCluster, NewSite};

    #[test]
    fn a_stale_copy_is_dropped_and_the_least_recently_returned_goes_first() {
        let cache = DocCache::default();
        let doc =
            |n: u128| StoredDoc::new(DocId::Plan(uuid::Uuid::from_u128(n)), Default::default());
        cache.put(doc(1), 3);
        assert!(cache
            .take(&DocId::Plan(uuid::Uuid::from_u128(1)), 4)
            .is_none());
        assert_eq!(cache.len(), 0, "a stale copy is not kept");
        for n in 0..(CAPACITY as u128 + 2) {
            cache.put(doc(n), 1);
        }
        assert_eq!(cache.len(), CAPACITY);
        assert!(cache
            .take(&DocId::Plan(uuid::Uuid::from_u128(0)), 1)
            .is_none());
        assert!(cache
            .take(&DocId::Plan(uuid::Uuid::from_u128(1)), 1)
            .is_none());
        assert!(cache
            .take(&DocId::Plan(uuid::Uuid::from_u128(2)), 1)
            .is_some());
    }

    /// Two processes on one data directory (the app and the CLI): after the other one wrote a
    /// document, this one's next write works on the stored document, never its own older copy.
    #[tokio::test]
    async fn a_write_never_works_on_a_copy_another_process_has_since_changed() {
        let dir = tempfile::tempdir().unwrap();
        let app = Folio::open(dir.path()).await.unwrap();
        let cli = Folio::open(dir.path()).await.unwrap();
        let site = app
            .create_site(&NewSite {
                name: "Garden".into(),
                domain: "garden.example".into(),
                sectors: vec!["Care".into()],
            })
            .await
            .unwrap();
        let sector = site.sectors[0].id;
        let mut clusters = Vec::new();
        for (folio, name) in [(&app, "Hoes"), (&cli, "Rakes"), (&app, "Spades")] {
            let c = folio
                .create_cluster(NewCluster::new(site.id, sector, name))
                .await
                .unwrap();
            clusters.push(c.id);
        }
        let id = DocId::Plan(site.id.0);
        let mut conn = app.pool.acquire().await.unwrap();
        let version = stored_version(&mut conn, &id).await.unwrap().unwrap();
        let cached = app
            .doc_cache
            .take(&id, version)
            .expect("the app's last write left the plan document cached at the stored version");
        for c in clusters {
            assert!(
                cached
                    .doc
                    .get(ROOT, format!("clusters:{c}"))
                    .unwrap()
                    .is_some(),
                "cluster {c} is in the app's copy"
            );
        }
    }
}
