//! The global defaults Folio ships: AI models and their prices, system AI settings, prompts,
//! author profiles, credit costs per operation, plans, and the keyword library (industries, their
//! sectors and seed keywords).
//!
//! They are written by core rather than by the migration so that a new app version can refresh
//! its built-in rows: [`Folio::ensure_defaults`] compares [`DEFAULTS_VERSION`] with the one the
//! store records and, when it is newer, upserts every built-in row in one transaction. Values a
//! person or the server changed (system settings, rows not marked built-in) are left alone.

use crate::account::people::ensure_owner;
use crate::ai::model_registry::chosen_default_key;
use crate::planner::seed_keywords::{parse_seed_csv, IndustryCatalog};
use crate::store::db::{now, to_json, ts};
use crate::text::name_key;
use crate::writer::html::slugify;
use crate::{CoreError, Folio, WriteTx};
use folio_model::{ImageDimensions, ModelType, PromptKind, SettingKey};
use rust_decimal::Decimal;
use uuid::Uuid;

pub mod catalog;
pub use catalog::*;

/// Bump when any built-in value below changes.
pub const DEFAULTS_VERSION: i64 = 2;

const DEFAULTS_VERSION_KEY: &str = "defaults_version";

/// The built-in catalog of industries and sectors, with their ids.
pub fn industry_catalog() -> IndustryCatalog {
    let mut catalog = IndustryCatalog::default();
    for (industry, sectors) in INDUSTRIES {
        let industry_id = slugify(industry);
        for sector in *sectors {
            catalog.insert(
                industry,
                sector,
                &format!("{industry_id}/{}", slugify(sector)),
            );
        }
    }
    catalog
}

fn decimal(s: &str) -> Result<Decimal, CoreError> {
    s.parse()
        .map_err(|_| CoreError::Internal(format!("built-in price {s:?} is not a decimal")))
}

