//! Where the primary keyword appears (title, meta title, first words, an H2) and how dense it is.
//! Matching is `terms::Phrase`'s: case-insensitive whole words, punctuation ignored, the last word
//! singular or plural.

use folio_model::{QualityCheckKind as Kind, QualityFinding};

use super::article::Article;
use super::terms::{opening, terms, words, Phrase};
use super::{INTRO_WORDS, MAX_KEYWORD_DENSITY_PERCENT};

/// The primary keyword as written (for messages) and as matched.
pub(super) struct Keyword<'a> {
    text: &'a str,
    phrase: Phrase,
}

impl<'a> Keyword<'a> {
    /// `None` when the article has no keyword (blank, or only punctuation).
    pub(super) fn new(text: &'a str) -> Option<Keyword<'a>> {
        let text = text.trim();
        Phrase::new(text).map(|phrase| Keyword { text, phrase })
    }

    fn is_in(&self, text: &str) -> bool {
        self.phrase.occurs_in(&terms(text))
    }
}

fn no_keyword(kind: Kind) -> QualityFinding {
    QualityFinding::new(kind, true, "No primary keyword, so nothing to look for")
}

pub(super) fn in_title(keyword: Option<&Keyword<'_>>, title: &str) -> QualityFinding {
    in_line(Kind::KeywordInTitle, "title", keyword, title)
}

pub(super) fn in_meta_title(keyword: Option<&Keyword<'_>>, meta_title: &str) -> QualityFinding {
    in_line(Kind::KeywordInMetaTitle, "meta title", keyword, meta_title)
}

fn in_line(kind: Kind, what: &str, keyword: Option<&Keyword<'_>>, line: &str) -> QualityFinding {
    let Some(keyword) = keyword else {
        return no_keyword(kind);
    };
    let k = keyword.text;
    if line.trim().is_empty() {
        QualityFinding::new(
            kind,
            false,
            format!("The {what} is empty; it must contain \"{k}\""),
        )
    } else if keyword.is_in(line) {
        QualityFinding::new(kind, true, format!("The {what} contains \"{k}\""))
    } else {
        let line = line.trim();
        QualityFinding::new(
            kind,
            false,
            format!("The {what} \"{line}\" does not contain \"{k}\""),
        )
    }
}

pub(super) fn in_intro(keyword: Option<&Keyword<'_>>, article: &Article) -> QualityFinding {
    let kind = Kind::KeywordInIntro;
    let Some(keyword) = keyword else {
        return no_keyword(kind);
    };
    let k = keyword.text;
    let first: Vec<&str> = words(&article.text).take(INTRO_WORDS).collect();
    if keyword.is_in(&first.join(" ")) {
        QualityFinding::new(
            kind,
            true,
            format!("\"{k}\" is in the first {INTRO_WORDS} words"),
        )
    } else if first.is_empty() {
        QualityFinding::new(
            kind,
            false,
            format!("The body is empty; it must contain \"{k}\""),
        )
    } else {
        let start = opening(&article.text, 8);
        QualityFinding::new(
            kind,
            false,
            format!("\"{k}\" is not in the first {INTRO_WORDS} words (they start \"{start}\")"),
        )
    }
}

pub(super) fn in_heading(keyword: Option<&Keyword<'_>>, article: &Article) -> QualityFinding {
    let kind = Kind::KeywordInHeading;
    let Some(keyword) = keyword else {
        return no_keyword(kind);
    };
    let k = keyword.text;
    let headings = &article.sections;
    if let Some(hit) = headings.iter().find(|s| keyword.is_in(&s.heading)) {
        let h = &hit.heading;
        QualityFinding::new(kind, true, format!("The H2 \"{h}\" contains \"{k}\""))
    } else if headings.is_empty() {
        QualityFinding::new(kind, false, format!("There is no H2 to contain \"{k}\""))
    } else {
        let n = headings.len();
        QualityFinding::new(kind, false, format!("None of the {n} H2s contains \"{k}\""))
    }
}

/// Occurrences × the keyword's length in words, over the body's word count.
pub(super) fn density(
    keyword: Option<&Keyword<'_>>,
    article: &Article,
    word_count: u32,
) -> QualityFinding {
    let kind = Kind::KeywordDensity;
    let Some(keyword) = keyword else {
        return no_keyword(kind);
    };
    if word_count == 0 {
        return QualityFinding::new(kind, true, "The body has no words to measure");
    }
    let occurrences = keyword.phrase.count_in(&terms(&article.text));
    let keyword_words = u64::try_from(occurrences * keyword.phrase.len()).unwrap_or(u64::MAX);
    let total = u64::from(word_count);
    // integers decide, so a density of exactly 3% passes on every platform
    let passed = keyword_words.saturating_mul(100) <= MAX_KEYWORD_DENSITY_PERCENT * total;
    // lossless for any realistic count; only the message shows it
    let percent = keyword_words as f64 * 100.0 / total as f64;
    let measured = format!("Keyword density {percent:.1}% ({keyword_words} of {total} words)");
    let message = if passed {
        format!("{measured}; at most {MAX_KEYWORD_DENSITY_PERCENT}%")
    } else {
        format!("{measured} is above {MAX_KEYWORD_DENSITY_PERCENT}%")
    };
    QualityFinding::new(kind, passed, message)
}
