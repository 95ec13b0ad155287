//! The pipeline's counts per site: one `GROUP BY` per table (keywords, clusters, ideas, tasks,
//! articles), each over an index that starts with the site (keywords, the big table: site and
//! status, a covering index — `migrations/0011_dashboard_counts.sql`).

use crate::store::db::parse_stored;
use crate::{CoreError, Folio};
use folio_model::{
    ClusterStatus, ContentStatus, IdeaStatus, KeywordStatus, PipelineCounts, SiteId, SiteStatus,
    TaskStatus,
};
use std::collections::HashMap;

/// The account's sites, or the one in scope; `?1` is the account, `?2` the site or NULL.
const IN_SCOPE: &str =
    "site_id IN (SELECT id FROM sites WHERE account_id = ?1 AND (?2 IS NULL OR id = ?2))";

/// `(site, status, count)` rows of `SELECT site_id, status, COUNT(*) … GROUP BY site_id, status`.
async fn grouped(
    folio: &Folio,
    table: &str,
    also: &str,
    site: Option<SiteId>,
) -> Result<Vec<(SiteId, String, u64)>, CoreError> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(&format!(
        "SELECT site_id, status, COUNT(*) FROM {table} WHERE {IN_SCOPE}{also}
         GROUP BY site_id, status"
    ))
    .bind(folio.account_id.to_string())
    .bind(site.map(|s| s.to_string()))
    .fetch_all(&folio.pool)
    .await?;
    rows.into_iter()
        .map(|(s, status, n)| {
            Ok((
                parse_stored("site id", &s)?,
                status,
                u64::try_from(n).unwrap_or(0),
            ))
        })
        .collect()
}

/// Each site's counts (sites with nothing are absent).
pub(super) async fn by_site(
    folio: &Folio,
    site: Option<SiteId>,
) -> Result<HashMap<SiteId, PipelineCounts>, CoreError> {
    let mut out: HashMap<SiteId, PipelineCounts> = HashMap::new();
    for (s, status, n) in grouped(folio, "keywords", "", site).await? {
        let c = out.entry(s).or_default();
        match parse_stored::<KeywordStatus>("keyword status", &status)? {
            KeywordStatus::New => c.keywords_new += n,
            KeywordStatus::Mapped => c.keywords_mapped += n,
            KeywordStatus::Used => c.keywords_used += n,
        }
    }
    for (s, status, n) in grouped(folio, "clusters", " AND disabled = 0", site).await? {
        let c = out.entry(s).or_default();
        c.clusters += n;
        if parse_stored::<ClusterStatus>("cluster status", &status)? == ClusterStatus::New {
            c.clusters_without_ideas += n;
        }
    }
    // a rejected idea is disabled
    for (s, status, n) in grouped(folio, "ideas", " AND disabled = 0", site).await? {
        let c = out.entry(s).or_default();
        match parse_stored::<IdeaStatus>("idea status", &status)? {
            IdeaStatus::New => c.ideas_new += n,
            IdeaStatus::Queued => c.ideas_queued += n,
            IdeaStatus::Completed => c.ideas_completed += n,
        }
    }
    for (s, status, n) in grouped(folio, "tasks", "", site).await? {
        if parse_stored::<TaskStatus>("task status", &status)? == TaskStatus::Queued {
            out.entry(s).or_default().tasks_queued += n;
        }
    }
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT site_id, status, site_status, COUNT(*) FROM content WHERE {IN_SCOPE}
         GROUP BY site_id, status, site_status"
    ))
    .bind(folio.account_id.to_string())
    .bind(site.map(|s| s.to_string()))
    .fetch_all(&folio.pool)
    .await?;
    for (s, status, site_status, n) in rows {
        out.entry(parse_stored("site id", &s)?)
            .or_default()
            .add_articles(
                parse_stored::<ContentStatus>("content status", &status)?,
                parse_stored::<SiteStatus>("publishing status", &site_status)?,
                u64::try_from(n).unwrap_or(0),
            );
    }
    Ok(out)
}
