//! Authored rows → Automerge documents, inside the write that made them.
//!
//! Every authored table is listed once in [`TABLES`]. At open, core installs triggers generated
//! from that list; they note each row a write inserts, updates or deletes in `doc_outbox`. When a
//! [`crate::WriteTx`] commits, [`flush`] reads the outbox, loads each owning document, writes the
//! rows into it (only the fields that differ, so an unchanged save is no change) and the
//! transaction saves the documents — one SQLite transaction for rows and documents alike.
//!
//! Documents are flat: every record sits at the root under `"{table}:{pk}"`. There is no shared
//! container two offline devices could both create (Automerge would keep only one of two
//! concurrently created maps at one key), so concurrent edits of different records always merge,
//! and fields of one record merge last-writer-wins each.
//!
//! Keywords are not mirrored row by row (a 100k import would be 1.2M operations): imports write
//! compact batches and the triggers only note status, cluster and deletion decisions, see
//! [`crate::store::keyword_docs`].

use crate::{
    store::{doc_cache, keyword_docs},
    CoreError,
};
use automerge::{
    transaction::Transactable, AutoCommit, ObjType, ReadDoc, ScalarValue, Value, ROOT,
};
use folio_sync::{DocId, DocKind};
use serde_json::Value as Json;
use sqlx::SqliteConnection;
use std::collections::BTreeMap;
use std::str::FromStr;
use uuid::Uuid;

/// How a merged document can break a uniqueness rule that each device kept locally, and how the
/// projection settles it: the record with the smaller id keeps its value; the other one's
/// `rekey` column gets a conflict suffix (shown to the person to resolve), or, where no column
/// can carry one, the later record is left out of the projection.
pub(crate) struct Unique {
    pub columns: &'static [&'static str],
    pub rekey: Option<&'static str>,
    /// A partial rule (a `UNIQUE … WHERE` index): it binds only records whose column holds this
    /// value, such as the one featured image per article (any number of in-article ones).
    pub only_when: Option<(&'static str, &'static str)>,
}

pub(crate) struct Table {
    pub name: &'static str,
    pub pk: &'static [&'static str],
    /// SQL naming the owner id of row `{R}` (NEW or OLD in a trigger).
    pub scope: &'static str,
    pub unique: &'static [Unique],
    /// Tables whose rows are part of this table's records (their pk starts with this one's).
    pub children: &'static [&'static str],
    /// The column kept as Automerge `Text`, merged character by character.
    pub text_column: Option<&'static str>,
    /// Records that never change once written (the ledger) are kept as one JSON string value
    /// instead of a map of fields: one document operation per record rather than one per
    /// column (a paid call's entry was twenty), with nothing to merge field by field.
    pub sealed: bool,
}

