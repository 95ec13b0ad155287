//! The global defaults Folio ships: AI models and their prices, system AI settings, prompts,
//! author profiles, credit costs per operation, plans, and the keyword library (industries, their
//! sectors and seed keywords).
//!
//! They are written by core rather than by the migration so that a new app version can refresh
//! its built-in rows: [`Folio::ensure_defaults`] compares [`DEFAULTS_VERSION`] with the one the
//! store records and, when it is newer, upserts every built-in row in one transaction. Values a
//! person or the server changed (system settings, rows not marked built-in) are left alone.

use crate::accounts::ensure_owner;
use crate::seed_keywords::{parse_seed_csv, IndustryCatalog};
use crate::site_settings::{from_json, now, parse_stored, to_json, ts};
use crate::text::name_key;
use crate::writer::slugify;
use crate::{CoreError, Folio, WriteTx};
use folio_model::{
    AiModel, AiOperation, CreditCost, ImageDimensions, ModelType, PromptKind, QualityTier,
    SettingKey,
};
use rust_decimal::Decimal;
use uuid::Uuid;

/// Bump when any built-in value below changes.
pub const DEFAULTS_VERSION: i64 = 2;
const DEFAULTS_VERSION_KEY: &str = "defaults_version";

pub struct BuiltinPlan {
    pub id: &'static str,
    pub name: &'static str,
    pub included_credits: u32,
    pub max_sites: u32,
    pub max_users: u32,
    pub max_keywords: u32,
    pub price_monthly: &'static str,
}

/// IGNY8's approved plan table (Dec 2025); Free is Folio's own (IGNY8's numbers are unknown).
pub const PLANS: &[BuiltinPlan] = &[
    BuiltinPlan {
        id: "free",
        name: "Free",
        included_credits: 100,
        max_sites: 1,
        max_users: 1,
        max_keywords: 100,
        price_monthly: "0",
    },
    BuiltinPlan {
        id: "starter",
        name: "Starter",
        included_credits: 1_000,
        max_sites: 2,
        max_users: 2,
        max_keywords: 500,
        price_monthly: "100",
    },
    BuiltinPlan {
        id: "growth",
        name: "Growth",
        included_credits: 2_000,
        max_sites: 5,
        max_users: 3,
        max_keywords: 2_000,
        price_monthly: "200",
    },
    BuiltinPlan {
        id: "scale",
        name: "Scale",
        included_credits: 5_000,
        max_sites: 99,
        max_users: 5,
        max_keywords: 5_000,
        price_monthly: "500",
    },
];

pub struct BuiltinModel {
    pub model_name: &'static str,
    pub model_type: ModelType,
    pub provider: &'static str,
    pub display_name: &'static str,
    pub is_default: bool,
    /// USD per 1k input / output tokens.
    pub cost_per_1k: Option<(&'static str, &'static str)>,
    pub tokens_per_credit: Option<u32>,
    pub credits_per_image: Option<u32>,
    /// USD per image at 1024×1024.
    pub cost_per_image: Option<&'static str>,
    pub quality_tier: Option<QualityTier>,
    pub max_output_tokens: Option<u32>,
    pub context_window: Option<u32>,
    pub sizes: &'static [(u32, u32)],
}

