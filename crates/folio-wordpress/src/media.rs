//! Media uploads: the raw-body form (file bytes with `Content-Disposition`), then one update for
//! alt text, caption and title, which the raw form cannot carry.

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
    /// The file is uploaded but setting alt text, caption or title failed (this message says
    /// why). Not an error: uploading again would leave a duplicate in the media library.
    #[serde(skip)]
    pub metadata_error: Option<String>,
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
        let mut media: WpMedia = self
            .execute(
                Method::POST,
                self.url("wp/v2/media", &[]),
                payload,
                Some(self.options.upload_timeout),
            )
            .await?
            .json()?;
        let mut meta = serde_json::Map::new();
        for (key, value) in [
            ("alt_text", &upload.alt_text),
            ("caption", &upload.caption),
            ("title", &upload.title),
        ] {
            if !value.is_empty() {
                meta.insert(key.to_owned(), value.clone().into());
            }
        }
        if !meta.is_empty() {
            let route = format!("wp/v2/media/{}", media.id);
            if let Err(e) = self
                .send_json::<serde_json::Value>(Method::POST, &route, &[], &meta)
                .await
            {
                tracing::warn!(media = media.id, error = %e, "uploaded, but setting alt text/caption/title failed");
                media.metadata_error = Some(e.to_string());
            }
        }
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
