//! Structured output: ask for JSON matching a schema, check it, and re-ask on bad output.
//!
//! Algorithm (pinned by tests/structured.rs):
//! 1. Send the chat with `ResponseFormat::Json` (the client picks the wire form from its
//!    current structured mode and states the schema in the system prompt where the wire
//!    cannot enforce it).
//! 2. Before parsing: `finish == Length` → `Truncated` (re-asking would truncate again),
//!    a refusal → `Refusal`. Neither is re-asked.
//! 3. Extract JSON tolerantly ([`crate::extract`]), deserialize into `T`, run `validate`.
//! 4. On failure re-ask at most twice: append the bad reply and a user message quoting the
//!    error; halve the temperature if one was set (an unset temperature stays unset, because
//!    some models reject any explicit value).
//! 5. After three failures → `InvalidOutput` with the last error. Usage is summed over all
//!    attempts and attached to errors too, so spent tokens are never lost.

use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::chat::{ChatRequest, FinishReason, Message, ResponseFormat, Usage};
use crate::client::Client;
use crate::error::{cap_text, AiError, AiErrorKind, MAX_RAW_ANSWER_BYTES};
use crate::extract::extract_json;

/// First try plus two re-asks.
pub const MAX_ATTEMPTS: u32 = 3;

#[derive(Clone, Debug, PartialEq)]
pub struct StructuredRequest {
    /// Its `response_format` is ignored and replaced by the schema below.
    pub chat: ChatRequest,
    pub schema_name: String,
    pub schema: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Structured<T> {
    pub value: T,
    /// Summed over all attempts, including failed ones.
    pub usage: Usage,
    pub attempts: u32,
    pub model: String,
}

pub async fn structured<T: DeserializeOwned>(
    client: &Client,
    req: StructuredRequest,
    validate: impl Fn(&T) -> Result<(), String>,
    cancel: &CancellationToken,
) -> Result<Structured<T>, AiError> {
    let StructuredRequest {
        mut chat,
        schema_name,
        schema,
    } = req;
    chat.response_format = ResponseFormat::Json {
        name: sanitize_name(&schema_name),
        schema,
    };
    let mut usage = Usage::default();
    let mut last_error = String::new();
    let mut last_answer = String::new();
    for attempt in 1..=MAX_ATTEMPTS {
        let resp = match client.chat(&chat, cancel).await {
            Ok(r) => r,
            Err(mut e) => {
                e.usage = Some(usage + e.usage.unwrap_or_default());
                return Err(e);
            }
        };
        usage += resp.usage.unwrap_or_default();
        let fail = |kind: AiErrorKind, message: String| {
            let mut e = AiError::new(kind, client.config().name.clone(), message)
                .with_model(&resp.model)
                .with_request_id(resp.request_id.clone());
            e.usage = Some(usage);
            e.raw_answer = Some(cap_text(&resp.text, MAX_RAW_ANSWER_BYTES));
            e
        };
        if resp.finish == FinishReason::Length {
            return Err(fail(
                AiErrorKind::Truncated,
                format!(
                    "the answer hit the output limit ({} output tokens)",
                    resp.usage.map(|u| u.output_tokens).unwrap_or_default()
                ),
            ));
        }
        if resp.refusal.is_some() || resp.finish == FinishReason::Refusal {
            let why = resp
                .refusal
                .clone()
                .unwrap_or_else(|| "the model declined to answer".to_owned());
            return Err(fail(AiErrorKind::Refusal, why));
        }
        if resp.finish == FinishReason::ContentFilter {
            return Err(fail(
                AiErrorKind::Refusal,
                "the provider's content filter stopped the answer".to_owned(),
            ));
        }
        let outcome = extract_json::<T>(&resp.text).and_then(|v| validate(&v).map(|()| v));
        match outcome {
            Ok(value) => {
                return Ok(Structured {
                    value,
                    usage,
                    attempts: attempt,
                    model: resp.model,
                })
            }
            Err(e) => {
                tracing::debug!(
                    provider = client.config().name.as_str(),
                    attempt,
                    "structured output rejected; re-asking"
                );
                last_error = e;
                last_answer = resp.text.clone();
                if attempt < MAX_ATTEMPTS {
                    chat.messages.push(Message::assistant(resp.text));
                    chat.messages.push(Message::user(format!(
                        "Your previous reply failed validation: {last_error}. Return only the corrected JSON."
                    )));
                    chat.temperature = chat.temperature.map(|t| t / 2.0);
                }
            }
        }
    }
    let mut e = AiError::new(
        AiErrorKind::InvalidOutput,
        client.config().name.clone(),
        format!("after {MAX_ATTEMPTS} attempts: {last_error}"),
    )
    .with_model(&chat.model);
    e.usage = Some(usage);
    e.raw_answer = Some(cap_text(&last_answer, MAX_RAW_ANSWER_BYTES));
    Err(e)
}

/// OpenAI requires `[a-zA-Z0-9_-]{1,64}` for the schema name.
fn sanitize_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if s.is_empty() {
        "output".to_owned()
    } else {
        s
    }
}
