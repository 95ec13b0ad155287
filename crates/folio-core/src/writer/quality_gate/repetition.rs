//! Repetition between sections: a writer that drafts section by section tends to restate the same
//! sentences under several headings. Each part of the article (the intro, then each H2 section's
//! text without its heading) becomes the set of its 5-term sequences ("shingles"); a part's share
//! is how many of its shingles also occur in any other part. The worst part's share must stay at
//! or under the limit.

use std::collections::{HashMap, HashSet};

use folio_model::{QualityCheckKind as Kind, QualityFinding};

use super::article::Article;
use super::terms::terms;
use super::{MAX_REPEATED_PERCENT, SHINGLE_WORDS};

struct Part {
    /// How a message names it: `the intro`, `section "Tools"`.
    label: String,
    terms: Vec<String>,
}

pub(super) fn between_sections(article: &Article) -> QualityFinding {
    let kind = Kind::Repetition;
    let mut parts = vec![Part {
        label: "the intro".to_owned(),
        terms: terms(&article.intro),
    }];
    parts.extend(article.sections.iter().map(|s| Part {
        label: format!("section \"{}\"", s.heading),
        terms: terms(&s.body),
    }));
    let shingles: Vec<HashSet<&[String]>> = parts
        .iter()
        .map(|p| p.terms.windows(SHINGLE_WORDS).collect())
        .collect();
    // in how many parts each shingle occurs
    let mut holders: HashMap<&[String], usize> = HashMap::new();
    for set in &shingles {
        for s in set {
            *holders.entry(s).or_default() += 1;
        }
    }
    let shared = |set: &HashSet<&[String]>| {
        set.iter()
            .filter(|s| holders.get(*s).is_some_and(|&n| n > 1))
            .count()
    };

    // (part, shared, total) with the highest share; the first one on a tie
    let mut worst: Option<(usize, usize, usize)> = None;
    for (i, set) in shingles.iter().enumerate().filter(|(_, s)| !s.is_empty()) {
        let (n, total) = (shared(set), set.len());
        if worst.is_none_or(|(_, wn, wt)| n * wt > wn * total) {
            worst = Some((i, n, total));
        }
    }
    let compared = shingles.iter().filter(|s| !s.is_empty()).count();
    let Some((i, n, total)) = worst.filter(|_| compared > 1) else {
        return QualityFinding::new(
            kind,
            true,
            format!("Fewer than two parts with {SHINGLE_WORDS} words or more to compare"),
        );
    };
    let percent = n * 100 / total;
    if n * 100 <= MAX_REPEATED_PERCENT * total {
        return QualityFinding::new(
            kind,
            true,
            format!(
                "At most {percent}% of a part's {SHINGLE_WORDS}-word sequences occur in another \
                 part; at most {MAX_REPEATED_PERCENT}%"
            ),
        );
    }
    // the other part it shares most with, and the first repeated sequence as an example
    let (j, _) = shingles
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(j, other)| (j, shingles[i].intersection(other).count()))
        .fold((i, 0), |best, cur| if cur.1 > best.1 { cur } else { best });
    let example = parts[i]
        .terms
        .windows(SHINGLE_WORDS)
        .find(|w| shingles[j].contains(w))
        .map(|w| w.join(" "))
        .unwrap_or_default();
    let (this, other) = (&parts[i].label, &parts[j].label);
    QualityFinding::new(
        kind,
        false,
        format!(
            "{} repeats {n} of its {total} {SHINGLE_WORDS}-word sequences ({percent}%) from \
             other parts, most from {other} (\"{example}\"); at most {MAX_REPEATED_PERCENT}%",
            capitalised(this)
        ),
    )
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