const fn t(name: &'static str, pk: &'static [&'static str], scope: &'static str) -> Table {
    Table {
        name,
        pk,
        scope,
        unique: &[],
        children: &[],
        text_column: None,
        sealed: false,
    }
}

/// Parents before children: the projection inserts in this order and deletes in reverse.
pub(crate) static TABLES: &[Table] = &[
    t("accounts", &["id"], "{R}.id"),
    t("account_settings", &["account_id", "key"], "{R}.account_id"),
    t("module_settings", &["account_id"], "{R}.account_id"),
    t(
        "account_prompts",
        &["account_id", "prompt_type"],
        "{R}.account_id",
    ),
    Table {
        unique: &[Unique {
            columns: &["account_id", "name_key"],
            rekey: Some("name_key"),
            only_when: None,
        }],
        ..t("author_profiles", &["id"], "{R}.account_id")
    },
    // Append-only: core inserts entries and never changes one, so records from two devices
    // never touch the same key and always merge.
    Table {
        sealed: true,
        ..t("credit_ledger", &["id"], "{R}.account_id")
    },
    Table {
        unique: &[Unique {
            columns: &["account_id", "name_key"],
            rekey: Some("name_key"),
            only_when: None,
        }],
        ..t("sites", &["id"], "{R}.id")
    },
    Table {
        unique: &[Unique {
            columns: &["site_id", "name_key"],
            rekey: Some("name_key"),
            only_when: None,
        }],
        ..t("sectors", &["id"], "{R}.site_id")
    },
    t("site_settings", &["site_id", "key"], "{R}.site_id"),
    t("publishing_settings", &["site_id"], "{R}.site_id"),
    t("automation_configs", &["site_id"], "{R}.site_id"),
    Table {
        unique: &[Unique {
            columns: &["site_id", "platform"],
            rekey: None,
            only_when: None,
        }],
        ..t("site_integrations", &["id"], "{R}.site_id")
    },
    Table {
        unique: &[Unique {
            columns: &["site_id", "taxonomy", "name_key"],
            rekey: Some("name_key"),
            only_when: None,
        }],
        ..t("taxonomy_terms", &["id"], "{R}.site_id")
    },
    t("keyword_imports", &["id"], "{R}.site_id"),
    Table {
        unique: &[Unique {
            columns: &["site_id", "sector_id", "name_key"],
            rekey: Some("name_key"),
            only_when: None,
        }],
        ..t("clusters", &["id"], "{R}.site_id")
    },
    Table {
        children: &["idea_keywords"],
        ..t("ideas", &["id"], "{R}.site_id")
    },
    t(
        "idea_keywords",
        &["idea_id", "keyword_id"],
        "(SELECT site_id FROM ideas WHERE id = {R}.idea_id)",
    ),
    Table {
        children: &["task_prompts"],
        ..t("tasks", &["id"], "{R}.site_id")
    },
    t(
        "task_prompts",
        &["task_id", "prompt_type"],
        "(SELECT site_id FROM tasks WHERE id = {R}.task_id)",
    ),
    Table {
        unique: &[Unique {
            columns: &["site_id", "slug"],
            rekey: Some("slug"),
            only_when: None,
        }],
        children: &["images", "content_terms"],
        text_column: Some("body_html"),
        ..t("content", &["id"], "{R}.id")
    },
    Table {
        unique: &[Unique {
            columns: &["content_id", "image_type"],
            rekey: None,
            only_when: Some(("image_type", "featured")),
        }],
        ..t("images", &["id"], "{R}.content_id")
    },
    t(
        "content_terms",
        &["content_id", "term_id"],
        "{R}.content_id",
    ),
    // Attempts are inserted as `pending` and finished once by the device that made them.
    t("publishing_records", &["id"], "{R}.content_id"),
];

/// The keyword decisions are noted by triggers too (status, cluster, disabled, deletion), but
/// never inserts: imports write batches themselves.
pub(crate) const KEYWORDS: &str = "keywords";

/// Separates a value from the id that makes it unique again after a merge conflict.
pub(crate) const CONFLICT_MARK: char = '\u{1f}';

pub(crate) fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

impl Table {
    /// The record key of row `r` as SQL: the id, or a JSON array of a composite key.
    pub(crate) fn pk_sql(&self, r: &str) -> String {
        if let [one] = self.pk {
            format!("{r}.{one}")
        } else {
            let cols: Vec<String> = self.pk.iter().map(|c| format!("{r}.{c}")).collect();
            format!("json_array({})", cols.join(", "))
        }
    }

    /// The document that holds this table's record of owner `scope` (its home is
    /// [`folio_sync::records`]'s rule, the one every device and the server judge records by).
    pub(crate) fn doc_for(&self, scope: &str) -> Option<DocId> {
        let id = Uuid::from_str(scope).ok()?;
        Some(match folio_sync::records::rule_for(self.name)?.home {
            DocKind::Account => DocId::Account(id),
            DocKind::Site => DocId::Site(id),
            DocKind::Plan => DocId::Plan(id),
            DocKind::Article => DocId::Article(id),
            DocKind::Keywords | DocKind::Articles => return None,
        })
    }
}

/// The document key of a record.
pub(crate) fn record_key(table: &str, pk: &str) -> String {
    format!("{table}:{pk}")
}

/// (Re)install the triggers: dropped and created at every open, so a new release's table list
/// replaces the old one's.
pub(crate) async fn install_triggers(conn: &mut SqliteConnection) -> Result<(), CoreError> {
    let mut sql = String::new();
    let quiet = "WHEN NOT EXISTS (SELECT 1 FROM mirror_paused)";
    for table in TABLES {
        for (op, row) in [("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")] {
            let name = format!("mirror_{}_{}", table.name, op.to_lowercase());
            sql.push_str(&format!(
                "DROP TRIGGER IF EXISTS {name};
                 CREATE TRIGGER {name} AFTER {op} ON {tbl} {quiet} BEGIN
                   INSERT OR IGNORE INTO doc_outbox (tbl, pk, scope) VALUES ('{tbl}', {pk}, {scope});
                 END;\n",
                tbl = table.name,
                pk = table.pk_sql(row),
                scope = table.scope.replace("{R}", row),
            ));
        }
    }
    for (op, row, when) in [
        (
            "UPDATE",
            "NEW",
            "AND (OLD.status IS NOT NEW.status OR OLD.cluster_id IS NOT NEW.cluster_id OR OLD.disabled IS NOT NEW.disabled)",
        ),
        ("DELETE", "OLD", ""),
    ] {
        let name = format!("mirror_keywords_{}", op.to_lowercase());
        sql.push_str(&format!(
            "DROP TRIGGER IF EXISTS {name};
             CREATE TRIGGER {name} AFTER {op} ON keywords {quiet} {when} BEGIN
               INSERT OR IGNORE INTO doc_outbox (tbl, pk, scope) VALUES ('{KEYWORDS}', {row}.id, {row}.site_id);
             END;\n"
        ));
    }
    sqlx::raw_sql(&sql).execute(conn).await?;
    Ok(())
}

/// The documents a write touched, loaded once per transaction.
#[derive(Default)]
pub(crate) struct OpenDocs {
    pub docs: BTreeMap<DocId, folio_sync::doc_store::StoredDoc>,
    /// The stored version of each open document, as this write read or bumped it.
    versions: BTreeMap<DocId, i64>,
    /// Where committed documents wait for the next write (`None`: always load from storage).
    cache: Option<std::sync::Arc<crate::store::doc_cache::DocCache>>,
    /// What kind of change this write makes, signed into its changes (`None`: any write).
    pub(crate) kind: Option<crate::store::authorship::ChangeKind>,
}

impl OpenDocs {
    pub(crate) fn with_cache(cache: std::sync::Arc<crate::store::doc_cache::DocCache>) -> Self {
        Self {
            docs: BTreeMap::new(),
            versions: BTreeMap::new(),
            kind: None,
            cache: Some(cache),
        }
    }

    pub(crate) async fn get(
        &mut self,
        conn: &mut SqliteConnection,
        id: DocId,
    ) -> Result<&mut AutoCommit, CoreError> {
        self.open(conn, id, true).await
    }

    /// A document as sync found it: empty when this device never had it (remote changes build it).
    pub(crate) async fn get_remote(
        &mut self,
        conn: &mut SqliteConnection,
        id: DocId,
    ) -> Result<&mut AutoCommit, CoreError> {
        self.open(conn, id, false).await
    }

    async fn open(
        &mut self,
        conn: &mut SqliteConnection,
        id: DocId,
        local: bool,
    ) -> Result<&mut AutoCommit, CoreError> {
        let stored = match self.docs.entry(id) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => {
                let mut cached = None;
                if let Some(cache) = &self.cache {
                    if let Some(version) = doc_cache::stored_version(conn, &id).await? {
                        self.versions.insert(id, version);
                        cached = cache.take(&id, version);
                    }
                }
                let stored = match cached {
                    Some(stored) => stored,
                    None => match folio_sync::doc_store::load(conn, &id).await? {
                        Some(stored) => stored,
                        None if local => folio_sync::doc_store::StoredDoc::new(id, new_doc()?),
                        None => folio_sync::doc_store::StoredDoc::new(id, AutoCommit::new()),
                    },
                };
                e.insert(stored)
            }
        };
        Ok(&mut stored.doc)
    }

    /// Save every touched document and bump its version, on the write's own connection.
    pub(crate) async fn save_all(
        &mut self,
        conn: &mut SqliteConnection,
    ) -> Result<usize, CoreError> {
        let mut saved = 0;
        let mut author = None;
        for stored in self.docs.values_mut() {
            // Each write's edits become one change signed with who and when, which an
            // article's revision history lists (`writer/revisions.rs`).
            if stored.doc.pending_ops() > 0 {
                if author.is_none() {
                    author = Some(crate::store::authorship::ChangeAuthor::this_device(conn).await?);
                }
                if let Some(author) = &author {
                    crate::store::authorship::commit_signed(&mut stored.doc, author, self.kind);
                }
            }
            if folio_sync::doc_store::save(conn, stored).await?
                != folio_sync::doc_store::Saved::Nothing
            {
                let version = bump_doc_version(conn, &stored.id).await?;
                self.versions.insert(stored.id, version);
                saved += 1;
            }
        }
        Ok(saved)
    }

    /// After [`Self::save_all`], inside the same transaction: the documents with their stored
    /// versions, to hand to the cache once the transaction has committed (never before: a
    /// failed commit must not leave uncommitted state cached).
    pub(crate) async fn into_committable(
        mut self,
        conn: &mut SqliteConnection,
    ) -> Result<Committable, CoreError> {
        let mut docs = Vec::new();
        if self.cache.is_some() {
            for (id, stored) in std::mem::take(&mut self.docs) {
                let version = match self.versions.get(&id) {
                    Some(v) => Some(*v),
                    None => doc_cache::stored_version(conn, &id).await?,
                };
                if let Some(version) = version {
                    docs.push((stored, version));
                }
            }
        }
        Ok(Committable {
            docs,
            cache: self.cache,
        })
    }
}

