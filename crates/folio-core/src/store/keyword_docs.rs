//! Keywords in documents: immutable import batches plus sparse decisions.
//!
//! A site's keywords are spread over [`folio_sync::KEYWORD_BUCKETS`] documents by a stable hash of
//! the keyword id. An import writes one batch per bucket — a single bytes value holding every row
//! (`"batch:{import id}"`), so 100k keywords cost 16 document operations, not a million. What
//! people decide about a keyword afterwards (status, cluster, disabled, deleted) is a small map
//! per keyword (`"kw:{id}"`) whose fields merge last-writer-wins. The projection is: every batch
//! in import order (the first batch to bring a keyword gives its metrics), then the decisions.
//!
//! Keyword ids are derived from their identity (sector + normalised text, [`keyword_id`]), so two
//! devices importing the same file offline produce the same ids and merge instead of duplicating.

use crate::store::mirror;
use crate::store::mirror::{doc_error, OpenDocs};
use crate::CoreError;
use automerge::{
    transaction::Transactable, AutoCommit, ObjType, ReadDoc, ScalarValue, Value, ROOT,
};
use folio_sync::DocId;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use uuid::Uuid;

pub use folio_sync::keyword_batch::{keyword_id, Batch, BatchRow};
use folio_sync::keyword_batch::{read_batch, BATCH_PREFIX, DECISION_PREFIX};

/// Write one batch per bucket for rows of one site and sector, and clear any earlier deletion
/// of a keyword the batch brings back (locally the import re-inserted it as new).
pub(crate) async fn write_batches(
    conn: &mut SqliteConnection,
    docs: &mut OpenDocs,
    batch_key: &str,
    batch: Batch,
) -> Result<(), CoreError> {
    // Each id is computed once (a SHA-1 per keyword): 100k of them are a visible part of P1.
    let mut by_bucket: BTreeMap<DocId, (Vec<BatchRow>, Vec<Uuid>)> = BTreeMap::new();
    for row in batch.rows {
        let id = match &row.6 {
            Some(id) => {
                Uuid::from_str(id).map_err(|e| CoreError::Internal(format!("keyword id: {e}")))?
            }
            None => keyword_id(batch.sector, row.key()),
        };
        let entry = by_bucket
            .entry(DocId::keyword_bucket(batch.site, id))
            .or_default();
        entry.0.push(row);
        entry.1.push(id);
    }
    for (doc_id, (rows, row_ids)) in by_bucket {
        let part = Batch {
            site: batch.site,
            sector: batch.sector,
            import: batch.import,
            rows,
        };
        let bytes = serde_json::to_vec(&part)
            .map_err(|e| CoreError::Internal(format!("encoding a keyword batch: {e}")))?;
        let doc = docs.get(conn, doc_id).await?;
        doc.put(
            ROOT,
            format!("{BATCH_PREFIX}{batch_key}"),
            ScalarValue::Bytes(bytes),
        )
        .map_err(doc_error)?;
        let mut revived = Vec::new();
        let decided: Vec<String> = doc
            .keys(ROOT)
            .filter(|k| k.starts_with(DECISION_PREFIX))
            .collect();
        let ids: BTreeSet<String> = if decided.is_empty() {
            BTreeSet::new()
        } else {
            row_ids.iter().map(Uuid::to_string).collect()
        };
        for key in decided {
            let id = &key[DECISION_PREFIX.len()..];
            if ids.contains(id) && read_decision(doc, &key)?.is_some_and(|d| d.deleted != 0) {
                revived.push(id.to_string());
            }
        }
        for id in revived {
            put_decision(doc, &id, &Decision::fresh())?;
        }
    }
    Ok(())
}

/// What people decided about one keyword.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Decision {
    pub status: String,
    pub cluster_id: Option<String>,
    pub disabled: i64,
    pub deleted: i64,
}

impl Decision {
    fn kept(status: String, cluster_id: Option<String>, disabled: i64) -> Self {
        Self {
            status,
            cluster_id,
            disabled,
            deleted: 0,
        }
    }

    fn fresh() -> Self {
        Self {
            status: "new".into(),
            cluster_id: None,
            disabled: 0,
            deleted: 0,
        }
    }

    fn deleted() -> Self {
        Self {
            deleted: 1,
            ..Self::fresh()
        }
    }
}

