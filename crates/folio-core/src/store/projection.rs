//! Documents → projection rows: after a remote change (only the records it touched) and when the
//! whole projection is rebuilt from the documents alone.
//!
//! The projection never fails on what a merge produced. A uniqueness rule two offline devices
//! both kept (site names, slugs…) is settled by id order (see [`crate::store::mirror::Unique`]); a record
//! whose parent lives in a document that has not arrived yet is skipped and its document noted in
//! `projection_pending`, to be projected again after the next sync step.

use crate::store::mirror;
use crate::store::mirror::{doc_error, Table, CONFLICT_MARK, TABLES};
use crate::{store::keyword_docs, CoreError, Folio};
use automerge::{AutoCommit, ChangeHash, ObjType, Prop, ReadDoc, Value, ROOT};
use folio_sync::{DocId, DocKind};
use serde_json::Value as Json;
use sqlx::SqliteConnection;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;

/// The root keys a change between two sets of heads touched; `None` when it cannot tell (then the
/// whole document is projected).
pub(crate) fn changed_keys(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    after: &[ChangeHash],
) -> Option<BTreeSet<String>> {
    let mut keys = BTreeSet::new();
    for patch in doc.diff(before, after) {
        let first = patch.path.first().map(|(_, p)| p.clone());
        let key = match (first, &patch.action) {
            (Some(Prop::Map(k)), _) => k,
            (None, automerge::PatchAction::PutMap { key, .. })
            | (None, automerge::PatchAction::DeleteMap { key }) => key.clone(),
            (None, automerge::PatchAction::Conflict { prop: Prop::Map(k) }) => k.clone(),
            _ => return None,
        };
        keys.insert(key);
    }
    Some(keys)
}

/// Project a document's changed keys (or all of it). Returns false if some record had to wait
/// for another document.
pub(crate) async fn project_doc(
    conn: &mut SqliteConnection,
    id: &DocId,
    doc: &AutoCommit,
    keys: Option<&BTreeSet<String>>,
) -> Result<bool, CoreError> {
    sqlx::query("INSERT OR IGNORE INTO mirror_paused (one) VALUES (1)")
        .execute(&mut *conn)
        .await?;
    let complete = match id.kind() {
        DocKind::Keywords => {
            keyword_docs::project(conn, doc, keys).await?;
            true
        }
        DocKind::Articles => true,
        _ => project_records(conn, doc, keys).await?,
    };
    if let Some(site) = id.site() {
        if matches!(id.kind(), DocKind::Keywords | DocKind::Plan) {
            // Keyword lists are answered from an in-memory index; its version says reload.
            sqlx::query(
                "INSERT INTO keyword_versions (site_id, version) VALUES (?, 1)
                 ON CONFLICT (site_id) DO UPDATE SET version = version + 1",
            )
            .bind(site.to_string())
            .execute(&mut *conn)
            .await?;
        }
    }
    if complete {
        sqlx::query("DELETE FROM projection_pending WHERE doc_id = ?")
    } else {
        sqlx::query("INSERT OR IGNORE INTO projection_pending (doc_id) VALUES (?)")
    }
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM mirror_paused")
        .execute(&mut *conn)
        .await?;
    Ok(complete)
}

