//! The quality gate's report as it is stored with an article and shown: one finding per check,
//! which checks block auto-approval, and the default banned-phrase list. The checks themselves are
//! core's (`folio_core::writer::quality_gate`).

use serde::{Deserialize, Serialize};

/// One check of the quality gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityCheckKind {
    /// The article's H2s are the outline's headings, in order.
    OutlineFollowed,
    /// Every H2 section has text before the next H2.
    NoEmptySection,
    KeywordInTitle,
    KeywordInMetaTitle,
    /// The primary keyword appears in the first 100 words of the body.
    KeywordInIntro,
    /// The primary keyword appears in at least one H2.
    KeywordInHeading,
    /// The word count is within ±15% of the target.
    Length,
    /// The primary keyword is at most 3% of the words.
    KeywordDensity,
    /// Every paragraph has at most 150 words.
    ParagraphLength,
    /// Sections do not repeat each other's 5-word sequences.
    Repetition,
    /// None of the account's banned phrases appear.
    BannedPhrases,
}

impl QualityCheckKind {
    /// Every check, in the order the gate reports them.
    pub const ALL: [QualityCheckKind; 11] = [
        QualityCheckKind::OutlineFollowed,
        QualityCheckKind::NoEmptySection,
        QualityCheckKind::KeywordInTitle,
        QualityCheckKind::KeywordInMetaTitle,
        QualityCheckKind::KeywordInIntro,
        QualityCheckKind::KeywordInHeading,
        QualityCheckKind::Length,
        QualityCheckKind::KeywordDensity,
        QualityCheckKind::ParagraphLength,
        QualityCheckKind::Repetition,
        QualityCheckKind::BannedPhrases,
    ];

    /// Whether failing this check keeps the article out of auto-approval. Structure, keyword
    /// placement and repetition block: they mean the writer ignored its brief. Length, density,
    /// paragraph length and banned phrases only warn: they are matters of degree a person may
    /// accept.
    pub fn blocking(self) -> bool {
        match self {
            QualityCheckKind::OutlineFollowed
            | QualityCheckKind::NoEmptySection
            | QualityCheckKind::KeywordInTitle
            | QualityCheckKind::KeywordInMetaTitle
            | QualityCheckKind::KeywordInIntro
            | QualityCheckKind::KeywordInHeading
            | QualityCheckKind::Repetition => true,
            QualityCheckKind::Length
            | QualityCheckKind::KeywordDensity
            | QualityCheckKind::ParagraphLength
            | QualityCheckKind::BannedPhrases => false,
        }
    }

    /// What a person calls it: "Keyword in the title".
    pub fn label(self) -> &'static str {
        match self {
            QualityCheckKind::OutlineFollowed => "Outline followed",
            QualityCheckKind::NoEmptySection => "No empty section",
            QualityCheckKind::KeywordInTitle => "Keyword in the title",
            QualityCheckKind::KeywordInMetaTitle => "Keyword in the meta title",
            QualityCheckKind::KeywordInIntro => "Keyword in the first 100 words",
            QualityCheckKind::KeywordInHeading => "Keyword in an H2",
            QualityCheckKind::Length => "Length",
            QualityCheckKind::KeywordDensity => "Keyword density",
            QualityCheckKind::ParagraphLength => "Paragraph length",
            QualityCheckKind::Repetition => "Repetition between sections",
            QualityCheckKind::BannedPhrases => "Banned phrases",
        }
    }
}

/// The outcome of one check. `message` says what was measured and what is allowed, and for a
/// failure names the offending item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityFinding {
    pub kind: QualityCheckKind,
    pub passed: bool,
    /// `kind.blocking()` at the time of the check, stored so a report reads the same later.
    pub blocking: bool,
    pub message: String,
}

impl QualityFinding {
    pub fn new(kind: QualityCheckKind, passed: bool, message: impl Into<String>) -> Self {
        QualityFinding {
            kind,
            passed,
            blocking: kind.blocking(),
            message: message.into(),
        }
    }

    /// A failed check that keeps the article out of auto-approval.
    pub fn is_blocking_failure(&self) -> bool {
        !self.passed && self.blocking
    }

    /// A failed check that only warns.
    pub fn is_warning(&self) -> bool {
        !self.passed && !self.blocking
    }
}

/// Every check's finding for one article, and the word count they were measured on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityReport {
    pub findings: Vec<QualityFinding>,
    pub word_count: u32,
}

impl QualityReport {
    /// No blocking check failed (warnings allowed): the article may be auto-approved.
    pub fn passed(&self) -> bool {
        !self
            .findings
            .iter()
            .any(QualityFinding::is_blocking_failure)
    }