/// A write's saved documents, waiting for its commit.
pub(crate) struct Committable {
    docs: Vec<(folio_sync::doc_store::StoredDoc, i64)>,
    cache: Option<std::sync::Arc<crate::store::doc_cache::DocCache>>,
}

impl Committable {
    /// The transaction committed: the documents are the stored state now.
    pub(crate) fn committed(self) {
        if let Some(cache) = self.cache {
            for (stored, version) in self.docs {
                cache.put(stored, version);
            }
        }
    }
}

/// The schema version documents are written with. Readers take fields they know and give every
/// field a document lacks the table's default, so additive changes need no migration.
pub const DOC_SCHEMA: i64 = 1;

fn new_doc() -> Result<AutoCommit, CoreError> {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "schema", DOC_SCHEMA).map_err(doc_error)?;
    Ok(doc)
}

pub(crate) fn doc_error(e: automerge::AutomergeError) -> CoreError {
    CoreError::Internal(format!("document change failed: {e}"))
}

/// Bump a document's stored version; returns the new one.
pub(crate) async fn bump_doc_version(
    conn: &mut SqliteConnection,
    id: &DocId,
) -> Result<i64, CoreError> {
    let (version,): (i64,) = sqlx::query_as(
        "INSERT INTO doc_versions (doc_id, version) VALUES (?, 1)
         ON CONFLICT (doc_id) DO UPDATE SET version = version + 1
         RETURNING version",
    )
    .bind(id.to_string())
    .fetch_one(conn)
    .await?;
    Ok(version)
}

