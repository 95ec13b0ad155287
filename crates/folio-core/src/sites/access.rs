//! Who may see a site: grants for editors and viewers (owners and admins see every site).

use crate::store::db::{not_found, now, parse_stored, ts};
use crate::store::scope::check_site;
use crate::{CoreError, Entity, Folio};
use chrono::{DateTime, Utc};
use folio_model::{SiteAccess, SiteId, UserId};

impl Folio {
    /// Let a person of the account see a site (only matters for editors and viewers).
    pub async fn grant_site_access(
        &self,
        site: SiteId,
        user: UserId,
    ) -> Result<SiteAccess, CoreError> {
        let mut tx = self.begin_write().await?;
        let account = self.account_id.to_string();
        check_site(tx.conn(), &account, site).await?;
        let member: Option<(String,)> =
            sqlx::query_as("SELECT id FROM users WHERE id = ? AND account_id = ?")
                .bind(user.to_string())
                .bind(&account)
                .fetch_optional(tx.conn())
                .await?;
        if member.is_none() {
            return Err(not_found(format!("user {user}")));
        }
        let at = now();
        sqlx::query(
            "INSERT INTO site_user_access (site_id, user_id, granted_at) VALUES (?, ?, ?)
             ON CONFLICT (site_id, user_id) DO NOTHING",
        )
        .bind(site.to_string())
        .bind(user.to_string())
        .bind(ts(at))
        .execute(tx.conn())
        .await?;
        let (granted_at,): (DateTime<Utc>,) = sqlx::query_as(
            "SELECT granted_at FROM site_user_access WHERE site_id = ? AND user_id = ?",
        )
        .bind(site.to_string())
        .bind(user.to_string())
        .fetch_one(tx.conn())
        .await?;
        tx.touch(Entity::Account, self.account_id.as_uuid());
        tx.commit().await?;
        Ok(SiteAccess {
            site_id: site,
            user_id: user,
            granted_at,
        })
    }

    pub async fn revoke_site_access(&self, site: SiteId, user: UserId) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        check_site(tx.conn(), &self.account_id.to_string(), site).await?;
        sqlx::query("DELETE FROM site_user_access WHERE site_id = ? AND user_id = ?")
            .bind(site.to_string())
            .bind(user.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Account, self.account_id.as_uuid());
        tx.commit().await?;
        Ok(())
    }

    /// The people explicitly granted a site, earliest first.
    pub async fn site_access(&self, site: SiteId) -> Result<Vec<SiteAccess>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        check_site(&mut conn, &self.account_id.to_string(), site).await?;
        let rows: Vec<(String, DateTime<Utc>)> = sqlx::query_as(
            "SELECT user_id, granted_at FROM site_user_access WHERE site_id = ? ORDER BY granted_at, user_id",
        )
        .bind(site.to_string())
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(|(user, granted_at)| {
                Ok(SiteAccess {
                    site_id: site,
                    user_id: parse_stored("user id", &user)?,
                    granted_at,
                })
            })
            .collect()
    }
}