/// Credits per image follow IGNY8's tiers (basic 1, quality 5, premium 15). Bria 3.2 has no
/// published credit price; as a "quality" model it gets the quality tier's 5. Money prices are
/// the providers' list prices (see the shared ai-providers reference).
pub const AI_MODELS: &[BuiltinModel] = &[
    BuiltinModel {
        model_name: "gpt-4o",
        model_type: ModelType::Text,
        provider: "openai",
        display_name: "GPT-4o",
        is_default: false,
        cost_per_1k: Some(("0.0025", "0.01")),
        tokens_per_credit: Some(1_000),
        credits_per_image: None,
        cost_per_image: None,
        quality_tier: None,
        max_output_tokens: Some(16_384),
        context_window: Some(128_000),
        sizes: &[],
    },
    BuiltinModel {
        model_name: "gpt-4o-mini",
        model_type: ModelType::Text,
        provider: "openai",
        display_name: "GPT-4o mini",
        is_default: true,
        cost_per_1k: Some(("0.00015", "0.0006")),
        tokens_per_credit: Some(10_000),
        credits_per_image: None,
        cost_per_image: None,
        quality_tier: None,
        max_output_tokens: Some(16_384),
        context_window: Some(128_000),
        sizes: &[],
    },
    BuiltinModel {
        model_name: "claude-sonnet-4-5",
        model_type: ModelType::Text,
        provider: "anthropic",
        display_name: "Claude Sonnet 4.5",
        is_default: false,
        cost_per_1k: Some(("0.003", "0.015")),
        tokens_per_credit: Some(1_000),
        credits_per_image: None,
        cost_per_image: None,
        quality_tier: None,
        max_output_tokens: Some(64_000),
        context_window: Some(200_000),
        sizes: &[],
    },
    BuiltinModel {
        model_name: "claude-haiku-4-5",
        model_type: ModelType::Text,
        provider: "anthropic",
        display_name: "Claude Haiku 4.5",
        is_default: false,
        cost_per_1k: Some(("0.001", "0.005")),
        tokens_per_credit: Some(3_000),
        credits_per_image: None,
        cost_per_image: None,
        quality_tier: None,
        max_output_tokens: Some(64_000),
        context_window: Some(200_000),
        sizes: &[],
    },
    BuiltinModel {
        model_name: "dall-e-3",
        model_type: ModelType::Image,
        provider: "openai",
        display_name: "DALL\u{b7}E 3",
        is_default: false,
        cost_per_1k: None,
        tokens_per_credit: None,
        credits_per_image: Some(5),
        cost_per_image: Some("0.04"),
        quality_tier: Some(QualityTier::Quality),
        max_output_tokens: None,
        context_window: None,
        sizes: &[(1024, 1024), (1792, 1024), (1024, 1792)],
    },
    BuiltinModel {
        model_name: "gpt-image-1",
        model_type: ModelType::Image,
        provider: "openai",
        display_name: "GPT Image 1",
        is_default: false,
        cost_per_1k: None,
        tokens_per_credit: None,
        credits_per_image: Some(5),
        cost_per_image: Some("0.042"),
        quality_tier: Some(QualityTier::Quality),
        max_output_tokens: None,
        context_window: None,
        sizes: &[(1024, 1024), (1536, 1024), (1024, 1536)],
    },
    BuiltinModel {
        model_name: "runware:97@1",
        model_type: ModelType::Image,
        provider: "runware",
        display_name: "HiDream-I1 Full",
        is_default: true,
        cost_per_1k: None,
        tokens_per_credit: None,
        credits_per_image: Some(1),
        cost_per_image: Some("0.009"),
        quality_tier: Some(QualityTier::Basic),
        max_output_tokens: None,
        context_window: None,
        sizes: &[(1024, 1024), (1280, 768)],
    },
    BuiltinModel {
        model_name: "bria:10@1",
        model_type: ModelType::Image,
        provider: "runware",
        display_name: "Bria 3.2",
        is_default: false,
        cost_per_1k: None,
        tokens_per_credit: None,
        credits_per_image: Some(5),
        cost_per_image: Some("0.04"),
        quality_tier: Some(QualityTier::Quality),
        max_output_tokens: None,
        context_window: None,
        sizes: &[(1024, 1024), (1344, 768)],
    },
    BuiltinModel {
        model_name: "google:4@2",
        model_type: ModelType::Image,
        provider: "runware",
        display_name: "Nano Banana Pro",
        is_default: false,
        cost_per_1k: None,
        tokens_per_credit: None,
        credits_per_image: Some(15),
        cost_per_image: Some("0.138"),
        quality_tier: Some(QualityTier::Premium),
        max_output_tokens: None,
        context_window: None,
        sizes: &[(1024, 1024), (1376, 768)],
    },
];

