//! A pipeline stage's run on a page (`crate::stage_run::StageRun`): the estimate with *Spend* /
//! *Not now*, the job's bar and message with *Cancel*, then what the run did. The panel's root is
//! `#<id>` with `data-phase` (`estimating`, `confirming`, `running`, `finished`, `cancelled`,
//! `failed`); nothing is shown while idle.

use crate::components::ProgressBar;
use crate::format::{count, error_text, plural, usd};
use crate::hooks::StageRunCallbacks;
use crate::stage_run::{RunPhase, StageRun};
use folio_model::{StageEstimate, StageReport};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StagePanelProps {
    /// The root's id, and the prefix of its parts' ids.
    pub id: AttrValue,
    pub run: StageRun,
    /// What the stage's items are, singular: "keyword", "cluster", "article".
    pub item: AttrValue,
    /// Its buttons (`hooks::use_stage_run`).
    pub callbacks: StageRunCallbacks,
}

#[function_component(StagePanel)]
pub fn stage_panel(props: &StagePanelProps) -> Html {
    let id = props.id.as_str();
    let part = |name: &str| format!("{id}-{name}");
    let title = props.run.stage.label();
    let body = match &props.run.phase {
        RunPhase::Idle => return html! {},
        RunPhase::Estimating { .. } => html! {
            <p class="muted" id={part("estimating")}>{"Estimating what it will cost\u{2026}"}</p>
        },
        RunPhase::Confirming { estimate, .. } => confirm(props, estimate),
        RunPhase::Running {
            progress,
            cancelling,
            cancel_sent,
            ..
        } => {
            let cancel_state = match (cancelling, cancel_sent) {
                (_, true) => "sent",
                (true, false) => "asked",
                _ => "none",
            };
            let bar = progress.as_ref().and_then(|p| p.total.map(|t| (p.done, t)));
            let message = progress
                .as_ref()
                .and_then(|p| p.message.clone())
                .unwrap_or_else(|| "Starting\u{2026}".to_owned());
            let counted = progress.as_ref().and_then(|p| {
                p.total
                    .map(|t| format!("{} of {}", count(p.done), plural(t, &props.item)))
            });
            html! {
                <div id={part("progress")} data-cancel={cancel_state}>
                    <ProgressBar id={part("bar")} label={format!("{title}: progress")} value={bar} />
                    <div class="run-line">
                        <span id={part("message")} class="muted">{message}</span>
                        if let Some(c) = counted { <span id={part("count")} class="muted">{c}</span> }
                    </div>
                    <button id={part("cancel")} type="button" onclick={props.callbacks.cancel.clone()}
                        disabled={*cancelling}>
                        { if *cancelling { "Cancelling\u{2026}" } else { "Cancel" } }
                    </button>
                </div>
            }
        }
        RunPhase::Finished(Ok(report)) => finished(props, report),
        RunPhase::Finished(Err(e)) => html! {
            <>
                <div id={part("error")} class="error banner" role="alert">
                    {error_text(e)}
                </div>
                <button id={part("dismiss")} type="button" onclick={props.callbacks.dismiss.clone()}>{"Close"}</button>
            </>
        },
    };
    html! {
        <section class="panel stage-panel" id={id.to_owned()} data-phase={props.run.phase_name()}
            role="status" aria-live="polite">
            <div class="panel-head"><h2>{title}</h2></div>
            { body }
        </section>
    }
}

fn confirm(props: &StagePanelProps, e: &StageEstimate) -> Html {
    let part = |name: &str| format!("{}-{name}", props.id);
    let stat = |name: &str, label: &'static str, value: String| {
        html! {
            <div class="stat"><dt>{label}</dt><dd id={part(name)}>{value}</dd></div>
        }
    };
    let available = match e.available {
        Some(a) => count(a),
        None => "no limit".to_owned(),
    };
    let nothing = e.items == 0;
    let affordable = e.affordable();
    html! {
        <div id={part("estimate")} data-affordable={affordable.to_string()}>
            <dl class="import-stats estimate-stats">
                { stat("est-items", "Items", plural(e.items, &props.item)) }
                { stat("est-calls", "Calls", count(e.calls)) }
                { stat("est-credits", "Credits, at most", count(e.credits)) }
                { stat("est-usd", "USD, at most", usd(e.usd)) }
                { stat("est-model", "Model", if e.model.is_empty() { "\u{2014}".to_owned() } else { e.model.clone() }) }
                { stat("est-available", "Credits left", available) }
            </dl>
            if nothing {
                <p id={part("nothing")} class="muted">{"Nothing is waiting for this step."}</p>
            } else if !affordable {
                <div id={part("unaffordable")} class="error banner" role="alert">
                    {format!("This needs up to {} credits; {} are left. Add credits or choose fewer items.",
                        count(e.credits), count(e.available.unwrap_or(0)))}
                </div>
            }
            <div class="button-row">
                <button id={part("confirm")} type="button" class="primary"
                    onclick={props.callbacks.confirm.clone()} disabled={nothing || !affordable}>
                    {format!("Spend up to {} credits", count(e.credits))}
                </button>
                <button id={part("decline")} type="button" onclick={props.callbacks.decline.clone()}>{"Not now"}</button>
            </div>
        </div>
    }
}

fn finished(props: &StagePanelProps, r: &StageReport) -> Html {
    let part = |name: &str| format!("{}-{name}", props.id);
    let mut summary = format!("{} done", count(r.done));
    if r.skipped > 0 {
        summary.push_str(&format!(", {} already done", count(r.skipped)));
    }
    if !r.failed.is_empty() {
        summary.push_str(&format!(", {} failed", count(r.failed.len() as u64)));
    }
    html! {
        <div id={part("report")}>
            if r.cancelled {
                <p id={part("cancelled")} class="muted">{"Cancelled: what was finished is kept."}</p>
            }
            <p id={part("summary")}>{summary}</p>
            <p id={part("spent")} class="muted">
                {format!("Spent {} credits ({})", count(r.credits), usd(r.usd))}
            </p>
            if !r.failed.is_empty() {
                <ul id={part("failures")} class="run-failures">
                    { for r.failed.iter().map(|f| html! {
                        <li class="run-failure" data-item={f.item.clone()}>
                            <strong>{&f.label}</strong>{": "}<span class="reason">{&f.reason}</span>
                        </li>
                    }) }
                </ul>
            }
            <button id={part("dismiss")} type="button" onclick={props.callbacks.dismiss.clone()}>{"Close"}</button>
        </div>
    }
}
