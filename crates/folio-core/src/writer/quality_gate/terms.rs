//! Words and phrases as the gate compares them.
//!
//! Two notions of a word:
//! - a *word* is what Folio counts everywhere (`html::html_word_count`): a whitespace-separated
//!   run holding a letter or digit. Lengths and limits are in words.
//! - a *term* is what phrases are matched on: the text in Unicode NFC, lowercased, split at every
//!   character that is not a letter or digit, apostrophes removed (`Don't` → `dont`). So
//!   "E-Bike," and "e bike" are the same two terms, umlauts and other scripts stay letters, and
//!   punctuation or extra spaces never stop a match.

use unicode_normalization::UnicodeNormalization;

/// Words as `html_word_count` counts them, in plain text.
pub(super) fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

pub(super) fn word_count(text: &str) -> usize {
    words(text).count()
}

/// The first `n` words of `text`, with "…" when there were more: how a message quotes a
/// paragraph.
pub(super) fn opening(text: &str, n: usize) -> String {
    let mut head: Vec<&str> = words(text).take(n + 1).collect();
    let more = head.len() > n;
    head.truncate(n);
    let mut out = head.join(" ");
    if more {
        out.push('…');
    }
    out
}

/// The lowercase terms of `text`, in order.
pub(super) fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.nfc() {
        if c.is_alphanumeric() {
            current.extend(c.to_lowercase());
        } else if is_apostrophe(c) {
            // joins: "it's" → "its", so a phrase written with either apostrophe matches
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// A phrase to look for (the primary keyword, a banned phrase): its terms, compared whole, with
/// the last one allowed to differ by a plural "s" or "es" either way ("garden hoe" finds
/// "garden hoes" and the reverse).
#[derive(Debug)]
pub(super) struct Phrase {
    terms: Vec<String>,
}

/// Shorter words are left exact: "a"/"as" or "i"/"is" are not plurals of each other.
const MIN_PLURAL_STEM: usize = 3;

impl Phrase {
    /// `None` when the text has no letter or digit.
    pub(super) fn new(text: &str) -> Option<Phrase> {
        let terms = terms(text);
        (!terms.is_empty()).then_some(Phrase { terms })
    }

    /// How many terms the phrase has: its length in words for density.
    pub(super) fn len(&self) -> usize {
        self.terms.len()
    }

    /// The terms, to tell phrases apart that differ only in case or punctuation.
    pub(super) fn key(&self) -> &[String] {
        &self.terms
    }

    /// Non-overlapping occurrences in `haystack` (terms), left to right.
    pub(super) fn count_in(&self, haystack: &[String]) -> usize {
        let mut count = 0;
        let mut i = 0;
        while i + self.terms.len() <= haystack.len() {
            if self.matches_at(haystack, i) {
                count += 1;
                i += self.terms.len();
            } else {
                i += 1;
            }
        }
        count
    }

    pub(super) fn occurs_in(&self, haystack: &[String]) -> bool {
        (0..haystack.len()).any(|i| self.matches_at(haystack, i))
    }

    fn matches_at(&self, haystack: &[String], at: usize) -> bool {
        let Some(window) = haystack.get(at..at + self.terms.len()) else {
            return false;
        };
        let last = self.terms.len() - 1;
        self.terms
            .iter()
            .zip(window)
            .enumerate()
            .all(|(i, (want, got))| want == got || (i == last && plural_pair(want, got)))
    }
}

fn plural_pair(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // Checked first: almost every pair compared differs by more than an ending, and this runs
    // for every word of an article against every single-word banned phrase.
    matches!(long.len() - short.len(), 1 | 2)
        && short.chars().count() >= MIN_PLURAL_STEM
        && long
            .strip_prefix(short)
            .is_some_and(|rest| rest == "s" || rest == "es")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(phrase: &str, text: &str) -> usize {
        Phrase::new(phrase).map_or(0, |p| p.count_in(&terms(text)))
    }

    #[test]
    fn terms_ignore_case_punctuation_and_apostrophes() {
        assert_eq!(
            terms("  What’s the BEST e-bike, 2026?! "),
            ["whats", "the", "best", "e", "bike", "2026"]
        );
        assert_eq!(terms("Größe über Ärger"), ["größe", "über", "ärger"]);
        // a decomposed umlaut (u + combining diaeresis) is the same term as the composed one
        assert_eq!(terms("u\u{308}ber"), terms("über"));
        assert!(terms("— | …").is_empty());
    }

    #[test]
    fn words_are_counted_like_html_word_count() {
        let text = "A lone — dash, e-bikes and 10 cm | done";
        assert_eq!(
            word_count(text) as u32,
            crate::writer::html::html_word_count(text)
        );
        assert_eq!(word_count(text), 8);
        assert_eq!(opening("one two three four", 2), "one two…");
        assert_eq!(opening("one two", 2), "one two");
    }

    #[test]
    fn phrases_match_whole_terms_with_an_optional_plural() {
        assert_eq!(
            found("garden hoe", "Garden hoes, a garden-hoe and GARDEN HOE."),
            3
        );
        assert_eq!(found("garden hoes", "one garden hoe"), 1);
        assert_eq!(found("box", "two boxes"), 1);
        // whole terms: no match inside a longer word, plural only on the last term
        assert_eq!(found("hoe", "a shoe and a hoedown"), 0);
        assert_eq!(found("gardens hoe", "garden hoe"), 0);
        // short words stay exact
        assert_eq!(found("vitamin a", "vitamin as"), 0);
        assert_eq!(
            found("it's important to note", "It’s important to note that"),
            1
        );
        // occurrences do not overlap
        assert_eq!(found("la la", "la la la"), 1);
        assert!(Phrase::new(" ?! ").is_none());
    }
}
