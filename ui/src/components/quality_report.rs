//! A quality gate's report as a person reads it: the verdict (passed, passed with warnings, or
//! how many checks block) and every finding with core's message, the ones to fix first on top.
//! Shown on an article's page and for each article in the review queue.

use crate::format::{count, plural};
use folio_model::quality::{QualityFinding, QualityReport};
use yew::prelude::*;

/// How a finding reads: passed, a blocking failure, or a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Blocking,
    Warning,
}

impl Outcome {
    pub fn of(f: &QualityFinding) -> Self {
        if f.passed {
            Outcome::Passed
        } else if f.blocking {
            Outcome::Blocking
        } else {
            Outcome::Warning
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Blocking => "blocking",
            Outcome::Warning => "warning",
        }
    }
}

/// The report's headline: passed (with or without warnings), or how many checks block.
pub fn verdict(r: &QualityReport) -> String {
    let blocking = r.blocking_failures().count() as u64;
    let warnings = r.warnings().count() as u64;
    if blocking > 0 {
        format!("Blocked: {} failed", plural(blocking, "blocking check"))
    } else if warnings > 0 {
        format!("Passed with {}", plural(warnings, "warning"))
    } else {
        "Passed".to_owned()
    }
}

/// Findings in the order a person fixes them: blocking, then warnings, then passed.
pub fn ordered(r: &QualityReport) -> Vec<&QualityFinding> {
    let mut v: Vec<&QualityFinding> = r.findings.iter().collect();
    v.sort_by_key(|f| match Outcome::of(f) {
        Outcome::Blocking => 0,
        Outcome::Warning => 1,
        Outcome::Passed => 2,
    });
    v
}

#[derive(Properties, PartialEq)]
pub struct QualityReportViewProps {
    /// Prefix of the ids: the report is `#<id>-report`, its verdict `#<id>-verdict`.
    pub id: AttrValue,
    pub report: QualityReport,
}

#[function_component(QualityReportView)]
pub fn quality_report_view(props: &QualityReportViewProps) -> Html {
    let r = &props.report;
    html! {
        <div id={format!("{}-report", props.id)} class="quality-report" data-passed={r.passed().to_string()}>
            <p id={format!("{}-verdict", props.id)} class={classes!("quality-verdict", if r.passed() { "notice" } else { "error banner" })}>
                {verdict(r)}{format!(" \u{00b7} {} words", count(u64::from(r.word_count)))}
            </p>
            <ul class="quality-findings">
                { for ordered(r).into_iter().map(|f| {
                    let outcome = Outcome::of(f);
                    html! {
                        <li class={classes!("quality-finding", outcome.as_str())}
                            data-kind={format!("{:?}", f.kind)} data-outcome={outcome.as_str()}>
                            <span class={classes!("chip", outcome.as_str())}>{outcome.as_str()}</span>
                            {" "}<strong>{f.kind.label()}</strong>{": "}<span class="quality-message">{&f.message}</span>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use folio_model::quality::QualityCheckKind as K;

    fn report(findings: Vec<QualityFinding>) -> QualityReport {
        QualityReport {
            findings,
            word_count: 1400,
        }
    }

    #[test]
    fn the_verdict_counts_blocking_checks_and_warnings() {
        let ok = QualityFinding::new(K::KeywordInTitle, true, "in the title");
        let warn = QualityFinding::new(K::Length, false, "1400 words; target 1800 ±15%");
        let block = QualityFinding::new(K::OutlineFollowed, false, "H2 3 is missing");
        assert_eq!(verdict(&report(vec![ok.clone()])), "Passed");
        assert_eq!(
            verdict(&report(vec![ok.clone(), warn.clone()])),
            "Passed with 1 warning"
        );
        let r = report(vec![ok, warn, block]);
        assert_eq!(verdict(&r), "Blocked: 1 blocking check failed");
        let kinds: Vec<_> = ordered(&r).iter().map(|f| Outcome::of(f)).collect();
        assert_eq!(
            kinds,
            [Outcome::Blocking, Outcome::Warning, Outcome::Passed]
        );
    }
}
