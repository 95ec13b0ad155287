//! OpenAI chat completions and images; also OpenAI-compatible servers (Ollama, LM Studio,
//! llama.cpp, OpenRouter), whose quirks are absorbed by tolerant types: every field is
//! optional, `choices` may be missing or null, usage may never come.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use tokio_util::sync::CancellationToken;

use crate::chat::{
    system_with_schema, ChatRequest, ChatResponse, FinishReason, ResponseFormat, Role, Usage,
};
use crate::client::{request_id, Client, StreamSink};
use crate::config::{ProviderKind, StructuredMode};
use crate::error::{AiError, AiErrorKind};
use crate::images::{decode_b64, sniff_mime, GeneratedImage, ImageRequest, ImageResponse};
use crate::retry;
use crate::sse::{cut_off, SseStream};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Completion {
    model: Option<String>,
    choices: Option<Vec<Choice>>,
    usage: Option<WireUsage>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Choice {
    message: Option<WireMessage>,
    delta: Option<WireMessage>,
    finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireMessage {
    /// A string normally; some servers send content parts.
    content: Option<Value>,
    refusal: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    // Images API (gpt-image) names them like Anthropic does.
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
}

impl WireUsage {
    fn to_usage(&self) -> Usage {
        Usage {
            input_tokens: self.prompt_tokens.or(self.input_tokens).unwrap_or(0),
            output_tokens: self.completion_tokens.or(self.output_tokens).unwrap_or(0),
        }
    }
}

fn content_text(v: &Option<Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect(),
        _ => String::new(),
    }
}

fn chat_body(client: &Client, req: &ChatRequest, mode: StructuredMode, stream: bool) -> Value {
    let json_schema = match &req.response_format {
        ResponseFormat::Json { name, schema } => Some((name, schema)),
        ResponseFormat::Text => None,
    };
    let prompt_schema = json_schema
        .filter(|_| mode != StructuredMode::JsonSchema)
        .map(|(_, s)| s);
    let mut messages = Vec::new();
    if let Some(system) = system_with_schema(req.system.as_deref(), prompt_schema) {
        messages.push(json!({"role": "system", "content": system}));
    }
    for m in &req.messages {
        let role = match m.role {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        messages.push(json!({"role": role, "content": m.content}));
    }
    let mut body = Map::new();
    body.insert("model".into(), json!(req.model));
    body.insert("messages".into(), Value::Array(messages));
    if let Some(t) = req.temperature {
        body.insert("temperature".into(), json!(t));
    }
    if let Some(n) = req.max_tokens {
        body.insert(client.config().max_tokens_field.as_str().into(), json!(n));
    }
    if let Some(seed) = req.seed {
        body.insert("seed".into(), json!(seed));
    }
    if let Some((name, schema)) = json_schema {
        match mode {
            StructuredMode::JsonSchema => {
                body.insert(
                    "response_format".into(),
                    json!({"type": "json_schema",
                           "json_schema": {"name": name, "strict": true, "schema": schema}}),
                );
            }
            // The Anyscale / llama-cpp-python form: json_object plus an optional schema.
            // OpenAI itself validates the object strictly, so it only gets the bare type.
            StructuredMode::JsonObject if client.config().kind == ProviderKind::OpenAi => {
                body.insert("response_format".into(), json!({"type": "json_object"}));
            }
            StructuredMode::JsonObject => {
                body.insert(
                    "response_format".into(),
                    json!({"type": "json_object", "schema": schema}),
                );
            }
            StructuredMode::PromptOnly => {}
        }
    }
    if stream {
        body.insert("stream".into(), json!(true));
        body.insert("stream_options".into(), json!({"include_usage": true}));
    }
    Value::Object(body)
}

pub(crate) async fn chat(
    client: &Client,
    req: &ChatRequest,
    mode: StructuredMode,
    sink: Option<&mut StreamSink<'_>>,
) -> Result<ChatResponse, AiError> {
    let body = chat_body(client, req, mode, sink.is_some());
    let builder = client.http().post(client.endpoint("chat/completions"));
    let resp = client.send(builder, Some(&body)).await?;
    let rid = request_id(resp.headers());
    match sink {
        None => {
            let c: Completion = client
                .read_json(resp)
                .await
                .map_err(|e| e.with_request_id(rid.clone()))?;
            let choice = c
                .choices
                .unwrap_or_default()
                .into_iter()
                .next()
                .unwrap_or_default();
            let msg = choice.message.unwrap_or_default();
            Ok(ChatResponse {
                text: content_text(&msg.content),
                finish: FinishReason::from_wire(choice.finish_reason.as_deref()),
                refusal: msg.refusal.filter(|r| !r.is_empty()),
                usage: c.usage.map(|u| u.to_usage()),
                model: c.model.unwrap_or_else(|| req.model.clone()),
                request_id: rid,
            })
        }
        Some(sink) => stream(client, req, resp, rid.clone(), sink)
            .await
            .map_err(|e| e.with_request_id(rid)),
    }
}

async fn stream(
    client: &Client,
    req: &ChatRequest,
    resp: reqwest::Response,
    rid: Option<String>,
    sink: &mut StreamSink<'_>,
) -> Result<ChatResponse, AiError> {
    let mut events = SseStream::new(resp, client.name());
    let mut text = String::new();
    let mut refusal = String::new();
    let mut finish: Option<String> = None;
    let mut usage: Option<Usage> = None;
    let mut model: Option<String> = None;
    let mut done = false;
    while let Some(event) = events.next().await {
        let event = event?;
        let data = event.data.trim();
        if data == "[DONE]" {
            done = true;
            break;
        }
        if data.is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(data).map_err(|e| {
            AiError::new(
                AiErrorKind::Transport,
                client.name(),
                format!("a stream chunk is not JSON: {e}"),
            )
        })?;
        // OpenRouter and vLLM report mid-stream failures as an error chunk with HTTP 200.
        if event.event == "error" || value.get("error").is_some() {
            return Err(client.http_error(None, &HeaderMap::new(), data));
        }
        let chunk: Completion = serde_json::from_value(value).map_err(|e| {
            AiError::new(
                AiErrorKind::Transport,
                client.name(),
                format!("a stream chunk has an unexpected shape: {e}"),
            )
        })?;
        if chunk.model.is_some() {
            model = chunk.model;
        }
        if let Some(u) = chunk.usage {
            usage = Some(u.to_usage());
        }
        for choice in chunk.choices.unwrap_or_default() {
            if let Some(delta) = choice.delta {
                let piece = content_text(&delta.content);
                if !piece.is_empty() {
                    text.push_str(&piece);
                    sink.delta(&piece);
                }
                if let Some(r) = delta.refusal {
                    refusal.push_str(&r);
                }
            }
            if choice.finish_reason.is_some() {
                finish = choice.finish_reason;
            }
        }
    }
    // Servers that skip `[DONE]` but did send a finish_reason are tolerated (only the usage
    // chunk can be missing then); without either, the answer was cut off.
    if !done && finish.is_none() {
        return Err(cut_off(client.name(), "[DONE]"));
    }
    Ok(ChatResponse {
        text,
        finish: FinishReason::from_wire(finish.as_deref()),
        refusal: (!refusal.is_empty()).then_some(refusal),
        usage,
        model: model.unwrap_or_else(|| req.model.clone()),
        request_id: rid,
    })
}

// ---- images ----

const DALLE3_SIZES: &[(u32, u32)] = &[(1024, 1024), (1792, 1024), (1024, 1792)];
const GPT_IMAGE_SIZES: &[(u32, u32)] = &[(1024, 1024), (1536, 1024), (1024, 1536)];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ImagesResponse {
    data: Option<Vec<ImageDatum>>,
    usage: Option<WireUsage>,
    output_format: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ImageDatum {
    b64_json: Option<String>,
    url: Option<String>,
    revised_prompt: Option<String>,
}

fn image_body(req: &ImageRequest, n: u32) -> Result<Value, String> {
    let model = req.model.as_str();
    let is_gpt_image = model.starts_with("gpt-image");
    let is_dalle3 = model.starts_with("dall-e-3");
    let allowed = if is_gpt_image {
        Some(GPT_IMAGE_SIZES)
    } else if is_dalle3 {
        Some(DALLE3_SIZES)
    } else {
        None
    };
    if let Some(allowed) = allowed {
        if !allowed.contains(&(req.width, req.height)) {
            let list: Vec<String> = allowed.iter().map(|(w, h)| format!("{w}x{h}")).collect();
            return Err(format!(
                "{model} cannot make {}x{} images; it supports {}",
                req.width,
                req.height,
                list.join(", ")
            ));
        }
    }
    // OpenAI has no negative prompt; saying it in words is the documented workaround.
    let prompt = match req
        .negative_prompt
        .as_deref()
        .filter(|n| !n.trim().is_empty())
    {
        Some(neg) => format!("{}\n\nAvoid: {neg}", req.prompt),
        None => req.prompt.clone(),
    };
    let mut body = json!({
        "model": model,
        "prompt": prompt,
        "n": n,
        "size": format!("{}x{}", req.width, req.height),
    });
    if let Some(q) = &req.quality {
        body["quality"] = json!(q);
    }
    if is_dalle3 {
        if let Some(s) = &req.style {
            body["style"] = json!(s);
        }
    }
    // gpt-image always answers in base64 and rejects the parameter.
    if !is_gpt_image {
        body["response_format"] = json!("b64_json");
    }
    Ok(body)
}

pub(crate) async fn generate_images(
    client: &Client,
    req: &ImageRequest,
    cancel: &CancellationToken,
    timeout: Duration,
) -> Result<ImageResponse, AiError> {
    let count = req.count.max(1);
    // dall-e-3 accepts only n=1, so several images take several requests.
    let per_call = if req.model.starts_with("dall-e-3") {
        1
    } else {
        count
    };
    let mut out = ImageResponse::default();
    let mut remaining = count;
    while remaining > 0 {
        let n = per_call.min(remaining);
        let body = image_body(req, n)
            .map_err(|m| AiError::new(AiErrorKind::BadRequest, client.name(), m))?;
        let (parsed, rid) = client
            .with_retries(cancel, timeout, || async {
                let builder = client.http().post(client.endpoint("images/generations"));
                let resp = client.send(builder, Some(&body)).await?;
                let rid = request_id(resp.headers());
                let parsed: ImagesResponse = client
                    .read_json(resp)
                    .await
                    .map_err(|e| e.with_request_id(rid.clone()))?;
                Ok((parsed, rid))
            })
            .await?;
        if out.request_id.is_none() {
            out.request_id = rid;
        }
        if let Some(u) = parsed.usage {
            out.usage = Some(out.usage.unwrap_or_default() + u.to_usage());
        }
        let fallback = format!(
            "image/{}",
            parsed
                .output_format
                .as_deref()
                .unwrap_or("png")
                .to_ascii_lowercase()
        );
        let data = parsed.data.unwrap_or_default();
        if data.is_empty() {
            return Err(AiError::new(
                AiErrorKind::Transport,
                client.name(),
                "the images response contained no images",
            ));
        }
        for d in data {
            let (bytes, mime, source_url) = if let Some(b64) = &d.b64_json {
                let bytes = decode_b64(client.name(), b64)?;
                let mime = sniff_mime(&bytes, &fallback);
                (bytes, mime, None)
            } else if let Some(url) = &d.url {
                // dall-e URLs expire after an hour: fetch now, not when the article is published.
                let (bytes, mime) = retry::guarded(
                    client.download_image(url, &fallback),
                    timeout,
                    cancel,
                    client.name(),
                )
                .await?;
                (bytes, mime, Some(url.clone()))
            } else {
                return Err(AiError::new(
                    AiErrorKind::Transport,
                    client.name(),
                    "an image result has neither b64_json nor url",
                ));
            };
            out.images.push(GeneratedImage {
                bytes,
                mime,
                revised_prompt: d.revised_prompt,
                seed: None,
                source_url,
            });
        }
        remaining = remaining.saturating_sub(n);
    }
    Ok(out)
}
