//! Text normalisation shared by every "unique by name" rule, and the check of required one-line
//! texts (titles, names).

use crate::error::CoreError;
use unicode_normalization::UnicodeNormalization;

/// The identity of a human-typed name: Unicode NFC, lowercase, trimmed, whitespace runs collapsed
/// to one space. Two names with the same key are the same name.
pub fn name_key(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Trim and collapse internal whitespace, keeping the person's capitalisation.
pub fn tidy(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The longest title or name a record keeps.
pub(crate) const MAX_TITLE_CHARS: usize = 255;

/// A required one-line text (a title, a name): tidied, not empty, at most [`MAX_TITLE_CHARS`]
/// characters; the error names the field and what to enter.
pub(crate) fn required_text(
    field: &'static str,
    what: &str,
    raw: &str,
) -> Result<String, CoreError> {
    let text = tidy(raw);
    if text.is_empty() {
        return Err(CoreError::invalid(field, format!("Enter a {what}")));
    }
    if text.chars().count() > MAX_TITLE_CHARS {
        return Err(CoreError::invalid(
            field,
            format!("A {what} can be at most {MAX_TITLE_CHARS} characters"),
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_key_folds_case_space_and_composition() {
        assert_eq!(name_key("  Garden   Tools "), "garden tools");
        // "é" precomposed vs "e" + combining acute
        assert_eq!(name_key("Caf\u{e9}"), name_key("Cafe\u{301}"));
        assert_ne!(name_key("Cafe"), name_key("Café"));
    }

    #[test]
    fn tidy_keeps_case() {
        assert_eq!(tidy(" My\tBlog  Two "), "My Blog Two");
    }
}
