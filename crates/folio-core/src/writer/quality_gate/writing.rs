//! Checks of degree, which only warn: length against the target, paragraph length, banned
//! phrases.

use std::collections::HashSet;

use folio_model::{QualityCheckKind as Kind, QualityFinding};

use super::article::Article;
use super::terms::{opening, terms, word_count, Phrase};
use super::{QualityInput, LENGTH_TOLERANCE_PERCENT, MAX_PARAGRAPH_WORDS};

pub(super) fn length(word_count: u32, target: Option<u32>) -> QualityFinding {
    let kind = Kind::Length;
    let Some(target) = target.filter(|t| *t > 0) else {
        return QualityFinding::new(kind, true, "No target length");
    };
    let (words, target) = (u64::from(word_count), u64::from(target));
    // the allowed range in whole words: at least 85% (rounded up), at most 115% (rounded down)
    let lowest = (target * (100 - LENGTH_TOLERANCE_PERCENT)).div_ceil(100);
    let highest = target * (100 + LENGTH_TOLERANCE_PERCENT) / 100;
    let range = format!("{lowest}–{highest} allowed");
    if (lowest..=highest).contains(&words) {
        return QualityFinding::new(
            kind,
            true,
            format!("{words} words for a {target}-word target ({range})"),
        );
    }
    let (off, direction) = if words < target {
        (target - words, "below")
    } else {
        (words - target, "above")
    };
    let percent = off * 100 / target;
    QualityFinding::new(
        kind,
        false,
        format!("{words} words is {percent}% {direction} the {target}-word target ({range})"),
    )
}

pub(super) fn paragraph_length(article: &Article) -> QualityFinding {
    let kind = Kind::ParagraphLength;
    let counted: Vec<(&str, usize)> = article
        .paragraphs
        .iter()
        .map(|p| (&p[..], word_count(p)))
        .collect();
    let over: Vec<&(&str, usize)> = counted
        .iter()
        .filter(|(_, n)| *n > MAX_PARAGRAPH_WORDS)
        .collect();
    if let Some((first, n)) = over.first() {
        let start = opening(first, 8);
        let also = match over.len() {
            1 => String::new(),
            more => format!(" ({more} paragraphs over)"),
        };
        return QualityFinding::new(
            kind,
            false,
            format!("The paragraph \"{start}\" has {n} words; at most {MAX_PARAGRAPH_WORDS}{also}"),
        );
    }
    let longest = counted.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let message = match counted.len() {
        0 => "No paragraphs".to_owned(),
        n => format!(
            "The longest of {n} paragraphs has {longest} words; at most {MAX_PARAGRAPH_WORDS}"
        ),
    };
    QualityFinding::new(kind, true, message)
}

/// Each listed phrase is looked for in the title, the meta title and the body's text (headings
/// included), each on its own so a match never runs from one into the next.
pub(super) fn banned_phrases(input: &QualityInput<'_>, article: &Article) -> QualityFinding {
    let kind = Kind::BannedPhrases;
    let texts = [
        terms(input.title),
        terms(input.meta_title),
        terms(&article.text),
    ];
    // one entry per distinct phrase: "Delve" and "delve" in a list are reported once
    let mut seen = HashSet::new();
    let phrases: Vec<(&str, Phrase)> = input
        .banned_phrases
        .iter()
        .map(|p| p.trim())
        .filter_map(|p| Phrase::new(p).map(|phrase| (p, phrase)))
        .filter(|(_, phrase)| seen.insert(phrase.key().to_vec()))
        .collect();
    if phrases.is_empty() {
        return QualityFinding::new(kind, true, "No banned phrases are set");
    }
    let found: Vec<String> = phrases
        .iter()
        .filter_map(|(text, phrase)| {
            let n: usize = texts.iter().map(|t| phrase.count_in(t)).sum();
            (n > 0).then(|| format!("\"{text}\" ({n})"))
        })
        .collect();
    if found.is_empty() {
        let n = phrases.len();
        QualityFinding::new(kind, true, format!("None of the {n} banned phrases appear"))
    } else {
        QualityFinding::new(
            kind,
            false,
            format!("Banned phrases found: {}", found.join(", ")),
        )
    }
}
