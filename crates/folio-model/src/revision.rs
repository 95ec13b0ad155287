//! An article's saved versions, from its document's history (`folio-core`'s
//! `writer/revisions.rs`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One saved version of an article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentRevision {
    /// The version's id: the hash of the document change it ends with (hex).
    pub id: String,
    /// When it was saved; `None` for changes an older release made (they carry no time).
    pub at: Option<DateTime<Utc>>,
    /// Who saved it, for display ("ana@example.com on laptop", a device name, or "another
    /// device" when unknown).
    pub author: String,
    /// Saved by this device (the app or the CLI on this data directory).
    pub this_device: bool,
    pub word_count: u32,
    /// How many saves (document changes) this version gathers: saves by one author in quick
    /// succession (autosave) read as one version.
    pub saves: u32,
}

/// A version's text, to look at before restoring it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionView {
    pub revision: ContentRevision,
    pub title: String,
    /// Sanitised again on the way out: the history may hold what another device wrote.
    pub body_html: String,
    pub meta_title: String,
    pub meta_description: String,
    pub excerpt: String,
}

/// An article with one section written again by AI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionRegenerated {
    pub content: crate::Content,
    /// The section (0-based H2 index).
    pub section: u32,
    /// The version to restore to undo it (the article just before).
    pub undo_revision: Option<String>,
    /// What the call cost.
    pub credits: u64,
}
