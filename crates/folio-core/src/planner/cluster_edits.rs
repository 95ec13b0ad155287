//! Working with clusters after they exist: their summaries (keyword count, volume, difficulty,
//! ideas), merging two, and moving keywords between them.

use crate::planner::keywords::set_keyword_clusters;
use crate::store::db::{now, parse_stored, ts};
use crate::{CoreError, Entity, Folio};
use folio_model::{
    Cluster, ClusterId, ClusterSummary, KeywordFilter, KeywordId, KeywordStatus, SectorId, SiteId,
};
use std::collections::HashMap;

impl Folio {
    /// A site's (or sector's) clusters with their keyword count, total volume, average
    /// difficulty and ideas, newest first.
    pub async fn cluster_summaries(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
    ) -> Result<Vec<ClusterSummary>, CoreError> {
        let clusters = self.list_clusters(site, sector, None).await?;
        let index = self.keyword_index.get(&self.pool, site).await?;
        let mut stats: HashMap<ClusterId, (u64, i64, i64, u64)> = HashMap::new();
        for e in index.entries.iter() {
            if let Some(c) = e.cluster {
                let s = stats.entry(c).or_default();
                s.0 += 1;
                s.1 += e.volume.unwrap_or(0);
                if let Some(d) = e.difficulty {
                    s.2 += i64::from(d);
                    s.3 += 1;
                }
            }
        }
        let ideas: Vec<(String, i64)> = sqlx::query_as(
            "SELECT cluster_id, COUNT(*) FROM ideas WHERE site_id = ? GROUP BY cluster_id",
        )
        .bind(site.to_string())
        .fetch_all(&self.pool)
        .await?;
        let ideas: HashMap<String, i64> = ideas.into_iter().collect();
        Ok(clusters
            .into_iter()
            .map(|cluster| {
                let (keywords, volume, dsum, dn) =
                    stats.get(&cluster.id).copied().unwrap_or_default();
                let ideas = ideas
                    .get(&cluster.id.to_string())
                    .and_then(|n| u64::try_from(*n).ok())
                    .unwrap_or(0);
                ClusterSummary {
                    keywords,
                    volume,
                    avg_difficulty: (dn > 0).then(|| dsum as f64 / dn as f64),
                    ideas,
                    cluster,
                }
            })
            .collect())
    }

    /// Merge `from` into `into` (same site and sector): its keywords and ideas move, then it is
    /// deleted — in one write.
    pub async fn merge_clusters(
        &self,
        into: ClusterId,
        from: ClusterId,
    ) -> Result<Cluster, CoreError> {
        if into == from {
            return Err(CoreError::invalid(
                "cluster",
                "choose two different clusters to merge",
            ));
        }
        let a = self.get_cluster(into).await?;
        let b = self.get_cluster(from).await?;
        if (a.site_id, a.sector_id) != (b.site_id, b.sector_id) {
            return Err(CoreError::invalid(
                "cluster",
                format!("\u{201c}{}\u{201d} and \u{201c}{}\u{201d} are in different sectors; only clusters of one sector merge", a.name, b.name),
            ));
        }
        let moved = self.cluster_keyword_ids(&b).await?;
        let mut tx = self.begin_write().await?;
        let updates: Vec<_> = moved
            .into_iter()
            .map(|(id, status)| (id, status, Some(into)))
            .collect();
        set_keyword_clusters(&mut tx, a.site_id, &updates).await?;
        let ideas: Vec<(String,)> = sqlx::query_as("SELECT id FROM ideas WHERE cluster_id = ?")
            .bind(from.to_string())
            .fetch_all(tx.conn())
            .await?;
        for (id,) in &ideas {
            sqlx::query("UPDATE ideas SET cluster_id = ?, updated_at = ? WHERE id = ?")
                .bind(into.to_string())
                .bind(ts(now()))
                .bind(id)
                .execute(tx.conn())
                .await?;
            tx.touch(Entity::Idea, parse_stored::<uuid::Uuid>("idea id", id)?);
        }
        let tasks: Vec<(String,)> = sqlx::query_as("SELECT id FROM tasks WHERE cluster_id = ?")
            .bind(from.to_string())
            .fetch_all(tx.conn())
            .await?;
        for (id,) in &tasks {
            sqlx::query("UPDATE tasks SET cluster_id = ? WHERE id = ?")
                .bind(into.to_string())
                .bind(id)
                .execute(tx.conn())
                .await?;
            tx.touch(Entity::Task, parse_stored::<uuid::Uuid>("task id", id)?);
        }
        sqlx::query("UPDATE content SET cluster_id = ? WHERE cluster_id = ?")
            .bind(into.to_string())
            .bind(from.to_string())
            .execute(tx.conn())
            .await?;
        sqlx::query("DELETE FROM clusters WHERE id = ?")
            .bind(from.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Cluster, from.as_uuid());
        tx.touch(Entity::Cluster, into.as_uuid());
        tx.commit().await?;
        self.get_cluster(into).await
    }

    /// Move keywords into a cluster of their sector (or out of any, back to `new`).
    pub async fn move_keywords(
        &self,
        site: SiteId,
        keywords: Vec<KeywordId>,
        to: Option<ClusterId>,
    ) -> Result<u64, CoreError> {
        if keywords.is_empty() {
            return Err(CoreError::invalid(
                "keywords",
                "choose the keywords to move",
            ));
        }
        let mut filter = KeywordFilter::site(site);
        filter.ids = Some(keywords);
        self.bulk_keywords(
            &filter,
            &folio_model::KeywordBulkAction::AssignCluster { cluster: to },
        )
        .await
    }

    async fn cluster_keyword_ids(
        &self,
        cluster: &Cluster,
    ) -> Result<Vec<(KeywordId, KeywordStatus)>, CoreError> {
        let index = self.keyword_index.get(&self.pool, cluster.site_id).await?;
        let mut f = KeywordFilter::site(cluster.site_id);
        f.cluster = Some(cluster.id);
        let out: Vec<_> = index
            .select(&f)
            .into_iter()
            .map(|i| {
                let e = &index.entries[i as usize];
                (e.id, e.status)
            })
            .collect();
        Ok(out)
    }
}
