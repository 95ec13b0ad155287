//! Provider-neutral chat request/response types.

use std::ops::{Add, AddAssign};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::AiErrorKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Self {
            role: Role::System,
            content: content.into(),
        }
    }
    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: Role::User,
            content: content.into(),
        }
    }
    pub fn assistant(content: impl Into<String>) -> Self {
        Self {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub enum ResponseFormat {
    #[default]
    Text,
    /// `name` must match `[a-zA-Z0-9_-]{1,64}` (OpenAI's rule).
    Json {
        name: String,
        schema: serde_json::Value,
    },
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct ChatRequest {
    pub model: String,
    pub system: Option<String>,
    pub messages: Vec<Message>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    pub response_format: ResponseFormat,
    pub seed: Option<u64>,
    /// Per-attempt timeout; `None` uses `ProviderConfig::request_timeout`.
    pub timeout: Option<Duration>,
}

impl ChatRequest {
    pub fn new(model: impl Into<String>, messages: Vec<Message>) -> Self {
        Self {
            model: model.into(),
            messages,
            ..Self::default()
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

impl Usage {
    pub fn total(&self) -> u64 {
        self.input_tokens + self.output_tokens
    }
}

impl Add for Usage {
    type Output = Usage;
    fn add(self, rhs: Usage) -> Usage {
        Usage {
            input_tokens: self.input_tokens + rhs.input_tokens,
            output_tokens: self.output_tokens + rhs.output_tokens,
        }
    }
}

impl AddAssign for Usage {
    fn add_assign(&mut self, rhs: Usage) {
        *self = *self + rhs;
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    Stop,
    Length,
    ContentFilter,
    Refusal,
    ToolUse,
    Other(String),
}

impl FinishReason {
    /// Maps both OpenAI `finish_reason` and Anthropic `stop_reason` values. A missing reason
    /// (some local servers omit it) counts as a normal stop.
    pub(crate) fn from_wire(s: Option<&str>) -> Self {
        match s {
            None | Some("stop" | "end_turn" | "stop_sequence" | "") => Self::Stop,
            Some("length" | "max_tokens" | "model_context_window_exceeded") => Self::Length,
            Some("content_filter") => Self::ContentFilter,
            Some("refusal") => Self::Refusal,
            Some("tool_calls" | "tool_use" | "function_call") => Self::ToolUse,
            Some(other) => Self::Other(other.to_owned()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChatResponse {
    pub text: String,
    pub finish: FinishReason,
    pub refusal: Option<String>,
    pub usage: Option<Usage>,
    pub model: String,
    pub request_id: Option<String>,
}

/// Progress reported by [`crate::Client::chat_stream`].
#[derive(Clone, Debug, PartialEq)]
pub enum StreamEvent<'a> {
    Delta(&'a str),
    /// A failed attempt (before any delta) is about to be retried after `delay`.
    Retrying {
        attempt: u32,
        delay: Duration,
        reason: AiErrorKind,
    },
}

/// Stated in the system prompt when the wire cannot enforce the schema (and for Anthropic
/// and small local models, which follow a visible schema better than a bare constraint).
pub(crate) fn schema_instruction(schema: &serde_json::Value) -> String {
    format!(
        "Reply with only one JSON value that conforms to this JSON Schema. No prose, no Markdown code fences.\nJSON Schema:\n{schema}"
    )
}

/// The system prompt with the schema instruction appended when requested.
pub(crate) fn system_with_schema(
    system: Option<&str>,
    schema: Option<&serde_json::Value>,
) -> Option<String> {
    match (system, schema) {
        (s, None) => s.map(str::to_owned),
        (None, Some(schema)) => Some(schema_instruction(schema)),
        (Some(s), Some(schema)) => Some(format!("{s}\n\n{}", schema_instruction(schema))),
    }
}
