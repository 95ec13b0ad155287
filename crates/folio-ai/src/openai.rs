//! OpenAI chat completions and images, also used for OpenAI-compatible servers.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::chat::{ChatRequest, ChatResponse};
use crate::client::{Client, StreamSink};
use crate::config::StructuredMode;
use crate::error::{AiError, AiErrorKind};
use crate::images::{ImageRequest, ImageResponse};

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

pub(crate) async fn generate_images(
    client: &Client,
    _req: &ImageRequest,
    _cancel: &CancellationToken,
    _timeout: Duration,
) -> Result<ImageResponse, AiError> {
    Err(AiError::new(
        AiErrorKind::BadRequest,
        client.name(),
        "not implemented yet",
    ))
}
