//! Paid AI calls as the pipeline makes them: the model from the registry (or the default of its
//! type), its provider's client with the key from the keychain, the account's and site's AI
//! settings, and the credit ledger around the call — credits are held before the request goes
//! out (an operation the balance cannot cover never starts) and every call that was made is
//! written to the ledger, failed ones included, with the tokens the provider reported.

use crate::ai::model_registry::{find_default, find_model};
use crate::credits::holds::HoldUse;
use crate::credits::pricing::estimate_with;
use crate::{CoreError, Folio};
use folio_ai::{
    AiError, CancellationToken, ChatRequest, ChatResponse, Client, ImageRequest, ImageResponse,
    StreamEvent, Structured, StructuredRequest, Usage,
};
use folio_model::{
    AiModel, AiOperation, AiSettings, CallOutcome, ContentId, CreditHold, EstimateInput,
    ImageDimensions, ModelType, SiteId, UsageRecord,
};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::Serialize;
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
    /// What a run already read: provider clients (reading a key from the OS keychain takes
    /// ~10 ms, more than everything else a call costs Folio), the model registry with its
    /// prices and the AI settings, each read once per run instead of once per call.
    pub cache: Option<Arc<RunCache>>,
    /// Where the call's validated answer is kept ([`Folio::ai_structured_kept`]).
    pub keep: Option<KeepAnswer>,
    /// Credits held for the whole item this call is part of (an article's parts): the call
    /// draws its estimate from that hold instead of taking one of its own, so an item the
    /// balance cannot cover never starts, and each call is one write (its ledger entry).
    pub item_hold: Option<CreditHold>,
}

/// A part of an item (a task's section, a cluster's ideas, a keyword batch's clusters) whose
/// validated answer is kept on this device (`write_checkpoints`),
/// written in the same transaction as the call's ledger entry: once the call is paid for, its
/// answer is saved too, so no crash makes a resumed run pay for it again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeepAnswer {
    /// The item's id: a task, a cluster, a keyword batch's first keyword.
    pub item: String,
    pub part: String,
}

/// The credits a call goes out under.
pub(crate) enum Held {
    /// Its own hold, which its ledger entry ends.
    Own(CreditHold),
    /// `credits` drawn from its item's hold.
    Drawn { hold: CreditHold, credits: u64 },
}

impl Held {
    fn usage(&self) -> HoldUse<'_> {
        match self {
            Held::Own(hold) => HoldUse::Settle(hold),
            Held::Drawn { hold, credits } => HoldUse::Draw(hold, *credits),
        }
    }
}

/// An answer to keep, encoded.
pub(crate) struct KeptAnswer<'a> {
    pub keep: &'a KeepAnswer,
    pub body: String,
}

impl KeptAnswer<'_> {
    /// Save it on the ledger entry's connection, inside its transaction.
    pub(crate) async fn save(&self, conn: &mut sqlx::SqliteConnection) -> Result<(), CoreError> {
        sqlx::query(
            "INSERT OR REPLACE INTO write_checkpoints (item, part, body, at) VALUES (?, ?, ?, ?)",
        )
        .bind(&self.keep.item)
        .bind(&self.keep.part)
        .bind(&self.body)
        .bind(crate::store::db::ts(crate::store::db::now()))
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// What one run reads once. Lives as long as the run, so a key, a price or a setting changed
/// meanwhile is picked up by the next run (a run's calls are all priced alike).
#[derive(Default)]
pub struct RunCache {
    clients: Mutex<HashMap<String, Client>>,
    models: tokio::sync::OnceCell<Vec<AiModel>>,
    settings: Mutex<HashMap<Option<SiteId>, AiSettings>>,
    base_credits: Mutex<HashMap<AiOperation, u64>>,
}

impl std::fmt::Debug for RunCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // never the clients themselves: they hold API keys
        f.write_str("RunCache")
    }
}

fn cached<K: std::hash::Hash + Eq, V: Clone>(map: &Mutex<HashMap<K, V>>, key: &K) -> Option<V> {
    map.lock().ok().and_then(|m| m.get(key).cloned())
}