    pub fn blocking_failures(&self) -> impl Iterator<Item = &QualityFinding> {
        self.findings.iter().filter(|f| f.is_blocking_failure())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &QualityFinding> {
        self.findings.iter().filter(|f| f.is_warning())
    }

    pub fn finding(&self, kind: QualityCheckKind) -> Option<&QualityFinding> {
        self.findings.iter().find(|f| f.kind == kind)
    }
}

/// Phrases that mark text as machine-written, used when the account has not set its own list.
/// Lowercase; the gate matches them case-insensitively on whole words, ignoring punctuation and
/// apostrophes, and a final "s"/"es" is optional ("delve" also finds "delves").
pub const DEFAULT_BANNED_PHRASES: &[&str] = &[
    "delve",
    "delving",
    "in today's fast-paced world",
    "in today's digital age",
    "it's important to note",
    "it is important to note",
    "it's worth noting",
    "in conclusion",
    "tapestry",
    "game-changer",
    "unlock the power",
    "unlock the potential",
    "harness the power",
    "navigate the complexities",
    "a testament to",
    "elevate your",
    "embark on a journey",
    "ever-evolving landscape",
    "ever-changing landscape",
    "seamlessly",
    "in the realm of",
    "look no further",
    "treasure trove",
    "a myriad of",
    "plays a crucial role",
    "plays a pivotal role",
    "cutting-edge",
    "revolutionize the way",
    "dive into the world of",
    "let's dive in",
    "without further ado",
    "buckle up",
    "it's no secret that",
    "at the end of the day",
    "whether you're a seasoned",
    "meticulously",
    "bustling",
    "unleash",
];

/// [`DEFAULT_BANNED_PHRASES`] as the owned list a setting holds.
pub fn default_banned_phrases() -> Vec<String> {
    DEFAULT_BANNED_PHRASES
        .iter()
        .map(|p| (*p).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structure_keywords_and_repetition_block_the_rest_warn() {
        let blocking: Vec<_> = QualityCheckKind::ALL
            .into_iter()
            .filter(|k| k.blocking())
            .collect();
        assert_eq!(
            blocking,
            [
                QualityCheckKind::OutlineFollowed,
                QualityCheckKind::NoEmptySection,
                QualityCheckKind::KeywordInTitle,
                QualityCheckKind::KeywordInMetaTitle,
                QualityCheckKind::KeywordInIntro,
                QualityCheckKind::KeywordInHeading,
                QualityCheckKind::Repetition,
            ]
        );
        let finding = QualityFinding::new(QualityCheckKind::Length, false, "short");
        assert!(!finding.blocking && finding.is_warning() && !finding.is_blocking_failure());
    }

    #[test]
    fn kinds_serialize_snake_case_and_have_distinct_labels() {
        assert_eq!(
            serde_json::to_value(QualityCheckKind::KeywordInMetaTitle).ok(),
            Some(serde_json::json!("keyword_in_meta_title"))
        );
        let mut labels: Vec<_> = QualityCheckKind::ALL.iter().map(|k| k.label()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), QualityCheckKind::ALL.len());
    }

    #[test]
    fn a_report_passes_unless_a_blocking_check_fails() {
        let mut report = QualityReport {
            findings: vec![
                QualityFinding::new(QualityCheckKind::KeywordInTitle, true, "ok"),
                QualityFinding::new(QualityCheckKind::BannedPhrases, false, "\"delve\" (1)"),
            ],
            word_count: 900,
        };
        assert!(report.passed());
        assert_eq!(report.warnings().count(), 1);
        assert_eq!(report.blocking_failures().count(), 0);

        report.findings.push(QualityFinding::new(
            QualityCheckKind::Repetition,
            false,
            "too similar",
        ));
        assert!(!report.passed());
        let failures: Vec<_> = report.blocking_failures().map(|f| f.kind).collect();
        assert_eq!(failures, [QualityCheckKind::Repetition]);
        assert_eq!(
            report
                .finding(QualityCheckKind::BannedPhrases)
                .map(|f| f.passed),
            Some(false)
        );

        let json = serde_json::to_string(&report).unwrap_or_default();
        let back: Option<QualityReport> = serde_json::from_str(&json).ok();
        assert_eq!(back, Some(report));
    }

    #[test]
    fn default_banned_phrases_are_lowercase_trimmed_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for phrase in DEFAULT_BANNED_PHRASES {
            assert_eq!(*phrase, phrase.trim().to_lowercase(), "{phrase:?}");
            assert!(!phrase.is_empty() && seen.insert(*phrase), "{phrase:?}");
        }
        assert!((25..=40).contains(&DEFAULT_BANNED_PHRASES.len()));
        assert_eq!(default_banned_phrases().len(), DEFAULT_BANNED_PHRASES.len());
    }
}
