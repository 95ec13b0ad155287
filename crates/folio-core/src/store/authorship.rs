//! Who made a document change, and when: written into every change this device commits, read
//! back by the article's revision history and the "updated from …" note of an open article.
//!
//! Automerge keeps an optional message and a time (seconds) with each change. Folio's message is
//! a small JSON object, `{"folio":1,"device":"<device id>","name":"<host name>","person":"<email>"}`:
//! the device id tells this device's own edits from others'; the host name and the person's sync
//! email say who to a reader. A change's message arrives from other devices and teammates, so
//! reading it trusts nothing: any other text, an unknown version or an oversized field reads as
//! an unknown author, never an error.

use crate::store::local_meta::DEVICE_KEY;
use crate::CoreError;
use automerge::transaction::{CommitOptions, Transactable};
use automerge::AutoCommit;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use std::sync::LazyLock;

/// The longest field kept when reading a message; a longer one is cut (a name is for display).
const MAX_FIELD_CHARS: usize = 120;
/// A message longer than this is not one of ours and is not parsed at all.
const MAX_MESSAGE_BYTES: usize = 1024;

/// The author of a change as its message recorded it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeAuthor {
    /// The device's id (`local_meta.sync_device`); empty when unknown.
    pub device: String,
    /// The device's host name, for display.
    pub name: String,
    /// The signed-in person's email, empty on a device that is not signed in.
    pub person: String,
}

/// What a change did, where it matters to the history: a person's edits in quick succession
/// (autosave) read as one version, while anything else (an AI draft, a restore) is a version of
/// its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A person's edit of an article's text or fields (the editor, `folio content edit`).
    Edit,
    /// An older version made current again.
    Restore,
    /// A section written again by AI.
    Regenerate,
}

#[derive(Serialize, Deserialize)]
struct Message {
    folio: u32,
    device: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    person: String,
    /// Unknown kinds (a newer release's) read as none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_kind"
    )]
    kind: Option<ChangeKind>,
}

fn lenient_kind<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<ChangeKind>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(v.and_then(|v| serde_json::from_value(v).ok()))
}

/// A change's author and kind as its message recorded them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub author: ChangeAuthor,
    pub kind: Option<ChangeKind>,
}

impl Signature {
    /// `None` for a change without one of Folio's messages (an older release's change, or
    /// anything unexpected).
    pub fn from_message(message: Option<&str>) -> Option<Self> {
        let message = message?;
        if message.len() > MAX_MESSAGE_BYTES {
            return None;
        }
        let m: Message = serde_json::from_str(message).ok()?;
        if m.folio != 1 {
            return None;
        }
        let cut = |s: String| s.trim().chars().take(MAX_FIELD_CHARS).collect::<String>();
        Some(Self {
            author: ChangeAuthor {
                device: cut(m.device),
                name: cut(m.name),
                person: cut(m.person),
            },
            kind: m.kind,
        })
    }
}

static HOST_NAME: LazyLock<String> = LazyLock::new(|| {
    whoami::fallible::hostname()
        .ok()
        .map(|h| h.trim().chars().take(MAX_FIELD_CHARS).collect::<String>())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this device".to_owned())
});

impl ChangeAuthor {
    /// This device as it signs its changes, read on the write's own connection (the device id is
    /// made at the first sync or here; a sign-in changes the email without a restart).
    pub(crate) async fn this_device(conn: &mut SqliteConnection) -> Result<Self, CoreError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT key, value FROM local_meta WHERE key IN (?, 'sync_email')")
                .bind(DEVICE_KEY)
                .fetch_all(&mut *conn)
                .await?;
        let get = |k: &str| {
            rows.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let mut device = get(DEVICE_KEY);
        if device.is_empty() {
            device = uuid::Uuid::now_v7().simple().to_string();
            sqlx::query("INSERT OR IGNORE INTO local_meta (key, value) VALUES (?, ?)")
                .bind(DEVICE_KEY)
                .bind(&device)
                .execute(&mut *conn)
                .await?;
        }
        Ok(Self {
            device,
            name: HOST_NAME.clone(),
            person: get("sync_email"),
        })
    }

    fn message(&self, kind: Option<ChangeKind>) -> String {
        serde_json::to_string(&Message {
            folio: 1,
            device: self.device.clone(),
            name: self.name.clone(),
            person: self.person.clone(),
            kind,
        })
        .unwrap_or_default()
    }

    /// Who to name to a reader: the person when known, else the device.
    pub fn label(&self) -> String {
        match (self.person.is_empty(), self.name.is_empty()) {
            (false, false) => format!("{} on {}", self.person, self.name),
            (false, true) => self.person.clone(),
            (true, false) => self.name.clone(),
            (true, true) => "another device".to_owned(),
        }
    }
}

/// Commit a document's pending operations as one change signed by `author`, now. A document
/// with nothing pending gets no change.
pub(crate) fn commit_signed(doc: &mut AutoCommit, author: &ChangeAuthor, kind: Option<ChangeKind>) {
    if doc.pending_ops() == 0 {
        return;
    }
    let now = chrono::Utc::now().timestamp();
    doc.commit_with(
        CommitOptions::default()
            .with_message(author.message(kind))
            .with_time(now),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_reads_back_as_its_author() {
        let a = ChangeAuthor {
            device: "d1".into(),
            name: "laptop".into(),
            person: "ana@example.com".into(),
        };
        let read = Signature::from_message(Some(&a.message(Some(ChangeKind::Edit))));
        assert_eq!(
            read,
            Some(Signature {
                author: a.clone(),
                kind: Some(ChangeKind::Edit)
            })
        );
        let newer = "{\"folio\":1,\"device\":\"d\",\"kind\":\"dance\"}";
        assert_eq!(
            Signature::from_message(Some(newer)).map(|s| s.kind),
            Some(None)
        );
        assert_eq!(a.label(), "ana@example.com on laptop");
    }

    #[test]
    fn anything_else_is_an_unknown_author() {
        for m in [
            None,
            Some(""),
            Some("saved"),
            Some("{\"folio\":2,\"device\":\"x\"}"),
            Some("{\"device\":\"x\"}"),
        ] {
            assert_eq!(Signature::from_message(m), None, "{m:?}");
        }
        let long = format!("{{\"folio\":1,\"device\":\"{}\"}}", "x".repeat(2000));
        assert_eq!(Signature::from_message(Some(&long)), None);
        let wide = format!(
            "{{\"folio\":1,\"device\":\"d\",\"name\":\"{}\"}}",
            "n".repeat(500)
        );
        let a = Signature::from_message(Some(&wide)).expect("parsed").author;
        assert_eq!(a.name.chars().count(), MAX_FIELD_CHARS);
    }

    #[test]
    fn a_document_with_nothing_pending_gets_no_change() {
        let mut doc = AutoCommit::new();
        let author = ChangeAuthor::default();
        commit_signed(&mut doc, &author, None);
        assert!(doc.get_changes(&[]).is_empty());
        doc.put(automerge::ROOT, "k", "v").expect("put");
        commit_signed(&mut doc, &author, None);
        let changes = doc.get_changes(&[]);
        assert_eq!(changes.len(), 1);
        assert!(changes[0].timestamp() > 0);
        assert_eq!(
            Signature::from_message(changes[0].message()).map(|s| s.author),
            Some(author)
        );
    }
}
