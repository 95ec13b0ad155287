//! Paid AI calls as the pipeline makes them: the model from the registry (or the default of its
//! type), its provider's client with the key from the keychain, the account's and site's AI
//! settings, and the credit ledger around the call — credits are held before the request goes
//! out (an operation the balance cannot cover never starts) and every call that was made is
//! written to the ledger, failed ones included, with the tokens the provider reported.

use crate::{CoreError, Folio};
use folio_ai::{
    AiError, CancellationToken, ChatRequest, ChatResponse, Client, ImageRequest, ImageResponse,
    StreamEvent, Structured, StructuredRequest, Usage,
};
use folio_model::{
    AiModel, AiOperation, CallOutcome, ContentId, CreditHold, EstimateInput, ImageDimensions,
    ModelType, SiteId, UsageRecord,
};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What a paid call is for, so the ledger can say what each article and site cost.
#[derive(Clone, Debug)]
pub struct AiCall {
    pub operation: AiOperation,
    pub site: Option<SiteId>,
    pub content: Option<ContentId>,
    /// A model from the registry; `None`: the default model of the type the call needs.
    pub model: Option<String>,
    /// Adds up what the call's ledger entry charged (a stage run's total).
    pub meter: Option<Arc<SpendMeter>>,
    /// Provider clients a run already made: reading a key from the OS keychain takes ~10 ms,
    /// more than everything else a call costs Folio, so a run reads each provider's key once.
    pub clients: Option<Arc<ClientCache>>,
}

/// The clients of one run, by provider name. Lives as long as the run, so a key changed
/// meanwhile is picked up by the next run.
#[derive(Default)]
pub struct ClientCache {
    clients: Mutex<HashMap<String, Client>>,
}

impl std::fmt::Debug for ClientCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // never the clients themselves: they hold API keys
        f.write_str("ClientCache")
    }
}

impl PartialEq for AiCall {
    fn eq(&self, other: &Self) -> bool {
        self.operation == other.operation
            && self.site == other.site
            && self.content == other.content
            && self.model == other.model
    }
}

impl Eq for AiCall {}

/// Credits and USD charged by the ledger entries of the calls that carry it.
#[derive(Debug, Default)]
pub struct SpendMeter {
    spent: Mutex<(u64, Decimal)>,
}

impl SpendMeter {
    pub fn add(&self, credits: u64, usd: Decimal) {
        if let Ok(mut s) = self.spent.lock() {
            s.0 = s.0.saturating_add(credits);
            s.1 += usd;
        }
    }

    /// (credits, USD) so far.
    pub fn total(&self) -> (u64, Decimal) {
        self.spent.lock().map(|s| *s).unwrap_or_default()
    }
}

impl AiCall {
    pub fn new(operation: AiOperation) -> Self {
        Self {
            operation,
            site: None,
            content: None,
            model: None,
            meter: None,
            clients: None,
        }
    }

    pub fn site(mut self, site: SiteId) -> Self {
        self.site = Some(site);
        self
    }

    pub fn content(mut self, content: ContentId) -> Self {
        self.content = Some(content);
        self
    }

    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    pub fn meter(mut self, meter: Arc<SpendMeter>) -> Self {
        self.meter = Some(meter);
        self
    }

    pub fn clients(mut self, clients: Arc<ClientCache>) -> Self {
        self.clients = Some(clients);
        self
    }
}

/// Prompt tokens before the provider counts them. English runs about four characters a token;
/// counting three covers other languages and markup, so the hold errs on the safe side.
fn estimate_tokens(text_chars: usize) -> u64 {
    u64::try_from(text_chars.div_ceil(3)).unwrap_or(u64::MAX)
}

fn prompt_chars(req: &ChatRequest) -> usize {
    req.system.as_deref().map_or(0, str::len)
        + req.messages.iter().map(|m| m.content.len()).sum::<usize>()
}

/// The usage the provider reported. Some servers report none (llama-cpp-python on streams,
/// proxies that strip it); then what was sent and received is counted rather than charging
/// nothing.
fn reported_or_estimated(req: &ChatRequest, response: &ChatResponse) -> Usage {
    response.usage.unwrap_or(Usage {
        input_tokens: estimate_tokens(prompt_chars(req)),
        output_tokens: estimate_tokens(response.text.len()),
    })
}

