//! Keywords of a site and sector: importing files, querying, bulk changes.
//!
//! Imports are all-or-nothing: the file is parsed completely before anything is written, the rows
//! go in through one [`WriteTx`](crate::WriteTx) in batches, and a cancel or an error rolls the
//! whole import back. Duplicates (in the file, or already in the site and sector) are counted by
//! the unique index on `(sector_id, key)` rather than by reading existing keys first.
//!
//! Lists and bulk selections are answered by [`crate::keyword_index`]; every write here bumps the
//! site's keyword version in the same transaction so that index reloads.

use crate::keyword_import::{parse_keyword_file, ParsedImport, ParsedKeyword};
use crate::keyword_index::{Change, Entry, SiteKeywords};
use crate::{CoreError, Entity, Folio, WriteTx};
use chrono::Utc;
use folio_model::{
    ClusterId, ImportId, ImportProgress, Intent, KeywordBulkAction, KeywordFilter,
    KeywordImportReport, KeywordPage, KeywordQuery, KeywordStatus, RejectedRow, SectorId, SiteId,
    Status, MAX_KEYWORD_PAGE,
};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use sqlx::{QueryBuilder, Sqlite};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use uuid::Uuid;

/// Rows per INSERT statement: 12 parameters each stays far below SQLite's 32,766 limit, and
/// full batches reuse one prepared statement.
const INSERT_BATCH: usize = 1000;

/// How an import reports progress and learns it was cancelled.
#[derive(Default)]
pub struct ImportOptions<'a> {
    /// Kept with the import's record ("semrush-broad-match.csv").
    pub file_name: Option<String>,
    pub progress: Option<&'a (dyn Fn(ImportProgress) + Send + Sync)>,
    /// Set it to stop the import; nothing is written.
    pub cancel: Option<&'a AtomicBool>,
}