/// Minimum credits per operation. IGNY8's current `base_credits` are not published; these are
/// its documented per-operation minimums (clustering 2, content 3, ideas and image prompts 1).
/// Image generation is charged per image by the model's tier, so its minimum is the seed default
/// of 1 rather than the old flat 5, which would make a 1-credit basic image cost 5.
pub const CREDIT_COSTS: &[(AiOperation, &str, u32, bool, &str)] = &[
    (
        AiOperation::Clustering,
        "Keyword clustering",
        2,
        true,
        "Keywords grouped into clusters; charged by tokens, at least this much.",
    ),
    (
        AiOperation::IdeaGeneration,
        "Idea generation",
        1,
        true,
        "Article ideas with outlines for clusters; charged by tokens.",
    ),
    (
        AiOperation::ContentGeneration,
        "Content generation",
        3,
        true,
        "An article written from a task; charged by tokens.",
    ),
    (
        AiOperation::ImagePromptExtraction,
        "Image prompt extraction",
        1,
        true,
        "Image prompts drawn from an article; charged by tokens.",
    ),
    (
        AiOperation::ImageGeneration,
        "Image generation",
        1,
        true,
        "Images generated from prompts; charged per image by the model's tier.",
    ),
    (
        AiOperation::Linking,
        "Internal linking",
        1,
        false,
        "Internal links suggested between articles (module off by default).",
    ),
    (
        AiOperation::Optimization,
        "Content optimization",
        1,
        false,
        "An article rewritten for its keywords (module off by default).",
    ),
];

/// Stable ids, so every device (and the server) agrees on the built-in profiles.
pub const AUTHOR_PROFILES: &[(u128, &str, &str, &str)] = &[
    (
        0x0190_0000_0000_7000_8000_0000_0000_0001,
        "Professional",
        "professional",
        "Clear, confident and precise; plain business English, no slang, claims backed by facts.",
    ),
    (
        0x0190_0000_0000_7000_8000_0000_0000_0002,
        "Casual",
        "casual",
        "Friendly and conversational; short sentences, second person, everyday examples.",
    ),
    (
        0x0190_0000_0000_7000_8000_0000_0000_0003,
        "Technical",
        "technical",
        "Exact and thorough for practitioners; correct terminology, numbers, steps and trade-offs.",
    ),
];

/// The keyword library's industries and their sectors; the seed keyword CSV must use these names.
pub const INDUSTRIES: &[(&str, &[&str])] = &[
    (
        "Health & Wellness",
        &["Massage Products", "Fitness Equipment"],
    ),
    ("Home & Garden", &["Gardening", "Home Improvement"]),
    (
        "Technology",
        &["Web Hosting", "Project Management Software"],
    ),
];

/// The `local_meta` key remembering the default model a person chose for a type.
pub(crate) fn chosen_default_key(t: ModelType) -> String {
    format!("chosen_default_model.{t}")
}

