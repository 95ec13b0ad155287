//! The first-run path: which of its steps are done on this data directory (a site, WordPress, a
//! way to write, keywords, an article, a live post) and whether the app opens on it — when the
//! account has no site yet and the person has not left the path on this device. Leaving it is
//! device-local (`local_meta`), like the other facts about this data directory.

use crate::{CoreError, Folio};
use folio_model::{FirstRunState, KeyState, ModelType};

/// The `local_meta` key set when the person leaves the path ("Skip setup").
const DISMISSED_KEY: &str = "first_run_dismissed";

impl Folio {
    /// Which steps are done, and whether the app should open on the first-run path.
    pub async fn first_run_state(&self) -> Result<FirstRunState, CoreError> {
        let account = self.account_id.to_string();
        let exists = |sql: &'static str| {
            let account = account.clone();
            async move {
                let (n,): (i64,) = sqlx::query_as(sql)
                    .bind(account)
                    .fetch_one(&self.pool)
                    .await?;
                Ok::<bool, CoreError>(n > 0)
            }
        };
        let site = exists("SELECT EXISTS (SELECT 1 FROM sites WHERE account_id = ?)").await?;
        let wordpress = exists(
            "SELECT EXISTS (SELECT 1 FROM site_integrations i JOIN sites s ON s.id = i.site_id
             WHERE s.account_id = ? AND i.connection_status = 'connected')",
        )
        .await?;
        let keywords = exists(
            "SELECT EXISTS (SELECT 1 FROM keywords k JOIN sites s ON s.id = k.site_id
             WHERE s.account_id = ?)",
        )
        .await?;
        let article = exists(
            "SELECT EXISTS (SELECT 1 FROM content c JOIN sites s ON s.id = c.site_id
             WHERE s.account_id = ?)",
        )
        .await?;
        let published = exists(
            "SELECT EXISTS (SELECT 1 FROM content c JOIN sites s ON s.id = c.site_id
             WHERE s.account_id = ? AND c.site_status = 'published')",
        )
        .await?;
        let dismissed = self.meta(DISMISSED_KEY).await?.is_some();
        Ok(FirstRunState {
            site,
            wordpress,
            writer: self.can_write().await?,
            keywords,
            article,
            published,
            dismissed,
            show: !site && !dismissed,
        })
    }

    /// Leave the first-run path on this device: the app no longer opens on it.
    pub async fn dismiss_first_run(&self) -> Result<FirstRunState, CoreError> {
        self.set_meta(
            DISMISSED_KEY,
            &crate::store::db::ts(crate::store::db::now()),
        )
        .await?;
        self.first_run_state().await
    }

    /// A hosted provider's API key is in the OS keychain, or the default text model is served by
    /// a provider that needs no key (a local server).
    async fn can_write(&self) -> Result<bool, CoreError> {
        let providers = self.providers().await?;
        let key_stored = providers
            .iter()
            .any(|p| p.needs_key && matches!(p.key, KeyState::Set { .. }));
        if key_stored {
            return Ok(true);
        }
        let local_default = match self.default_model(ModelType::Text).await {
            Ok(model) => providers
                .iter()
                .any(|p| p.name == model.provider && !p.needs_key),
            Err(CoreError::NotFound { .. }) => false,
            Err(e) => return Err(e),
        };
        Ok(local_default)
    }
}
