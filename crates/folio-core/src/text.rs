//! Text normalisation shared by every "unique by name" rule.

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
