//! Documents over the sync socket: what this device offers, applying what arrives (one write per
//! batch: change, save, re-projection and sync state together) and re-projecting records whose
//! parent arrived later.

use crate::store::projection::project_doc;
use crate::{CoreError, Folio};
use automerge::sync::{Message as SyncMessage, State as SyncState, SyncDoc};
use automerge::AutoCommit;
use folio_sync::records::changed_keys;
use folio_sync::{doc_store, DocId, Frame};
use std::collections::HashMap;
use std::str::FromStr;

impl Folio {
    pub(crate) async fn doc_versions(&self) -> Result<HashMap<DocId, i64>, CoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT doc_id, version FROM doc_versions")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(d, v)| DocId::from_str(&d).ok().map(|d| (d, v)))
            .collect())
    }

    /// The next sync message for `doc`, if this device has something to say.
    pub(crate) async fn offer(&self, doc: DocId, peer: &str) -> Result<Option<Frame>, CoreError> {
        Ok(self.offer_many(&[doc], peer).await?.pop())
    }

    /// The next sync messages for these documents (one write for all: the sync states change).
    pub(crate) async fn offer_many(
        &self,
        docs: &[DocId],
        peer: &str,
    ) -> Result<Vec<Frame>, CoreError> {
        let mut tx = self.begin_write().await?;
        let conn = tx.conn();
        let mut frames = Vec::new();
        for doc in docs {
            let mut stored = match doc_store::load(conn, doc).await? {
                Some(s) => s.doc,
                None => AutoCommit::new(),
            };
            let mut state = doc_store::sync_state(conn, doc, peer).await?;
            if let Some(m) = stored.sync().generate_sync_message(&mut state) {
                frames.push(Frame::Sync {
                    doc: *doc,
                    message: m.encode(),
                });
            }
            doc_store::save_sync_state(conn, doc, peer, &state).await?;
        }
        tx.commit().await?;
        Ok(frames)
    }

    /// Apply sync messages: each document, its projection and its sync state, all in one
    /// write. Returns per message whether the document changed and the reply, if any.
    pub(crate) async fn receive_many(
        &self,
        messages: Vec<(DocId, Vec<u8>)>,
        peer: &str,
    ) -> Result<Vec<Received>, CoreError> {
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let (conn, open) = tx.parts();
        let mut out = Vec::with_capacity(messages.len());
        for (doc, bytes) in messages {
            let message = SyncMessage::decode(&bytes).map_err(|e| {
                CoreError::Sync(format!("a sync message for {doc} does not decode: {e}"))
            })?;
            let mut state: SyncState = doc_store::sync_state(conn, &doc, peer).await?;
            let current = open.get_remote(conn, doc).await?;
            let before = current.get_heads();
            current
                .sync()
                .receive_sync_message(&mut state, message)
                .map_err(|e| {
                    CoreError::Sync(format!("a sync message for {doc} was refused: {e}"))
                })?;
            let after = current.get_heads();
            let changed = before != after;
            if changed {
                let keys = changed_keys(current, &before, &after);
                project_doc(conn, &doc, &*current, keys.as_ref()).await?;
            }
            let reply = current.sync().generate_sync_message(&mut state);
            // The server has exactly our heads: once this reply (if any) tells it we have its
            // changes, there is nothing left to exchange for this document.
            let settled = state.their_heads.as_deref() == Some(current.get_heads().as_slice());
            doc_store::save_sync_state(conn, &doc, peer, &state).await?;
            out.push(Received {
                doc,
                changed,
                settled,
                reply: reply.map(|m| Frame::Sync {
                    doc,
                    message: m.encode(),
                }),
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Project again the documents that waited for others (their parents may have arrived).
    pub(crate) async fn reproject_pending(&self) -> Result<(), CoreError> {
        let pending: Vec<(String,)> = sqlx::query_as("SELECT doc_id FROM projection_pending")
            .fetch_all(&self.pool)
            .await?;
        for _ in 0..3 {
            let mut progress = false;
            for (id,) in &pending {
                let Ok(doc) = DocId::from_str(id) else {
                    continue;
                };
                let mut tx = self.begin_write().await?;
                let conn = tx.conn();
                let Some(stored) = doc_store::load(conn, &doc).await? else {
                    continue;
                };
                progress |= project_doc(conn, &doc, &stored.doc, None).await?;
                tx.commit().await?;
            }
            if !progress {
                break;
            }
        }
        Ok(())
    }
}

/// One applied sync message.
pub(crate) struct Received {
    pub(crate) doc: DocId,
    /// The document changed here.
    pub(crate) changed: bool,
    /// Client and server now have the same changes of it.
    pub(crate) settled: bool,
    pub(crate) reply: Option<Frame>,
}
