//! A site's platform connection row (WordPress): its URL, user, REST root, sync status and the
//! cached structure. Never holds a secret.

use crate::store::db::{from_json, not_found, now, parse_stored, to_json, ts};
use crate::store::scope::check_site;
use crate::{CoreError, Entity, Folio, WriteTx};
use chrono::{DateTime, Utc};
use folio_model::{
    ConnectionStatus, IntegrationId, IntegrationSync, IntegrationSyncStatus, Platform, SiteId,
    SiteIntegration,
};
use sqlx::SqliteConnection;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct IntegrationRow {
    id: String,
    platform: String,
    external_site_url: String,
    sync_enabled: bool,
    sync_status: String,
    last_sync_at: Option<DateTime<Utc>>,
    sync_error: Option<String>,
    connection_status: String,
    structure: String,
    structure_updated_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    username: Option<String>,
    api_root: Option<String>,
}

pub(crate) async fn read_integration(
    conn: &mut SqliteConnection,
    site: SiteId,
) -> Result<Option<SiteIntegration>, CoreError> {
    let row: Option<IntegrationRow> = sqlx::query_as(
        "SELECT id, platform, external_site_url, sync_enabled, sync_status, last_sync_at, sync_error,
                connection_status, structure, structure_updated_at, created_at, username, api_root
         FROM site_integrations WHERE site_id = ? AND platform = 'wordpress'",
    )
    .bind(site.to_string())
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(SiteIntegration {
        id: parse_stored::<IntegrationId>("integration id", &r.id)?,
        site_id: site,
        platform: parse_stored::<Platform>("platform", &r.platform)?,
        external_site_url: r.external_site_url,
        sync_enabled: r.sync_enabled,
        sync_status: parse_stored::<IntegrationSyncStatus>("sync status", &r.sync_status)?,
        last_sync_at: r.last_sync_at,
        sync_error: r.sync_error,
        connection_status: parse_stored::<ConnectionStatus>(
            "connection status",
            &r.connection_status,
        )?,
        structure: from_json!("site structure", &r.structure)?,
        structure_updated_at: r.structure_updated_at,
        created_at: r.created_at,
        username: r.username,
        api_root: r.api_root,
    }))
}

/// A site's home URL for its platform connection: an http(s) URL without credentials.
fn integration_url(raw: &str) -> Result<String, CoreError> {
    let normalised = crate::sites::site::normalize_domain(raw).map_err(|e| match e {
        CoreError::Validation { message, .. } => CoreError::invalid("external_site_url", message),
        other => other,
    })?;
    Ok(if normalised.contains("://") {
        normalised
    } else {
        format!("https://{normalised}")
    })
}

/// Finish a write that changed the site's integration: read it back, note the change, commit.
pub(crate) async fn commit_integration(
    mut tx: WriteTx,
    site: SiteId,
) -> Result<SiteIntegration, CoreError> {
    let integration = read_integration(tx.conn(), site)
        .await?
        .ok_or_else(|| CoreError::Internal("integration vanished while saving".into()))?;
    tx.touch(Entity::SiteSettings, site.as_uuid());
    tx.commit().await?;
    Ok(integration)
}

impl Folio {
    /// The site's WordPress connection, if one was set up.
    pub async fn site_integration(
        &self,
        site: SiteId,
    ) -> Result<Option<SiteIntegration>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        check_site(&mut conn, &self.account_id.to_string(), site).await?;
        read_integration(&mut conn, site).await
    }

    /// Point the site's WordPress connection at a URL (creating it if needed). The application
    /// password is stored in the keychain by the caller, never here; the connection counts as
    /// `configured` until a check or sync says otherwise.
    pub async fn connect_site_integration(
        &self,
        site: SiteId,
        url: &str,
    ) -> Result<SiteIntegration, CoreError> {
        let url = integration_url(url)?;
        let mut tx = self.begin_write().await?;
        check_site(tx.conn(), &self.account_id.to_string(), site).await?;
        let at = ts(now());
        let id = IntegrationId(Uuid::now_v7());
        sqlx::query(
            "INSERT INTO site_integrations (id, site_id, platform, external_site_url, connection_status,
                 sync_status, created_at, updated_at)
             VALUES (?, ?, 'wordpress', ?, 'configured', 'pending', ?, ?)
             ON CONFLICT (site_id, platform) DO UPDATE SET
                 external_site_url = excluded.external_site_url,
                 connection_status = 'configured', sync_status = 'pending', sync_error = NULL,
                 updated_at = excluded.updated_at",
        )
        .bind(id.to_string())
        .bind(site.to_string())
        .bind(&url)
        .bind(&at)
        .bind(&at)
        .execute(tx.conn())
        .await?;
        commit_integration(tx, site).await
    }

    /// Record what a connection check or structure sync found.
    pub async fn record_integration_sync(
        &self,
        site: SiteId,
        sync: IntegrationSync,
    ) -> Result<SiteIntegration, CoreError> {
        let error = sync
            .sync_error
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        if sync.sync_status == IntegrationSyncStatus::Error && error.is_none() {
            return Err(CoreError::invalid("sync_error", "Say why the sync failed"));
        }
        let mut tx = self.begin_write().await?;
        check_site(tx.conn(), &self.account_id.to_string(), site).await?;
        let Some(current) = read_integration(tx.conn(), site).await? else {
            return Err(not_found(format!(
                "the WordPress connection of site {site}"
            )));
        };
        let at = now();
        let finished = matches!(
            sync.sync_status,
            IntegrationSyncStatus::Completed | IntegrationSyncStatus::Error
        );
        let (structure, structure_at) = match &sync.structure {
            Some(s) => (s.clone(), Some(at)),
            None => (current.structure.clone(), current.structure_updated_at),
        };
        sqlx::query(
            "UPDATE site_integrations SET sync_status = ?, sync_error = ?, connection_status = ?,
                 last_sync_at = ?, structure = ?, structure_updated_at = ?, updated_at = ?
             WHERE id = ?",
        )
        .bind(sync.sync_status.as_str())
        .bind(error)
        .bind(
            sync.connection_status
                .unwrap_or(current.connection_status)
                .as_str(),
        )
        .bind(if finished {
            Some(ts(at))
        } else {
            current.last_sync_at.map(ts)
        })
        .bind(to_json!(&structure)?)
        .bind(structure_at.map(ts))
        .bind(ts(at))
        .bind(current.id.to_string())
        .execute(tx.conn())
        .await?;
        commit_integration(tx, site).await
    }
}
