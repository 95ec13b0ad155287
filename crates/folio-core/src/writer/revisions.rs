//! An article's revision history: its saved versions, read from its Automerge document's
//! changes, viewed and restored.
//!
//! Every write signs the change it makes with who and when (`store/authorship.rs`), so the
//! history needs no table of its own and travels with the article to every device. A version is
//! the article as it stood after a change; a person's edits less than [`GROUP_SECONDS`] apart
//! on one device (autosave while typing) read as one version, anything else (the AI's draft, a
//! restore, a teammate's edit) starts a version of its own, and a change that left the text
//! alone (a status move, a schedule) is not a version. Restoring writes the old text as
//! a new edit, so it syncs and can itself be undone by restoring again.

use crate::store::authorship::{ChangeAuthor, ChangeKind, Signature};
use crate::store::db::not_found;
use crate::writer::content::read_content;
use crate::writer::html::html_word_count;
use crate::writer::sanitize::sanitize_article_html;
use crate::{CoreError, Folio};
use automerge::{AutoCommit, ChangeHash, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use chrono::{DateTime, Utc};
use folio_model::{Content, ContentId, ContentRevision, ContentUpdate, RevisionView};
use folio_sync::DocId;
use std::str::FromStr;

/// Saves by one author closer together than this are one version.
pub const GROUP_SECONDS: i64 = 300;
/// The newest versions listed; an article's history beyond that is still in its document.
pub const MAX_REVISIONS: usize = 200;

/// The article's fields as one version holds them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Snapshot {
    title: String,
    body_html: String,
    meta_title: String,
    meta_description: String,
    excerpt: String,
}

/// One run of changes that reads as a version: its last change and what it gathers.
struct Group {
    last: ChangeHash,
    signature: Option<Signature>,
    time: i64,
    saves: u32,
}

fn record_key(id: ContentId) -> String {
    crate::store::mirror::record_key("content", &id.to_string())
}

/// The article's fields after `heads`; `None` before the article's record existed.
fn snapshot(doc: &AutoCommit, key: &str, heads: &[ChangeHash]) -> Option<Snapshot> {
    let rec = match doc.get_at(ROOT, key, heads).ok()?? {
        (Value::Object(ObjType::Map), id) => id,
        _ => return None,
    };
    let field = |name: &str| -> String {
        match doc.get_at(&rec, name, heads) {
            Ok(Some((Value::Object(ObjType::Text), obj))) => {
                doc.text_at(&obj, heads).unwrap_or_default()
            }
            Ok(Some((Value::Scalar(s), _))) => match s.as_ref() {
                ScalarValue::Str(t) => t.to_string(),
                _ => String::new(),
            },
            _ => String::new(),
        }
    };
    Some(Snapshot {
        title: field("title"),
        body_html: field("body_html"),
        meta_title: field("meta_title"),
        meta_description: field("meta_description"),
        excerpt: field("excerpt"),
    })
}

fn revision_of(
    last: ChangeHash,
    time: i64,
    author: Option<ChangeAuthor>,
    device: &str,
    snap: &Snapshot,
    saves: u32,
) -> ContentRevision {
    ContentRevision {
        id: last.to_string(),
        at: (time > 0)
            .then(|| DateTime::<Utc>::from_timestamp(time, 0))
            .flatten(),
        author: author
            .as_ref()
            .map_or_else(|| "another device".to_owned(), ChangeAuthor::label),
        this_device: author.as_ref().is_some_and(|a| a.device == device),
        word_count: html_word_count(&snap.body_html),
        saves,
    }
}

/// The versions of the article in `doc`, newest first, each with its fields.
fn versions(doc: &mut AutoCommit, key: &str, device: &str) -> Vec<(ContentRevision, Snapshot)> {
    let mut groups: Vec<Group> = Vec::new();
    for change in doc.get_changes(&[]) {
        let signature = Signature::from_message(change.message());
        let time = change.timestamp();
        if let Some(g) = groups.last_mut() {
            fn edit(s: &Option<Signature>) -> Option<(&str, &str)> {
                s.as_ref()
                    .filter(|s| s.kind == Some(ChangeKind::Edit))
                    .map(|s| (s.author.device.as_str(), s.author.person.as_str()))
            }
            let same_editor =
                edit(&g.signature).is_some() && edit(&g.signature) == edit(&signature);
            if same_editor && time > 0 && g.time > 0 && (time - g.time).abs() <= GROUP_SECONDS {
                g.last = change.hash();
                g.time = time;
                g.saves += 1;
                continue;
            }
        }
        groups.push(Group {
            last: change.hash(),
            signature,
            time,
            saves: 1,
        });
    }
    let mut out: Vec<(ContentRevision, Snapshot)> = Vec::new();
    for g in groups {
        let Some(snap) = snapshot(doc, key, &[g.last]) else {
            continue;
        };
        if let Some((prev, prev_snap)) = out.last_mut() {
            if *prev_snap == snap {
                // Nothing a reader sees changed (a status move): part of the version before.
                prev.saves += g.saves;
                continue;
            }
        }
        let author = g.signature.map(|s| s.author);
        let revision = revision_of(g.last, g.time, author, device, &snap, g.saves);
        out.push((revision, snap));
    }
    out.reverse();
    out.truncate(MAX_REVISIONS);
    out
}

