//! Models a person adds to the registry (a local Ollama model at zero price, a new OpenRouter
//! model) and the choice of default text and image model.
//!
//! The registry is device-local like the providers it points at: a model name such as
//! `llama3.2:3b` only means something where that server runs.

use crate::store::db::{from_json, parse_stored, to_json};
use crate::{CoreError, Folio};
use folio_model::{AiModel, ModelType, NewAiModel};
use rust_decimal::Decimal;

fn check_price(field: &'static str, v: Option<Decimal>) -> Result<(), CoreError> {
    match v {
        Some(d) if d.is_sign_negative() => Err(CoreError::invalid(
            field,
            format!("{field} cannot be negative (got {d})"),
        )),
        _ => Ok(()),
    }
}

/// The `local_meta` key remembering the default model a person chose for a type.
pub(crate) fn chosen_default_key(t: ModelType) -> String {
    format!("chosen_default_model.{t}")
}

impl Folio {
    /// Adds a model of a known provider. Text models need `tokens_per_credit`, image models
    /// `credits_per_image` and at least one size; prices default to zero (a local model).
    pub async fn add_model(&self, input: NewAiModel) -> Result<AiModel, CoreError> {
        let name = input.model_name.trim().to_string();
        if name.is_empty() || name.len() > 200 || name.chars().any(char::is_control) {
            return Err(CoreError::invalid(
                "model_name",
                "the model name must be 1–200 printable characters, as the provider spells it",
            ));
        }
        let provider = self.provider(&input.provider).await?.name;
        check_price("cost_per_1k_input", input.cost_per_1k_input)?;
        check_price("cost_per_1k_output", input.cost_per_1k_output)?;
        check_price("cost_per_image", input.cost_per_image)?;
        let zero = Some(Decimal::ZERO);
        let (cin, cout, tpc, cpi, per_image, sizes) =
            match input.model_type {
                ModelType::Text => {
                    let tpc = input.tokens_per_credit.unwrap_or(10_000);
                    if tpc == 0 {
                        return Err(CoreError::invalid(
                            "tokens_per_credit",
                            "tokens per credit must be at least 1",
                        ));
                    }
                    (
                        input.cost_per_1k_input.or(zero),
                        input.cost_per_1k_output.or(zero),
                        Some(tpc),
                        None,
                        None,
                        Vec::new(),
                    )
                }
                ModelType::Image => {
                    let cpi = input.credits_per_image.unwrap_or(1);
                    if cpi == 0 {
                        return Err(CoreError::invalid(
                            "credits_per_image",
                            "credits per image must be at least 1",
                        ));
                    }
                    if input.sizes.is_empty() {
                        return Err(CoreError::invalid(
                            "sizes",
                            "an image model needs the sizes it accepts, e.g. 1024x1024",
                        ));
                    }
                    if let Some(bad) = input.sizes.iter().find(|s| {
                        !(64..=8192).contains(&s.width) || !(64..=8192).contains(&s.height)
                    }) {
                        return Err(CoreError::invalid(
                            "sizes",
                            format!("{bad} is not a usable image size (64–8192 pixels a side)"),
                        ));
                    }
                    (
                        None,
                        None,
                        None,
                        Some(cpi),
                        input.cost_per_image.or(zero),
                        input.sizes.clone(),
                    )
                }
            };
        let exists: Option<(bool,)> =
            sqlx::query_as("SELECT is_builtin FROM ai_models WHERE model_name = ?")
                .bind(&name)
                .fetch_optional(&self.pool)
                .await?;
        if exists.is_some() {
            return Err(CoreError::Conflict {
                field: "model_name",
                message: format!("the registry has a model named {name} already"),
            });
        }
        let display = input
            .display_name
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .unwrap_or(&name)
            .to_string();
        sqlx::query(
            "INSERT INTO ai_models (model_name, model_type, provider, display_name, is_default,
                 is_active, cost_per_1k_input, cost_per_1k_output, tokens_per_credit,
                 credits_per_image, cost_per_image, quality_tier, max_output_tokens,
                 context_window, sizes, is_builtin)
             VALUES (?, ?, ?, ?, 0, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        )
        .bind(&name)
        .bind(input.model_type.as_str())
        .bind(&provider)
        .bind(display)
        .bind(cin.map(|d| d.to_string()))
        .bind(cout.map(|d| d.to_string()))
        .bind(tpc)
        .bind(cpi)
        .bind(per_image.map(|d| d.to_string()))
        .bind(input.quality_tier.map(|t| t.as_str()))
        .bind(input.max_output_tokens)
        .bind(input.context_window)
        .bind(to_json!(&sizes)?)
        .execute(&self.pool)
        .await?;
        self.model(&name).await
    }

    /// One model of the registry by its provider name.
    pub async fn model(&self, name: &str) -> Result<AiModel, CoreError> {
        find_model(&self.ai_models().await?, name)
    }

    /// Removes a model a person added. Built-in models stay (they carry the shipped prices).
    pub async fn remove_model(&self, name: &str) -> Result<(), CoreError> {
        let model = self.model(name).await?;
        if model.is_builtin {
            return Err(CoreError::invalid(
                "model_name",
                format!("{} is built in and cannot be removed", model.model_name),
            ));
        }
        if model.is_default {
            return Err(CoreError::invalid(
                "model_name",
                format!(
                    "{} is the default {} model; choose another default first",
                    model.model_name, model.model_type
                ),
            ));
        }
        sqlx::query("DELETE FROM ai_models WHERE model_name = ?")
            .bind(&model.model_name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Makes a model the default of its type (text or image).
    pub async fn set_default_model(&self, name: &str) -> Result<AiModel, CoreError> {
        let model = self.model(name).await?;
        if !model.is_active {
            return Err(CoreError::invalid(
                "model_name",
                format!(
                    "{} is switched off and cannot be the default",
                    model.model_name
                ),
            ));
        }
        let mut tx = self.begin_write().await?;
        // Clear first: the one-default-per-type index must never see two at once.
        sqlx::query("UPDATE ai_models SET is_default = 0 WHERE model_type = ?")
            .bind(model.model_type.as_str())
            .execute(tx.conn())
            .await?;
        sqlx::query("UPDATE ai_models SET is_default = 1 WHERE model_name = ?")
            .bind(&model.model_name)
            .execute(tx.conn())
            .await?;
        sqlx::query(
            "INSERT INTO local_meta (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(chosen_default_key(model.model_type))
        .bind(&model.model_name)
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        self.model(&model.model_name).await
    }
}

impl Folio {
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
        find_default(&self.ai_models().await?, model_type)
    }
}

/// One model of a registry listing by its provider name.
pub(crate) fn find_model(models: &[AiModel], name: &str) -> Result<AiModel, CoreError> {
    models
        .iter()
        .find(|m| m.model_name == name.trim())
        .cloned()
        .ok_or_else(|| CoreError::NotFound {
            what: format!("model {name:?} (see `folio model list`)"),
        })
}

/// The active default model of a type in a registry listing.
pub(crate) fn find_default(
    models: &[AiModel],
    model_type: ModelType,
) -> Result<AiModel, CoreError> {
    models
        .iter()
        .find(|m| m.model_type == model_type && m.is_default && m.is_active)
        .cloned()
        .ok_or_else(|| CoreError::NotFound {
            what: format!("a default {model_type} model"),
        })
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