fn put_decision(doc: &mut AutoCommit, id: &str, d: &Decision) -> Result<(), CoreError> {
    let key = format!("{DECISION_PREFIX}{id}");
    let (obj, fresh) = match doc.get(ROOT, &key).map_err(doc_error)? {
        Some((Value::Object(ObjType::Map), obj)) => (obj, false),
        _ => (
            doc.put_object(ROOT, &key, ObjType::Map)
                .map_err(doc_error)?,
            true,
        ),
    };
    let fields: [(&str, ScalarValue); 4] = [
        ("status", ScalarValue::Str(d.status.as_str().into())),
        (
            "cluster_id",
            d.cluster_id
                .as_deref()
                .map_or(ScalarValue::Null, |c| ScalarValue::Str(c.into())),
        ),
        ("disabled", ScalarValue::Int(d.disabled)),
        ("deleted", ScalarValue::Int(d.deleted)),
    ];
    let fresh_default = Decision::fresh();
    for (field, value) in fields {
        if fresh {
            // A new decision holds only what differs from a fresh keyword: the reader gives a
            // missing field its fresh value, and each field is an operation (clustering writes
            // one decision per keyword).
            let default = match field {
                "status" => value == ScalarValue::Str(fresh_default.status.as_str().into()),
                "cluster_id" => value == ScalarValue::Null,
                _ => value == ScalarValue::Int(0),
            };
            if !default {
                doc.put(&obj, field, value).map_err(doc_error)?;
            }
            continue;
        }
        let same = matches!(doc.get(&obj, field).map_err(doc_error)?, Some((Value::Scalar(old), _)) if *old == value);
        if !same {
            doc.put(&obj, field, value).map_err(doc_error)?;
        }
    }
    Ok(())
}

fn read_decision(doc: &AutoCommit, key: &str) -> Result<Option<Decision>, CoreError> {
    let Some((Value::Object(ObjType::Map), obj)) = doc.get(ROOT, key).map_err(doc_error)? else {
        return Ok(None);
    };
    let rec = mirror::read_record(doc, &obj)?;
    let text = |f: &str| rec.get(f).and_then(|v| v.as_str()).map(str::to_string);
    let int = |f: &str| rec.get(f).and_then(|v| v.as_i64()).unwrap_or(0);
    Ok(Some(Decision {
        status: text("status").unwrap_or_else(|| "new".into()),
        cluster_id: text("cluster_id"),
        disabled: int("disabled"),
        deleted: int("deleted"),
    }))
}

/// Record the current state of keywords a write changed or deleted (noted by the triggers).
pub(crate) async fn write_decisions(
    conn: &mut SqliteConnection,
    docs: &mut OpenDocs,
    site: &str,
    ids: &[String],
) -> Result<usize, CoreError> {
    let Ok(site_uuid) = Uuid::from_str(site) else {
        return Ok(0);
    };
    // A deleted site takes its keyword documents with it; no decisions to keep.
    let site_exists: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM sites WHERE id = ?")
        .bind(site)
        .fetch_optional(&mut *conn)
        .await?;
    if site_exists.is_none() {
        return Ok(0);
    }
    let mut current: BTreeMap<String, Decision> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT id, status, cluster_id, disabled FROM keywords WHERE id IN (",
        );
        let mut list = q.separated(", ");
        for id in chunk {
            list.push_bind(id);
        }
        q.push(")");
        let rows: Vec<(String, String, Option<String>, i64)> =
            q.build_query_as().fetch_all(&mut *conn).await?;
        for (id, status, cluster_id, disabled) in rows {
            current.insert(id, Decision::kept(status, cluster_id, disabled));
        }
    }
    for id in ids {
        let Ok(uuid) = Uuid::from_str(id) else {
            continue;
        };
        let decision = current.remove(id).unwrap_or_else(Decision::deleted);
        let doc = docs
            .get(conn, DocId::keyword_bucket(site_uuid, uuid))
            .await?;
        put_decision(doc, id, &decision)?;
    }
    Ok(ids.len())
}

/// Project the given keys of a keyword document (all when `keys` is `None`). Batches first, in
/// key order (import ids are time-ordered), then decisions.
pub(crate) async fn project(
    conn: &mut SqliteConnection,
    id: &DocId,
    doc: &AutoCommit,
    keys: Option<&BTreeSet<String>>,
) -> Result<usize, CoreError> {
    // A bucket holds its own site's keywords only: a batch naming another site, or a decision
    // about another site's keyword, is not believed (DESIGN §3, trust inside an account).
    let Some(site) = id.site() else {
        return Ok(0);
    };
    let site_text = site.to_string();
    let all: Vec<String>;
    let keys: Vec<&String> = match keys {
        Some(k) => k.iter().collect(),
        None => {
            all = doc.keys(ROOT).collect();
            all.iter().collect()
        }
    };
    let mut decisions: BTreeSet<String> = BTreeSet::new();
    let mut touched = 0;
    for key in keys.iter().filter(|k| k.starts_with(BATCH_PREFIX)) {
        let Some(batch) = read_batch(doc, key) else {
            tracing::warn!(key = %key, "a keyword batch in a document does not decode; skipped");
            continue;
        };
        if batch.site != site || !sector_may_be_of(conn, batch.sector, &site_text).await? {
            tracing::warn!(doc = %id, key = %key, "a keyword batch naming another site was dropped");
            continue;
        }
        touched += insert_rows(conn, &batch).await?;
        // Decisions already made about keywords this batch brings apply to them now.
        for row in &batch.rows {
            let id = row.id(batch.sector);
            let dkey = format!("{DECISION_PREFIX}{id}");
            if doc.get(ROOT, &dkey).map_err(doc_error)?.is_some() {
                decisions.insert(dkey);
            }
        }
    }
    decisions.extend(
        keys.iter()
            .filter(|k| k.starts_with(DECISION_PREFIX))
            .map(|k| k.to_string()),
    );
    for key in &decisions {
        let Some(d) = read_decision(doc, key)? else {
            continue;
        };
        let Some(kw) = key.strip_prefix(DECISION_PREFIX) else {
            continue;
        };
        if d.deleted != 0 {
            sqlx::query("DELETE FROM keywords WHERE id = ? AND site_id = ?")
                .bind(kw)
                .bind(&site_text)
                .execute(&mut *conn)
                .await?;
        } else {
            sqlx::query(
                "UPDATE keywords SET status = ?, cluster_id = ?, disabled = ? WHERE id = ? AND site_id = ?",
            )
            .bind(&d.status)
            .bind(&d.cluster_id)
            .bind(d.disabled)
            .bind(kw)
            .bind(&site_text)
            .execute(&mut *conn)
            .await?;
        }
        touched += 1;
    }
    Ok(touched)
}