/// Turn the outbox into document changes and empty it. Returns how many records changed.
pub(crate) async fn flush(
    conn: &mut SqliteConnection,
    docs: &mut OpenDocs,
) -> Result<usize, CoreError> {
    let noted: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT tbl, pk, scope FROM doc_outbox")
            .fetch_all(&mut *conn)
            .await?;
    if noted.is_empty() {
        return Ok(0);
    }
    let mut keyword_changes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // One SELECT per table per write, not a schema lookup per row.
    let mut selects: std::collections::HashMap<&'static str, String> = Default::default();
    let mut written = 0;
    for (tbl, pk, scope) in &noted {
        // No scope: the row's parent went in the same write, and its record takes the row along.
        let Some(scope) = scope else { continue };
        if tbl == KEYWORDS {
            keyword_changes
                .entry(scope.clone())
                .or_default()
                .push(pk.clone());
            continue;
        }
        let Some(table) = table(tbl) else { continue };
        let Some(doc_id) = table.doc_for(scope) else {
            continue;
        };
        if !selects.contains_key(table.name) {
            let cached = docs.cache.as_ref().and_then(|c| c.row_select(table.name));
            let select = match cached {
                Some(select) => select,
                None => {
                    let select = row_select(conn, table).await?;
                    if let Some(cache) = &docs.cache {
                        cache.remember_row_select(table.name, select.clone());
                    }
                    select
                }
            };
            selects.insert(table.name, select);
        }
        let row = read_row(conn, table, &selects[table.name], pk).await?;
        let doc = docs.get(conn, doc_id).await?;
        match row {
            Some(row) => put_record(doc, table, pk, &row)?,
            None => delete_record(doc, table, pk)?,
        }
        written += 1;
    }
    for (site, ids) in keyword_changes {
        written += keyword_docs::write_decisions(conn, docs, &site, &ids).await?;
    }
    sqlx::query("DELETE FROM doc_outbox")
        .execute(&mut *conn)
        .await?;
    Ok(written)
}

