//! Provider-neutral image types, plus the helpers every image provider needs: base64
//! decoding, MIME sniffing, and downloading short-lived result URLs.

use std::time::Duration;

use base64::Engine as _;
use rust_decimal::Decimal;

use crate::chat::Usage;
use crate::client::Client;
use crate::error::{AiError, AiErrorKind};

#[derive(Clone, Debug, PartialEq, Default)]
pub struct ImageRequest {
    pub model: String,
    pub prompt: String,
    pub negative_prompt: Option<String>,
    pub width: u32,
    pub height: u32,
    /// OpenAI `quality` (dall-e-3: standard|hd; gpt-image: low|medium|high|auto). Ignored by Runware.
    pub quality: Option<String>,
    /// dall-e-3 `style` (vivid|natural). Ignored elsewhere.
    pub style: Option<String>,
    pub count: u32,
    pub timeout: Option<Duration>,
}

#[derive(Clone, PartialEq)]
pub struct GeneratedImage {
    pub bytes: Vec<u8>,
    pub mime: String,
    pub revised_prompt: Option<String>,
    pub seed: Option<i64>,
    pub source_url: Option<String>,
}

// Derived Debug would dump megabytes of image bytes into logs.
impl std::fmt::Debug for GeneratedImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedImage")
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .field("mime", &self.mime)
            .field("revised_prompt", &self.revised_prompt)
            .field("seed", &self.seed)
            .field("source_url", &self.source_url)
            .finish()
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct ImageResponse {
    pub images: Vec<GeneratedImage>,
    /// Runware `includeCost`, summed over results.
    pub cost_usd: Option<Decimal>,
    pub usage: Option<Usage>,
    pub request_id: Option<String>,
}

/// Guesses the MIME type from magic bytes; providers' declared formats are not always honoured.
pub(crate) fn sniff_mime(bytes: &[u8], fallback: &str) -> String {
    let m = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else if bytes.starts_with(b"GIF8") {
        "image/gif"
    } else {
        fallback
    };
    m.to_owned()
}

pub(crate) fn decode_b64(provider: &str, data: &str) -> Result<Vec<u8>, AiError> {
    // Accept data URIs too (Runware `imageDataURI`).
    let payload = match data.strip_prefix("data:") {
        Some(rest) => rest.split_once(',').map(|(_, b)| b).unwrap_or(rest),
        None => data,
    };
    let cleaned: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|e| {
            AiError::new(
                AiErrorKind::Transport,
                provider,
                format!("image data is not valid base64: {e}"),
            )
        })
}

impl Client {
    /// Fetches a result URL with the shared HTTP client. No credentials are sent: result
    /// URLs are pre-signed and often live on another host (a CDN), which must never see the key.
    pub(crate) async fn download_image(
        &self,
        url: &str,
        fallback_mime: &str,
    ) -> Result<(Vec<u8>, String), AiError> {
        let provider = self.config().name.clone();
        let resp = self
            .http()
            .get(url)
            .send()
            .await
            .map_err(|e| self.map_reqwest(e))?;
        let status = resp.status();
        if !status.is_success() {
            let kind = if status.is_server_error() {
                AiErrorKind::Server
            } else if status.as_u16() == 404 || status.as_u16() == 403 {
                // An expired or already-consumed pre-signed URL.
                AiErrorKind::NotFound
            } else {
                AiErrorKind::Transport
            };
            return Err(AiError::new(
                kind,
                provider,
                format!("downloading the generated image failed with HTTP {status}"),
            )
            .with_status(status.as_u16()));
        }
        let header_mime = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.starts_with("image/"))
            .map(|v| v.split(';').next().unwrap_or(v).trim().to_owned());
        let bytes = self.read_body(resp, crate::body::MAX_IMAGE_BYTES).await?;
        let mime = sniff_mime(&bytes, header_mime.as_deref().unwrap_or(fallback_mime));
        Ok((bytes, mime))
    }
}
