//! Anthropic Messages API: `x-api-key` auth, top-level `system`, required `max_tokens`,
//! content blocks, and named SSE events.

use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::chat::{
    system_with_schema, ChatRequest, ChatResponse, FinishReason, ResponseFormat, Role, Usage,
};
use crate::client::{request_id, Client, StreamSink};
use crate::config::StructuredMode;
use crate::error::{AiError, AiErrorKind};
use crate::sse::{cut_off, SseStream};

/// Anthropic requires `max_tokens`; this is used when the caller leaves it open.
pub(crate) const DEFAULT_MAX_TOKENS: u32 = 4096;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MessageResponse {
    model: Option<String>,
    content: Vec<Block>,
    stop_reason: Option<String>,
    usage: Option<WireUsage>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Block {
    #[serde(rename = "type")]
    kind: String,
    text: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone, Copy)]
#[serde(default)]
struct WireUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
}

fn body(req: &ChatRequest, mode: StructuredMode, stream: bool) -> Value {
    let schema = match &req.response_format {
        ResponseFormat::Json { schema, .. } => Some(schema),
        ResponseFormat::Text => None,
    };
    // System-role messages have no place in `messages`; fold them into `system`.
    let mut system_parts: Vec<&str> = req.system.iter().map(String::as_str).collect();
    system_parts.extend(
        req.messages
            .iter()
            .filter(|m| m.role == Role::System)
            .map(|m| m.content.as_str()),
    );
    let system_joined = (!system_parts.is_empty()).then(|| system_parts.join("\n\n"));
    // Roles must alternate, so consecutive same-role messages are merged.
    let mut messages: Vec<(&'static str, String)> = Vec::new();
    for m in req.messages.iter().filter(|m| m.role != Role::System) {
        let role = if m.role == Role::Assistant {
            "assistant"
        } else {
            "user"
        };
        match messages.last_mut() {
            Some((r, c)) if *r == role => {
                c.push_str("\n\n");
                c.push_str(&m.content);
            }
            _ => messages.push((role, m.content.clone())),
        }
    }
    let mut b = Map::new();
    b.insert("model".into(), json!(req.model));
    b.insert(
        "max_tokens".into(),
        json!(req.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS)),
    );
    b.insert(
        "messages".into(),
        Value::Array(
            messages
                .into_iter()
                .map(|(role, content)| json!({"role": role, "content": content}))
                .collect(),
        ),
    );
    if let Some(system) = system_with_schema(system_joined.as_deref(), schema) {
        b.insert("system".into(), json!(system));
    }
    if let Some(t) = req.temperature {
        // Anthropic's range is 0–1; OpenAI-style values up to 2 would be a 400.
        b.insert("temperature".into(), json!(t.clamp(0.0, 1.0)));
    }
    if let (Some(schema), false) = (schema, mode == StructuredMode::PromptOnly) {
        b.insert(
            "output_config".into(),
            json!({"format": {"type": "json_schema", "schema": schema}}),
        );
    }
    if stream {
        b.insert("stream".into(), json!(true));
    }
    Value::Object(b)
}

fn response(
    text: String,
    stop_reason: Option<&str>,
    usage: Option<Usage>,
    model: String,
    request_id: Option<String>,
) -> ChatResponse {
    let finish = FinishReason::from_wire(stop_reason);
    let refusal = (finish == FinishReason::Refusal).then(|| {
        if text.trim().is_empty() {
            "the model declined to answer".to_owned()
        } else {
            text.clone()
        }
    });
    ChatResponse {
        text,
        finish,
        refusal,
        usage,
        model,
        request_id,
    }
}

pub(crate) async fn chat(
    client: &Client,
    req: &ChatRequest,
    mode: StructuredMode,
    sink: Option<&mut StreamSink<'_>>,
) -> Result<ChatResponse, AiError> {
    let body = body(req, mode, sink.is_some());
    let builder = client.http().post(client.endpoint("messages"));
    let resp = client.send(builder, Some(&body)).await?;
    let rid = request_id(resp.headers());
    match sink {
        None => {
            let m: MessageResponse = client
                .read_json(resp)
                .await
                .map_err(|e| e.with_request_id(rid.clone()))?;
            // Only text blocks make up the answer; thinking and tool blocks are not ours.
            let text: String = m
                .content
                .iter()
                .filter(|b| b.kind == "text")
                .filter_map(|b| b.text.as_deref())
                .collect();
            let usage = m.usage.map(|u| Usage {
                input_tokens: u.input_tokens.unwrap_or(0),
                output_tokens: u.output_tokens.unwrap_or(0),
            });
            Ok(response(
                text,
                m.stop_reason.as_deref(),
                usage,
                m.model.unwrap_or_else(|| req.model.clone()),
                rid,
            ))
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
    let mut stop_reason: Option<String> = None;
    let mut usage: Option<Usage> = None;
    let mut model: Option<String> = None;
    let mut stopped = false;
    while let Some(event) = events.next().await {
        let event = event?;
        let data = event.data.trim();
        // The `event:` line and the data's `type` agree; fall back to the latter if a proxy
        // dropped the former.
        let value: Value = if data.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(data).map_err(|e| {
                AiError::new(
                    AiErrorKind::Transport,
                    client.name(),
                    format!("a stream event is not JSON: {e}"),
                )
            })?
        };
        let name = if event.event.is_empty() || event.event == "message" {
            value
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        } else {
            event.event.clone()
        };
        match name.as_str() {
            "message_start" => {
                let msg = value.get("message");
                if let Some(m) = msg.and_then(|m| m.get("model")).and_then(Value::as_str) {
                    model = Some(m.to_owned());
                }
                if let Some(u) = msg.and_then(|m| m.get("usage")) {
                    merge_usage(usage.get_or_insert_with(Usage::default), Some(u));
                }
            }
            "content_block_delta" => {
                let delta = value.get("delta");
                let is_text = delta
                    .and_then(|d| d.get("type"))
                    .and_then(Value::as_str)
                    .is_some_and(|t| t == "text_delta");
                if is_text {
                    if let Some(piece) = delta.and_then(|d| d.get("text")).and_then(Value::as_str) {
                        text.push_str(piece);
                        sink.delta(piece);
                    }
                }
            }
            "message_delta" => {
                if let Some(r) = value
                    .get("delta")
                    .and_then(|d| d.get("stop_reason"))
                    .and_then(Value::as_str)
                {
                    stop_reason = Some(r.to_owned());
                }
                if value.get("usage").is_some() {
                    merge_usage(usage.get_or_insert_with(Usage::default), value.get("usage"));
                }
            }
            "message_stop" => {
                stopped = true;
                break;
            }
            // Overload and other failures can arrive mid-stream with HTTP 200.
            "error" => return Err(client.http_error(None, &HeaderMap::new(), data)),
            // ping, content_block_start/stop, and event types added after this was written.
            _ => {}
        }
    }
    if !stopped && stop_reason.is_none() {
        return Err(cut_off(client.name(), "message_stop"));
    }
    Ok(response(
        text,
        stop_reason.as_deref(),
        usage,
        model.unwrap_or_else(|| req.model.clone()),
        rid,
    ))
}

/// `message_delta` usage is cumulative, so later values replace earlier ones.
fn merge_usage(into: &mut Usage, wire: Option<&Value>) {
    let Some(w) = wire.and_then(|w| serde_json::from_value::<WireUsage>(w.clone()).ok()) else {
        return;
    };
    if let Some(i) = w.input_tokens {
        into.input_tokens = i;
    }
    if let Some(o) = w.output_tokens {
        into.output_tokens = o;
    }
}
