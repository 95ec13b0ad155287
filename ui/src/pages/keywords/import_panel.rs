//! The import panel: progress while a file imports, then what it did (or why it did nothing).

use super::state::{was_cancelled, ImportPhase, KeywordsAction as A};
use super::{Dispatch, Handlers};
use crate::components::ProgressBar;
use crate::format::{count, plural};
use folio_model::{JobPhase, JobProgress, KeywordFormat, KeywordImportReport};
use yew::prelude::*;

pub fn view(phase: &ImportPhase, dispatch: &Dispatch, handlers: &Handlers) -> Html {
    match phase {
        ImportPhase::Idle => html! {},
        ImportPhase::Picking => html! {
            <div class="panel import-panel" id="import-picking" role="status">
                <span class="muted">{"Choose a keyword export in the file dialog\u{2026}"}</span>
            </div>
        },
        ImportPhase::Running {
            file,
            progress,
            cancelling,
            cancel_sent,
        } => running(file, progress.as_ref(), *cancelling, *cancel_sent, handlers),
        ImportPhase::Finished(result) => {
            let dismiss = {
                let dispatch = dispatch.clone();
                Callback::from(move |_: MouseEvent| dispatch.dispatch(A::ImportDismissed))
            };
            let body = match result {
                Ok(report) => summary(report),
                Err(e) if was_cancelled(e) => html! {
                    <p id="import-cancelled" class="muted">{"Nothing was imported; the keywords are as they were."}</p>
                },
                Err(e) => html! {
                    <div id="import-error" class="error banner" role="alert">{&e.message}</div>
                },
            };
            let (title, failed) = match result {
                Ok(_) => ("Import finished", false),
                Err(e) if was_cancelled(e) => ("Import cancelled", false),
                Err(_) => ("Import failed", true),
            };
            html! {
                <div class={classes!("panel", "import-panel", failed.then_some("failed"))}
                    id="import-summary" role="status" aria-live="polite">
                    <div class="panel-head">
                        <h2>{title}</h2>
                        <button id="import-dismiss" type="button" class="icon" onclick={dismiss}
                            aria-label="Dismiss the import summary">{"\u{00d7}"}</button>
                    </div>
                    { body }
                </div>
            }
        }
    }
}

fn running(
    file: &str,
    progress: Option<&JobProgress>,
    cancelling: bool,
    cancel_sent: bool,
    handlers: &Handlers,
) -> Html {
    // `data-cancel`: asked (the job's id may not be known yet), then sent (the shell took it).
    let cancel_state = match (cancelling, cancel_sent) {
        (_, true) => "sent",
        (true, false) => "asked",
        _ => "none",
    };
    let (label, bar) = match progress.map(|p| (p.phase, p.done, p.total)) {
        Some((JobPhase::Parsing, ..)) => {
            ("Recognising the format and rows\u{2026}".to_owned(), None)
        }
        Some((JobPhase::Writing, done, Some(total))) => (
            format!("Saving {} of {}", count(done), plural(total, "keyword")),
            Some((done, total)),
        ),
        _ => ("Reading the file\u{2026}".to_owned(), None),
    };
    html! {
        <div class="panel import-panel" id="import-progress" role="status" aria-live="polite"
            data-cancel={cancel_state}>
            <div class="panel-head">
                <h2>{format!("Importing {file}")}</h2>
                <button id="import-cancel" type="button" onclick={handlers.cancel_import.clone()}
                    disabled={cancelling}>
                    { if cancelling { "Cancelling\u{2026}" } else { "Cancel" } }
                </button>
            </div>
            // Reading and parsing have no count: the bar is indeterminate until writing starts.
            <ProgressBar id="import-bar" label="Import progress" value={bar} />
            <div id="import-phase" class="muted">{label}</div>
        </div>
    }
}

fn summary(report: &KeywordImportReport) -> Html {
    let stat = |id: &'static str, label: &'static str, value: String| {
        html! {
            <div class="stat">
                <dt>{label}</dt>
                <dd id={id}>{value}</dd>
            </div>
        }
    };
    html! {
        <>
            <dl class="import-stats">
                { stat("import-format", "Format", format_label(report.format).to_owned()) }
                { stat("import-imported", "Imported", count(report.imported)) }
                { stat("import-duplicates", "Duplicates", count(report.duplicates)) }
                { stat("import-rejected-count", "Rejected", count(report.rejected.len() as u64)) }
            </dl>
            if !report.rejected.is_empty() {
                <h3 class="rejected-title">{"Rejected lines"}</h3>
                <ul id="import-rejected" class="rejected-list">
                    { for report.rejected.iter().map(|r| html! {
                        <li>
                            <span class="line">{format!("Line {}", r.line)}</span>
                            {" "}
                            <span class="reason">{&r.reason}</span>
                        </li>
                    }) }
                </ul>
            }
        </>
    }
}

fn format_label(f: KeywordFormat) -> &'static str {
    match f {
        KeywordFormat::Semrush => "Semrush",
        KeywordFormat::Ahrefs => "Ahrefs",
        KeywordFormat::GoogleKeywordPlanner => "Google Keyword Planner",
        KeywordFormat::SearchConsole => "Google Search Console",
        KeywordFormat::Plain => "Plain list",
    }
}
