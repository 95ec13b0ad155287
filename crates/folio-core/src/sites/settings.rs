//! Settings resolution: built-in default → system → account → site, the most specific layer
//! that sets a key winning. Values are checked against the key's type and range when they are
//! set; a stored value that no longer passes (written by another version, say) is skipped with a
//! warning rather than breaking every AI operation.

use crate::store::db::{now, ts};
use crate::store::scope::check_site;
use crate::{CoreError, Entity, Folio};
use folio_model::{
    AiSettings, EffectiveSetting, ImageQuality, ImageSize, ImageStyle, QualityTier, Resolved,
    SettingKey, SettingSource, SettingValue, SiteId,
};
use sqlx::SqliteConnection;
use std::collections::HashMap;
use std::str::FromStr;

fn check(key: SettingKey, value: &SettingValue) -> Result<SettingValue, CoreError> {
    key.check(value)
        .map_err(|message| CoreError::invalid(key.as_str(), message))
}

fn encode(value: &SettingValue) -> Result<String, CoreError> {
    serde_json::to_string(value)
        .map_err(|e| CoreError::Internal(format!("encoding a setting: {e}")))
}

/// One layer's stored values, keeping only those that are still valid.
fn decode_layer(layer: &str, rows: Vec<(String, String)>) -> HashMap<SettingKey, SettingValue> {
    let mut out = HashMap::new();
    for (key, raw) in rows {
        let Ok(k) = SettingKey::from_str(&key) else {
            // a key from a newer version; it is not ours to judge
            continue;
        };
        match serde_json::from_str::<SettingValue>(&raw).map(|v| k.check(&v)) {
            Ok(Ok(v)) => {
                out.insert(k, v);
            }
            Ok(Err(why)) => tracing::warn!(layer, key, %why, "ignoring an invalid stored setting"),
            Err(e) => {
                tracing::warn!(layer, key, error = %e, "ignoring an unreadable stored setting")
            }
        }
    }
    out
}

/// Every layer's values for an account (and a site).
struct Layers {
    system: HashMap<SettingKey, SettingValue>,
    account: HashMap<SettingKey, SettingValue>,
    site: HashMap<SettingKey, SettingValue>,
}

impl Layers {
    async fn load(
        conn: &mut SqliteConnection,
        account: &str,
        site: Option<SiteId>,
    ) -> Result<Self, CoreError> {
        let system = sqlx::query_as("SELECT key, value FROM system_settings")
            .fetch_all(&mut *conn)
            .await?;
        let account_rows =
            sqlx::query_as("SELECT key, value FROM account_settings WHERE account_id = ?")
                .bind(account)
                .fetch_all(&mut *conn)
                .await?;
        let site_rows = match site {
            Some(site) => {
                sqlx::query_as("SELECT key, value FROM site_settings WHERE site_id = ?")
                    .bind(site.to_string())
                    .fetch_all(&mut *conn)
                    .await?
            }
            None => Vec::new(),
        };
        Ok(Self {
            system: decode_layer("system", system),
            account: decode_layer("account", account_rows),
            site: decode_layer("site", site_rows),
        })
    }

    fn resolve(&self, key: SettingKey) -> EffectiveSetting {
        let (value, source) = if let Some(v) = self.site.get(&key) {
            (v.clone(), SettingSource::Site)
        } else if let Some(v) = self.account.get(&key) {
            (v.clone(), SettingSource::Account)
        } else if let Some(v) = self.system.get(&key) {
            (v.clone(), SettingSource::System)
        } else {
            (key.built_in(), SettingSource::BuiltIn)
        };
        EffectiveSetting { key, value, source }
    }

    fn number(&self, key: SettingKey) -> Resolved<f64> {
        let e = self.resolve(key);
        // values were checked on load, so a number key holds a number
        let value = e
            .value
            .as_f64()
            .or_else(|| key.built_in().as_f64())
            .unwrap_or_default();
        Resolved {
            value,
            source: e.source,
        }
    }

    fn count(&self, key: SettingKey) -> Resolved<u32> {
        let e = self.resolve(key);
        let value = e
            .value
            .as_i64()
            .or_else(|| key.built_in().as_i64())
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or_default();
        Resolved {
            value,
            source: e.source,
        }
    }

    fn choice<T: FromStr + Copy>(&self, key: SettingKey, fallback: T) -> Resolved<T> {
        let e = self.resolve(key);
        let value = e
            .value
            .as_text()
            .and_then(|t| t.parse().ok())
            .unwrap_or(fallback);
        Resolved {
            value,
            source: e.source,
        }
    }

    fn ai(&self) -> AiSettings {
        AiSettings {
            temperature: self.number(SettingKey::Temperature),
            max_tokens: self.count(SettingKey::MaxTokens),
            image_style: self.choice(SettingKey::ImageStyle, ImageStyle::Photorealistic),
            image_quality: self.choice(SettingKey::ImageQuality, ImageQuality::Standard),
            image_size: self.choice(SettingKey::ImageSize, ImageSize::Square),
            max_images: self.count(SettingKey::MaxImages),
            image_quality_tier: self.choice(SettingKey::ImageQualityTier, QualityTier::Basic),
        }
    }
}

