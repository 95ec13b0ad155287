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
use automerge::{AutoCommit, ObjType, ReadDoc, Value, ROOT};
use folio_sync::records;
use folio_sync::{DocId, DocKind};
use serde_json::Value as Json;
use sqlx::SqliteConnection;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;

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
            keyword_docs::project(conn, id, doc, keys).await?;
            true
        }
        DocKind::Articles => true,
        _ => project_records(conn, id, doc, keys).await?,
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

/// A record `doc` holds at `key` that this device believes (see [`folio_sync::records`]): its
/// table lives in this kind of document and the record names this document as its owner.
/// Anything else is left out of the projection and logged — ids and table names only.
fn believed(
    id: &DocId,
    doc: &AutoCommit,
    key: &str,
    table: &Table,
) -> Result<Option<serde_json::Map<String, Json>>, CoreError> {
    // A sealed record is one JSON string; anything that is neither it nor a map (or not a
    // JSON object) is not a record of this table.
    let record = match doc.get(ROOT, key).map_err(doc_error)? {
        Some((Value::Object(ObjType::Map), obj)) => mirror::read_record(doc, &obj)?,
        Some((Value::Scalar(value), _)) if table.sealed => match mirror::sealed_record(&value) {
            Some(record) => record,
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    match records::check(id, None, doc, key, &record) {
        Ok(()) => Ok(Some(record)),
        Err(foreign) => {
            tracing::warn!(%foreign, "a synced record that does not belong in its document was dropped");
            Ok(None)
        }
    }
}

/// Whether a table's records may live in this kind of document at all.
fn at_home(id: &DocId, table: &Table) -> bool {
    records::rule_for(table.name).is_some_and(|rule| rule.home == id.kind())
}

async fn project_records(
    conn: &mut SqliteConnection,
    id: &DocId,
    doc: &AutoCommit,
    keys: Option<&BTreeSet<String>>,
) -> Result<bool, CoreError> {
    let keys: Vec<String> = match keys {
        Some(k) => k.iter().cloned().collect(),
        None => doc.keys(ROOT).collect(),
    };
    let Some(scope) = records::doc_scope(id) else {
        return Ok(true);
    };
    let scope = scope.to_string();
    // table position → records (pk → present?)
    let mut by_table: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for key in keys {
        let Some((tbl, pk)) = key.split_once(':') else {
            continue;
        };
        let Some(pos) = TABLES.iter().position(|t| t.name == tbl) else {
            continue;
        };
        if !at_home(id, &TABLES[pos]) {
            tracing::warn!(doc = %id, table = tbl, pk, "a synced record outside its table's kind of document was dropped");
            continue;
        }
        by_table.entry(pos).or_default().push(pk.to_string());
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
                // Only this document's own row: a key another document never held cannot
                // delete a row that lives elsewhere.
                complete &= delete_own_row(conn, table, pk, &scope).await?;
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
            let Some(record) = believed(id, doc, &key, table)? else {
                continue;
            };
            if let Some(owner) = row_scope(conn, table, pk).await? {
                if owner.as_deref() != Some(scope.as_str()) {
                    // The id is taken by a row of another owner: writing over it would move
                    // that row here.
                    tracing::warn!(doc = %id, table = table.name, pk, "a synced record reusing another owner's id was dropped");
                    continue;
                }
            }
            complete &= upsert_row(conn, table, pk, record, known).await?;
        }
    }
    Ok(complete)
}

/// The owner id of the row with this pk (`Some(None)`: the row exists but names no owner);
/// `None` when there is no such row.
async fn row_scope(
    conn: &mut SqliteConnection,
    table: &Table,
    pk: &str,
) -> Result<Option<Option<String>>, CoreError> {
    let sql = format!(
        "SELECT {} FROM {} AS r WHERE {} = ?",
        table.scope.replace("{R}", "r"),
        table.name,
        table.pk_sql("r")
    );
    let row: Option<(Option<String>,)> = sqlx::query_as(&sql)
        .bind(pk)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|(owner,)| owner))
}