/// Whether a batch's sector may be this site's: it is, or it has not arrived yet (then the
/// keywords wait for it like any record whose parent is missing).
async fn sector_may_be_of(
    conn: &mut SqliteConnection,
    sector: uuid::Uuid,
    site: &str,
) -> Result<bool, CoreError> {
    let owner: Option<(String,)> = sqlx::query_as("SELECT site_id FROM sectors WHERE id = ?")
        .bind(sector.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(owner.is_none_or(|(s,)| s == site))
}

async fn insert_rows(conn: &mut SqliteConnection, batch: &Batch) -> Result<usize, CoreError> {
    let (site, sector) = (batch.site.to_string(), batch.sector.to_string());
    let import = batch.import.map(|i| i.to_string());
    let mut n = 0;
    for chunk in batch.rows.chunks(1000) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO keywords (id, site_id, sector_id, keyword, key, volume, difficulty, cpc_micros, intent, status, import_id) ",
        );
        q.push_values(chunk, |mut b, r| {
            b.push_bind(r.id(batch.sector))
                .push_bind(&site)
                .push_bind(&sector)
                .push_bind(&r.0)
                .push_bind(r.key().to_string())
                .push_bind(r.2)
                .push_bind(r.3)
                .push_bind(r.4)
                .push_bind(&r.5)
                .push_bind("new")
                .push_bind(&import);
        });
        q.push(" ON CONFLICT DO NOTHING");
        n += q.build().execute(&mut *conn).await?.rows_affected() as usize;
    }
    Ok(n)
}

/// Keywords stored before documents existed: one batch per sector, ids kept as they are, and a
/// decision for each keyword that is no longer as imported.
pub(crate) async fn seed(
    conn: &mut SqliteConnection,
    docs: &mut OpenDocs,
) -> Result<(), CoreError> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<String>,
        String,
        Option<String>,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, site_id, sector_id, keyword, key, volume, difficulty, cpc_micros, intent, status, cluster_id, disabled
         FROM keywords ORDER BY site_id, sector_id, rid",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut batches: BTreeMap<(Uuid, Uuid), Vec<BatchRow>> = BTreeMap::new();
    let mut decided: Vec<(Uuid, String, Decision)> = Vec::new();
    for (
        id,
        site,
        sector,
        keyword,
        key,
        volume,
        difficulty,
        cpc,
        intent,
        status,
        cluster_id,
        disabled,
    ) in rows
    {
        let (Ok(site), Ok(sector)) = (Uuid::from_str(&site), Uuid::from_str(&sector)) else {
            continue;
        };
        let named = keyword_id(sector, &key).to_string();
        let row = BatchRow(
            keyword.clone(),
            (key != keyword).then_some(key),
            volume,
            difficulty,
            cpc,
            intent,
            (id != named).then(|| id.clone()),
        );
        batches.entry((site, sector)).or_default().push(row);
        if status != "new" || cluster_id.is_some() || disabled != 0 {
            decided.push((site, id, Decision::kept(status, cluster_id, disabled)));
        }
    }
    for ((site, sector), rows) in batches {
        let batch = Batch {
            site,
            sector,
            import: None,
            rows,
        };
        write_batches(conn, docs, &format!("seed-{sector}"), batch).await?;
    }
    for (site, id, decision) in decided {
        let Ok(uuid) = Uuid::from_str(&id) else {
            continue;
        };
        let doc = docs.get(conn, DocId::keyword_bucket(site, uuid)).await?;
        put_decision(doc, &id, &decision)?;
    }
    Ok(())
}