async fn seed_globals(tx: &mut WriteTx) -> Result<(), CoreError> {
    let at = ts(now());
    for p in PLANS {
        sqlx::query(
            "INSERT INTO plans (id, name, included_credits, max_sites, max_users, max_keywords, price_monthly, is_builtin)
             VALUES (?, ?, ?, ?, ?, ?, ?, 1)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name,
                 included_credits = excluded.included_credits, max_sites = excluded.max_sites,
                 max_users = excluded.max_users, max_keywords = excluded.max_keywords,
                 price_monthly = excluded.price_monthly
             WHERE plans.is_builtin = 1",
        )
        .bind(p.id)
        .bind(p.name)
        .bind(p.included_credits)
        .bind(p.max_sites)
        .bind(p.max_users)
        .bind(p.max_keywords)
        .bind(decimal(p.price_monthly)?.to_string())
        .execute(tx.conn())
        .await?;
    }

    // Defaults move between rows across versions; clear the built-in flags first so the
    // one-default-per-type index never sees two at once.
    sqlx::query("UPDATE ai_models SET is_default = 0 WHERE is_builtin = 1")
        .execute(tx.conn())
        .await?;
    for m in AI_MODELS {
        let sizes: Vec<ImageDimensions> = m
            .sizes
            .iter()
            .map(|&(width, height)| ImageDimensions { width, height })
            .collect();
        let (cin, cout) = match m.cost_per_1k {
            Some((i, o)) => (Some(decimal(i)?.to_string()), Some(decimal(o)?.to_string())),
            None => (None, None),
        };
        let per_image = m
            .cost_per_image
            .map(decimal)
            .transpose()?
            .map(|d| d.to_string());
        sqlx::query(
            "INSERT INTO ai_models (model_name, model_type, provider, display_name, is_default,
                 cost_per_1k_input, cost_per_1k_output, tokens_per_credit, credits_per_image,
                 cost_per_image, quality_tier, max_output_tokens, context_window, sizes, is_builtin)
             VALUES (?1, ?2, ?3, ?4,
                 ?5 AND NOT EXISTS (SELECT 1 FROM ai_models WHERE model_type = ?2 AND is_default = 1),
                 ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1)
             ON CONFLICT (model_name) DO UPDATE SET model_type = excluded.model_type,
                 provider = excluded.provider, display_name = excluded.display_name,
                 is_default = excluded.is_default, cost_per_1k_input = excluded.cost_per_1k_input,
                 cost_per_1k_output = excluded.cost_per_1k_output,
                 tokens_per_credit = excluded.tokens_per_credit,
                 credits_per_image = excluded.credits_per_image,
                 cost_per_image = excluded.cost_per_image, quality_tier = excluded.quality_tier,
                 max_output_tokens = excluded.max_output_tokens,
                 context_window = excluded.context_window, sizes = excluded.sizes
             WHERE ai_models.is_builtin = 1",
        )
        .bind(m.model_name)
        .bind(m.model_type.as_str())
        .bind(m.provider)
        .bind(m.display_name)
        .bind(m.is_default)
        .bind(cin)
        .bind(cout)
        .bind(m.tokens_per_credit)
        .bind(m.credits_per_image)
        .bind(per_image)
        .bind(m.quality_tier.map(|t| t.as_str()))
        .bind(m.max_output_tokens)
        .bind(m.context_window)
        .bind(to_json!(&sizes)?)
        .execute(tx.conn())
        .await?;
    }
    // A default the person chose (`folio model default`) outlives a new release's defaults.
    for t in [ModelType::Text, ModelType::Image] {
        let chosen: Option<(String,)> = sqlx::query_as(
            "SELECT m.model_name FROM local_meta l JOIN ai_models m ON m.model_name = l.value
             WHERE l.key = ? AND m.model_type = ? AND m.is_active = 1",
        )
        .bind(chosen_default_key(t))
        .bind(t.as_str())
        .fetch_optional(tx.conn())
        .await?;
        if let Some((name,)) = chosen {
            sqlx::query("UPDATE ai_models SET is_default = 0 WHERE model_type = ?")
                .bind(t.as_str())
                .execute(tx.conn())
                .await?;
            sqlx::query("UPDATE ai_models SET is_default = 1 WHERE model_name = ?")
                .bind(name)
                .execute(tx.conn())
                .await?;
        }
    }

    // The system layer starts at the built-in values; once there, it is the platform's to change.
    for key in SettingKey::ALL {
        sqlx::query(
            "INSERT INTO system_settings (key, value, updated_at) VALUES (?, ?, ?)
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(key.as_str())
        .bind(to_json!(&key.built_in())?)
        .bind(&at)
        .execute(tx.conn())
        .await?;
    }

    for kind in PromptKind::ALL.iter().copied() {
        let variables: Vec<&str> = crate::ai::prompts::variables(kind).to_vec();
        sqlx::query(
            "INSERT INTO global_prompts (prompt_type, prompt_value, variables, is_builtin, updated_at)
             VALUES (?, ?, ?, 1, ?)
             ON CONFLICT (prompt_type) DO UPDATE SET prompt_value = excluded.prompt_value,
                 variables = excluded.variables, updated_at = excluded.updated_at
             WHERE global_prompts.is_builtin = 1",
        )
        .bind(kind.as_str())
        .bind(crate::ai::prompts::builtin(kind).trim())
        .bind(to_json!(&variables)?)
        .bind(&at)
        .execute(tx.conn())
        .await?;
    }

    for &(id, name, tone, description) in AUTHOR_PROFILES {
        sqlx::query(
            "INSERT INTO global_author_profiles (id, name, name_key, tone, language, description, is_builtin)
             VALUES (?, ?, ?, ?, 'en', ?, 1)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
                 tone = excluded.tone, description = excluded.description
             WHERE global_author_profiles.is_builtin = 1",
        )
        .bind(Uuid::from_u128(id).to_string())
        .bind(name)
        .bind(name_key(name))
        .bind(tone)
        .bind(description)
        .execute(tx.conn())
        .await?;
    }

    for &(op, display, base, active, description) in CREDIT_COSTS {
        sqlx::query(
            "INSERT INTO credit_costs (operation, display_name, base_credits, is_active, description, is_builtin)
             VALUES (?, ?, ?, ?, ?, 1)
             ON CONFLICT (operation) DO UPDATE SET display_name = excluded.display_name,
                 base_credits = excluded.base_credits, is_active = excluded.is_active,
                 description = excluded.description
             WHERE credit_costs.is_builtin = 1",
        )
        .bind(op.as_str())
        .bind(display)
        .bind(base)
        .bind(active)
        .bind(description)
        .execute(tx.conn())
        .await?;
    }

    let catalog = industry_catalog();
    for (industry, sectors) in INDUSTRIES {
        let industry_id = slugify(industry);
        sqlx::query(
            "INSERT INTO industries (id, name, name_key, is_builtin) VALUES (?, ?, ?, 1)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key",
        )
        .bind(&industry_id)
        .bind(industry)
        .bind(name_key(industry))
        .execute(tx.conn())
        .await?;
        for sector in *sectors {
            sqlx::query(
                "INSERT INTO industry_sectors (id, industry_id, name, name_key, is_builtin) VALUES (?, ?, ?, ?, 1)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key",
            )
            .bind(format!("{industry_id}/{}", slugify(sector)))
            .bind(&industry_id)
            .bind(sector)
            .bind(name_key(sector))
            .execute(tx.conn())
            .await?;
        }
    }
    let rows = parse_seed_csv(SEED_KEYWORDS_CSV, &catalog).map_err(|errors| {
        CoreError::Internal(format!(
            "the shipped seed keywords are invalid: {}",
            errors[0]
        ))
    })?;
    crate::planner::seed_keywords::upsert(tx, &rows).await?;
    Ok(())
}

