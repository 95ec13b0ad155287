//! Scope checks every site+sector operation starts with: the site is the current account's, the
//! sector is the site's. Another account's site is as invisible as a missing one.

use crate::store::db::{not_found, parse_stored};
use crate::CoreError;
use folio_model::{SectorId, SiteId};
use sqlx::SqliteConnection;

/// The site must exist in the current account.
pub(crate) async fn check_site(
    conn: &mut SqliteConnection,
    account: &str,
    site: SiteId,
) -> Result<(), CoreError> {
    let found: Option<(String,)> = sqlx::query_as("SELECT account_id FROM sites WHERE id = ?")
        .bind(site.to_string())
        .fetch_optional(conn)
        .await?;
    match found {
        Some((owner,)) if owner == account => Ok(()),
        // another account's site is as invisible as a missing one
        _ => Err(not_found(format!("site {site}"))),
    }
}

/// The site must exist in the current account and the sector must be one of its sectors.
pub(crate) async fn check_site_sector(
    conn: &mut SqliteConnection,
    account: &str,
    site: SiteId,
    sector: SectorId,
) -> Result<(), CoreError> {
    check_site(&mut *conn, account, site).await?;
    let owner: Option<(String,)> = sqlx::query_as("SELECT site_id FROM sectors WHERE id = ?")
        .bind(sector.to_string())
        .fetch_optional(conn)
        .await?;
    match owner {
        None => Err(not_found(format!("sector {sector}"))),
        Some((s,)) if s != site.to_string() => Err(CoreError::invalid(
            "sector",
            format!("sector {sector} belongs to another site, not to site {site}"),
        )),
        Some(_) => Ok(()),
    }
}

/// The given sector, or the site's first one.
pub(crate) async fn sector_or_first(
    conn: &mut SqliteConnection,
    account: &str,
    site: SiteId,
    sector: Option<SectorId>,
) -> Result<SectorId, CoreError> {
    if let Some(sector) = sector {
        check_site_sector(conn, account, site, sector).await?;
        return Ok(sector);
    }
    check_site(&mut *conn, account, site).await?;
    let first: Option<(String,)> =
        sqlx::query_as("SELECT id FROM sectors WHERE site_id = ? ORDER BY position, id LIMIT 1")
            .bind(site.to_string())
            .fetch_optional(conn)
            .await?;
    let (id,) = first.ok_or_else(|| not_found(format!("a sector of site {site}")))?;
    parse_stored("sector id", &id)
}

/// The site is the account's and, when given, the sector is the site's.
pub(crate) async fn check_scope(
    conn: &mut SqliteConnection,
    account: &str,
    site: SiteId,
    sector: Option<SectorId>,
) -> Result<(), CoreError> {
    match sector {
        Some(sector) => check_site_sector(conn, account, site, sector).await,
        None => check_site(conn, account, site).await,
    }
}
