//! The keyword bucket documents' format, shared by the desktop (which writes and projects them)
//! and the server (which counts keywords against the plan limit).
//!
//! A bucket document holds immutable import batches at `"batch:{import id}"` (one bytes value:
//! JSON of [`Batch`]) and sparse per-keyword decisions at `"kw:{keyword id}"` (a map with
//! `status`, `cluster_id`, `disabled`, `deleted`). See docs/local-first.md.

use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

pub const BATCH_PREFIX: &str = "batch:";
pub const DECISION_PREFIX: &str = "kw:";

/// The id of a keyword: a name-based UUID (v5) of its sector and normalised text, so the same
/// keyword imported on two devices offline has one id.
pub fn keyword_id(sector: Uuid, key: &str) -> Uuid {
    Uuid::new_v5(&sector, key.as_bytes())
}

/// One keyword as an import brought it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchRow(
    pub String,         // keyword as written
    pub Option<String>, // its key, when it differs from the keyword
    pub Option<i64>,    // volume
    pub Option<i64>,    // difficulty
    pub Option<i64>,    // cpc in micros
    pub Option<String>, // intent
    pub Option<String>, // id, when it is not the name-based one (keywords from before v5 ids)
);

impl BatchRow {
    pub fn key(&self) -> &str {
        self.1.as_deref().unwrap_or(&self.0)
    }

    pub fn id(&self, sector: Uuid) -> String {
        match &self.6 {
            Some(id) => id.clone(),
            None => keyword_id(sector, self.key()).to_string(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Batch {
    pub site: Uuid,
    pub sector: Uuid,
    pub import: Option<Uuid>,
    pub rows: Vec<BatchRow>,
}

/// A batch stored in a document, if `key` holds one that decodes.
pub fn read_batch(doc: &AutoCommit, key: &str) -> Option<Batch> {
    let Ok(Some((Value::Scalar(s), _))) = doc.get(ROOT, key) else {
        return None;
    };
    let ScalarValue::Bytes(bytes) = s.as_ref() else {
        return None;
    };
    serde_json::from_slice(bytes).ok()
}

/// How many keywords a bucket document projects to: distinct ids over its batches, minus those
/// decided deleted.
pub fn keyword_count(doc: &AutoCommit) -> usize {
    let mut ids: HashSet<String> = HashSet::new();
    for key in doc.keys(ROOT).filter(|k| k.starts_with(BATCH_PREFIX)) {
        if let Some(batch) = read_batch(doc, &key) {
            ids.extend(batch.rows.iter().map(|r| r.id(batch.sector)));
        }
    }
    for key in doc.keys(ROOT).filter(|k| k.starts_with(DECISION_PREFIX)) {
        let deleted = match doc.get(ROOT, &key) {
            Ok(Some((Value::Object(ObjType::Map), obj))) => matches!(
                doc.get(&obj, "deleted"),
                Ok(Some((Value::Scalar(s), _))) if matches!(s.as_ref(), ScalarValue::Int(1))
            ),
            _ => false,
        };
        if deleted {
            ids.remove(&key[DECISION_PREFIX.len()..]);
        }
    }
    ids.len()
}
