//! The article's shape: its H2s are the outline's, and no section under an H2 is empty.

use std::collections::HashMap;

use folio_model::{QualityCheckKind as Kind, QualityFinding};

use super::article::Article;
use super::terms::{terms, word_count};
use super::MIN_SECTION_WORDS;

/// A heading as compared: its terms (case, spacing, punctuation and apostrophes ignored).
/// Numbering is kept: "1. Tools" and "Tools" differ, because the outline decides the numbering.
fn normalise(heading: &str) -> String {
    terms(heading).join(" ")
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Headings of `from` that `other` lacks, counting duplicates (an outline with "FAQ" twice needs
/// two).
fn missing_from<'a>(from: &[&'a str], other: &[&str]) -> Vec<&'a str> {
    let mut available: HashMap<String, usize> = HashMap::new();
    for h in other {
        *available.entry(normalise(h)).or_default() += 1;
    }
    from.iter()
        .copied()
        .filter(|h| match available.get_mut(&normalise(h)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

pub(super) fn outline_followed(article: &Article, outline: &[String]) -> QualityFinding {
    let kind = Kind::OutlineFollowed;
    let planned: Vec<&str> = outline
        .iter()
        .map(|h| h.trim())
        .filter(|h| !h.is_empty())
        .collect();
    if planned.is_empty() {
        return QualityFinding::new(kind, true, "No outline to follow");
    }
    let written: Vec<&str> = article.sections.iter().map(|s| &s.heading[..]).collect();
    let same = planned.len() == written.len()
        && planned
            .iter()
            .zip(&written)
            .all(|(p, w)| normalise(p) == normalise(w));
    if same {
        let n = planned.len();
        return QualityFinding::new(kind, true, format!("The {n} H2s follow the outline"));
    }
    let missing = missing_from(&planned, &written);
    let extra = missing_from(&written, &planned);
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("missing {}", quoted(&missing)));
    }
    if !extra.is_empty() {
        problems.push(format!("not in the outline {}", quoted(&extra)));
    }
    if problems.is_empty() {
        // the same headings, so the first place they differ names the reordering
        let (at, (p, w)) = planned
            .iter()
            .zip(&written)
            .enumerate()
            .find(|(_, (p, w))| normalise(p) != normalise(w))
            .unwrap_or((0, (&"", &"")));
        let n = at + 1;
        problems.push(format!(
            "out of order: H2 {n} is \"{w}\" where the outline has \"{p}\""
        ));
    }
    QualityFinding::new(
        kind,
        false,
        format!("The H2s do not follow the outline: {}", problems.join("; ")),
    )
}

pub(super) fn no_empty_section(article: &Article) -> QualityFinding {
    let kind = Kind::NoEmptySection;
    if article.sections.is_empty() {
        return QualityFinding::new(kind, true, "No H2 sections to check");
    }
    let short: Vec<String> = article
        .sections
        .iter()
        .map(|s| (&s.heading, word_count(&s.body)))
        .filter(|(_, n)| *n < MIN_SECTION_WORDS)
        .map(|(h, n)| {
            let h = if h.is_empty() { "(an empty H2)" } else { h };
            format!("\"{h}\" ({n} words)")
        })
        .collect();
    if short.is_empty() {
        let n = article.sections.len();
        QualityFinding::new(
            kind,
            true,
            format!("All {n} sections have at least {MIN_SECTION_WORDS} words"),
        )
    } else {
        QualityFinding::new(
            kind,
            false,
            format!(
                "Sections with fewer than {MIN_SECTION_WORDS} words: {}",
                short.join(", ")
            ),
        )
    }
}