/// Which table a layer lives in.
enum Layer {
    System,
    Account,
    Site(SiteId),
}

impl Folio {
    /// One setting's effective value for the account, or for one of its sites, and the layer it
    /// came from.
    pub async fn effective_setting(
        &self,
        key: SettingKey,
        site: Option<SiteId>,
    ) -> Result<EffectiveSetting, CoreError> {
        Ok(self.setting_layers(site).await?.resolve(key))
    }

    /// Every setting's effective value, in [`SettingKey::ALL`] order.
    pub async fn effective_settings(
        &self,
        site: Option<SiteId>,
    ) -> Result<Vec<EffectiveSetting>, CoreError> {
        let layers = self.setting_layers(site).await?;
        Ok(SettingKey::ALL.iter().map(|k| layers.resolve(*k)).collect())
    }

    /// The AI settings, typed, for the account or one of its sites.
    pub async fn ai_settings(&self, site: Option<SiteId>) -> Result<AiSettings, CoreError> {
        Ok(self.setting_layers(site).await?.ai())
    }

    async fn setting_layers(&self, site: Option<SiteId>) -> Result<Layers, CoreError> {
        self.ensure_defaults().await?;
        let mut conn = self.pool.acquire().await?;
        let account = self.account_id.to_string();
        if let Some(site) = site {
            check_site(&mut conn, &account, site).await?;
        }
        Layers::load(&mut conn, &account, site).await
    }

    /// Override a setting for the whole account. Returns the value as stored (canonical form).
    pub async fn set_account_setting(
        &self,
        key: SettingKey,
        value: SettingValue,
    ) -> Result<SettingValue, CoreError> {
        self.write_setting(Layer::Account, key, Some(value)).await
    }

    /// Remove the account's override, so the system value (or the built-in one) applies again.
    pub async fn clear_account_setting(&self, key: SettingKey) -> Result<(), CoreError> {
        self.write_setting(Layer::Account, key, None)
            .await
            .map(drop)
    }

    /// Override a setting for one site.
    pub async fn set_site_setting(
        &self,
        site: SiteId,
        key: SettingKey,
        value: SettingValue,
    ) -> Result<SettingValue, CoreError> {
        self.write_setting(Layer::Site(site), key, Some(value))
            .await
    }

    pub async fn clear_site_setting(&self, site: SiteId, key: SettingKey) -> Result<(), CoreError> {
        self.write_setting(Layer::Site(site), key, None)
            .await
            .map(drop)
    }

    /// Change the platform default (the system layer). On a server account the server's values
    /// arrive through this.
    pub async fn set_system_setting(
        &self,
        key: SettingKey,
        value: SettingValue,
    ) -> Result<SettingValue, CoreError> {
        self.write_setting(Layer::System, key, Some(value)).await
    }

    /// Remove a platform default, leaving the built-in value.
    pub async fn clear_system_setting(&self, key: SettingKey) -> Result<(), CoreError> {
        self.write_setting(Layer::System, key, None).await.map(drop)
    }

    async fn write_setting(
        &self,
        layer: Layer,
        key: SettingKey,
        value: Option<SettingValue>,
    ) -> Result<SettingValue, CoreError> {
        self.ensure_defaults().await?;
        let value = value.map(|v| check(key, &v)).transpose()?;
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let at = ts(now());
        let (table, owner_column, owner, entity, id) = match &layer {
            Layer::System => ("system_settings", None, String::new(), None, None),
            Layer::Account => (
                "account_settings",
                Some("account_id"),
                account.clone(),
                Some(Entity::AccountSettings),
                Some(self.account_id.as_uuid()),
            ),
            Layer::Site(site) => {
                check_site(tx.conn(), &account, *site).await?;
                (
                    "site_settings",
                    Some("site_id"),
                    site.to_string(),
                    Some(Entity::SiteSettings),
                    Some(site.as_uuid()),
                )
            }
        };
        match (&value, owner_column) {
            (Some(v), Some(col)) => {
                sqlx::query(&format!(
                    "INSERT INTO {table} ({col}, key, value, updated_at) VALUES (?, ?, ?, ?)
                     ON CONFLICT ({col}, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
                ))
                .bind(&owner)
                .bind(key.as_str())
                .bind(encode(v)?)
                .bind(&at)
                .execute(tx.conn())
                .await?;
            }
            (Some(v), None) => {
                sqlx::query(&format!(
                    "INSERT INTO {table} (key, value, updated_at) VALUES (?, ?, ?)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
                ))
                .bind(key.as_str())
                .bind(encode(v)?)
                .bind(&at)
                .execute(tx.conn())
                .await?;
            }
            (None, Some(col)) => {
                sqlx::query(&format!("DELETE FROM {table} WHERE {col} = ? AND key = ?"))
                    .bind(&owner)
                    .bind(key.as_str())
                    .execute(tx.conn())
                    .await?;
            }
            (None, None) => {
                sqlx::query(&format!("DELETE FROM {table} WHERE key = ?"))
                    .bind(key.as_str())
                    .execute(tx.conn())
                    .await?;
            }
        }
        if let (Some(entity), Some(id)) = (entity, id) {
            tx.touch(entity, id);
        }
        tx.commit().await?;
        Ok(value.unwrap_or_else(|| key.built_in()))
    }
}
