//! The `Client`: one HTTP connection pool per provider config, the retry loop, the
//! structured-mode fallback state, and HTTP error normalisation shared by all providers.

use std::future::Future;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::chat::{ChatRequest, ChatResponse, ResponseFormat, StreamEvent};
use crate::config::{ProviderConfig, ProviderKind, StructuredMode};
use crate::error::{scrub, AiError, AiErrorKind};
use crate::images::{ImageRequest, ImageResponse};
use crate::retry;
use crate::{anthropic, openai, runware};

/// Called before each retry with (upcoming attempt number, delay, reason).
pub type RetryObserver = Arc<dyn Fn(u32, Duration, AiErrorKind) + Send + Sync>;

/// What [`Client::check`] found.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CheckReport {
    /// Number of models the provider listed, when it has a model list.
    pub models: Option<usize>,
    pub request_id: Option<String>,
}

/// A provider client. Cheap to clone: clones share the connection pool and the learned
/// structured-output mode.
#[derive(Clone)]
pub struct Client {
    config: Arc<ProviderConfig>,
    http: reqwest::Client,
    mode: Arc<AtomicU8>,
    observer: Option<RetryObserver>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("structured_mode", &self.structured_mode())
            .finish_non_exhaustive()
    }
}

/// Where streamed deltas go, and whether any went there (after which retrying would
/// duplicate text the caller has already shown).
pub(crate) struct StreamSink<'a> {
    pub on_event: &'a mut (dyn FnMut(StreamEvent<'_>) + Send),
    pub delivered: bool,
}

impl StreamSink<'_> {
    pub(crate) fn delta(&mut self, text: &str) {
        if !text.is_empty() {
            self.delivered = true;
            (self.on_event)(StreamEvent::Delta(text));
        }
    }
}

