//! Media uploads in one request: the raw-body form (file bytes with `Content-Disposition`), with
//! alt text, caption and title as query parameters — WordPress reads request parameters from the
//! query string when the body is the file, so no second call (and no half-described image) is
//! needed.

use reqwest::Method;
use serde::Deserialize;

use crate::client::{Payload, WpClient};
use crate::error::WpError;

/// One file to upload.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MediaUpload {
    pub bytes: Vec<u8>,
    /// e.g. `hero-image.png`; anything outside `A-Z a-z 0-9 . _ -` is replaced, because
    /// WordPress reads only a plain `filename=` from the header.
    pub filename: String,
    pub mime_type: String,
    pub alt_text: String,
    pub caption: String,
    pub title: String,
}

impl std::fmt::Debug for MediaUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaUpload")
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .field("filename", &self.filename)
            .field("mime_type", &self.mime_type)
            .field("alt_text", &self.alt_text)
            .field("caption", &self.caption)
            .field("title", &self.title)
            .finish()
    }
}

/// An uploaded attachment.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct WpMedia {
    pub id: i64,
    #[serde(default)]
    pub source_url: String,
}

impl WpClient {
    /// Never retried (a repeat would add the file twice).
    pub async fn upload_media(&self, upload: &MediaUpload) -> Result<WpMedia, WpError> {
        let filename = safe_filename(&upload.filename, &upload.mime_type);
        let payload = Payload::Raw {
            bytes: upload.bytes.clone(),
            content_type: if upload.mime_type.is_empty() {
                "application/octet-stream".to_owned()
            } else {
                upload.mime_type.clone()
            },
            disposition: format!("attachment; filename=\"{filename}\""),
        };
        let meta: Vec<(&str, &str)> = [
            ("alt_text", upload.alt_text.as_str()),
            ("caption", upload.caption.as_str()),
            ("title", upload.title.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        let media: WpMedia = self
            .execute(
                Method::POST,
                self.url("wp/v2/media", &meta),
                payload,
                Some(self.options.upload_timeout),
            )
            .await?
            .json()?;
        Ok(media)
    }
}

fn safe_filename(name: &str, mime_type: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(|c| c == '-' || c == '.').to_owned();
    if cleaned.contains('.') {
        return cleaned;
    }
    // WordPress refuses files without an extension it can check against the type.
    let ext = match mime_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/avif" => "avif",
        _ => "bin",
    };
    let stem = if cleaned.is_empty() {
        "upload"
    } else {
        &cleaned
    };
    format!("{stem}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_are_header_safe() {
        assert_eq!(safe_filename("hero.png", "image/png"), "hero.png");
        assert_eq!(
            safe_filename("C:\\x\\Café \"é\".JPG", "image/jpeg"),
            "Caf-----.JPG"
        );
        assert_eq!(safe_filename("", "image/webp"), "upload.webp");
        assert_eq!(safe_filename("cover", "image/png"), "cover.png");
    }
}