impl Folio {
    /// Make sure the shipped defaults of this version are in the store and the account has its
    /// owner. Cheap when nothing is missing (one read); safe to call from any operation and from
    /// two processes at once.
    pub async fn ensure_defaults(&self) -> Result<(), CoreError> {
        let account = self.account_id.to_string();
        let (version, has_owner): (Option<String>, bool) = sqlx::query_as(
            "SELECT (SELECT value FROM local_meta WHERE key = ?),
                    EXISTS (SELECT 1 FROM users WHERE account_id = ?)",
        )
        .bind(DEFAULTS_VERSION_KEY)
        .bind(&account)
        .fetch_one(&self.pool)
        .await?;
        let current = |v: &Option<String>| {
            v.as_deref()
                .and_then(|v| v.parse::<i64>().ok())
                .is_some_and(|v| v >= DEFAULTS_VERSION)
        };
        if current(&version) && has_owner {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let (version,): (Option<String>,) =
            sqlx::query_as("SELECT (SELECT value FROM local_meta WHERE key = ?)")
                .bind(DEFAULTS_VERSION_KEY)
                .fetch_one(tx.conn())
                .await?;
        if !current(&version) {
            seed_globals(&mut tx).await?;
            sqlx::query(
                "INSERT INTO local_meta (key, value) VALUES (?, ?)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(DEFAULTS_VERSION_KEY)
            .bind(DEFAULTS_VERSION.to_string())
            .execute(tx.conn())
            .await?;
            tracing::info!(version = DEFAULTS_VERSION, "built-in defaults written");
        }
        ensure_owner(&mut tx, &account).await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_default_model_per_type() {
        for t in [ModelType::Text, ModelType::Image] {
            let defaults: Vec<_> = AI_MODELS
                .iter()
                .filter(|m| m.model_type == t && m.is_default)
                .map(|m| m.model_name)
                .collect();
            assert_eq!(defaults.len(), 1, "{t}: {defaults:?}");
        }
    }

    #[test]
    fn the_shipped_seed_keywords_are_valid() {
        let rows = parse_seed_csv(SEED_KEYWORDS_CSV, &industry_catalog()).unwrap();
        assert_eq!(rows.len(), 60);
        let catalog = industry_catalog();
        for (industry, sectors) in INDUSTRIES {
            for sector in *sectors {
                let id = catalog.sector_id(industry, sector).unwrap();
                assert!(
                    rows.iter().filter(|r| r.sector_id == id).count() >= 10,
                    "{industry} / {sector}"
                );
            }
        }
    }
}