async fn project_records(
    conn: &mut SqliteConnection,
    doc: &AutoCommit,
    keys: Option<&BTreeSet<String>>,
) -> Result<bool, CoreError> {
    let keys: Vec<String> = match keys {
        Some(k) => k.iter().cloned().collect(),
        None => doc.keys(ROOT).collect(),
    };
    // table position → records (pk → present?)
    let mut by_table: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for key in keys {
        let Some((tbl, pk)) = key.split_once(':') else {
            continue;
        };
        if let Some(pos) = TABLES.iter().position(|t| t.name == tbl) {
            by_table.entry(pos).or_default().push(pk.to_string());
        }
    }
    let mut columns: HashMap<&str, Vec<String>> = HashMap::new();
    let mut complete = true;
    // Deletions children first, then upserts parents first.
    for (&pos, pks) in by_table.iter().rev() {
        let table = &TABLES[pos];
        for pk in pks {
            if doc
                .get(ROOT, mirror::record_key(table.name, pk))
                .map_err(doc_error)?
                .is_none()
            {
                complete &= delete_row(conn, table, pk).await?;
            }
        }
    }
    for (&pos, pks) in &by_table {
        let table = &TABLES[pos];
        if !columns.contains_key(table.name) {
            columns.insert(table.name, mirror::columns(conn, table.name).await?);
        }
        let known = &columns[table.name];
        for pk in pks {
            let key = mirror::record_key(table.name, pk);
            // A sealed record is one JSON string; anything that is neither it nor a map (or
            // not a JSON object) is not a record of this table.
            let record = match doc.get(ROOT, &key).map_err(doc_error)? {
                Some((Value::Object(ObjType::Map), obj)) => mirror::read_record(doc, &obj)?,
                Some((Value::Scalar(value), _)) if table.sealed => {
                    match mirror::sealed_record(&value) {
                        Some(record) => record,
                        None => continue,
                    }
                }
                _ => continue,
            };
            complete &= upsert_row(conn, table, pk, record, known).await?;
        }
    }
    Ok(complete)
}

fn skipped(table: &Table, pk: &str, e: &sqlx::Error) -> bool {
    tracing::warn!(table = table.name, pk, error = %e, "a record waits for another document");
    false
}

async fn delete_row(
    conn: &mut SqliteConnection,
    table: &Table,
    pk: &str,
) -> Result<bool, CoreError> {
    let sql = format!(
        "DELETE FROM {} AS r WHERE {} = ?",
        table.name,
        table.pk_sql("r")
    );
    match sqlx::query(&sql).bind(pk).execute(&mut *conn).await {
        Ok(_) => Ok(true),
        Err(e @ sqlx::Error::Database(_)) => Ok(skipped(table, pk, &e)),
        Err(e) => Err(e.into()),
    }
}

fn json_eq_sql(col: &str) -> String {
    format!("r.{col} IS ?")
}

fn bind_json<'q>(
    q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    v: &Json,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    match v {
        Json::Null => q.bind(None::<String>),
        Json::Bool(b) => q.bind(i64::from(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) => q.bind(i),
            None => q.bind(n.as_f64()),
        },
        Json::String(s) => q.bind(s.clone()),
        other => q.bind(other.to_string()),
    }
}