impl Client {
    pub fn new(config: ProviderConfig) -> Result<Self, AiError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("folio-ai/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                AiError::new(
                    AiErrorKind::BadRequest,
                    config.name.clone(),
                    format!("could not build the HTTP client: {e}"),
                )
            })?;
        let mode = Arc::new(AtomicU8::new(config.structured_mode.to_u8()));
        Ok(Self {
            config: Arc::new(config),
            http,
            mode,
            observer: None,
        })
    }

    /// Reports every retry of `chat`, `generate_images` and `check` (streams also get
    /// `StreamEvent::Retrying`).
    pub fn with_retry_observer(mut self, observer: RetryObserver) -> Self {
        self.observer = Some(observer);
        self
    }

    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    /// The mode in use after any automatic fallback; persist it so the next session starts there.
    pub fn structured_mode(&self) -> StructuredMode {
        StructuredMode::from_u8(self.mode.load(Ordering::Relaxed))
    }

    pub async fn chat(
        &self,
        req: &ChatRequest,
        cancel: &CancellationToken,
    ) -> Result<ChatResponse, AiError> {
        self.chat_with_retries(req, cancel, None).await
    }

    /// Like [`Client::chat`], streaming text deltas to `on_event` as they arrive. Failures
    /// before the first delta are retried (reported as `StreamEvent::Retrying`); failures
    /// after it are returned, because the caller has already shown part of the answer.
    pub async fn chat_stream(
        &self,
        req: &ChatRequest,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(StreamEvent<'_>) + Send),
    ) -> Result<ChatResponse, AiError> {
        let mut sink = StreamSink {
            on_event,
            delivered: false,
        };
        self.chat_with_retries(req, cancel, Some(&mut sink)).await
    }

    pub async fn generate_images(
        &self,
        req: &ImageRequest,
        cancel: &CancellationToken,
    ) -> Result<ImageResponse, AiError> {
        let timeout = req.timeout.unwrap_or(self.config.request_timeout);
        let result = match self.config.kind {
            ProviderKind::Runware => {
                let inference = self
                    .with_retries(cancel, timeout, || runware::infer(self, req))
                    .await?;
                retry::guarded(
                    runware::collect(self, inference),
                    timeout,
                    cancel,
                    &self.config.name,
                )
                .await
            }
            ProviderKind::OpenAi | ProviderKind::OpenAiCompatible => {
                openai::generate_images(self, req, cancel, timeout).await
            }
            ProviderKind::Anthropic => Err(AiError::new(
                AiErrorKind::BadRequest,
                self.config.name.clone(),
                "Anthropic does not generate images; pick an OpenAI or Runware provider for images",
            )),
        };
        result.map_err(|e| e.with_model(&req.model))
    }

    /// A cheap authenticated call to confirm the URL and key work.
    pub async fn check(&self, cancel: &CancellationToken) -> Result<CheckReport, AiError> {
        let timeout = self.config.request_timeout.min(Duration::from_secs(60));
        match self.config.kind {
            ProviderKind::Runware => {
                self.with_retries(cancel, timeout, || runware::check(self))
                    .await
            }
            _ => {
                self.with_retries(cancel, timeout, || self.list_models())
                    .await
            }
        }
    }

    async fn list_models(&self) -> Result<CheckReport, AiError> {
        let resp = self
            .send(self.http.get(self.endpoint("models")), None)
            .await?;
        let request_id = request_id(resp.headers());
        let body: Value = self.read_json(resp).await?;
        let models = body
            .get("data")
            .or_else(|| body.get("models"))
            .and_then(Value::as_array)
            .map(Vec::len);
        Ok(CheckReport { models, request_id })
    }

    async fn chat_with_retries(
        &self,
        req: &ChatRequest,
        cancel: &CancellationToken,
        mut sink: Option<&mut StreamSink<'_>>,
    ) -> Result<ChatResponse, AiError> {
        let timeout = req.timeout.unwrap_or(self.config.request_timeout);
        let name = self.config.name.as_str();
        let mut attempt = 1u32;
        loop {
            let mode = self.structured_mode();
            let fut = async {
                match self.config.kind {
                    ProviderKind::Anthropic => {
                        anthropic::chat(self, req, mode, sink.as_deref_mut()).await
                    }
                    ProviderKind::OpenAi | ProviderKind::OpenAiCompatible => {
                        openai::chat(self, req, mode, sink.as_deref_mut()).await
                    }
                    ProviderKind::Runware => Err(AiError::new(
                        AiErrorKind::BadRequest,
                        name,
                        "Runware only generates images; pick a text provider for chat",
                    )),
                }
            };
            let err = match retry::guarded(fut, timeout, cancel, name).await {
                Ok(resp) => return Ok(resp),
                Err(e) => e.with_model(&req.model),
            };
            if err.kind == AiErrorKind::Cancelled {
                return Err(err);
            }
            if matches!(req.response_format, ResponseFormat::Json { .. })
                && self.try_downgrade(mode, &err)
            {
                continue;
            }
            if sink.as_ref().is_some_and(|s| s.delivered) {
                return Err(err);
            }
            let Some(delay) = retry::next_delay(&self.config.retry, attempt, &err) else {
                return Err(err);
            };
            attempt += 1;
            self.notify_retry(attempt, delay, err.kind);
            if let Some(s) = sink.as_deref_mut() {
                (s.on_event)(StreamEvent::Retrying {
                    attempt,
                    delay,
                    reason: err.kind,
                });
            }
            wait_to_retry(name, attempt, delay, err.kind, cancel).await?;
        }
    }

    /// The retry loop for calls that do not stream.
    pub(crate) async fn with_retries<T, F, Fut>(
        &self,
        cancel: &CancellationToken,
        timeout: Duration,
        mut call: F,
    ) -> Result<T, AiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AiError>>,
    {
        let name = self.config.name.as_str();
        let mut attempt = 1u32;
        loop {
            let err = match retry::guarded(call(), timeout, cancel, name).await {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            let Some(delay) = retry::next_delay(&self.config.retry, attempt, &err) else {
                return Err(err);
            };
            attempt += 1;
            self.notify_retry(attempt, delay, err.kind);
            wait_to_retry(name, attempt, delay, err.kind, cancel).await?;
        }
    }

    fn notify_retry(&self, attempt: u32, delay: Duration, kind: AiErrorKind) {
        if let Some(obs) = &self.observer {
            obs(attempt, delay, kind);
        }
    }

    /// Steps the structured mode down when a server says it does not understand the format
    /// we sent. Returns whether a weaker mode is now in effect (so the call should be re-sent
    /// at once, without counting as a retry).
    fn try_downgrade(&self, used: StructuredMode, err: &AiError) -> bool {
        if !matches!(
            self.config.kind,
            ProviderKind::OpenAiCompatible | ProviderKind::Anthropic
        ) {
            return false;
        }
        if !matches!(err.status, Some(400 | 422 | 500)) {
            return false;
        }
        if matches!(
            err.kind,
            AiErrorKind::ContextTooLong | AiErrorKind::Auth | AiErrorKind::QuotaExhausted
        ) {
            return false;
        }
        let m = err.message.to_ascii_lowercase();
        let rejects_format = m.contains("response_format")
            || m.contains("json_schema")
            || m.contains("input should be 'text' or 'json_object'")
            || m.contains("output_config")
            || m.contains("output_format");
        if !rejects_format {
            return false;
        }
        let Some(weaker) = used.weaker() else {
            return false;
        };
        // Another clone may have stepped down concurrently; either way the current mode is
        // now weaker than the one that failed.
        let _ = self.mode.compare_exchange(
            used.to_u8(),
            weaker.to_u8(),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
        tracing::warn!(
            provider = self.config.name.as_str(),
            from = used.as_str(),
            to = weaker.as_str(),
            "server rejected the structured-output format; falling back"
        );
        true
    }

    // ---- shared HTTP plumbing for the provider modules ----

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub(crate) fn name(&self) -> &str {
        &self.config.name
    }

    /// `{base_url}/{path}`; `Url::join` would drop the base's last segment (`/v1`).
    pub(crate) fn endpoint(&self, path: &str) -> String {
        let base = self.config.base_url.as_str().trim_end_matches('/');
        if path.is_empty() {
            base.to_owned()
        } else {
            format!("{base}/{path}")
        }
    }

    /// Adds auth headers, sends, and turns a non-2xx answer into an `AiError`.
    pub(crate) async fn send(
        &self,
        builder: reqwest::RequestBuilder,
        body: Option<&Value>,
    ) -> Result<reqwest::Response, AiError> {
        let mut builder = builder;
        if let Some(key) = &self.config.api_key {
            builder = match self.config.kind {
                ProviderKind::Anthropic => builder.header("x-api-key", key.expose()),
                _ => builder.bearer_auth(key.expose()),
            };
        }
        if self.config.kind == ProviderKind::Anthropic {
            builder = builder.header("anthropic-version", "2023-06-01");
        }
        if let Some(body) = body {
            builder = builder.json(body);
        }
        let resp = builder.send().await.map_err(|e| self.map_reqwest(e))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let headers = resp.headers().clone();
        let text = crate::body::error_text(resp).await;
        Err(self.http_error(Some(status.as_u16()), &headers, &text))
    }

    pub(crate) async fn read_json<T: serde::de::DeserializeOwned>(
        &self,
        resp: reqwest::Response,
    ) -> Result<T, AiError> {
        let rid = request_id(resp.headers());
        let bytes = self
            .read_body(resp, crate::body::MAX_JSON_BYTES)
            .await
            .map_err(|e| e.with_request_id(rid.clone()))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            AiError::new(
                AiErrorKind::Transport,
                self.name(),
                format!("the response body is not the expected JSON: {e}"),
            )
            .with_request_id(rid)
        })
    }

    /// A body of at most `limit` bytes ([`crate::body`]).
    pub(crate) async fn read_body(
        &self,
        resp: reqwest::Response,
        limit: usize,
    ) -> Result<Vec<u8>, AiError> {
        crate::body::read(resp, limit, self.name())
            .await
            .map_err(|e| match e {
                crate::body::ReadError::Http(e) => self.map_reqwest(e),
                crate::body::ReadError::TooLarge(e) => e,
            })
    }

    pub(crate) fn map_reqwest(&self, e: reqwest::Error) -> AiError {
        let kind = if e.is_connect() {
            AiErrorKind::Unreachable
        } else if e.is_timeout() {
            AiErrorKind::Timeout
        } else {
            AiErrorKind::Transport
        };
        // reqwest's Display can include the URL, never headers; scrub anyway.
        let mut err = AiError::new(
            kind,
            self.name(),
            scrub(&error_chain(&e), self.config.api_key.as_ref()),
        );
        err.endpoint = Some(
            self.config
                .base_url
                .as_str()
                .trim_end_matches('/')
                .to_owned(),
        );
        err
    }

    /// Normalises a provider error (HTTP error body, Runware `errors[]`, or an SSE
    /// `event: error`) per the reference's §1.7 table.
    pub(crate) fn http_error(
        &self,
        status: Option<u16>,
        headers: &HeaderMap,
        body: &str,
    ) -> AiError {
        let wire = WireError::parse(body);
        let kind = classify(status, &wire);
        let mut err = AiError::new(
            kind,
            self.name(),
            scrub(&wire.message, self.config.api_key.as_ref()),
        );
        err.status = status;
        err.request_id = request_id(headers).or(wire.request_id);
        if matches!(kind, AiErrorKind::RateLimited | AiErrorKind::Overloaded) {
            err.retry_after = retry::retry_after(headers);
        }
        err
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "request-id"]
        .iter()
        .find_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
        .map(str::to_owned)
}

