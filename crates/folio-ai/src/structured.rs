//! Structured output: ask for JSON matching a schema, check it, and re-ask on bad output.

use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::chat::{ChatRequest, Usage};
use crate::client::Client;
use crate::error::{AiError, AiErrorKind};

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
    let _ = (&req, &validate, cancel);
    Err(AiError::new(
        AiErrorKind::InvalidOutput,
        client.name(),
        "not implemented yet",
    ))
}