/// A row as JSON, with any conflict suffix taken off (it is local, never synced).
async fn read_row(
    conn: &mut SqliteConnection,
    table: &Table,
    select: &str,
    pk: &str,
) -> Result<Option<serde_json::Map<String, Json>>, CoreError> {
    let row: Option<(String,)> = sqlx::query_as(select)
        .bind(pk)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((json,)) = row else { return Ok(None) };
    let mut map: serde_json::Map<String, Json> = serde_json::from_str(&json)
        .map_err(|e| CoreError::Internal(format!("reading a {} row: {e}", table.name)))?;
    for unique in table.unique {
        if let Some(col) = unique.rekey {
            if let Some(Json::String(s)) = map.get_mut(col) {
                if let Some(cut) = s.find(CONFLICT_MARK) {
                    s.truncate(cut);
                }
            }
        }
    }
    Ok(Some(map))
}

/// The SELECT reading one row of `table` as a JSON object of all its columns.
async fn row_select(conn: &mut SqliteConnection, table: &Table) -> Result<String, CoreError> {
    let pairs: Vec<String> = columns(conn, table.name)
        .await?
        .iter()
        .map(|c| format!("'{c}', r.{c}"))
        .collect();
    Ok(format!(
        "SELECT json_object({}) FROM {} AS r WHERE {} = ?",
        pairs.join(", "),
        table.name,
        table.pk_sql("r")
    ))
}

pub(crate) async fn columns(
    conn: &mut SqliteConnection,
    table: &str,
) -> Result<Vec<String>, CoreError> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info(?) ORDER BY cid")
        .bind(table)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}

fn scalar(v: &Json) -> ScalarValue {
    match v {
        Json::Null => ScalarValue::Null,
        Json::Bool(b) => ScalarValue::Int(i64::from(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) => ScalarValue::Int(i),
            None => ScalarValue::F64(n.as_f64().unwrap_or(0.0)),
        },
        Json::String(s) => ScalarValue::Str(s.as_str().into()),
        other => ScalarValue::Str(other.to_string().into()),
    }
}

/// Write a record, changing only the fields that differ.
pub(crate) fn put_record(
    doc: &mut AutoCommit,
    table: &Table,
    pk: &str,
    row: &serde_json::Map<String, Json>,
) -> Result<(), CoreError> {
    let key = record_key(table.name, pk);
    if table.sealed {
        let json = Json::Object(row.clone()).to_string();
        let same = matches!(doc.get(ROOT, &key).map_err(doc_error)?, Some((Value::Scalar(old), _)) if old.as_str() == Some(json.as_str()));
        if !same {
            doc.put(ROOT, &key, json).map_err(doc_error)?;
        }
        return Ok(());
    }
    let (rec, fresh) = match doc.get(ROOT, &key).map_err(doc_error)? {
        Some((Value::Object(ObjType::Map), id)) => (id, false),
        _ => (
            doc.put_object(ROOT, &key, ObjType::Map)
                .map_err(doc_error)?,
            true,
        ),
    };
    for (col, value) in row {
        if Some(col.as_str()) == table.text_column {
            let text = value.as_str().unwrap_or_default();
            let existing = match fresh {
                true => None,
                false => doc.get(&rec, col).map_err(doc_error)?,
            };
            let obj = match existing {
                Some((Value::Object(ObjType::Text), id)) => id,
                _ => doc
                    .put_object(&rec, col, ObjType::Text)
                    .map_err(doc_error)?,
            };
            let old = doc.text(&obj).map_err(doc_error)?;
            if old.is_empty() {
                // A new text (a generated article) goes in as one splice: diffing it against
                // nothing cost a diff step per character (a fifth of writing an article).
                doc.splice_text(&obj, 0, 0, text).map_err(doc_error)?;
            } else if old != text {
                // The minimal splices between the old and new text, so edits of different
                // paragraphs on two devices both survive the merge.
                doc.update_text(&obj, text).map_err(doc_error)?;
            }
            continue;
        }
        let new = scalar(value);
        // A record just created has no fields to compare with (each lookup is a seek).
        let same = !fresh
            && matches!(doc.get(&rec, col).map_err(doc_error)?, Some((Value::Scalar(old), _)) if *old == new);
        if !same {
            doc.put(&rec, col, new).map_err(doc_error)?;
        }
    }
    Ok(())
}