async fn upsert_row(
    conn: &mut SqliteConnection,
    table: &Table,
    pk: &str,
    mut record: serde_json::Map<String, Json>,
    known: &[String],
) -> Result<bool, CoreError> {
    record.retain(|col, _| known.iter().any(|k| k == col));
    if record.is_empty() {
        return Ok(true);
    }
    for unique in table.unique {
        if let Some((col, value)) = unique.only_when {
            if record.get(col).and_then(Json::as_str) != Some(value) {
                continue;
            }
        }
        let values: Vec<Json> = unique
            .columns
            .iter()
            .map(|c| record.get(*c).cloned().unwrap_or(Json::Null))
            .collect();
        let sql = format!(
            "SELECT {} FROM {} AS r WHERE {} AND {} IS NOT ?",
            table.pk_sql("r"),
            table.name,
            unique
                .columns
                .iter()
                .map(|c| json_eq_sql(c))
                .collect::<Vec<_>>()
                .join(" AND "),
            table.pk_sql("r"),
        );
        let mut q = sqlx::query_as::<_, (String,)>(&sql);
        for v in &values {
            q = match v {
                Json::Null => q.bind(None::<String>),
                Json::Number(n) => q.bind(n.as_i64()),
                other => q.bind(other.as_str().map(str::to_string)),
            };
        }
        let other: Option<(String,)> = q.bind(pk).fetch_optional(&mut *conn).await?;
        let Some((other,)) = other else { continue };
        // The smaller id keeps the value; the other record is marked (or left out).
        if other.as_str() < pk {
            match unique.rekey {
                Some(col) => {
                    if let Some(Json::String(s)) = record.get_mut(col) {
                        *s = format!("{s}{CONFLICT_MARK}{pk}");
                    }
                }
                None => return Ok(true),
            }
        } else {
            match unique.rekey {
                Some(col) => {
                    let sql = format!(
                        "UPDATE {t} AS r SET {col} = {col} || ? WHERE {pkx} = ?",
                        t = table.name,
                        pkx = table.pk_sql("r")
                    );
                    sqlx::query(&sql)
                        .bind(format!("{CONFLICT_MARK}{other}"))
                        .bind(&other)
                        .execute(&mut *conn)
                        .await?;
                }
                None => {
                    delete_row(conn, table, &other).await?;
                }
            }
        }
    }
    let cols: Vec<&String> = record.keys().collect();
    let sql = format!(
        "INSERT INTO {t} ({c}) VALUES ({p}) ON CONFLICT ({pk}) DO UPDATE SET {u}",
        t = table.name,
        c = cols
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        p = vec!["?"; cols.len()].join(", "),
        pk = table.pk.join(", "),
        u = cols
            .iter()
            .map(|c| format!("{c} = excluded.{c}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let mut q = sqlx::query(&sql);
    for v in record.values() {
        q = bind_json(q, v);
    }
    match q.execute(&mut *conn).await {
        Ok(_) => Ok(true),
        Err(e @ sqlx::Error::Database(_)) => Ok(skipped(table, pk, &e)),
        Err(e) => Err(e.into()),
    }
}

/// The order documents are projected in: parents' documents first.
fn kind_rank(id: &DocId) -> u8 {
    match id.kind() {
        DocKind::Account => 0,
        DocKind::Site => 1,
        DocKind::Plan => 2,
        DocKind::Keywords => 3,
        DocKind::Articles => 4,
        DocKind::Article => 5,
    }
}

impl Folio {
    /// Throw the projection away and build it again from the documents alone. Rows no document
    /// holds are deleted; keywords are re-inserted from their batches.
    pub async fn rebuild_projections(&self) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        let conn = tx.conn();
        let ids: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT doc_id FROM doc_chunks")
            .fetch_all(&mut *conn)
            .await?;
        let mut ids: Vec<DocId> = ids
            .into_iter()
            .filter_map(|(s,)| DocId::from_str(&s).ok())
            .collect();
        ids.sort_by_key(|id| (kind_rank(id), *id));
        let mut docs = Vec::new();
        let mut held: HashMap<&str, BTreeSet<String>> = HashMap::new();
        for id in &ids {
            let Some(stored) = folio_sync::doc_store::load(conn, id).await? else {
                continue;
            };
            for key in stored.doc.keys(ROOT) {
                if let Some((tbl, pk)) = key.split_once(':') {
                    if let Some(t) = mirror::table(tbl) {
                        held.entry(t.name).or_default().insert(pk.to_string());
                    }
                }
            }
            docs.push(stored);
        }
        sqlx::query("INSERT OR IGNORE INTO mirror_paused (one) VALUES (1)")
            .execute(&mut *conn)
            .await?;
        for table in TABLES.iter().rev() {
            let sql = format!("SELECT {} FROM {} AS r", table.pk_sql("r"), table.name);
            let present: Vec<(String,)> = sqlx::query_as(&sql).fetch_all(&mut *conn).await?;
            let keep = held.get(table.name);
            for (pk,) in present {
                if !keep.is_some_and(|k| k.contains(&pk)) {
                    delete_row(conn, table, &pk).await?;
                }
            }
        }
        sqlx::query("DELETE FROM keywords")
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM projection_pending")
            .execute(&mut *conn)
            .await?;
        for stored in &docs {
            project_doc(conn, &stored.id, &stored.doc, None).await?;
        }
        tx.commit().await?;
        self.keyword_index.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;

    /// A document written by another release: a field this one does not know is ignored, a
    /// field it lacks gets the table's default, and nothing fails.
    #[tokio::test]
    async fn documents_from_other_releases_project_with_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let folio = Folio::open(dir.path()).await.unwrap();
        let site = uuid::Uuid::now_v7();
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "schema", 2).unwrap();
        let rec = doc
            .put_object(ROOT, format!("sites:{site}"), ObjType::Map)
            .unwrap();
        for (k, v) in [
            ("id", site.to_string()),
            ("account_id", folio.account_id().to_string()),
            ("name", "From the future".into()),
            ("name_key", "from the future".into()),
            ("domain", "future.example".into()),
            ("created_at", "2026-11-29T00:00:00Z".into()),
            ("a_field_from_a_later_release", "ignored".into()),
        ] {
            doc.put(&rec, k, v).unwrap();
        }
        let mut tx = folio.begin_write().await.unwrap();
        let complete = project_doc(tx.conn(), &DocId::Site(site), &doc, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(complete);
        let (name, active): (String, i64) =
            sqlx::query_as("SELECT name, is_active FROM sites WHERE id = ?")
                .bind(site.to_string())
                .fetch_one(&folio.pool)
                .await
                .unwrap();
        assert_eq!((name.as_str(), active), ("From the future", 1));
    }

    /// A ledger entry is one value in the account document (not a map of twenty fields), and
    /// another device projects it from there; a scalar where a map-kept table's record belongs
    /// is not a record.
    #[tokio::test]
    async fn sealed_ledger_entries_are_one_value_and_project_on_another_device() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let one = Folio::open(a.path()).await.unwrap();
        let entry = one
            .record_usage(folio_model::UsageRecord {
                operation: folio_model::AiOperation::Clustering,
                site: None,
                content: None,
                provider: "openai".into(),
                model: "gpt-4o-mini".into(),
                tokens_in: 1200,
                tokens_out: 400,
                images: 0,
                provider_cost_usd: None,
                outcome: folio_model::CallOutcome::Ok,
                at: None,
            })
            .await
            .unwrap();
        let id = DocId::Account(one.account_id().as_uuid());
        let mut conn = one.pool.acquire().await.unwrap();
        let stored = folio_sync::doc_store::load(&mut conn, &id)
            .await
            .unwrap()
            .unwrap();
        let mut doc = stored.doc;
        let key = mirror::record_key("credit_ledger", &entry.id.to_string());
        assert!(
            matches!(doc.get(ROOT, &key).unwrap(), Some((Value::Scalar(_), _))),
            "the entry is one value"
        );

        // The second device takes the first one's account document as its own account's.
        let two = Folio::open(b.path()).await.unwrap();
        let Some((Value::Scalar(value), _)) = doc.get(ROOT, &key).unwrap() else {
            panic!("the entry is one value");
        };
        let json = mirror::sealed_record(&value).unwrap();
        let mut json = serde_json::Value::Object(json);
        json["account_id"] = serde_json::Value::String(two.account_id().to_string());
        doc.put(ROOT, &key, json.to_string()).unwrap();
        // a scalar at a site's key is no site
        let stray = format!("sites:{}", uuid::Uuid::now_v7());
        doc.put(ROOT, &stray, "{}").unwrap();
        let mut tx = two.begin_write().await.unwrap();
        project_doc(
            tx.conn(),
            &DocId::Account(two.account_id().as_uuid()),
            &doc,
            None,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let (credits, tokens): (i64, i64) =
            sqlx::query_as("SELECT credits, tokens_in FROM credit_ledger WHERE id = ?")
                .bind(entry.id.to_string())
                .fetch_one(&two.pool)
                .await
                .unwrap();
        assert_eq!(
            (credits, tokens),
            (i64::try_from(entry.credits).unwrap(), 1200)
        );
        let (sites,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sites")
            .fetch_one(&two.pool)
            .await
            .unwrap();
        assert_eq!(sites, 0);
    }
}