async fn delete_own_row(
    conn: &mut SqliteConnection,
    table: &Table,
    pk: &str,
    scope: &str,
) -> Result<bool, CoreError> {
    match row_scope(conn, table, pk).await? {
        Some(Some(owner)) if owner == scope => delete_row(conn, table, pk).await,
        Some(_) => {
            tracing::warn!(
                table = table.name,
                pk,
                "a synced deletion of another owner's row was ignored"
            );
            Ok(true)
        }
        None => Ok(true),
    }
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
                        // Only a record that belongs where it is keeps its row.
                        if at_home(id, t) && believed(id, &stored.doc, &key, t)?.is_some() {
                            held.entry(t.name).or_default().insert(pk.to_string());
                        }
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

    async fn doc_of(folio: &Folio, id: &DocId) -> AutoCommit {
        let mut conn = folio.pool.acquire().await.unwrap();
        folio_sync::doc_store::load(&mut conn, id)
            .await
            .unwrap()
            .unwrap()
            .doc
    }

    /// Write `fields` as the record at `key` of `doc`, as a hostile device would.
    fn plant(doc: &mut AutoCommit, key: &str, fields: &serde_json::Map<String, Json>) {
        let rec = doc.put_object(ROOT, key, ObjType::Map).unwrap();
        for (k, v) in fields {
            match v {
                Json::String(s) => doc.put(&rec, k, s.as_str()).unwrap(),
                Json::Number(n) => doc.put(&rec, k, n.as_i64().unwrap()).unwrap(),
                _ => doc.put(&rec, k, automerge::ScalarValue::Null).unwrap(),
            }
        }
    }

    async fn project(folio: &Folio, id: &DocId, doc: &AutoCommit, keys: &[String]) {
        let keys: BTreeSet<String> = keys.iter().cloned().collect();
        let mut tx = folio.begin_write().await.unwrap();
        project_doc(tx.conn(), id, doc, Some(&keys)).await.unwrap();
        tx.commit().await.unwrap();
    }

    async fn sectors(folio: &Folio) -> Vec<(String, String, String)> {
        sqlx::query_as("SELECT id, site_id, name FROM sectors ORDER BY id")
            .fetch_all(&folio.pool)
            .await
            .unwrap()
    }

    /// DESIGN §3, trust inside an account: a record is believed only in its own kind of
    /// document and scope. Another site's records planted, overwritten or deleted through the
    /// account document or a granted site's document change nothing on this device; the
    /// granted site's own records still project.
    #[tokio::test]
    async fn records_planted_outside_their_document_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let folio = Folio::open(dir.path()).await.unwrap();
        let new_site = |name: &str| folio_model::NewSite {
            name: name.into(),
            domain: format!("{}.example", name.to_lowercase()),
            sectors: vec![format!("{name} sector")],
        };
        let a = folio.create_site(&new_site("Granted")).await.unwrap();
        let b = folio.create_site(&new_site("Other")).await.unwrap();
        let before = sectors(&folio).await;
        let (b_sector, a_sector) = {
            let of = |site: &folio_model::SiteId| {
                before
                    .iter()
                    .find(|s| s.1 == site.to_string())
                    .unwrap()
                    .0
                    .clone()
            };
            (of(&b.id), of(&a.id))
        };
        let b_doc = doc_of(&folio, &DocId::Site(b.id.as_uuid())).await;
        let b_key = mirror::record_key("sectors", &b_sector);
        let original = folio_sync::records::read(&b_doc, &b_key).unwrap().unwrap();

        // 1. Through the account document: overwrite B's sector, plant a new one, delete it.
        let account = DocId::Account(folio.account_id().as_uuid());
        let mut hostile = doc_of(&folio, &account).await;
        let mut renamed = original.clone();
        renamed.insert("name".into(), Json::String("Planted".into()));
        plant(&mut hostile, &b_key, &renamed);
        let new_id = uuid::Uuid::now_v7().to_string();
        let mut fresh = original.clone();
        fresh.insert("id".into(), Json::String(new_id.clone()));
        fresh.insert("name_key".into(), Json::String("fresh".into()));
        let new_key = mirror::record_key("sectors", &new_id);
        plant(&mut hostile, &new_key, &fresh);
        project(
            &folio,
            &account,
            &hostile,
            &[b_key.clone(), new_key.clone()],
        )
        .await;
        assert_eq!(
            sectors(&folio).await,
            before,
            "planted through the account document"
        );
        hostile.delete(ROOT, &b_key).unwrap();
        project(&folio, &account, &hostile, std::slice::from_ref(&b_key)).await;
        assert_eq!(
            sectors(&folio).await,
            before,
            "deleted through the account document"
        );

        // 2. Through site A's own document: B's sector under its own id, moved to A.
        let a_id = DocId::Site(a.id.as_uuid());
        let mut granted = doc_of(&folio, &a_id).await;
        let mut moved = original.clone();
        moved.insert("site_id".into(), Json::String(a.id.to_string()));
        moved.insert("name".into(), Json::String("Moved".into()));
        plant(&mut granted, &b_key, &moved);
        // … and stored under a new key while naming B's id
        let mut smuggled = moved.clone();
        smuggled.insert("name".into(), Json::String("Smuggled".into()));
        let smuggle_key = mirror::record_key("sectors", &uuid::Uuid::now_v7().to_string());
        plant(&mut granted, &smuggle_key, &smuggled);
        project(&folio, &a_id, &granted, &[b_key.clone(), smuggle_key]).await;
        assert_eq!(
            sectors(&folio).await,
            before,
            "moved through site A's document"
        );
        granted.delete(ROOT, &b_key).unwrap();
        project(&folio, &a_id, &granted, std::slice::from_ref(&b_key)).await;
        assert_eq!(
            sectors(&folio).await,
            before,
            "deleted through site A's document"
        );

        // 3. Site A's own record still projects from its document.
        let a_key = mirror::record_key("sectors", &a_sector);
        let mut own = folio_sync::records::read(&granted, &a_key)
            .unwrap()
            .unwrap();
        own.insert("name".into(), Json::String("Renamed by a teammate".into()));
        plant(&mut granted, &a_key, &own);
        project(&folio, &a_id, &granted, &[a_key]).await;
        let names: Vec<String> = sectors(&folio).await.into_iter().map(|s| s.2).collect();
        assert!(
            names.contains(&"Renamed by a teammate".to_string()),
            "{names:?}"
        );

        // 4. A rebuild from the documents alone keeps B's sector too.
        folio.rebuild_projections().await.unwrap();
        let after = sectors(&folio).await;
        assert!(after
            .iter()
            .any(|s| s.0 == b_sector && s.1 == b.id.to_string()));
    }

    /// A keyword bucket holds its own site's keywords only: a decision about another site's
    /// keyword and a batch naming another site are not believed.
    #[tokio::test]
    async fn keyword_buckets_cannot_reach_another_sites_keywords() {
        let dir = tempfile::tempdir().unwrap();
        let folio = Folio::open(dir.path()).await.unwrap();
        let site = |name: &str| folio_model::NewSite {
            name: name.into(),
            domain: format!("{}.example", name.to_lowercase()),
            sectors: vec!["Main".into()],
        };
        let a = folio.create_site(&site("Granted")).await.unwrap();
        let b = folio.create_site(&site("Other")).await.unwrap();
        folio
            .import_keywords(
                b.id,
                None,
                b"Keyword,Volume\nwinter boots,900\n".to_vec(),
                &crate::planner::keyword_import::ImportOptions::default(),
            )
            .await
            .unwrap();
        let (kw,): (String,) = sqlx::query_as("SELECT id FROM keywords")
            .fetch_one(&folio.pool)
            .await
            .unwrap();
        let bucket = DocId::Keywords {
            site: a.id.as_uuid(),
            bucket: 0,
        };
        let mut hostile = AutoCommit::new();
        let key = format!("{}{kw}", folio_sync::keyword_batch::DECISION_PREFIX);
        let d = hostile.put_object(ROOT, &key, ObjType::Map).unwrap();
        hostile.put(&d, "deleted", 1).unwrap();
        // a batch that says it is site B's
        let batch = folio_sync::keyword_batch::Batch {
            site: b.id.as_uuid(),
            sector: uuid::Uuid::now_v7(),
            import: None,
            rows: vec![folio_sync::keyword_batch::BatchRow(
                "planted keyword".into(),
                None,
                None,
                None,
                None,
                None,
                None,
            )],
        };
        let batch_key = format!("{}x", folio_sync::keyword_batch::BATCH_PREFIX);
        hostile
            .put(ROOT, &batch_key, serde_json::to_vec(&batch).unwrap())
            .unwrap();
        project(&folio, &bucket, &hostile, &[key, batch_key]).await;
        let all: Vec<(String, String)> = sqlx::query_as("SELECT id, keyword FROM keywords")
            .fetch_all(&folio.pool)
            .await
            .unwrap();
        assert_eq!(all, [(kw, "winter boots".to_string())]);
    }

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