impl ImportOptions<'_> {
    fn report(&self, p: ImportProgress) {
        if let Some(f) = self.progress {
            f(p);
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

fn cpc_to_micros(cpc: Decimal) -> Option<i64> {
    (cpc * Decimal::from(1_000_000)).round().to_i64()
}

impl Folio {
    /// The sector an operation on `site` works in: the given one (which must belong to the site),
    /// else the site's first sector.
    pub async fn resolve_sector(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
    ) -> Result<SectorId, CoreError> {
        let site_exists: Option<(String,)> =
            sqlx::query_as("SELECT id FROM sites WHERE id = ? AND account_id = ?")
                .bind(site.to_string())
                .bind(self.account_id.to_string())
                .fetch_optional(&self.pool)
                .await?;
        if site_exists.is_none() {
            return Err(CoreError::NotFound {
                what: format!("site {site}"),
            });
        }
        let row: Option<(String,)> = match sector {
            Some(sector) => {
                let found: Option<(String, String)> =
                    sqlx::query_as("SELECT id, site_id FROM sectors WHERE id = ?")
                        .bind(sector.to_string())
                        .fetch_optional(&self.pool)
                        .await?;
                match found {
                    None => {
                        return Err(CoreError::NotFound {
                            what: format!("sector {sector}"),
                        })
                    }
                    Some((_, owner)) if owner != site.to_string() => {
                        return Err(CoreError::invalid(
                            "sector",
                            format!("sector {sector} belongs to another site, not to site {site}"),
                        ))
                    }
                    Some((id, _)) => Some((id,)),
                }
            }
            None => {
                sqlx::query_as("SELECT id FROM sectors WHERE site_id = ? ORDER BY position LIMIT 1")
                    .bind(site.to_string())
                    .fetch_optional(&self.pool)
                    .await?
            }
        };
        let (id,) = row.ok_or_else(|| CoreError::NotFound {
            what: format!("a sector of site {site}"),
        })?;
        SectorId::from_str(&id).map_err(|_| CoreError::Corrupt(format!("sector id {id:?}")))
    }

    /// Read a keyword file from disk and import it (see [`Folio::import_keywords`]); the file's
    /// name is kept with the import.
    pub async fn import_keyword_file(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
        path: &std::path::Path,
        options: &ImportOptions<'_>,
    ) -> Result<KeywordImportReport, CoreError> {
        options.report(ImportProgress::Reading);
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|source| CoreError::ReadFile {
                path: path.to_path_buf(),
                source,
            })?;
        let named;
        let options = match (&options.file_name, path.file_name()) {
            (None, Some(name)) => {
                named = ImportOptions {
                    file_name: Some(name.to_string_lossy().into_owned()),
                    progress: options.progress,
                    cancel: options.cancel,
                };
                &named
            }
            _ => options,
        };
        self.import_keywords(site, sector, bytes, options).await
    }

    /// Import a keyword file (any supported export, see [`crate::keyword_import`]) into a site and
    /// sector. Nothing is written unless the whole import succeeds.
    pub async fn import_keywords(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
        bytes: Vec<u8>,
        options: &ImportOptions<'_>,
    ) -> Result<KeywordImportReport, CoreError> {
        let sector = self.resolve_sector(site, sector).await?;
        options.report(ImportProgress::Parsing);
        // Parsing 100k rows is CPU work; keep it off the async workers.
        let parsed = tokio::task::spawn_blocking(move || parse_keyword_file(&bytes))
            .await
            .map_err(|e| CoreError::Internal(format!("the import parser stopped: {e}")))??;
        if options.cancelled() {
            return Err(CoreError::Cancelled);
        }
        self.write_import(site, sector, parsed, options).await
    }

    async fn write_import(
        &self,
        site: SiteId,
        sector: SectorId,
        parsed: ParsedImport,
        options: &ImportOptions<'_>,
    ) -> Result<KeywordImportReport, CoreError> {
        let total = parsed.rows.len() as u64;
        let import_id = ImportId(Uuid::now_v7());
        let (site_s, sector_s, import_s) =
            (site.to_string(), sector.to_string(), import_id.to_string());
        let now_s = Utc::now().to_rfc3339();

        let mut tx = self.begin_write().await?;
        let max = self.max_keywords().await?;
        // Only an account already at its limit is stopped before writing: how many rows are
        // duplicates of existing keywords is known after the insert, checked below.
        if let Some(max) = max {
            let existing = self.account_keyword_count(&mut tx).await?;
            if existing >= max {
                return Err(keyword_limit(max, existing, total));
            }
        }
        sqlx::query(
            "INSERT INTO keyword_imports (id, site_id, sector_id, format, file_name, imported, duplicates, rejected, created_at)
             VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?)",
        )
        .bind(&import_s)
        .bind(&site_s)
        .bind(&sector_s)
        .bind(parsed.format.as_str())
        .bind(options.file_name.as_deref())
        .bind(&now_s)
        .execute(tx.conn())
        .await?;

        options.report(ImportProgress::Writing { done: 0, total });
        let mut inserted: u64 = 0;
        let mut done: u64 = 0;
        for batch in parsed.rows.chunks(INSERT_BATCH) {
            if options.cancelled() {
                return Err(CoreError::Cancelled);
            }
            inserted += insert_batch(&mut tx, batch, &site_s, &sector_s, &import_s).await?;
            done += batch.len() as u64;
            options.report(ImportProgress::Writing { done, total });
        }
        {
            // The document side of the import: one compact batch per keyword bucket.
            let rows = parsed
                .rows
                .iter()
                .map(|k| {
                    crate::keyword_docs::BatchRow(
                        k.keyword.clone(),
                        (k.key != k.keyword).then(|| k.key.clone()),
                        k.volume,
                        k.difficulty.map(i64::from),
                        k.cpc.and_then(cpc_to_micros),
                        k.intent.map(|i| i.as_str().to_string()),
                        None,
                    )
                })
                .collect();
            let batch = crate::keyword_docs::Batch {
                site: site.0,
                sector: sector.0,
                import: Some(import_id.0),
                rows,
            };
            let (conn, docs) = tx.parts();
            crate::keyword_docs::write_batches(conn, docs, &import_s, batch).await?;
        }
        if let Some(max) = max {
            let after = self.account_keyword_count(&mut tx).await?;
            if after > max {
                return Err(keyword_limit(max, after - inserted as i64, inserted));
            }
        }
        let duplicates = parsed.duplicates_in_file as u64 + (total - inserted);
        let rejected: Vec<RejectedRow> = parsed
            .rejected
            .into_iter()
            .map(|r| RejectedRow {
                line: r.line as u64,
                reason: r.reason,
            })
            .collect();
        sqlx::query(
            "UPDATE keyword_imports SET imported = ?, duplicates = ?, rejected = ? WHERE id = ?",
        )
        .bind(inserted as i64)
        .bind(duplicates as i64)
        .bind(rejected.len() as i64)
        .bind(&import_s)
        .execute(tx.conn())
        .await?;
        if inserted > 0 {
            bump_version(&mut tx, site).await?;
        }
        tx.touch_many(Entity::Keyword, inserted as usize);
        tx.commit().await?;
        tracing::info!(%site, %sector, format = %parsed.format, inserted, duplicates, rejected = rejected.len(), "keywords imported");
        Ok(KeywordImportReport {
            import_id,
            site_id: site,
            sector_id: sector,
            format: parsed.format,
            imported: inserted,
            duplicates,
            rejected,
        })
    }

    async fn account_keyword_count(&self, tx: &mut WriteTx) -> Result<i64, CoreError> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM keywords k JOIN sites s ON s.id = k.site_id WHERE s.account_id = ?",
        )
        .bind(self.account_id.to_string())
        .fetch_one(tx.conn())
        .await?;
        Ok(n)
    }

    /// The account's keyword allowance: `None` for a purely local account (no plan, no limit).
    async fn max_keywords(&self) -> Result<Option<i64>, CoreError> {
        Ok(self.plan_limits().await?.map(|p| i64::from(p.max_keywords)))
    }

    /// One page of a site's keywords, filtered and sorted, with the total that match.
    /// Answered by the in-memory index (see [`crate::keyword_index`]).
    pub async fn list_keywords(&self, query: &KeywordQuery) -> Result<KeywordPage, CoreError> {
        self.check_filter(&query.filter).await?;
        if query.limit == 0 || query.limit > MAX_KEYWORD_PAGE {
            return Err(CoreError::invalid(
                "limit",
                format!("the page size must be between 1 and {MAX_KEYWORD_PAGE}"),
            ));
        }
        let index = self
            .keyword_index
            .get(&self.pool, query.filter.site)
            .await?;
        let query = query.clone();
        // Filtering and sorting 100k rows is CPU work: keep it off the async workers.
        tokio::task::spawn_blocking(move || {
            let selected = index.select(&query.filter);
            let total = selected.len() as u64;
            let offset = usize::try_from(query.offset).unwrap_or(usize::MAX);
            let items = index
                .page(selected, query.sort, offset, query.limit as usize)
                .into_iter()
                .map(|i| index.entries[i as usize].to_row(&index.sectors))
                .collect();
            KeywordPage { total, items }
        })
        .await
        .map_err(|e| CoreError::Internal(format!("the keyword query stopped: {e}")))
    }

    /// Delete, re-status or (un)assign every keyword the filter selects (the same selection a
    /// list with that filter shows); returns how many changed. If any selected keyword cannot
    /// make the change, nothing changes and the error says how many and why.
    pub async fn bulk_keywords(
        &self,
        filter: &KeywordFilter,
        action: &KeywordBulkAction,
    ) -> Result<u64, CoreError> {
        self.check_filter(filter).await?;
        if !filter.is_narrowed() {
            return Err(CoreError::invalid(
                "filter",
                "choose which keywords to change (ids, a sector or a filter); a bulk change never applies to a whole site implicitly",
            ));
        }
        let mut tx = self.begin_write().await?;
        // Holding the write lock, the store cannot change under us: select from its current state.
        let index = self.keyword_index.get(&self.pool, filter.site).await?;
        let selected: Vec<&Entry> = index
            .select(filter)
            .into_iter()
            .map(|i| &index.entries[i as usize])
            .collect();
        let change = match action {
            KeywordBulkAction::Delete => Change::Deleted(selected.iter().map(|e| e.rid).collect()),
            KeywordBulkAction::SetStatus { status } => {
                Change::Updated(set_status(&selected, *status)?)
            }
            KeywordBulkAction::AssignCluster { cluster } => {
                Change::Updated(assign(&mut tx, &index, &selected, filter.site, *cluster).await?)
            }
        };
        let changed = write_change(&mut tx, &change).await?;
        if changed > 0 {
            bump_version(&mut tx, filter.site).await?;
        }
        tx.touch_many(Entity::Keyword, changed as usize);
        tx.commit().await?;
        if changed > 0 {
            // The store is now at the next version, exactly this index plus the change.
            self.keyword_index
                .put(filter.site, index.with_change(index.version + 1, &change));
        }
        Ok(changed)
    }

    /// The site must be this account's, and ranges must make sense.
    async fn check_filter(&self, f: &KeywordFilter) -> Result<(), CoreError> {
        if let (Some(lo), Some(hi)) = (f.min_volume, f.max_volume) {
            if lo > hi {
                return Err(CoreError::invalid(
                    "volume",
                    format!("the minimum volume {lo} is above the maximum {hi}"),
                ));
            }
        }
        if let (Some(lo), Some(hi)) = (f.min_difficulty, f.max_difficulty) {
            if lo > hi {
                return Err(CoreError::invalid(
                    "difficulty",
                    format!("the minimum difficulty {lo} is above the maximum {hi}"),
                ));
            }
        }
        let found: Option<(i64,)> =
            sqlx::query_as("SELECT 1 FROM sites WHERE id = ? AND account_id = ?")
                .bind(f.site.to_string())
                .bind(self.account_id.to_string())
                .fetch_optional(&self.pool)
                .await?;
        if found.is_none() {
            return Err(CoreError::NotFound {
                what: format!("site {}", f.site),
            });
        }
        Ok(())
    }
}

