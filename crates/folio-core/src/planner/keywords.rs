//! Keywords of a site and sector: the sector an operation works on, lists and bulk changes.
//!
//! Lists and bulk selections are answered by the in-memory keyword index
//! ([`crate::store::keyword_index`]); every write here bumps the site's keyword version in the same
//! transaction so that index reloads.

use crate::planner::keyword_import::INSERT_BATCH;
use crate::store::keyword_index::bump_version;
use crate::store::keyword_index::{Change, Entry, SiteKeywords};
use crate::{CoreError, Entity, Folio, WriteTx};
use folio_model::{
    ClusterId, KeywordBulkAction, KeywordFilter, KeywordId, KeywordPage, KeywordQuery,
    KeywordStatus, SectorId, SiteId, Status, MAX_KEYWORD_PAGE,
};
use sqlx::{QueryBuilder, Sqlite};
use std::collections::HashMap;
use std::str::FromStr;

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
}

impl Folio {
    /// One page of a site's keywords, filtered and sorted, with the total that match.
    /// Answered by the in-memory index (see [`crate::store::keyword_index`]).
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

/// Set keywords' status and cluster by id inside a write (the pipeline's clustering and merges);
/// bumps the site's keyword version so every cached index reloads. Returns how many changed.
pub(crate) async fn set_keyword_clusters(
    tx: &mut WriteTx,
    site: SiteId,
    updates: &[(KeywordId, KeywordStatus, Option<ClusterId>)],
) -> Result<u64, CoreError> {
    let mut changed = 0;
    // One statement per few hundred keywords, not one per keyword: a clustering batch places
    // ~150 at once, and each statement is a round trip to the connection's thread.
    for chunk in updates.chunks(300) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("WITH v (id, status, cluster_id) AS (");
        q.push_values(chunk, |mut row, (id, status, cluster)| {
            row.push_bind(id.to_string())
                .push_bind(status.as_str())
                .push_bind(cluster.map(|c| c.to_string()));
        });
        q.push(
            ") UPDATE keywords SET status = v.status, cluster_id = v.cluster_id FROM v
               WHERE keywords.id = v.id AND keywords.site_id = ",
        );
        q.push_bind(site.to_string());
        changed += q.build().execute(tx.conn()).await?.rows_affected();
    }
    if changed > 0 {
        bump_version(tx, site).await?;
        tx.touch_many(Entity::Keyword, changed as usize);
    }
    Ok(changed)
}
