//! Which modules are switched on for the account.

use crate::store::db::{now, ts};
use crate::{CoreError, Entity, Folio};
use folio_model::{Module, ModuleSettings};
use sqlx::SqliteConnection;

async fn read_modules(
    conn: &mut SqliteConnection,
    account: &str,
) -> Result<ModuleSettings, CoreError> {
    let row: Option<(bool, bool, bool, bool, bool, bool, bool)> = sqlx::query_as(
        "SELECT planner_enabled, writer_enabled, automation_enabled, integration_enabled,
                publisher_enabled, linker_enabled, optimizer_enabled
         FROM module_settings WHERE account_id = ?",
    )
    .bind(account)
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        None => ModuleSettings::default(),
        Some((planner, writer, automation, integration, publisher, linker, optimizer)) => {
            ModuleSettings {
                planner,
                writer,
                automation,
                integration,
                publisher,
                linker,
                optimizer,
            }
        }
    })
}

impl Folio {
    /// Which modules the account has on (the defaults until someone changes one).
    pub async fn module_settings(&self) -> Result<ModuleSettings, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_modules(&mut conn, &self.account_id.to_string()).await
    }

    pub async fn set_module_enabled(
        &self,
        module: Module,
        enabled: bool,
    ) -> Result<ModuleSettings, CoreError> {
        let mut tx = self.begin_write().await?;
        let mut m = read_modules(tx.conn(), &self.account_id.to_string()).await?;
        m.set(module, enabled);
        sqlx::query(
            "INSERT INTO module_settings (account_id, planner_enabled, writer_enabled,
                 automation_enabled, integration_enabled, publisher_enabled, linker_enabled,
                 optimizer_enabled, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (account_id) DO UPDATE SET
                 planner_enabled = excluded.planner_enabled, writer_enabled = excluded.writer_enabled,
                 automation_enabled = excluded.automation_enabled,
                 integration_enabled = excluded.integration_enabled,
                 publisher_enabled = excluded.publisher_enabled,
                 linker_enabled = excluded.linker_enabled,
                 optimizer_enabled = excluded.optimizer_enabled, updated_at = excluded.updated_at",
        )
        .bind(self.account_id.to_string())
        .bind(m.planner)
        .bind(m.writer)
        .bind(m.automation)
        .bind(m.integration)
        .bind(m.publisher)
        .bind(m.linker)
        .bind(m.optimizer)
        .bind(ts(now()))
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::AccountSettings, self.account_id.as_uuid());
        tx.commit().await?;
        Ok(m)
    }
}
