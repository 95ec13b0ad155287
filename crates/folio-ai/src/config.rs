//! Provider configuration: which wire format to speak, where, with which key and limits.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::Url;

/// The wire format family a provider speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    OpenAi,
    Anthropic,
    Runware,
    /// Ollama, LM Studio, llama.cpp, OpenRouter and other servers that copy OpenAI's chat API.
    OpenAiCompatible,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenAi => "openai",
            Self::Anthropic => "anthropic",
            Self::Runware => "runware",
            Self::OpenAiCompatible => "openai_compatible",
        }
    }

    /// `None` for compatible servers: there is no canonical host, the user must give one.
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            Self::OpenAi => Some("https://api.openai.com/v1"),
            Self::Anthropic => Some("https://api.anthropic.com/v1"),
            Self::Runware => Some("https://api.runware.ai/v1"),
            Self::OpenAiCompatible => None,
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Returned by the `FromStr` impls of this module's enums.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}`; expected one of: {expected}")]
pub struct ParseEnumError {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static str,
}

impl FromStr for ProviderKind {
    type Err = ParseEnumError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "openai" => Ok(Self::OpenAi),
            "anthropic" => Ok(Self::Anthropic),
            "runware" => Ok(Self::Runware),
            "openai_compatible" | "openai-compatible" | "compatible" => Ok(Self::OpenAiCompatible),
            _ => Err(ParseEnumError {
                what: "provider kind",
                value: s.to_owned(),
                expected: "openai, anthropic, runware, openai_compatible",
            }),
        }
    }
}

/// An API key. Deliberately has no `Display` and a masked `Debug`, so it cannot end up in
/// logs or error messages by accident; call [`ApiKey::expose`] only where the wire needs it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Enough to recognise which key is configured (the prefix up to the first `-` group and
    /// the last four characters), never enough to use it.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() < 12 {
            return "****".to_owned();
        }
        let tail: String = chars[chars.len() - 4..].iter().collect();
        let prefix = if self.0.starts_with("sk-") { "sk-" } else { "" };
        format!("{prefix}…{tail}")
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(****)")
    }
}

/// How a JSON answer is requested. Compatible servers differ in what they accept, so the
/// client starts at the configured mode and steps down when a server rejects it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StructuredMode {
    /// `response_format: {"type":"json_schema", ...}` (Anthropic: `output_config.format`).
    JsonSchema,
    /// `response_format: {"type":"json_object","schema":...}`, the older Anyscale/llama-cpp-python form.
    JsonObject,
    /// No response_format at all; the schema is only stated in the system prompt.
    PromptOnly,
}

impl StructuredMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::JsonSchema => "json_schema",
            Self::JsonObject => "json_object",
            Self::PromptOnly => "prompt_only",
        }
    }

    /// The next weaker mode, used by the automatic fallback.
    pub(crate) fn weaker(self) -> Option<Self> {
        match self {
            Self::JsonSchema => Some(Self::JsonObject),
            Self::JsonObject => Some(Self::PromptOnly),
            Self::PromptOnly => None,
        }
    }

    pub(crate) fn to_u8(self) -> u8 {
        match self {
            Self::JsonSchema => 0,
            Self::JsonObject => 1,
            Self::PromptOnly => 2,
        }
    }

    pub(crate) fn from_u8(v: u8) -> Self {
        match v {
            0 => Self::JsonSchema,
            1 => Self::JsonObject,
            _ => Self::PromptOnly,
        }
    }
}

impl fmt::Display for StructuredMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StructuredMode {
    type Err = ParseEnumError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json_schema" => Ok(Self::JsonSchema),
            "json_object" => Ok(Self::JsonObject),
            "prompt_only" => Ok(Self::PromptOnly),
            _ => Err(ParseEnumError {
                what: "structured mode",
                value: s.to_owned(),
                expected: "json_schema, json_object, prompt_only",
            }),
        }
    }
}

/// Which request field carries the output-token limit: newer OpenAI models reject
/// `max_tokens`, while local servers only know `max_tokens`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxTokensField {
    MaxCompletionTokens,
    MaxTokens,
}

impl MaxTokensField {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::MaxCompletionTokens => "max_completion_tokens",
            Self::MaxTokens => "max_tokens",
        }
    }
}

/// HTTP-level retries (rate limits, overload, 5xx, dropped connections). Content-level
/// re-asks in [`crate::structured`] are separate and not governed by this.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts including the first one.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A server asking for a longer wait than this fails fast with `RateLimited` carrying
    /// `retry_after`, so the caller can decide (a desktop user should not stare at a spinner).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all; handy for tests and for interactive "check" buttons.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }
}

#[derive(Clone, Debug)]
pub struct ProviderConfig {
    /// User-facing provider name used in messages, e.g. "openai", "ollama".
    pub name: String,
    pub kind: ProviderKind,
    pub base_url: Url,
    /// Compatible servers may need none.
    pub api_key: Option<ApiKey>,
    /// Starting mode; compatible clients fall back automatically.
    pub structured_mode: StructuredMode,
    pub max_tokens_field: MaxTokensField,
    pub connect_timeout: Duration,
    /// Per attempt; long article generations need minutes. `ChatRequest::timeout` overrides it.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
}

impl ProviderConfig {
    pub fn new(
        name: impl Into<String>,
        kind: ProviderKind,
        base_url: Url,
        api_key: Option<ApiKey>,
    ) -> Self {
        let max_tokens_field = match kind {
            ProviderKind::OpenAi => MaxTokensField::MaxCompletionTokens,
            _ => MaxTokensField::MaxTokens,
        };
        Self {
            name: name.into(),
            kind,
            base_url,
            api_key,
            structured_mode: StructuredMode::JsonSchema,
            max_tokens_field,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(300),
            retry: RetryPolicy::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip() {
        for k in [
            ProviderKind::OpenAi,
            ProviderKind::Anthropic,
            ProviderKind::Runware,
            ProviderKind::OpenAiCompatible,
        ] {
            assert_eq!(k.as_str().parse::<ProviderKind>(), Ok(k));
        }
        for m in [
            StructuredMode::JsonSchema,
            StructuredMode::JsonObject,
            StructuredMode::PromptOnly,
        ] {
            assert_eq!(m.as_str().parse::<StructuredMode>(), Ok(m));
            assert_eq!(StructuredMode::from_u8(m.to_u8()), m);
        }
        assert!("gemini".parse::<ProviderKind>().is_err());
        assert_eq!(ProviderKind::OpenAiCompatible.default_base_url(), None);
    }

    #[test]
    fn key_is_never_shown() {
        let k = ApiKey::new("sk-proj-abcdefghijklmnopa1b2");
        assert_eq!(format!("{k:?}"), "ApiKey(****)");
        assert_eq!(k.masked(), "sk-…a1b2");
        let url = Url::parse("https://api.openai.com/v1").unwrap_or_else(|_| unreachable!());
        let cfg = ProviderConfig::new("openai", ProviderKind::OpenAi, url, Some(k));
        assert!(!format!("{cfg:?}").contains("abcdefgh"));
        assert_eq!(cfg.max_tokens_field, MaxTokensField::MaxCompletionTokens);
    }
}
