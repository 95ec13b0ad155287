//! The image file store: image bytes under the data directory, named by their SHA-256.
//!
//! `images/{first two hex digits}/{sha256}.{ext}`: the same bytes attached twice (to two articles,
//! or again after a remove) are one file, and a file is never rewritten, so rows can share it and
//! removing a row never has to ask who else uses the file. Rows keep the path relative to the data
//! directory, so the directory can move. The two-digit fan-out keeps any one directory small.
//!
//! Image rows sync between devices; the files do not. [`resolve`] answers `None` for a file this
//! device does not have.

use crate::CoreError;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// The largest image Folio stores. WordPress's default upload limit is often lower; 20 MB keeps a
/// camera original while stopping a video picked by mistake.
pub const MAX_IMAGE_BYTES: usize = 20 * 1024 * 1024;

/// The formats [`ImageFormat::sniff`] recognises, for messages.
pub const ACCEPTED_FORMATS: &str = "PNG, JPEG, GIF, WebP or AVIF";

/// The directory under the data directory that holds image files.
pub const IMAGES_DIR: &str = "images";

/// An image format, decided by the file's first bytes, never by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Jpeg,
    Gif,
    Webp,
    Avif,
}

impl ImageFormat {
    /// The format the bytes' signature announces, if it is one a browser and WordPress both show.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Self::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else if bytes.len() >= 12
            && &bytes[4..8] == b"ftyp"
            && matches!(&bytes[8..12], b"avif" | b"avis")
        {
            Some(Self::Avif)
        } else {
            None
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Gif => "gif",
            Self::Webp => "webp",
            Self::Avif => "avif",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Avif => "image/avif",
        }
    }
}

/// Why bytes cannot be stored as an image; `file_name` is how the person knows the file.
pub(crate) fn check(file_name: &str, bytes: &[u8]) -> Result<ImageFormat, CoreError> {
    let shown = if file_name.trim().is_empty() {
        "The file".to_owned()
    } else {
        format!("\u{201c}{}\u{201d}", file_name.trim())
    };
    if bytes.is_empty() {
        return Err(CoreError::invalid(
            "file",
            format!("{shown} is empty; choose a {ACCEPTED_FORMATS} image"),
        ));
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(CoreError::invalid(
            "file",
            format!(
                "{shown} is larger than {} MB, the most an image can be; resize or compress it first",
                MAX_IMAGE_BYTES / (1024 * 1024)
            ),
        ));
    }
    ImageFormat::sniff(bytes).ok_or_else(|| {
        CoreError::invalid(
            "file",
            format!("{shown} is not an image Folio can attach; use a {ACCEPTED_FORMATS} file"),
        )
    })
}

/// [`store`] an image a provider made, off the async threads.
pub(crate) async fn store_provider_image(
    data_dir: &Path,
    bytes: &[u8],
) -> Result<String, CoreError> {
    let format = ImageFormat::sniff(bytes).ok_or_else(|| {
        CoreError::invalid(
            "image",
            "the provider's image is not a PNG, JPEG, GIF or WebP file",
        )
    })?;
    let dir = data_dir.to_path_buf();
    let bytes = bytes.to_vec();
    tokio::task::spawn_blocking(move || store(&dir, &bytes, format))
        .await
        .map_err(|e| CoreError::Internal(format!("storing the image stopped: {e}")))?
}

/// Store the bytes (if this device does not have them yet) and return their path relative to
/// the data directory. Blocking: call it from a blocking thread.
pub(crate) fn store(
    data_dir: &Path,
    bytes: &[u8],
    format: ImageFormat,
) -> Result<String, CoreError> {
    let hash = hex(&Sha256::digest(bytes));
    let relative = format!("{IMAGES_DIR}/{}/{hash}.{}", &hash[..2], format.extension());
    let path = data_dir.join(&relative);
    // Content-addressed: a file with this name already holds these bytes (it only ever appears
    // by rename of a complete file), so it is not written again.
    if path.is_file() {
        return Ok(relative);
    }
    let failed = |source| CoreError::ImageFile {
        path: path.clone(),
        source,
    };
    let dir = path
        .parent()
        .ok_or_else(|| CoreError::Internal(format!("{} has no directory", path.display())))?;
    std::fs::create_dir_all(dir).map_err(failed)?;
    // A temporary file in the same directory, renamed into place once complete: a crash or a full
    // disk never leaves a truncated file under the final name, which would be trusted forever.
    let mut temp = tempfile_in(dir).map_err(failed)?;
    temp.1.write_all(bytes).map_err(failed)?;
    temp.1.sync_all().map_err(failed)?;
    drop(temp.1);
    if let Err(source) = std::fs::rename(&temp.0, &path) {
        let _ = std::fs::remove_file(&temp.0);
        return Err(failed(source));
    }
    Ok(relative)
}

/// A new file `.{random}.tmp` in `dir`, created exclusively.
fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    loop {
        let name = format!(".{}.tmp", uuid::Uuid::now_v7().simple());
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// The absolute path of a stored relative path, if the file is on this device. Paths come from
/// synced rows, so only plain relative paths are joined: never one that could leave the data
/// directory (`..`, an absolute path, a drive prefix).
pub(crate) fn resolve(data_dir: &Path, relative: &str) -> Option<PathBuf> {
    let relative = Path::new(relative);
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    if !plain || relative.as_os_str().is_empty() {
        return None;
    }
    let path = data_dir.join(relative);
    path.is_file().then_some(path)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_four_web_formats_and_avif() {
        assert_eq!(
            ImageFormat::sniff(b"\x89PNG\r\n\x1a\nrest"),
            Some(ImageFormat::Png)
        );
        assert_eq!(
            ImageFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageFormat::Jpeg)
        );
        assert_eq!(ImageFormat::sniff(b"GIF89a..."), Some(ImageFormat::Gif));
        assert_eq!(
            ImageFormat::sniff(b"RIFF\x10\0\0\0WEBPVP8 "),
            Some(ImageFormat::Webp)
        );
        assert_eq!(
            ImageFormat::sniff(b"\0\0\0\x1cftypavif\0\0\0\0"),
            Some(ImageFormat::Avif)
        );
        assert_eq!(ImageFormat::sniff(b"RIFF\x10\0\0\0WAVEfmt "), None);
        assert_eq!(ImageFormat::sniff(b"<svg xmlns="), None);
        assert_eq!(ImageFormat::sniff(b""), None);
    }

    #[test]
    fn resolve_never_leaves_the_data_directory() {
        let dir = std::path::Path::new("/data");
        for bad in ["../etc/passwd", "/etc/passwd", "images/../../x", ""] {
            assert_eq!(resolve(dir, bad), None, "{bad}");
        }
    }
}
