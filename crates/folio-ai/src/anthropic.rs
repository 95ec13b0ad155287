//! Anthropic Messages API.

use crate::chat::{ChatRequest, ChatResponse};
use crate::client::{Client, StreamSink};
use crate::config::StructuredMode;
use crate::error::{AiError, AiErrorKind};

pub(crate) async fn chat(
    client: &Client,
    _req: &ChatRequest,
    _mode: StructuredMode,
    _sink: Option<&mut StreamSink<'_>>,
) -> Result<ChatResponse, AiError> {
    Err(AiError::new(
        AiErrorKind::BadRequest,
        client.name(),
        "not implemented yet",
    ))
}
