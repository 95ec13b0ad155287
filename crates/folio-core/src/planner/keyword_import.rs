//! Importing keyword files into a site and sector.
//!
//! Imports are all-or-nothing: the file is parsed completely before anything is written, the rows
//! go in through one [`WriteTx`](crate::WriteTx) in batches, and a cancel or an error rolls the
//! whole import back. Duplicates (in the file, or already in the site and sector) are counted by
//! the unique index on `(sector_id, key)` rather than by reading existing keys first.

use crate::jobs::Job;
use crate::planner::keyword_file::{parse_keyword_file, ParsedImport, ParsedKeyword};
use crate::store::keyword_index::bump_version;
use crate::{CoreError, Entity, Folio, WriteTx};
use chrono::Utc;
use folio_model::{
    ImportId, Intent, JobKind, JobPhase, JobScope, KeywordImportReport, KeywordStatus, RejectedRow,
    SectorId, SiteId, Status,
};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use sqlx::{QueryBuilder, Sqlite};
use std::str::FromStr;
use uuid::Uuid;

/// Rows per INSERT statement: 12 parameters each stays far below SQLite's 32,766 limit, and
/// full batches reuse one prepared statement.
pub(crate) const INSERT_BATCH: usize = 1000;

/// What an import keeps about its file. Progress and cancelling go through the import's job
/// ([`crate::jobs`]: kind `keyword_import`, scope the sector).
#[derive(Default)]
pub struct ImportOptions {
    /// Kept with the import's record ("semrush-broad-match.csv").
    pub file_name: Option<String>,
}

fn cpc_to_micros(cpc: Decimal) -> Option<i64> {
    (cpc * Decimal::from(1_000_000)).round().to_i64()
}

impl Folio {
    /// Read a keyword file from disk and import it (see [`Folio::import_keywords`]); the file's
    /// name is kept with the import.
    pub async fn import_keyword_file(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
        path: &std::path::Path,
        options: &ImportOptions,
    ) -> Result<KeywordImportReport, CoreError> {
        let file_name = options
            .file_name
            .clone()
            .or_else(|| path.file_name().map(|n| n.to_string_lossy().into_owned()));
        let (job, sector) = self.start_import(site, sector).await?;
        let result = async {
            job.step(JobPhase::Reading, 0, None);
            let bytes = crate::files::read_bounded(
                path,
                crate::planner::keyword_file::MAX_FILE_BYTES,
                "file",
                "the keyword file",
            )
            .await?;
            job.check()?;
            self.run_import(&job, site, sector, bytes, file_name).await
        }
        .await;
        job.finish(result)
    }

    /// Import a keyword file (any supported export, see [`crate::planner::keyword_file`]) into a
    /// site and sector, as a job. Nothing is written unless the whole import succeeds; a cancel
    /// rolls it back.
    pub async fn import_keywords(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
        bytes: Vec<u8>,
        options: &ImportOptions,
    ) -> Result<KeywordImportReport, CoreError> {
        let (job, sector) = self.start_import(site, sector).await?;
        let result = self
            .run_import(&job, site, sector, bytes, options.file_name.clone())
            .await;
        job.finish(result)
    }

    /// The sector's import job; one import per sector at a time, across processes.
    pub(crate) async fn start_import(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
    ) -> Result<(Job, SectorId), CoreError> {
        let sector = self.resolve_sector(site, sector).await?;
        let job = self
            .jobs()
            .start(JobKind::KeywordImport, JobScope::Sector { site, sector })
            .await?;
        Ok((job, sector))
    }

    async fn run_import(
        &self,
        job: &Job,
        site: SiteId,
        sector: SectorId,
        bytes: Vec<u8>,
        file_name: Option<String>,
    ) -> Result<KeywordImportReport, CoreError> {
        job.step(JobPhase::Parsing, 0, None);
        // Parsing 100k rows is CPU work; keep it off the async workers.
        let parsed = tokio::task::spawn_blocking(move || parse_keyword_file(&bytes))
            .await
            .map_err(|e| CoreError::Internal(format!("the import parser stopped: {e}")))??;
        job.check()?;
        self.write_import(job, site, sector, parsed, file_name.as_deref())
            .await
    }

    /// Writes parsed keywords into the sector: the one write path of every import (a file, or
    /// the keyword library's seed keywords).
    pub(crate) async fn write_import(
        &self,
        job: &Job,
        site: SiteId,
        sector: SectorId,
        parsed: ParsedImport,
        file_name: Option<&str>,
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
        .bind(file_name)
        .bind(&now_s)
        .execute(tx.conn())
        .await?;

        job.step(JobPhase::Writing, 0, Some(total));
        let mut inserted: u64 = 0;
        let mut done: u64 = 0;
        for batch in parsed.rows.chunks(INSERT_BATCH) {
            job.check()?;
            inserted += insert_batch(&mut tx, batch, &site_s, &sector_s, &import_s).await?;
            done += batch.len() as u64;
            job.step(JobPhase::Writing, done, Some(total));
        }
        {
            // The document side of the import: one compact batch per keyword bucket.
            let rows = parsed
                .rows
                .iter()
                .map(|k| {
                    crate::store::keyword_docs::BatchRow(
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
            let batch = crate::store::keyword_docs::Batch {
                site: site.0,
                sector: sector.0,
                import: Some(import_id.0),
                rows,
            };
            let (conn, docs) = tx.parts();
            crate::store::keyword_docs::write_batches(conn, docs, &import_s, batch).await?;
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
        // The last moment a cancel can still undo everything.
        job.check()?;
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
        b.push_bind(crate::store::keyword_docs::keyword_id(sector_uuid, &k.key).to_string())
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
