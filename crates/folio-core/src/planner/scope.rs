//! Where a cluster lives and the checks that keep clusters, ideas and keywords in one site and
//! sector.

use crate::store::db::not_found;
use crate::CoreError;
use folio_model::{ClusterId, KeywordId, SectorId, SiteId};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

/// Where a cluster lives, for scope checks.
pub(crate) struct ClusterScope {
    pub site: String,
    pub sector: String,
    pub name: String,
}

pub(crate) async fn cluster_scope(
    conn: &mut SqliteConnection,
    cluster: ClusterId,
) -> Result<ClusterScope, CoreError> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT site_id, sector_id, name FROM clusters WHERE id = ?")
            .bind(cluster.to_string())
            .fetch_optional(conn)
            .await?;
    let (site, sector, name) = row.ok_or_else(|| not_found(format!("cluster {cluster}")))?;
    Ok(ClusterScope { site, sector, name })
}

/// The cluster must be in the given site and sector.
pub(crate) async fn check_cluster_in(
    conn: &mut SqliteConnection,
    cluster: ClusterId,
    site: SiteId,
    sector: SectorId,
) -> Result<(), CoreError> {
    let c = cluster_scope(conn, cluster).await?;
    if c.site != site.to_string() {
        return Err(CoreError::invalid(
            "cluster",
            format!(
                "the cluster \u{201c}{}\u{201d} belongs to another site",
                c.name
            ),
        ));
    }
    if c.sector != sector.to_string() {
        return Err(CoreError::invalid(
            "cluster",
            format!(
                "the cluster \u{201c}{}\u{201d} is in another sector (sector {}); it can only be used in its own sector, not in sector {sector}",
                c.name, c.sector
            ),
        ));
    }
    Ok(())
}

/// Keywords of an idea must exist in its site and sector.
pub(crate) async fn check_keywords_in(
    conn: &mut SqliteConnection,
    keywords: &[KeywordId],
    site: SiteId,
    sector: SectorId,
) -> Result<(), CoreError> {
    if keywords.is_empty() {
        return Ok(());
    }
    let mut q: QueryBuilder<Sqlite> =
        QueryBuilder::new("SELECT id, site_id, sector_id FROM keywords WHERE id IN (");
    let mut list = q.separated(", ");
    for k in keywords {
        list.push_bind(k.to_string());
    }
    q.push(")");
    let found: Vec<(String, String, String)> = q.build_query_as().fetch_all(conn).await?;
    for k in keywords {
        let id = k.to_string();
        match found.iter().find(|(kid, _, _)| *kid == id) {
            None => return Err(not_found(format!("keyword {k}"))),
            Some((_, s, _)) if *s != site.to_string() => {
                return Err(CoreError::invalid(
                    "keywords",
                    format!("keyword {k} belongs to another site"),
                ))
            }
            Some((_, _, sec)) if *sec != sector.to_string() => {
                return Err(CoreError::invalid(
                    "keywords",
                    format!("keyword {k} is in another sector; an idea can only use keywords of its own sector"),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}
