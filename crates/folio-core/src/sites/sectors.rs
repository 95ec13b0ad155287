//! A site's sectors (topic areas): add, rename, remove. Names are unique within the site
//! (ignoring case and spacing) and a site keeps between one and five.

use crate::store::db::{now, ts};
use crate::store::scope::{check_site, check_site_sector};
use crate::text::{name_key, tidy};
use crate::{CoreError, Entity, Folio};
use folio_model::{Sector, SectorId, SiteId, MAX_SECTORS_PER_SITE};
use sqlx::SqliteConnection;
use uuid::Uuid;

const MAX_NAME_CHARS: usize = 255;

#[derive(sqlx::FromRow)]
pub(crate) struct SectorRow {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) name_key: String,
}

pub(crate) async fn sectors_of(
    conn: &mut SqliteConnection,
    site: SiteId,
) -> Result<Vec<SectorRow>, CoreError> {
    Ok(sqlx::query_as(
        "SELECT id, name, name_key FROM sectors WHERE site_id = ? ORDER BY position, id",
    )
    .bind(site.to_string())
    .fetch_all(conn)
    .await?)
}

fn sector_name(raw: &str) -> Result<(String, String), CoreError> {
    let name = tidy(raw);
    if name.is_empty() {
        return Err(CoreError::invalid("name", "Enter a name for the sector"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(CoreError::invalid(
            "name",
            format!("A sector name can be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    let key = name_key(&name);
    Ok((name, key))
}

impl Folio {
    /// Add a sector at the end of the site's list (a site has at most five).
    pub async fn add_sector(&self, site: SiteId, name: &str) -> Result<Sector, CoreError> {
        let (name, key) = sector_name(name)?;
        let mut tx = self.begin_write().await?;
        check_site(tx.conn(), &self.account_id.to_string(), site).await?;
        let existing = sectors_of(tx.conn(), site).await?;
        if existing.iter().any(|s| s.name_key == key) {
            return Err(CoreError::Conflict {
                field: "name",
                message: format!("The site already has a sector named \u{201c}{name}\u{201d}"),
            });
        }
        if existing.len() >= MAX_SECTORS_PER_SITE {
            return Err(CoreError::invalid(
                "sectors",
                format!("A site can have at most {MAX_SECTORS_PER_SITE} sectors; remove one before adding another"),
            ));
        }
        let position: (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(position) + 1, 0) FROM sectors WHERE site_id = ?")
                .bind(site.to_string())
                .fetch_one(tx.conn())
                .await?;
        let id = SectorId(Uuid::now_v7());
        sqlx::query(
            "INSERT INTO sectors (id, site_id, name, name_key, position, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(site.to_string())
        .bind(&name)
        .bind(&key)
        .bind(position.0)
        .bind(ts(now()))
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Sector, id.as_uuid());
        crate::store::keyword_index::bump_version(&mut tx, site).await?;
        tx.commit().await?;
        Ok(Sector { id, name })
    }

    /// Rename a sector; names stay unique within the site (ignoring case and spacing).
    pub async fn rename_sector(
        &self,
        site: SiteId,
        sector: SectorId,
        name: &str,
    ) -> Result<Sector, CoreError> {
        let (name, key) = sector_name(name)?;
        let mut tx = self.begin_write().await?;
        check_site_sector(tx.conn(), &self.account_id.to_string(), site, sector).await?;
        let clash = sectors_of(tx.conn(), site)
            .await?
            .into_iter()
            .any(|s| s.name_key == key && s.id != sector.to_string());
        if clash {
            return Err(CoreError::Conflict {
                field: "name",
                message: format!("The site already has a sector named \u{201c}{name}\u{201d}"),
            });
        }
        sqlx::query("UPDATE sectors SET name = ?, name_key = ? WHERE id = ?")
            .bind(&name)
            .bind(&key)
            .bind(sector.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Sector, sector.as_uuid());
        tx.commit().await?;
        Ok(Sector { id: sector, name })
    }

    /// Remove a sector that no cluster or article uses; its keywords go with it. A site keeps at
    /// least one sector. Returns how many keywords were deleted.
    pub async fn remove_sector(&self, site: SiteId, sector: SectorId) -> Result<u64, CoreError> {
        let mut tx = self.begin_write().await?;
        check_site_sector(tx.conn(), &self.account_id.to_string(), site, sector).await?;
        let sectors = sectors_of(tx.conn(), site).await?;
        let name = sectors
            .iter()
            .find(|s| s.id == sector.to_string())
            .map(|s| s.name.clone())
            .unwrap_or_default();
        if sectors.len() <= 1 {
            return Err(CoreError::Conflict {
                field: "sectors",
                message: format!(
                    "\u{201c}{name}\u{201d} is the site's only sector; a site needs at least one. Add another sector first"
                ),
            });
        }
        let (clusters, articles): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM clusters WHERE sector_id = ?1),
                    (SELECT COUNT(*) FROM content WHERE sector_id = ?1)",
        )
        .bind(sector.to_string())
        .fetch_one(tx.conn())
        .await?;
        if clusters > 0 || articles > 0 {
            return Err(CoreError::Conflict {
                field: "sectors",
                message: format!(
                    "The sector \u{201c}{name}\u{201d} still has {clusters} cluster(s) and {articles} article(s); delete or move them before removing it"
                ),
            });
        }
        let deleted = sqlx::query("DELETE FROM keywords WHERE sector_id = ?")
            .bind(sector.to_string())
            .execute(tx.conn())
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM sectors WHERE id = ?")
            .bind(sector.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Sector, sector.as_uuid());
        tx.touch_many(Entity::Keyword, deleted as usize);
        crate::store::keyword_index::bump_version(&mut tx, site).await?;
        tx.commit().await?;
        tracing::info!(%site, %sector, keywords = deleted, "sector removed");
        Ok(deleted)
    }
}