/// The fields of the various error envelopes we understand.
#[derive(Debug, Default)]
pub(crate) struct WireError {
    pub message: String,
    /// type, code, details.error_code, Runware codes — everything classification looks at.
    pub codes: Vec<String>,
    pub request_id: Option<String>,
}

impl WireError {
    pub(crate) fn parse(body: &str) -> Self {
        let mut w = WireError::default();
        let Ok(v) = serde_json::from_str::<Value>(body) else {
            w.message = truncate(body.trim(), 300);
            return w;
        };
        w.request_id = v
            .get("request_id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let push = |w: &mut WireError, v: Option<&Value>| match v {
            Some(Value::String(s)) => w.codes.push(s.clone()),
            Some(Value::Number(n)) => w.codes.push(n.to_string()),
            _ => {}
        };
        match v.get("error") {
            // OpenAI / Anthropic / llama.cpp / Ollama-v1 envelope.
            Some(obj @ Value::Object(_)) => {
                w.message = str_field(obj, "message");
                push(&mut w, obj.get("type"));
                push(&mut w, obj.get("code"));
                push(&mut w, obj.get("details").and_then(|d| d.get("error_code")));
            }
            // Ollama native: {"error":"..."}.
            Some(Value::String(s)) => w.message = s.clone(),
            // Runware legacy: {"error":true,"errorMessage":"..."}.
            Some(Value::Bool(true)) => {
                w.message = str_field(&v, "errorMessage");
                push(&mut w, v.get("errorId"));
            }
            _ => {}
        }
        if let Some(errors) = v.get("errors").and_then(Value::as_array) {
            let mut messages = Vec::new();
            for e in errors {
                push(&mut w, e.get("code"));
                let m = str_field(e, "message");
                if !m.is_empty() {
                    messages.push(m);
                }
            }
            if w.message.is_empty() {
                w.message = messages.join("; ");
            }
        }
        if w.message.is_empty() {
            w.message = str_field(&v, "message");
        }
        if w.message.is_empty() && w.codes.is_empty() {
            w.message = truncate(body.trim(), 300);
        }
        w
    }
}

