//! Keyword clusters of a site and sector: create, rename, list, status. Names are unique per
//! sector.

use crate::store::db::{not_found, now, parse_stored, prefixed, scoped_list, status_error, ts};
use crate::store::scope::{check_scope, check_site_sector};
use crate::text::{name_key, required_text};
use crate::{CoreError, Entity, Folio, WriteTx};
use chrono::{DateTime, Utc};
use folio_model::{Cluster, ClusterId, ClusterStatus, NewCluster, SectorId, SiteId, Status};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct ClusterRow {
    id: String,
    site_id: String,
    sector_id: String,
    name: String,
    description: String,
    status: String,
    disabled: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl ClusterRow {
    fn into_cluster(self) -> Result<Cluster, CoreError> {
        Ok(Cluster {
            id: parse_stored("cluster id", &self.id)?,
            site_id: parse_stored("site id", &self.site_id)?,
            sector_id: parse_stored("sector id", &self.sector_id)?,
            status: parse_stored("cluster status", &self.status)?,
            name: self.name,
            description: self.description,
            disabled: self.disabled,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const CLUSTER_COLUMNS: &str =
    "id, site_id, sector_id, name, description, status, disabled, created_at, updated_at";

impl Folio {
    /// Create a cluster in a site's sector; names are unique per site and sector.
    pub async fn create_cluster(&self, input: NewCluster) -> Result<Cluster, CoreError> {
        let name = required_text("name", "cluster name", &input.name)?;
        let mut tx = self.begin_write().await?;
        check_site_sector(
            tx.conn(),
            &self.account_id.to_string(),
            input.site,
            input.sector,
        )
        .await?;
        cluster_name_free(&mut tx, input.site, input.sector, &name, None).await?;
        let cluster = insert_cluster(
            &mut tx,
            input.site,
            input.sector,
            name,
            input.description.trim(),
        )
        .await?;
        tx.commit().await?;
        Ok(cluster)
    }

    /// Rename a cluster; names stay unique within its sector.
    pub async fn rename_cluster(&self, id: ClusterId, name: &str) -> Result<Cluster, CoreError> {
        let name = required_text("name", "cluster name", name)?;
        let key = name_key(&name);
        let current = self.get_cluster(id).await?;
        let mut tx = self.begin_write().await?;
        cluster_name_free(&mut tx, current.site_id, current.sector_id, &name, Some(id)).await?;
        sqlx::query("UPDATE clusters SET name = ?, name_key = ?, updated_at = ? WHERE id = ?")
            .bind(&name)
            .bind(&key)
            .bind(ts(now()))
            .bind(id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Cluster, id.as_uuid());
        tx.commit().await?;
        self.get_cluster(id).await
    }

    pub async fn get_cluster(&self, id: ClusterId) -> Result<Cluster, CoreError> {
        let row: Option<ClusterRow> = sqlx::query_as(&format!(
            "SELECT {} FROM clusters c JOIN sites s ON s.id = c.site_id WHERE c.id = ? AND s.account_id = ?",
            prefixed("c", CLUSTER_COLUMNS)
        ))
        .bind(id.to_string())
        .bind(self.account_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or_else(|| not_found(format!("cluster {id}")))?
            .into_cluster()
    }

    /// A site's clusters (optionally one sector's, optionally one status), newest first.
    pub async fn list_clusters(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
        status: Option<ClusterStatus>,
    ) -> Result<Vec<Cluster>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        check_scope(&mut conn, &self.account_id.to_string(), site, sector).await?;
        let mut q = scoped_list(
            CLUSTER_COLUMNS,
            "clusters",
            site,
            sector,
            status.map(|s| ("status", s.as_str())),
        );
        q.push(" ORDER BY created_at DESC, id DESC");
        let rows: Vec<ClusterRow> = q.build_query_as().fetch_all(&mut *conn).await?;
        rows.into_iter().map(ClusterRow::into_cluster).collect()
    }

    /// Move a cluster to a status (`new` ↔ `mapped`).
    pub async fn set_cluster_status(
        &self,
        id: ClusterId,
        to: ClusterStatus,
    ) -> Result<Cluster, CoreError> {
        let current = self.get_cluster(id).await?;
        let mut tx = self.begin_write().await?;
        let (status,): (String,) = sqlx::query_as("SELECT status FROM clusters WHERE id = ?")
            .bind(id.to_string())
            .fetch_one(tx.conn())
            .await?;
        let from: ClusterStatus = parse_stored("cluster status", &status)?;
        from.transition(to).map_err(status_error)?;
        let at = now();
        sqlx::query("UPDATE clusters SET status = ?, updated_at = ? WHERE id = ?")
            .bind(to.as_str())
            .bind(ts(at))
            .bind(id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Cluster, id.as_uuid());
        tx.commit().await?;
        Ok(Cluster {
            status: to,
            updated_at: at,
            ..current
        })
    }
}

/// Insert a cluster whose name the caller checked is free in its sector.
pub(crate) async fn insert_cluster(
    tx: &mut WriteTx,
    site: SiteId,
    sector: SectorId,
    name: String,
    description: &str,
) -> Result<Cluster, CoreError> {
    let key = name_key(&name);
    let at = now();
    let cluster = Cluster {
        id: ClusterId(Uuid::now_v7()),
        site_id: site,
        sector_id: sector,
        name,
        description: description.to_owned(),
        status: ClusterStatus::New,
        disabled: false,
        created_at: at,
        updated_at: at,
    };
    sqlx::query(
        "INSERT INTO clusters (id, site_id, sector_id, name, name_key, description, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(cluster.id.to_string())
    .bind(cluster.site_id.to_string())
    .bind(cluster.sector_id.to_string())
    .bind(&cluster.name)
    .bind(&key)
    .bind(&cluster.description)
    .bind(cluster.status.as_str())
    .bind(ts(at))
    .bind(ts(at))
    .execute(tx.conn())
    .await?;
    tx.touch(Entity::Cluster, cluster.id.as_uuid());
    Ok(cluster)
}

/// Cluster names are unique within a sector (ignoring case and spacing).
async fn cluster_name_free(
    tx: &mut WriteTx,
    site: SiteId,
    sector: SectorId,
    name: &str,
    except: Option<ClusterId>,
) -> Result<(), CoreError> {
    let taken: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM clusters WHERE site_id = ? AND sector_id = ? AND name_key = ? AND id IS NOT ?",
    )
    .bind(site.to_string())
    .bind(sector.to_string())
    .bind(name_key(name))
    .bind(except.map(|c| c.to_string()))
    .fetch_optional(tx.conn())
    .await?;
    if taken.is_some() {
        return Err(CoreError::Conflict {
            field: "name",
            message: format!("This sector already has a cluster named \u{201c}{name}\u{201d}"),
        });
    }
    Ok(())
}