/// Remove a record and the records of its child tables.
pub(crate) fn delete_record(
    doc: &mut AutoCommit,
    table: &Table,
    pk: &str,
) -> Result<(), CoreError> {
    let key = record_key(table.name, pk);
    if doc.get(ROOT, &key).map_err(doc_error)?.is_some() {
        doc.delete(ROOT, &key).map_err(doc_error)?;
    }
    for child in table.children {
        // A child's key is a JSON array that starts with the parent's id.
        let prefix = format!("{child}:[{},", Json::String(pk.to_string()));
        let doomed: Vec<String> = doc.keys(ROOT).filter(|k| k.starts_with(&prefix)).collect();
        for k in doomed {
            doc.delete(ROOT, &k).map_err(doc_error)?;
        }
    }
    Ok(())
}

/// A sealed record's fields, from the one string value it is kept as (`None`: not a JSON
/// object).
pub(crate) fn sealed_record(value: &ScalarValue) -> Option<serde_json::Map<String, Json>> {
    folio_sync::records::sealed(value)
}

/// A record read back from a document: column → JSON value.
pub(crate) fn read_record(
    doc: &AutoCommit,
    rec: &automerge::ObjId,
) -> Result<serde_json::Map<String, Json>, CoreError> {
    folio_sync::records::fields(doc, rec).map_err(doc_error)
}

const SEEDED_KEY: &str = "documents_seeded";

/// Put rows written before documents existed (or by a release without them) into documents,
/// once per data directory.
pub(crate) async fn seed(
    conn: &mut SqliteConnection,
    docs: &mut OpenDocs,
) -> Result<bool, CoreError> {
    let done: Option<(String,)> = sqlx::query_as("SELECT value FROM local_meta WHERE key = ?")
        .bind(SEEDED_KEY)
        .fetch_optional(&mut *conn)
        .await?;
    if done.is_some() {
        return Ok(false);
    }
    for table in TABLES {
        let sql = format!(
            "INSERT OR IGNORE INTO doc_outbox (tbl, pk, scope) SELECT '{}', {}, {} FROM {} AS r",
            table.name,
            table.pk_sql("r"),
            table.scope.replace("{R}", "r"),
            table.name
        );
        sqlx::query(&sql).execute(&mut *conn).await?;
    }
    keyword_docs::seed(conn, docs).await?;
    sqlx::query("INSERT INTO local_meta (key, value) VALUES (?, '1')")
        .bind(SEEDED_KEY)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use folio_sync::records::{Scope, RULES};

    /// The tables this device mirrors and the trust rule every device and the server judge
    /// records by (`folio_sync::records`) name the same tables, keys and owners.
    #[test]
    fn every_mirrored_table_has_the_trust_rule_of_its_records() {
        let names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        let ruled: Vec<&str> = RULES.iter().map(|r| r.table).collect();
        assert_eq!(names, ruled);
        for table in TABLES {
            let rule = folio_sync::records::rule_for(table.name).unwrap();
            assert_eq!(table.pk, rule.pk, "{}", table.name);
            let column = match rule.scope {
                Scope::Column(c) | Scope::Parent { column: c, .. } => c,
            };
            assert!(
                table.scope.contains(&format!("{{R}}.{column}")),
                "{}: {} vs {column}",
                table.name,
                table.scope
            );
            if let Scope::Parent { parent, .. } = rule.scope {
                assert!(
                    table.scope.contains(&format!("FROM {parent} ")),
                    "{}",
                    table.name
                );
            }
        }
    }
}
