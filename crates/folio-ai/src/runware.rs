//! Runware image inference over its REST task-array API.

use crate::client::{CheckReport, Client};
use crate::error::{AiError, AiErrorKind};
use crate::images::{ImageRequest, ImageResponse};

pub(crate) async fn generate_images(
    client: &Client,
    _req: &ImageRequest,
) -> Result<ImageResponse, AiError> {
    Err(AiError::new(
        AiErrorKind::BadRequest,
        client.name(),
        "not implemented yet",
    ))
}

pub(crate) async fn check(client: &Client) -> Result<CheckReport, AiError> {
    Err(AiError::new(
        AiErrorKind::BadRequest,
        client.name(),
        "not implemented yet",
    ))
}
