//! Files read whole into memory, with a bound: a keyword export or an image someone points
//! Folio at can be any size (or a device file that never ends), so a read stops past the bound
//! with an error that says what the most is, before memory runs out.
//! Pinned by the unit test below, `tests/keyword_import.rs` and `tests/images.rs`.

use crate::CoreError;
use std::path::Path;
use tokio::io::AsyncReadExt;

/// The file at `path`, or a validation error on `field` when it is over `limit` bytes
/// (`what`: how the message names it, e.g. "the keyword file").
pub async fn read_bounded(
    path: &Path,
    limit: usize,
    field: &'static str,
    what: &str,
) -> Result<Vec<u8>, CoreError> {
    let read_error = |source| CoreError::ReadFile {
        path: path.to_path_buf(),
        source,
    };
    let file = tokio::fs::File::open(path).await.map_err(read_error)?;
    let too_large = || {
        CoreError::invalid(
            field,
            format!(
                "{what} is larger than {} MB, the most Folio reads; {}",
                limit / (1024 * 1024),
                path.display()
            ),
        )
    };
    let size = file.metadata().await.map_err(read_error)?.len();
    if usize::try_from(size).map_or(true, |n| n > limit) {
        return Err(too_large());
    }
    // The size can grow while reading (or not be known, for a pipe): read one byte past the
    // bound to tell.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap)
        .read_to_end(&mut bytes)
        .await
        .map_err(read_error)?;
    if bytes.len() > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_over_the_bound_is_refused_with_the_limit_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keywords.csv");
        std::fs::write(&path, vec![b'x'; (1 << 20) + 1]).unwrap();
        let err = read_bounded(&path, 1 << 20, "file", "the keyword file")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("larger than 1 MB"), "{err}");
        std::fs::write(&path, vec![b'x'; 1 << 20]).unwrap();
        let bytes = read_bounded(&path, 1 << 20, "file", "the keyword file")
            .await
            .unwrap();
        assert_eq!(bytes.len(), 1 << 20);
    }
}