impl Folio {
    /// The article's document as stored, after checking the article is this account's.
    async fn article_doc(&self, id: ContentId) -> Result<Option<AutoCommit>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_content(&mut conn, &self.account_id.to_string(), id).await?;
        let stored = folio_sync::doc_store::load(&mut conn, &DocId::Article(id.as_uuid())).await?;
        Ok(stored.map(|s| s.doc))
    }

    async fn article_versions(
        &self,
        id: ContentId,
    ) -> Result<Vec<(ContentRevision, Snapshot)>, CoreError> {
        let Some(mut doc) = self.article_doc(id).await? else {
            return Ok(Vec::new());
        };
        let device = self.device_id().await?;
        // Reading a long history is CPU work: off the async threads.
        tokio::task::spawn_blocking(move || versions(&mut doc, &record_key(id), &device))
            .await
            .map_err(|e| CoreError::Internal(format!("reading the article's history stopped: {e}")))
    }

    async fn change_version(
        &self,
        id: ContentId,
        hash: ChangeHash,
    ) -> Result<Option<(ContentRevision, Snapshot)>, CoreError> {
        let Some(doc) = self.article_doc(id).await? else {
            return Ok(None);
        };
        let device = self.device_id().await?;
        let Some(change) = doc.get_change_by_hash(&hash) else {
            return Ok(None);
        };
        let author = Signature::from_message(change.message()).map(|s| s.author);
        let time = change.timestamp();
        let Some(snap) = snapshot(&doc, &record_key(id), &[hash]) else {
            return Ok(None);
        };
        Ok(Some((
            revision_of(hash, time, author, &device, &snap, 1),
            snap,
        )))
    }

    /// The article's latest change: the version to come back to after an edit made now (a
    /// regenerated section's undo).
    pub(crate) async fn latest_change(&self, id: ContentId) -> Result<Option<String>, CoreError> {
        let Some(mut doc) = self.article_doc(id).await? else {
            return Ok(None);
        };
        Ok(doc.get_changes(&[]).last().map(|c| c.hash().to_string()))
    }

    /// The article's saved versions, newest first (at most [`MAX_REVISIONS`]).
    pub async fn content_revisions(
        &self,
        id: ContentId,
    ) -> Result<Vec<ContentRevision>, CoreError> {
        Ok(self
            .article_versions(id)
            .await?
            .into_iter()
            .map(|(r, _)| r)
            .collect())
    }

    /// One version's text, to look at before restoring it.
    pub async fn content_revision(
        &self,
        id: ContentId,
        revision: &str,
    ) -> Result<RevisionView, CoreError> {
        let wanted = ChangeHash::from_str(revision.trim()).map_err(|_| {
            CoreError::invalid(
                "revision",
                "A revision is the id `folio content revisions` or the app's history lists \
                 (64 hex digits)",
            )
        })?;
        let listed = self
            .article_versions(id)
            .await?
            .into_iter()
            .find(|(r, _)| r.id == wanted.to_string());
        let (revision, snap) = match listed {
            Some(v) => v,
            // Any change of the history names the article as it stood after it (the state
            // before a section was regenerated, say), listed as a version or not.
            None => self
                .change_version(id, wanted)
                .await?
                .ok_or_else(|| not_found(format!("revision {wanted} of content {id}")))?,
        };
        Ok(RevisionView {
            revision,
            title: snap.title,
            body_html: sanitize_article_html(&snap.body_html),
            meta_title: snap.meta_title,
            meta_description: snap.meta_description,
            excerpt: snap.excerpt,
        })
    }

    /// Make an older version the article's text again, as a new edit (it syncs, and the
    /// version it replaces stays in the history).
    pub async fn restore_revision(
        &self,
        id: ContentId,
        revision: &str,
    ) -> Result<Content, CoreError> {
        let v = self.content_revision(id, revision).await?;
        let title = match v.title.trim() {
            "" => None,
            _ => Some(v.title),
        };
        self.update_content_as(
            id,
            ContentUpdate {
                title,
                body_html: Some(v.body_html),
                excerpt: Some(v.excerpt),
                meta_title: Some(v.meta_title),
                meta_description: Some(v.meta_description),
                slug: None,
                base_html: None,
            },
            ChangeKind::Restore,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::authorship::commit_signed;
    use automerge::transaction::{CommitOptions, Transactable};

    fn author(device: &str) -> ChangeAuthor {
        ChangeAuthor {
            device: device.into(),
            name: format!("{device}-host"),
            person: String::new(),
        }
    }

    #[test]
    fn quick_saves_by_one_author_are_one_version_and_a_status_move_is_none() {
        let mut doc = AutoCommit::new();
        let me = author("me");
        let key = "content:c";
        // the AI's draft (no kind), then three quick edits by me, a second later each
        save_at(&mut doc, key, "<p>draft</p>", &me, 999, None);
        let draft = doc
            .get_changes(&[])
            .last()
            .map(|c| c.hash())
            .expect("draft");
        for (i, body) in ["<p>a</p>", "<p>ab</p>", "<p>abc</p>"].iter().enumerate() {
            save_at(&mut doc, key, body, &me, 1_000 + i as i64, Some("edit"));
        }
        // a status move: no text change
        let rec = match doc.get(ROOT, key).expect("get") {
            Some((Value::Object(ObjType::Map), id)) => id,
            _ => panic!("record"),
        };
        doc.put(&rec, "status", "approved").expect("status");
        commit_at(&mut doc, &me, 5_000, Some("edit"));
        // a teammate's edit much later
        save_at(
            &mut doc,
            key,
            "<p>abc d</p>",
            &author("them"),
            9_000,
            Some("edit"),
        );

        let v = versions(&mut doc, key, "me");
        let bodies: Vec<_> = v.iter().map(|(_, s)| s.body_html.as_str()).collect();
        assert_eq!(bodies, ["<p>abc d</p>", "<p>abc</p>", "<p>draft</p>"]);
        assert_eq!(v[2].0.id, draft.to_string());
        assert_eq!(v[1].0.saves, 4, "three saves and the status move");
        assert!(v[1].0.this_device);
        assert!(!v[0].0.this_device);
        assert_eq!(v[0].0.author, "them-host");
        assert_eq!(v[0].0.at.map(|t| t.timestamp()), Some(9_000));
        assert_eq!(v[0].0.word_count, 2);
    }

    #[test]
    fn changes_without_an_author_are_each_their_own_version() {
        let mut doc = AutoCommit::new();
        let key = "content:c";
        for body in ["<p>one</p>", "<p>two</p>"] {
            let rec = match doc.get(ROOT, key).expect("get") {
                Some((Value::Object(ObjType::Map), id)) => id,
                _ => doc.put_object(ROOT, key, ObjType::Map).expect("rec"),
            };
            doc.put(&rec, "body_html", body)
                .expect("body as a plain string");
            doc.commit();
        }
        let v = versions(&mut doc, key, "me");
        assert_eq!(v.len(), 2);
        assert!(v
            .iter()
            .all(|(r, _)| r.at.is_none() && r.author == "another device"));
        assert_eq!(v[0].1.body_html, "<p>two</p>");
    }

    fn save_at(
        doc: &mut AutoCommit,
        key: &str,
        body: &str,
        by: &ChangeAuthor,
        time: i64,
        kind: Option<&str>,
    ) {
        let rec = match doc.get(ROOT, key).expect("get") {
            Some((Value::Object(ObjType::Map), id)) => id,
            _ => doc.put_object(ROOT, key, ObjType::Map).expect("record"),
        };
        let text = match doc.get(&rec, "body_html").expect("get") {
            Some((Value::Object(ObjType::Text), id)) => id,
            _ => doc
                .put_object(&rec, "body_html", ObjType::Text)
                .expect("text"),
        };
        doc.update_text(&text, body).expect("update");
        commit_at(doc, by, time, kind);
    }

    fn commit_at(doc: &mut AutoCommit, by: &ChangeAuthor, time: i64, kind: Option<&str>) {
        let message = serde_json::json!({
            "folio": 1, "device": by.device, "name": by.name, "person": by.person, "kind": kind
        })
        .to_string();
        doc.commit_with(
            CommitOptions::default()
                .with_message(message)
                .with_time(time),
        );
    }

    #[test]
    fn signed_saves_carry_the_author() {
        let mut doc = AutoCommit::new();
        let rec = doc
            .put_object(ROOT, "content:c", ObjType::Map)
            .expect("record");
        doc.put(&rec, "body_html", "<p>x</p>").expect("body");
        commit_signed(&mut doc, &author("me"), None);
        let v = versions(&mut doc, "content:c", "me");
        assert_eq!(v.len(), 1);
        assert!(v[0].0.this_device && v[0].0.at.is_some());
    }
}