fn str_field(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

pub(crate) fn classify(status: Option<u16>, w: &WireError) -> AiErrorKind {
    let codes: Vec<String> = w.codes.iter().map(|c| c.to_ascii_lowercase()).collect();
    let has = |c: &str| codes.iter().any(|x| x == c);
    let msg = w.message.to_ascii_lowercase();
    if status == Some(402)
        || has("insufficient_quota")
        || has("enforced_spend_limit_reached")
        || has("insufficientcredits")
        || msg.contains("credit balance is too low")
        || msg.contains("insufficient credit")
    {
        return AiErrorKind::QuotaExhausted;
    }
    if status == Some(401)
        || status == Some(403)
        || has("authentication_error")
        || has("permission_error")
        || has("invalid_api_key")
        || has("invalidapikey")
        || msg.contains("invalid api key")
    {
        return AiErrorKind::Auth;
    }
    if has("context_length_exceeded")
        || has("exceed_context_size_error")
        || msg.contains("prompt is too long")
        || msg.contains("maximum context length")
        || msg.contains("context size has been exceeded")
        || msg.contains("exceeds the available context size")
    {
        return AiErrorKind::ContextTooLong;
    }
    if status == Some(429) || has("rate_limit_error") || has("rate_limit_exceeded") {
        return AiErrorKind::RateLimited;
    }
    if matches!(status, Some(503 | 504 | 529)) || has("overloaded_error") || has("timeoutprovider")
    {
        return AiErrorKind::Overloaded;
    }
    if status == Some(404) || has("not_found_error") || has("model_not_found") {
        return AiErrorKind::NotFound;
    }
    if status == Some(408) {
        return AiErrorKind::Timeout;
    }
    match status {
        Some(s) if s >= 500 => AiErrorKind::Server,
        Some(s) if s >= 400 => AiErrorKind::BadRequest,
        // A 200 carrying errors (Runware) or a mid-stream error event.
        _ if has("api_error") || has("server_error") => AiErrorKind::Server,
        _ => AiErrorKind::BadRequest,
    }
}

/// Sleeps before the next attempt (or stops at once on cancel), noting why in the debug log.
async fn wait_to_retry(
    name: &str,
    attempt: u32,
    delay: Duration,
    kind: AiErrorKind,
    cancel: &CancellationToken,
) -> Result<(), AiError> {
    tracing::debug!(
        provider = name,
        attempt,
        ?delay,
        kind = kind.as_str(),
        "retrying"
    );
    retry::sleep_or_cancel(delay, cancel, name).await
}
