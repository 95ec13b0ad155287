//! Device-local facts kept in `local_meta` (never synced): this data directory's device id,
//! the sync session's server and ids, the last sync status.

use crate::{CoreError, Folio};
use uuid::Uuid;

/// The key of this data directory's device id.
pub(crate) const DEVICE_KEY: &str = "sync_device";

impl Folio {
    pub(crate) async fn meta(&self, key: &str) -> Result<Option<String>, CoreError> {
        let v: Option<(String,)> = sqlx::query_as("SELECT value FROM local_meta WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(v.map(|(v,)| v))
    }

    pub(crate) async fn set_meta(&self, key: &str, value: &str) -> Result<(), CoreError> {
        sqlx::query(
            "INSERT INTO local_meta (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(crate) async fn delete_meta(&self, key: &str) -> Result<(), CoreError> {
        sqlx::query("DELETE FROM local_meta WHERE key = ?")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// This data directory's device id (made once).
    pub(crate) async fn device_id(&self) -> Result<String, CoreError> {
        if let Some(d) = self.meta(DEVICE_KEY).await? {
            return Ok(d);
        }
        let d = Uuid::now_v7().simple().to_string();
        sqlx::query("INSERT OR IGNORE INTO local_meta (key, value) VALUES (?, ?)")
            .bind(DEVICE_KEY)
            .bind(&d)
            .execute(&self.pool)
            .await?;
        self.meta(DEVICE_KEY)
            .await?
            .ok_or_else(|| CoreError::Internal("the device id was not kept".into()))
    }
}