/// The allowed size nearest in aspect ratio (then in area) to the one asked for: providers with
/// fixed size lists reject anything else.
pub fn snap_size(allowed: &[ImageDimensions], width: u32, height: u32) -> ImageDimensions {
    let wanted = ImageDimensions { width, height };
    let ratio = |d: &ImageDimensions| f64::from(d.width) / f64::from(d.height.max(1));
    let area = |d: &ImageDimensions| f64::from(d.width) * f64::from(d.height);
    let target = ratio(&wanted);
    allowed
        .iter()
        .copied()
        .min_by(|a, b| {
            let key = |d: &ImageDimensions| {
                (
                    (ratio(d).ln() - target.ln()).abs(),
                    (area(d) - area(&wanted)).abs(),
                )
            };
            key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .unwrap_or(wanted)
}

impl Folio {
    /// The model the call names (or the default of `model_type`) and a client for its provider.
    async fn model_and_client(
        &self,
        call: &AiCall,
        model_type: ModelType,
    ) -> Result<(AiModel, Client), CoreError> {
        let model = match &call.model {
            Some(name) => self.model(name).await?,
            None => self.default_model(model_type).await?,
        };
        if model.model_type != model_type {
            return Err(CoreError::invalid(
                "model",
                format!(
                    "{} is a {} model; this step needs a {model_type} model",
                    model.model_name, model.model_type
                ),
            ));
        }
        if !model.is_active {
            return Err(CoreError::invalid(
                "model",
                format!("{} is switched off; choose another model", model.model_name),
            ));
        }
        let cached = call.clients.as_ref().and_then(|c| {
            c.clients
                .lock()
                .ok()
                .and_then(|m| m.get(&model.provider).cloned())
        });
        let client = match cached {
            Some(client) => client,
            None => {
                let client = self.ai_client(&model.provider, None).await?;
                if let Some(cache) = &call.clients {
                    if let Ok(mut m) = cache.clients.lock() {
                        m.insert(model.provider.clone(), client.clone());
                    }
                }
                client
            }
        };
        Ok((model, client))
    }

    /// Fills what the caller left open from the account's (and site's) AI settings, within what
    /// the model can do.
    async fn apply_text_settings(
        &self,
        call: &AiCall,
        model: &AiModel,
        req: &mut ChatRequest,
    ) -> Result<(), CoreError> {
        let settings = self.ai_settings(call.site).await?;
        req.model = model.model_name.clone();
        if req.temperature.is_none() {
            // the settings range is 0–2, which f32 holds exactly enough
            req.temperature = Some(settings.temperature.value as f32);
        }
        let wanted = req.max_tokens.unwrap_or(settings.max_tokens.value);
        req.max_tokens = Some(match model.max_output_tokens {
            Some(cap) => wanted.min(cap),
            None => wanted,
        });
        Ok(())
    }

    async fn hold_for_text(
        &self,
        call: &AiCall,
        model: &AiModel,
        req: &ChatRequest,
        extra_chars: usize,
    ) -> Result<CreditHold, CoreError> {
        let estimate = self
            .estimate_credits(
                call.operation,
                &model.model_name,
                EstimateInput::Text {
                    input_tokens: estimate_tokens(prompt_chars(req) + extra_chars),
                    max_output_tokens: u64::from(req.max_tokens.unwrap_or(0)),
                },
            )
            .await?;
        self.reserve_credits(call.operation, estimate).await
    }

    /// Writes the call's ledger entry. A failure to write it is logged and does not hide the
    /// call's own outcome: what the provider produced (and was paid for) is never thrown away
    /// over bookkeeping, and the hold stays until it lapses, so the balance errs low meanwhile.
    #[allow(clippy::too_many_arguments)]
    async fn settle(
        &self,
        hold: &CreditHold,
        call: &AiCall,
        model: &AiModel,
        usage: Usage,
        images: u32,
        provider_cost_usd: Option<Decimal>,
        error: Option<&AiError>,
    ) {
        let record = UsageRecord {
            operation: call.operation,
            site: call.site,
            content: call.content,
            provider: model.provider.clone(),
            model: model.model_name.clone(),
            tokens_in: usage.input_tokens,
            tokens_out: usage.output_tokens,
            images,
            provider_cost_usd,
            outcome: match error {
                None => CallOutcome::Ok,
                Some(e) => CallOutcome::Failed {
                    error_kind: e.kind.as_str().to_string(),
                },
            },
            at: None,
        };
        match self.settle_credits(hold, record).await {
            Ok(entry) => {
                if let Some(meter) = &call.meter {
                    meter.add(entry.credits, entry.cost_usd);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, operation = %call.operation, model = %model.model_name,
                    "could not write the ledger entry of an AI call");
            }
        }
    }

    /// A text completion, charged to the ledger.
    pub async fn ai_text(
        &self,
        call: AiCall,
        req: ChatRequest,
        cancel: &CancellationToken,
    ) -> Result<ChatResponse, CoreError> {
        self.text_call(call, req, cancel, None).await
    }

    /// A text completion streamed as it is written (`on_event` gets each piece and each retry
    /// wait, for progress), charged like [`Folio::ai_text`].
    pub async fn ai_text_stream(
        &self,
        call: AiCall,
        req: ChatRequest,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(StreamEvent<'_>) + Send),
    ) -> Result<ChatResponse, CoreError> {
        self.text_call(call, req, cancel, Some(on_event)).await
    }

    async fn text_call(
        &self,
        call: AiCall,
        mut req: ChatRequest,
        cancel: &CancellationToken,
        on_event: Option<&mut (dyn FnMut(StreamEvent<'_>) + Send)>,
    ) -> Result<ChatResponse, CoreError> {
        let (model, client) = self.model_and_client(&call, ModelType::Text).await?;
        self.apply_text_settings(&call, &model, &mut req).await?;
        let hold = self.hold_for_text(&call, &model, &req, 0).await?;
        let result = match on_event {
            Some(on_event) => client.chat_stream(&req, cancel, on_event).await,
            None => client.chat(&req, cancel).await,
        };
        let usage = match &result {
            Ok(r) => reported_or_estimated(&req, r),
            Err(e) => e.usage.unwrap_or_default(),
        };
        self.settle(&hold, &call, &model, usage, 0, None, result.as_ref().err())
            .await;
        Ok(result?)
    }

    /// Typed output through [`folio_ai::structured`] (schema, truncation and refusal checks,
    /// re-asks), charged for every attempt's tokens.
    pub async fn ai_structured<T: DeserializeOwned>(
        &self,
        call: AiCall,
        mut req: StructuredRequest,
        validate: impl Fn(&T) -> Result<(), String>,
        cancel: &CancellationToken,
    ) -> Result<Structured<T>, CoreError> {
        let (model, client) = self.model_and_client(&call, ModelType::Text).await?;
        self.apply_text_settings(&call, &model, &mut req.chat)
            .await?;
        let schema_chars = req.schema.to_string().len();
        let hold = self
            .hold_for_text(&call, &model, &req.chat, schema_chars)
            .await?;
        let result = folio_ai::structured(&client, req, validate, cancel).await;
        let usage = match &result {
            Ok(s) => s.usage,
            Err(e) => e.usage.unwrap_or_default(),
        };
        self.settle(&hold, &call, &model, usage, 0, None, result.as_ref().err())
            .await;
        if let Err(e) = self.remember_structured_mode(&client).await {
            tracing::warn!(error = %e, "could not remember the provider's structured-output mode");
        }
        Ok(result?)
    }

    /// Images, at the allowed size nearest the one asked for; only images produced are charged.
    pub async fn ai_images(
        &self,
        call: AiCall,
        mut req: ImageRequest,
        cancel: &CancellationToken,
    ) -> Result<ImageResponse, CoreError> {
        let (model, client) = self.model_and_client(&call, ModelType::Image).await?;
        req.model = model.model_name.clone();
        if req.count == 0 {
            req.count = 1;
        }
        if !model.sizes.is_empty() {
            let size = snap_size(&model.sizes, req.width, req.height);
            req.width = size.width;
            req.height = size.height;
        }
        let estimate = self
            .estimate_credits(
                call.operation,
                &model.model_name,
                EstimateInput::Images { count: req.count },
            )
            .await?;
        let hold = self.reserve_credits(call.operation, estimate).await?;
        let result = client.generate_images(&req, cancel).await;
        let (produced, cost, usage) = match &result {
            Ok(r) => (
                u32::try_from(r.images.len()).unwrap_or(u32::MAX),
                r.cost_usd,
                r.usage.unwrap_or_default(),
            ),
            Err(e) => (0, None, e.usage.unwrap_or_default()),
        };
        self.settle(
            &hold,
            &call,
            &model,
            usage,
            produced,
            cost,
            result.as_ref().err(),
        )
        .await;
        Ok(result?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(width: u32, height: u32) -> ImageDimensions {
        ImageDimensions { width, height }
    }

    #[test]
    fn sizes_snap_to_the_nearest_aspect_ratio_the_model_allows() {
        let dalle = [d(1024, 1024), d(1792, 1024), d(1024, 1792)];
        assert_eq!(snap_size(&dalle, 1280, 720), d(1792, 1024));
        assert_eq!(snap_size(&dalle, 800, 800), d(1024, 1024));
        assert_eq!(snap_size(&dalle, 720, 1280), d(1024, 1792));
        let bria = [d(1024, 1024), d(1344, 768)];
        assert_eq!(snap_size(&bria, 1536, 1024), d(1344, 768));
        assert_eq!(snap_size(&[], 1000, 700), d(1000, 700));
    }

    #[test]
    fn prompt_estimates_round_up() {
        assert_eq!(estimate_tokens(0), 0);
        assert_eq!(estimate_tokens(1), 1);
        assert_eq!(estimate_tokens(3000), 1000);
    }
}
