//! The quality gate: local, deterministic and free checks of a written article before it may be
//! approved without a person (pipeline stage 6). One pure function, no I/O; the same input always
//! gives the same report. Which checks block is `QualityCheckKind::blocking`'s rule; the
//! thresholds are the constants below. See `docs/quality-gate.md`.

mod article;
mod dom;
mod keyword;
mod repetition;
mod structure;
mod terms;
mod writing;

use folio_model::{QualityFinding, QualityReport};

use crate::writer::html::html_word_count;
use article::Article;
use keyword::Keyword;

/// A section under an H2 with fewer words than this is empty: a heading with a stub sentence
/// under it is as much a failure of the writer as one with nothing.
pub const MIN_SECTION_WORDS: usize = 20;
/// The primary keyword must appear within this many words from the start of the body.
pub const INTRO_WORDS: usize = 100;
/// The word count may be this many percent above or below the target.
pub const LENGTH_TOLERANCE_PERCENT: u64 = 15;
/// The primary keyword's words may be at most this many percent of all words.
pub const MAX_KEYWORD_DENSITY_PERCENT: u64 = 3;
pub const MAX_PARAGRAPH_WORDS: usize = 150;
/// Repetition is measured in runs of this many words…
pub const SHINGLE_WORDS: usize = 5;
/// …and a section may share at most this many percent of its runs with the other sections.
pub const MAX_REPEATED_PERCENT: usize = 15;

/// What the gate reads of an article.
#[derive(Clone, Copy, Debug)]
pub struct QualityInput<'a> {
    pub title: &'a str,
    /// Empty when none was written; the meta-title keyword check then fails.
    pub meta_title: &'a str,
    pub body_html: &'a str,
    /// Blank for an article without one (written by hand): the keyword checks then pass with a
    /// note.
    pub primary_keyword: &'a str,
    /// The H2 headings the outline gives, in order; empty when there is no outline.
    pub outline: &'a [String],
    /// `None` when there is no target: the length check then passes with a note.
    pub target_word_count: Option<u32>,
    /// The account's list, or `folio_model::default_banned_phrases()` when it has not set one.
    pub banned_phrases: &'a [String],
}

/// Runs every check on `input`. The report has one finding per `QualityCheckKind`, in the order
/// of `QualityCheckKind::ALL`.
pub fn check_quality(input: &QualityInput<'_>) -> QualityReport {
    let article = Article::parse(input.body_html);
    let word_count = html_word_count(input.body_html);
    let keyword = Keyword::new(input.primary_keyword);
    let keyword = keyword.as_ref();
    let findings: Vec<QualityFinding> = vec![
        structure::outline_followed(&article, input.outline),
        structure::no_empty_section(&article),
        keyword::in_title(keyword, input.title),
        keyword::in_meta_title(keyword, input.meta_title),
        keyword::in_intro(keyword, &article),
        keyword::in_heading(keyword, &article),
        writing::length(word_count, input.target_word_count),
        keyword::density(keyword, &article, word_count),
        writing::paragraph_length(&article),
        repetition::between_sections(&article),
        writing::banned_phrases(input, &article),
    ];
    QualityReport {
        findings,
        word_count,
    }
}

#[cfg(test)]
mod tests;
