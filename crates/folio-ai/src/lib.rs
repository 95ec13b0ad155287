//! Folio's AI provider layer: thin clients for OpenAI, Anthropic, Runware and
//! OpenAI-compatible servers (Ollama, LM Studio, llama.cpp, OpenRouter), sharing one error
//! type, one retry policy and one structured-output primitive. See docs/ai-providers.md.

// AiError is a plain struct with public fields by design (callers match on them and the
// ledger reads `usage`); boxing it would complicate every caller for a few bytes per error.
#![allow(clippy::result_large_err)]

mod anthropic;
mod body;
mod chat;
mod client;
mod config;
mod error;
pub mod extract;
mod images;
mod openai;
mod retry;
mod runware;
mod sse;
pub mod structured;

pub use chat::{
    ChatRequest, ChatResponse, FinishReason, Message, ResponseFormat, Role, StreamEvent, Usage,
};
pub use client::{CheckReport, Client, RetryObserver};
pub use config::{
    ApiKey, MaxTokensField, ParseEnumError, ProviderConfig, ProviderKind, RetryPolicy,
    StructuredMode,
};
pub use error::{cap_text, AiError, AiErrorKind, MAX_RAW_ANSWER_BYTES};
pub use images::{GeneratedImage, ImageRequest, ImageResponse};
pub use structured::{structured, Structured, StructuredRequest};
pub use tokio_util::sync::CancellationToken;
