//! What a call costs in credits: text `max(base, ceil(tokens / tokens_per_credit))`, images
//! `credits_per_image × images`; estimates before a call.

use crate::store::db::parse_stored;
use crate::{CoreError, Folio};
use folio_model::{
    AiModel, AiOperation, CallOutcome, CreditCost, EstimateInput, ModelType, UsageRecord,
};
use rust_decimal::Decimal;

pub(crate) fn int(x: u64) -> i64 {
    i64::try_from(x).unwrap_or(i64::MAX)
}

pub(crate) fn uint(x: i64) -> u64 {
    u64::try_from(x).unwrap_or(0)
}

/// `ceil(a / b)` for b > 0.
fn ceil_div(a: u64, b: u64) -> u64 {
    a.div_ceil(b)
}

/// What a call costs, before the balance caps it.
pub(crate) struct Priced {
    pub(crate) model: AiModel,
    pub(crate) credits: u64,
    pub(crate) cost_usd: Decimal,
}

fn text_credits(model: &AiModel, base: u64, tokens: u64) -> Result<u64, CoreError> {
    let per = model.tokens_per_credit.filter(|&t| t > 0).ok_or_else(|| {
        CoreError::Corrupt(format!(
            "the text model {} has no tokens-per-credit price",
            model.model_name
        ))
    })?;
    Ok(base.max(ceil_div(tokens, u64::from(per))))
}

fn image_credits(model: &AiModel, images: u64) -> Result<u64, CoreError> {
    let per = model.credits_per_image.ok_or_else(|| {
        CoreError::Corrupt(format!(
            "the image model {} has no credits-per-image price",
            model.model_name
        ))
    })?;
    Ok(u64::from(per) * images)
}

/// Credits and USD of a finished call, from the model's prices (or the provider's cost).
pub(crate) fn price(model: AiModel, base: u64, r: &UsageRecord) -> Result<Priced, CoreError> {
    let thousand = Decimal::from(1000);
    let (credits, computed_cost) = match model.model_type {
        ModelType::Text => {
            let tokens = r.tokens_in.saturating_add(r.tokens_out);
            // Nothing reached the model: nothing is billed (the provider bills nothing either).
            let credits = if tokens == 0 && matches!(r.outcome, CallOutcome::Failed { .. }) {
                0
            } else {
                text_credits(&model, base, tokens)?
            };
            let cost = Decimal::from(r.tokens_in) / thousand
                * model.cost_per_1k_input.unwrap_or_default()
                + Decimal::from(r.tokens_out) / thousand
                    * model.cost_per_1k_output.unwrap_or_default();
            (credits, cost)
        }
        // Only images actually produced are charged, and the operation's base credits do not
        // come on top: a basic image costs its tier's price, not a minimum.
        ModelType::Image => (
            image_credits(&model, u64::from(r.images))?,
            Decimal::from(r.images) * model.cost_per_image.unwrap_or_default(),
        ),
    };
    Ok(Priced {
        model,
        credits,
        cost_usd: r.provider_cost_usd.unwrap_or(computed_cost).normalize(),
    })
}

impl Folio {
    pub(crate) async fn model_named(&self, name: &str) -> Result<AiModel, CoreError> {
        let models = self.ai_models().await?;
        let known: Vec<String> = models.iter().map(|m| m.model_name.clone()).collect();
        models
            .into_iter()
            .find(|m| m.model_name == name)
            .ok_or_else(|| {
                CoreError::invalid(
                    "model",
                    format!(
                        "Folio has no price for the AI model {name:?}, so the call cannot be charged; known models: {}",
                        known.join(", ")
                    ),
                )
            })
    }

    pub(crate) async fn base_credits(&self, op: AiOperation) -> Result<u64, CoreError> {
        self.ensure_defaults().await?;
        let base: Option<(i64,)> =
            sqlx::query_as("SELECT base_credits FROM credit_costs WHERE operation = ?")
                .bind(op.as_str())
                .fetch_optional(&self.pool)
                .await?;
        // The seed's default minimum when an operation has no price row.
        Ok(base.map_or(1, |(b,)| uint(b)))
    }

    /// The most credits a call can cost: text by its prompt and the longest answer allowed
    /// (never less than the operation's base credits), images by the count asked for.
    pub async fn estimate_credits(
        &self,
        op: AiOperation,
        model: &str,
        input: EstimateInput,
    ) -> Result<u64, CoreError> {
        let model = self.model_named(model).await?;
        let base = match input {
            EstimateInput::Text { .. } => self.base_credits(op).await?,
            EstimateInput::Images { .. } => 0,
        };
        estimate_with(&model, base, input)
    }
}

/// [`Folio::estimate_credits`] with the model and the operation's base credits at hand.
pub(crate) fn estimate_with(
    model: &AiModel,
    base: u64,
    input: EstimateInput,
) -> Result<u64, CoreError> {
    match (input, model.model_type) {
        (
            EstimateInput::Text {
                input_tokens,
                max_output_tokens,
            },
            ModelType::Text,
        ) => text_credits(model, base, input_tokens.saturating_add(max_output_tokens)),
        (EstimateInput::Images { count }, ModelType::Image) => {
            image_credits(model, u64::from(count))
        }
        (_, t) => Err(CoreError::invalid(
            "model",
            format!(
                "{} is a {t} model; estimate it with {} input",
                model.model_name,
                if t == ModelType::Text {
                    "text"
                } else {
                    "image"
                }
            ),
        )),
    }
}

impl Folio {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceil_division() {
        assert_eq!(ceil_div(0, 1000), 0);
        assert_eq!(ceil_div(1, 1000), 1);
        assert_eq!(ceil_div(1000, 1000), 1);
        assert_eq!(ceil_div(1001, 1000), 2);
    }
}