/// The P1 baseline: the same rows inserted into the same table with plain batched INSERTs in
/// one transaction, with no parsing, duplicate handling, limits or bookkeeping. Benchmarks only.
#[doc(hidden)]
pub async fn bench_plain_insert(
    folio: &Folio,
    site: SiteId,
    sector: SectorId,
    rows: &[ParsedKeyword],
) -> Result<(), CoreError> {
    let (site, sector) = (site.to_string(), sector.to_string());
    let mut tx = folio.pool.begin().await?;
    for batch in rows.chunks(INSERT_BATCH) {
        keyword_insert(batch, &site, &sector, None)
            .build()
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Run `<head> WHERE rid IN (…)` over `rids` in chunks; returns the rows changed.
async fn update_rids(
    tx: &mut WriteTx,
    head: impl Fn(&mut QueryBuilder<'static, Sqlite>),
    rids: &[i64],
) -> Result<u64, CoreError> {
    let mut changed = 0;
    for chunk in rids.chunks(INSERT_BATCH) {
        let mut q = QueryBuilder::<Sqlite>::new("");
        head(&mut q);
        q.push(" WHERE rid IN (");
        let mut sep = q.separated(", ");
        for rid in chunk {
            sep.push_bind(*rid);
        }
        q.push(")");
        changed += q.build().execute(tx.conn()).await?.rows_affected();
    }
    Ok(changed)
}

/// Record a write to a site's keywords, so every process's index reloads.
pub(crate) async fn bump_version(tx: &mut WriteTx, site: SiteId) -> Result<(), CoreError> {
    sqlx::query(
        "INSERT INTO keyword_versions (site_id, version) VALUES (?, 1)
         ON CONFLICT (site_id) DO UPDATE SET version = version + 1",
    )
    .bind(site.to_string())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The new status and cluster of every selected keyword that changes, or why none may.
type Updates = HashMap<i64, (KeywordStatus, Option<ClusterId>)>;

fn set_status(selected: &[&Entry], to: KeywordStatus) -> Result<Updates, CoreError> {
    if to == KeywordStatus::Mapped {
        return Err(CoreError::invalid(
            "status",
            "a keyword becomes mapped by joining a cluster; assign the keywords to a cluster instead",
        ));
    }
    for from in KeywordStatus::ALL.iter().copied() {
        if let Err(e) = from.transition(to) {
            let n = selected.iter().filter(|k| k.status == from).count();
            if n > 0 {
                return Err(CoreError::invalid(
                    "status",
                    format!("{n} of the selected keywords are {from}: {e}; nothing was changed"),
                ));
            }
        }
    }
    Ok(selected
        .iter()
        .filter(|k| k.status != to)
        // new means "ready for clustering": it leaves its cluster
        .map(|k| {
            let cluster = if to == KeywordStatus::New {
                None
            } else {
                k.cluster
            };
            (k.rid, (to, cluster))
        })
        .collect())
}

async fn assign(
    tx: &mut WriteTx,
    index: &SiteKeywords,
    selected: &[&Entry],
    site: SiteId,
    cluster: Option<ClusterId>,
) -> Result<Updates, CoreError> {
    let Some(cluster) = cluster else {
        let used = selected
            .iter()
            .filter(|k| k.status == KeywordStatus::Used)
            .count();
        if used > 0 {
            return Err(CoreError::invalid(
                "cluster",
                format!("{used} of the selected keywords are used by content ideas and must stay in their cluster; nothing was changed"),
            ));
        }
        return Ok(selected
            .iter()
            .filter(|k| k.cluster.is_some())
            .map(|k| (k.rid, (KeywordStatus::New, None)))
            .collect());
    };
    let owner: Option<(String, String)> =
        sqlx::query_as("SELECT site_id, sector_id FROM clusters WHERE id = ?")
            .bind(cluster.to_string())
            .fetch_optional(tx.conn())
            .await?;
    let (cluster_site, cluster_sector) = owner.ok_or_else(|| CoreError::NotFound {
        what: format!("cluster {cluster}"),
    })?;
    if cluster_site != site.to_string() {
        return Err(CoreError::invalid(
            "cluster",
            format!("cluster {cluster} belongs to another site"),
        ));
    }
    // A keyword and its cluster share a sector.
    let foreign = selected
        .iter()
        .filter(|k| index.sectors[k.sector as usize].to_string() != cluster_sector)
        .count();
    if foreign > 0 {
        return Err(CoreError::invalid(
            "cluster",
            format!("{foreign} of the selected keywords are in another sector than the cluster; a keyword can only join a cluster of its own sector. Nothing was changed"),
        ));
    }
    Ok(selected
        .iter()
        .filter(|k| k.cluster != Some(cluster))
        .map(|k| {
            let status = match k.status {
                KeywordStatus::New => KeywordStatus::Mapped,
                other => other,
            };
            (k.rid, (status, Some(cluster)))
        })
        .collect())
}

/// Write a change to the store; returns how many keywords it touched.
async fn write_change(tx: &mut WriteTx, change: &Change) -> Result<u64, CoreError> {
    match change {
        Change::Deleted(rids) => {
            let rids: Vec<i64> = rids.iter().copied().collect();
            update_rids(
                tx,
                |q| {
                    q.push("DELETE FROM keywords");
                },
                &rids,
            )
            .await
        }
        Change::Updated(updates) => {
            // One UPDATE per distinct (status, cluster), however many keywords share it.
            let mut groups: HashMap<(KeywordStatus, Option<ClusterId>), Vec<i64>> = HashMap::new();
            for (rid, value) in updates {
                groups.entry(*value).or_default().push(*rid);
            }
            let mut changed = 0;
            for ((status, cluster), rids) in groups {
                let head = |q: &mut QueryBuilder<'static, Sqlite>| {
                    q.push("UPDATE keywords SET status = ")
                        .push_bind(status.as_str())
                        .push(", cluster_id = ")
                        .push_bind(cluster.map(|c| c.to_string()));
                };
                changed += update_rids(tx, head, &rids).await?;
            }
            Ok(changed)
        }
    }
}

fn keyword_limit(max: i64, existing: i64, adding: u64) -> CoreError {
    CoreError::Limit(format!(
        "Your plan allows {max} keywords; the account has {existing} and this import would add {adding}. Delete keywords you no longer need or upgrade the plan. Nothing was imported"
    ))
}

async fn insert_batch(
    tx: &mut crate::WriteTx,
    batch: &[ParsedKeyword],
    site: &str,
    sector: &str,
    import: &str,
) -> Result<u64, CoreError> {
    let mut q = keyword_insert(batch, site, sector, Some(import));
    q.push(" ON CONFLICT (sector_id, key) DO NOTHING");
    Ok(q.build().execute(tx.conn()).await?.rows_affected())
}

/// A multi-row INSERT of new keywords.
fn keyword_insert<'a>(
    batch: &'a [ParsedKeyword],
    site: &'a str,
    sector: &'a str,
    import: Option<&'a str>,
) -> QueryBuilder<'a, Sqlite> {
    let mut q = QueryBuilder::<Sqlite>::new(
        "INSERT INTO keywords (id, site_id, sector_id, keyword, key, volume, difficulty, cpc_micros, intent, status, import_id) ",
    );
    let sector_uuid = Uuid::from_str(sector).unwrap_or_default();
    q.push_values(batch, |mut b, k| {
        b.push_bind(crate::keyword_docs::keyword_id(sector_uuid, &k.key).to_string())
            .push_bind(site)
            .push_bind(sector)
            .push_bind(k.keyword.as_str())
            .push_bind(k.key.as_str())
            .push_bind(k.volume)
            .push_bind(k.difficulty)
            .push_bind(k.cpc.and_then(cpc_to_micros))
            .push_bind(k.intent.map(Intent::as_str))
            .push_bind(KeywordStatus::New.as_str())
            .push_bind(import);
    });
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpc_round_trips_exactly_through_micros() {
        for s in ["1.35", "0.05", "12", "0.000001"] {
            let d = Decimal::from_str(s).unwrap();
            let micros = cpc_to_micros(d).unwrap();
            assert_eq!(Decimal::new(micros, 6).normalize(), d.normalize(), "{s}");
        }
    }
}