fn remember<K: std::hash::Hash + Eq, V>(map: &Mutex<HashMap<K, V>>, key: K, value: V) {
    if let Ok(mut m) = map.lock() {
        m.insert(key, value);
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
            cache: None,
            keep: None,
            item_hold: None,
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

    /// Keep the validated answer as this part of `item` (see [`KeepAnswer`]).
    pub fn keep(mut self, item: impl ToString, part: impl Into<String>) -> Self {
        self.keep = Some(KeepAnswer {
            item: item.to_string(),
            part: part.into(),
        });
        self
    }

    /// Draw on an item's hold (see [`AiCall::item_hold`]).
    pub fn draw_from(mut self, hold: CreditHold) -> Self {
        self.item_hold = Some(hold);
        self
    }

    pub fn cache(mut self, cache: Arc<RunCache>) -> Self {
        self.cache = Some(cache);
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
    /// The model registry, from the run's cache when the call has one.
    async fn models_for(&self, call: &AiCall) -> Result<Vec<AiModel>, CoreError> {
        match &call.cache {
            Some(cache) => cache
                .models
                .get_or_try_init(|| self.ai_models())
                .await
                .cloned(),
            None => self.ai_models().await,
        }
    }

    /// An operation's base credits, from the run's cache when the call has one.
    async fn base_credits_for(&self, call: &AiCall) -> Result<u64, CoreError> {
        let op = call.operation;
        if let Some(base) = call
            .cache
            .as_ref()
            .and_then(|c| cached(&c.base_credits, &op))
        {
            return Ok(base);
        }
        let base = self.base_credits(op).await?;
        if let Some(cache) = &call.cache {
            remember(&cache.base_credits, op, base);
        }
        Ok(base)
    }

    /// The model the call names (or the default of `model_type`) and a client for its provider.
    async fn model_and_client(
        &self,
        call: &AiCall,
        model_type: ModelType,
    ) -> Result<(AiModel, Client), CoreError> {
        let models = self.models_for(call).await?;
        let model = match &call.model {
            Some(name) => find_model(&models, name)?,
            None => find_default(&models, model_type)?,
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
        let client = match call
            .cache
            .as_ref()
            .and_then(|c| cached(&c.clients, &model.provider))
        {
            Some(client) => client,
            None => {
                let client = self.ai_client(&model.provider, None).await?;
                if let Some(cache) = &call.cache {
                    remember(&cache.clients, model.provider.clone(), client.clone());
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
        let settings = match call
            .cache
            .as_ref()
            .and_then(|c| cached(&c.settings, &call.site))
        {
            Some(settings) => settings,
            None => {
                let settings = self.ai_settings(call.site).await?;
                if let Some(cache) = &call.cache {
                    remember(&cache.settings, call.site, settings);
                }
                settings
            }
        };
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

    /// The most text calls with these prompt sizes (in characters) can cost together, with the
    /// call's model and settings: what an item's hold is.
    pub(crate) async fn text_calls_estimate(
        &self,
        call: &AiCall,
        prompt_chars: &[usize],
    ) -> Result<u64, CoreError> {
        let (model, _) = self.model_and_client(call, ModelType::Text).await?;
        let mut req = ChatRequest::new("", Vec::new());
        self.apply_text_settings(call, &model, &mut req).await?;
        let mut total = 0u64;
        for &chars in prompt_chars {
            total = total.saturating_add(self.text_estimate(call, &model, &req, chars).await?);
        }
        Ok(total)
    }

    async fn text_estimate(
        &self,
        call: &AiCall,
        model: &AiModel,
        req: &ChatRequest,
        chars: usize,
    ) -> Result<u64, CoreError> {
        estimate_with(
            model,
            self.base_credits_for(call).await?,
            EstimateInput::Text {
                input_tokens: estimate_tokens(chars),
                max_output_tokens: u64::from(req.max_tokens.unwrap_or(0)),
            },
        )
    }

    async fn hold_for_text(
        &self,
        call: &AiCall,
        model: &AiModel,
        req: &ChatRequest,
        extra_chars: usize,
    ) -> Result<Held, CoreError> {
        let estimate = self
            .text_estimate(call, model, req, prompt_chars(req) + extra_chars)
            .await?;
        match &call.item_hold {
            Some(hold) => Ok(Held::Drawn {
                hold: hold.clone(),
                credits: estimate,
            }),
            None => Ok(Held::Own(
                self.reserve_credits(call.operation, estimate).await?,
            )),
        }
    }

    /// Writes the call's ledger entry. A failure to write it is logged and does not hide the
    /// call's own outcome: what the provider produced (and was paid for) is never thrown away
    /// over bookkeeping, and the hold stays until it lapses, so the balance errs low meanwhile.
    #[allow(clippy::too_many_arguments)]
    async fn settle(
        &self,
        hold: &Held,
        call: &AiCall,
        model: &AiModel,
        usage: Usage,
        images: u32,
        provider_cost_usd: Option<Decimal>,
        error: Option<&AiError>,
        kept: Option<KeptAnswer<'_>>,
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
        let base = match self.base_credits_for(call).await {
            Ok(base) => base,
            Err(e) => {
                tracing::error!(error = %e, operation = %call.operation,
                    "could not read the operation's price for the ledger entry of an AI call");
                return;
            }
        };
        match self
            .write_priced_entry(
                Some(hold.usage()),
                record,
                model.clone(),
                base,
                kept.as_ref(),
            )
            .await
        {
            Ok(entry) => {
                if let Some(meter) = &call.meter {
                    meter.add(entry.credits, entry.cost_usd);
                }
                // the item of a stage run this call is part of (an automation's item log)
                let _ = crate::pipeline::runner::ITEM_METER
                    .try_with(|m| m.add(entry.credits, entry.cost_usd));
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
        self.settle(
            &hold,
            &call,
            &model,
            usage,
            0,
            None,
            result.as_ref().err(),
            None,
        )
        .await;
        Ok(result?)
    }

    /// Typed output through [`folio_ai::structured`] (schema, truncation and refusal checks,
    /// re-asks), charged for every attempt's tokens.
    pub async fn ai_structured<T: DeserializeOwned>(
        &self,
        call: AiCall,
        req: StructuredRequest,
        validate: impl Fn(&T) -> Result<(), String>,
        cancel: &CancellationToken,
    ) -> Result<Structured<T>, CoreError> {
        self.structured_call(call, req, validate, cancel, |_: &T| None)
            .await
    }

    /// [`Folio::ai_structured`] whose validated answer is kept as the call's
    /// [`AiCall::keep`] part, in the same write as its ledger entry.
    pub async fn ai_structured_kept<T: Serialize + DeserializeOwned>(
        &self,
        call: AiCall,
        req: StructuredRequest,
        validate: impl Fn(&T) -> Result<(), String>,
        cancel: &CancellationToken,
    ) -> Result<Structured<T>, CoreError> {
        if call.keep.is_none() {
            return Err(CoreError::Internal(
                "a kept answer needs the part it is kept as".into(),
            ));
        }
        self.structured_call(call, req, validate, cancel, |v: &T| {
            serde_json::to_string(v).ok()
        })
        .await
    }

    async fn structured_call<T: DeserializeOwned>(
        &self,
        call: AiCall,
        mut req: StructuredRequest,
        validate: impl Fn(&T) -> Result<(), String>,
        cancel: &CancellationToken,
        encode: impl Fn(&T) -> Option<String>,
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
        let kept = match (&call.keep, &result) {
            (Some(keep), Ok(s)) => encode(&s.value).map(|body| KeptAnswer { keep, body }),
            _ => None,
        };
        self.settle(
            &hold,
            &call,
            &model,
            usage,
            0,
            None,
            result.as_ref().err(),
            kept,
        )
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
        let estimate = estimate_with(&model, 0, EstimateInput::Images { count: req.count })?;
        let hold = Held::Own(self.reserve_credits(call.operation, estimate).await?);
        let result = client.generate_images(&req, cancel).await;
        let (produced, cost, usage) = match &result {
            Ok(r) => (
                u32::try_from(r.images.len()).unwrap_or(u32::MAX),
                r.cost_usd,
                r.usage.unwrap_or_default(),
            ),
            Err(e) => (0, None, e.usage.unwrap_or_default()),
        };
        // A kept image is its stored file (content-addressed), named in the charge's write: a
        // process stopped right after paying finds the image instead of buying it again.
        let mut kept_path = None;
        if let (Some(_), Ok(r)) = (&call.keep, &result) {
            if let Some(img) = r.images.first() {
                match crate::writer::image_files::store_provider_image(self.data_dir(), &img.bytes)
                    .await
                {
                    Ok(path) => kept_path = serde_json::to_string(&path).ok(),
                    Err(e) => tracing::warn!(error = %e, "could not keep a generated image"),
                }
            }
        }
        let kept = match (&call.keep, kept_path) {
            (Some(keep), Some(body)) => Some(KeptAnswer { keep, body }),
            _ => None,
        };
        self.settle(
            &hold,
            &call,
            &model,
            usage,
            produced,
            cost,
            result.as_ref().err(),
            kept,
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