/// The shipped seed keywords (`keyword,industry,sector,volume,difficulty,country,is_active`).
pub const SEED_KEYWORDS_CSV: &str = include_str!("../defaults/seed_keywords.csv");

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
        let variables: Vec<&str> = crate::prompts::variables(kind).to_vec();
        sqlx::query(
            "INSERT INTO global_prompts (prompt_type, prompt_value, variables, is_builtin, updated_at)
             VALUES (?, ?, ?, 1, ?)
             ON CONFLICT (prompt_type) DO UPDATE SET prompt_value = excluded.prompt_value,
                 variables = excluded.variables, updated_at = excluded.updated_at
             WHERE global_prompts.is_builtin = 1",
        )
        .bind(kind.as_str())
        .bind(crate::prompts::builtin(kind).trim())
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
    crate::seed_keywords::upsert(tx, &rows).await?;
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

    /// Every AI model Folio knows, text models first, then by credit price.
    pub async fn ai_models(&self) -> Result<Vec<AiModel>, CoreError> {
        self.ensure_defaults().await?;
        let rows: Vec<ModelRow> = sqlx::query_as(
            "SELECT model_name, model_type, provider, display_name, is_default, is_active, is_builtin,
                    cost_per_1k_input, cost_per_1k_output, tokens_per_credit, credits_per_image,
                    cost_per_image, quality_tier, max_output_tokens, context_window, sizes
             FROM ai_models
             ORDER BY model_type DESC, COALESCE(credits_per_image, 0), tokens_per_credit DESC, model_name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(ModelRow::into_model).collect()
    }

    /// The default model of a type.
    pub async fn default_model(&self, model_type: ModelType) -> Result<AiModel, CoreError> {
        self.ai_models()
            .await?
            .into_iter()
            .find(|m| m.model_type == model_type && m.is_default && m.is_active)
            .ok_or_else(|| CoreError::NotFound {
                what: format!("a default {model_type} model"),
            })
    }

    /// The credit price of every operation.
    pub async fn credit_costs(&self) -> Result<Vec<CreditCost>, CoreError> {
        self.ensure_defaults().await?;
        let rows: Vec<(String, String, i64, bool, String)> = sqlx::query_as(
            "SELECT operation, display_name, base_credits, is_active, description FROM credit_costs",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut costs = rows
            .into_iter()
            .map(|(op, display_name, base, is_active, description)| {
                Ok(CreditCost {
                    operation: parse_stored::<AiOperation>("operation", &op)?,
                    display_name,
                    base_credits: u32::try_from(base)
                        .map_err(|_| CoreError::Corrupt(format!("base credits {base}")))?,
                    is_active,
                    description,
                })
            })
            .collect::<Result<Vec<_>, CoreError>>()?;
        costs.sort_by_key(|c| c.operation);
        Ok(costs)
    }
}

#[derive(sqlx::FromRow)]
struct ModelRow {
    model_name: String,
    model_type: String,
    provider: String,
    display_name: String,
    is_default: bool,
    is_active: bool,
    is_builtin: bool,
    cost_per_1k_input: Option<String>,
    cost_per_1k_output: Option<String>,
    tokens_per_credit: Option<i64>,
    credits_per_image: Option<i64>,
    cost_per_image: Option<String>,
    quality_tier: Option<String>,
    max_output_tokens: Option<i64>,
    context_window: Option<i64>,
    sizes: String,
}

impl ModelRow {
    fn into_model(self) -> Result<AiModel, CoreError> {
        let dec = |v: Option<String>| v.map(|s| parse_stored::<Decimal>("price", &s)).transpose();
        let n = |v: Option<i64>| {
            v.map(|x| u32::try_from(x).map_err(|_| CoreError::Corrupt(format!("model number {x}"))))
                .transpose()
        };
        Ok(AiModel {
            model_type: parse_stored("model type", &self.model_type)?,
            quality_tier: self
                .quality_tier
                .map(|t| parse_stored("quality tier", &t))
                .transpose()?,
            cost_per_1k_input: dec(self.cost_per_1k_input)?,
            cost_per_1k_output: dec(self.cost_per_1k_output)?,
            cost_per_image: dec(self.cost_per_image)?,
            tokens_per_credit: n(self.tokens_per_credit)?,
            credits_per_image: n(self.credits_per_image)?,
            max_output_tokens: n(self.max_output_tokens)?,
            context_window: n(self.context_window)?,
            sizes: from_json!("model sizes", &self.sizes)?,
            model_name: self.model_name,
            provider: self.provider,
            display_name: self.display_name,
            is_default: self.is_default,
            is_active: self.is_active,
            is_builtin: self.is_builtin,
        })
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
