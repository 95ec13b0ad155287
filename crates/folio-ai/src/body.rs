//! Provider answers read with a bound: a provider (or whatever answers at its address) can send
//! a body of any size, and Folio keeps answers in memory. Past the bound the read stops with a
//! `Transport` error naming the limit, instead of the app running out of memory.
//! Pinned by the unit tests below and `tests/errors.rs`.

use crate::error::{AiError, AiErrorKind};

/// A JSON answer (a whole chat completion, an image task list).
pub(crate) const MAX_JSON_BYTES: usize = 16 << 20;
/// An error answer: only its start is ever shown.
pub(crate) const MAX_ERROR_BYTES: usize = 64 << 10;
/// A generated image being downloaded.
pub(crate) const MAX_IMAGE_BYTES: usize = 40 << 20;
/// Everything one streamed answer may send.
pub(crate) const MAX_STREAM_BYTES: usize = 32 << 20;

pub(crate) fn too_large(provider: &str, limit: usize) -> AiError {
    AiError::new(
        AiErrorKind::Transport,
        provider,
        format!(
            "the answer is larger than {}; Folio stopped reading it",
            if limit >= 1 << 20 {
                format!("{} MiB", limit >> 20)
            } else {
                format!("{} KiB", limit >> 10)
            }
        ),
    )
}

/// The body, or an error once it passes `limit` bytes (a `Content-Length` over it is refused
/// before reading).
pub(crate) async fn read(
    mut resp: reqwest::Response,
    limit: usize,
    provider: &str,
) -> Result<Vec<u8>, ReadError> {
    if resp
        .content_length()
        .is_some_and(|n| usize::try_from(n).map_or(true, |n| n > limit))
    {
        return Err(ReadError::TooLarge(too_large(provider, limit)));
    }
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(ReadError::Http)? {
        if out.len() + chunk.len() > limit {
            return Err(ReadError::TooLarge(too_large(provider, limit)));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// The start of an error answer, at most [`MAX_ERROR_BYTES`], as text; the rest is not read.
pub(crate) async fn error_text(mut resp: reqwest::Response) -> String {
    let mut out = Vec::new();
    while let Ok(Some(chunk)) = resp.chunk().await {
        let room = MAX_ERROR_BYTES.saturating_sub(out.len());
        out.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if out.len() >= MAX_ERROR_BYTES {
            break;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) enum ReadError {
    Http(reqwest::Error),
    TooLarge(AiError),
}
