//! Bytes → text: byte-order marks, BOM-less UTF-16, and refusing files that are not text.

use super::ImportError;
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};
use std::borrow::Cow;

/// How many leading bytes the BOM-less UTF-16 sniffer looks at.
const SNIFF_LEN: usize = 4096;

/// Decodes the file to text, without copying when it is UTF-8 already.
pub(super) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_as(encoding, &bytes[bom_len..]);
    }
    refuse_known_binary(bytes)?;
    if let Some(encoding) = sniff_utf16(bytes) {
        return decode_as(encoding, bytes);
    }
    decode_as(UTF_8, bytes)
}

fn decode_as<'a>(
    encoding: &'static Encoding,
    bytes: &'a [u8],
) -> Result<Cow<'a, str>, ImportError> {
    if encoding == UTF_8 {
        if bytes.contains(&0) {
            return Err(ImportError::Binary { kind: None });
        }
        return match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Cow::Borrowed(text)),
            Err(e) => Err(ImportError::NotUtf8 {
                offset: e.valid_up_to(),
            }),
        };
    }
    let text = encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or(ImportError::Binary { kind: None })?;
    if text.contains('\0') {
        return Err(ImportError::Binary { kind: None });
    }
    Ok(text)
}

/// UTF-16 without a byte-order mark: text that is mostly ASCII has a NUL in every other byte,
/// the odd ones for little-endian, the even ones for big-endian.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(SNIFF_LEN) & !1];
    let pairs = head.len() / 2;
    if pairs == 0 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    // At least 40% of the characters are ASCII and the other byte of a pair is never NUL.
    let threshold = (pairs * 2).div_ceil(5);
    if odd >= threshold && even == 0 {
        Some(UTF_16LE)
    } else if even >= threshold && odd == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Recognises the usual wrong files by their magic numbers, for a precise message.
fn refuse_known_binary(bytes: &[u8]) -> Result<(), ImportError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Err(if contains(bytes, b"xl/") {
            ImportError::Spreadsheet {
                kind: "an Excel workbook (.xlsx)",
            }
        } else if contains(bytes, b"opendocument.spreadsheet") {
            ImportError::Spreadsheet {
                kind: "an OpenDocument spreadsheet (.ods)",
            }
        } else {
            ImportError::Archive
        });
    }
    let kind = if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(ImportError::Spreadsheet {
            kind: "an Excel 97-2003 workbook (.xls)",
        });
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "a PNG image"
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        "a JPEG image"
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        "a GIF image"
    } else if bytes.starts_with(b"%PDF-") {
        "a PDF document"
    } else if bytes.starts_with(b"\x1F\x8B") {
        "a gzip archive"
    } else {
        return Ok(());
    };
    Err(ImportError::Binary { kind: Some(kind) })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str, big_endian: bool) -> Vec<u8> {
        s.encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn bomless_utf16_is_recognised_both_ways() {
        let text = "Keyword\ngarden hoe\ncafé\n";
        assert_eq!(decode(&utf16(text, false)).as_deref(), Ok(text));
        assert_eq!(decode(&utf16(text, true)).as_deref(), Ok(text));
    }

    #[test]
    fn utf8_is_borrowed() {
        assert!(matches!(decode(b"garden hoe\n"), Ok(Cow::Borrowed(_))));
        assert_eq!(
            decode(b"\xEF\xBB\xBFgarden hoe").as_deref(),
            Ok("garden hoe")
        );
    }

    #[test]
    fn nul_bytes_and_bad_utf8_are_refused() {
        assert_eq!(
            decode(b"abc\0\x01\x02\x03\0\0"),
            Err(ImportError::Binary { kind: None })
        );
        assert_eq!(
            decode(b"caf\xE9 au lait"),
            Err(ImportError::NotUtf8 { offset: 3 })
        );
        assert_eq!(
            decode(b"\x1F\x8B\x08\x00"),
            Err(ImportError::Binary {
                kind: Some("a gzip archive")
            })
        );
    }
}
