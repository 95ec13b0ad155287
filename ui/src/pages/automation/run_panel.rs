//! The run panel: while a run goes, its live view (stage n/7, items, credits, elapsed, ETA, the
//! job's message) with Pause and Cancel; otherwise how the newest run ended (with *Resume* when
//! it stopped part-way) and the next run's estimate with *Run now*. `#auto-run` carries
//! `data-state` (`idle`, `running`, `pausing`, `cancelling`, `paused`, `failed`, `interrupted`,
//! `completed`, `cancelled`).

use super::state::{duration, stage_step, AutomationAction as A, AutomationState};
use super::{Dispatch, Handlers};
use crate::components::{BusyButton, ProgressBar};
use crate::format::{count, error_text, when};
use folio_model::{AutomationEstimate, AutomationRun, AutomationRunStatus, Status as _};
use yew::prelude::*;

pub fn view(state: &AutomationState, dispatch: &Dispatch, handlers: &Handlers) -> Html {
    let body = if state.is_running() {
        live(state, dispatch, handlers)
    } else {
        html! {
            <>
                { last_run(state, dispatch, handlers) }
                if state.resumable().is_none() {
                    { estimate(state, handlers) }
                }
            </>
        }
    };
    html! {
        <section class="panel automation-run" id="auto-run" data-state={state.run_state()}
            aria-labelledby="auto-run-title">
            <div class="panel-head"><h2 id="auto-run-title">{"Run"}</h2></div>
            { errors(state, dispatch) }
            { body }
        </section>
    }
}

fn errors(state: &AutomationState, dispatch: &Dispatch) -> Html {
    let Some(e) = state.run_error.as_ref().or(state.command_error.as_ref()) else {
        return html! {};
    };
    html! {
        <div id="auto-run-error" class="error banner dismissable" role="alert">
            <span>{error_text(e)}</span>
            <button type="button" class="link" onclick={dispatch.to_callback().reform(|_: MouseEvent| A::ErrorDismissed)}>
                {"Dismiss"}
            </button>
        </div>
    }
}

fn stat(id: &'static str, label: &'static str, value: String) -> Html {
    html! { <div class="stat"><dt>{label}</dt><dd {id}>{value}</dd></div> }
}

/// The run that is going, as core last reported it.
fn live(state: &AutomationState, dispatch: &Dispatch, handlers: &Handlers) -> Html {
    let run = state.live_run();
    let (stage, step) = run
        .and_then(|r| r.stage)
        .map_or(("Starting\u{2026}".to_owned(), String::new()), |s| {
            (s.label().to_owned(), stage_step(s))
        });
    let items = run.map(|r| (r.items_processed, r.items_total));
    let message = state
        .message()
        .map(str::to_owned)
        .unwrap_or_else(|| "Working\u{2026}".to_owned());
    let eta = match (state.eta(), items) {
        (Some(d), _) => format!("about {}", duration(d)),
        (None, Some((done, total))) if total > 0 && done >= total => "finishing".to_owned(),
        _ => "working it out\u{2026}".to_owned(),
    };
    let run_state = state.run_state();
    let stopping = matches!(run_state, "pausing" | "cancelling");
    html! {
        <div id="auto-live" data-run={run.map(|r| r.id.to_string())}>
            <div class="live-stage">
                <span id="auto-live-stage" class="live-stage-name">{stage}</span>
                if !step.is_empty() {
                    <span id="auto-live-step" class="chip">{format!("stage {step}")}</span>
                }
            </div>
            <ProgressBar id="auto-live-bar" label="Items of the run" value={items} />
            <dl class="import-stats live-stats">
                { stat("auto-live-items", "Items", items.map_or("\u{2014}".to_owned(), |(d, t)| format!("{} of {}", count(d), count(t)))) }
                { stat("auto-live-credits", "Credits spent", run.map_or("0".to_owned(), |r| count(r.credits_spent))) }
                { stat("auto-live-elapsed", "Elapsed", state.elapsed().map_or("\u{2014}".to_owned(), duration)) }
                { stat("auto-live-eta", "Time left", eta) }
            </dl>
            <p id="auto-live-message" class="muted live-message" role="status" aria-live="polite">{message}</p>
            if run_state == "pausing" {
                <p id="auto-live-stopping" class="muted">{"Pausing: the items in flight finish first."}</p>
            } else if run_state == "cancelling" {
                <p id="auto-live-stopping" class="muted">{"Cancelling: the items in flight finish first."}</p>
            }
            if state.confirming_cancel {
                { cancel_confirm(dispatch, handlers) }
            } else {
                <div class="button-row">
                    <BusyButton id="auto-pause" label="Pause" busy_label="Pausing\u{2026}"
                        busy={run_state == "pausing"} disabled={stopping}
                        onclick={handlers.pause.clone()} />
                    <button id="auto-cancel" type="button" disabled={stopping}
                        onclick={dispatch.to_callback().reform(|_: MouseEvent| A::CancelRequested)}>
                        {"Cancel run"}
                    </button>
                </div>
            }
        </div>
    }
}

fn cancel_confirm(dispatch: &Dispatch, handlers: &Handlers) -> Html {
    html! {
        <div class="confirm" id="auto-cancel-ask" role="alertdialog" aria-labelledby="auto-cancel-text">
            <span id="auto-cancel-text">{"Cancel this run? What it finished stays; it cannot be resumed."}</span>
            <div class="confirm-actions">
                <button id="auto-cancel-confirm" type="button" class="danger"
                    onclick={handlers.confirm_cancel.clone()}>{"Cancel run"}</button>
                <button id="auto-cancel-keep" type="button"
                    onclick={dispatch.to_callback().reform(|_: MouseEvent| A::CancelDeclined)}>{"Keep it"}</button>
            </div>
        </div>
    }
}

/// How the newest run ended; *Resume* (and Cancel) when it stopped part-way.
fn last_run(state: &AutomationState, dispatch: &Dispatch, handlers: &Handlers) -> Html {
    let Some(run) = state.run() else {
        return html! { <p id="auto-no-runs" class="muted">{"No run yet on this site."}</p> };
    };
    let headline = match state.run_state() {
        "paused" => "Paused",
        "failed" => "Stopped by an error",
        "interrupted" => "Interrupted (the app or the CLI stopped)",
        "completed" => "Last run completed",
        "cancelled" => "Last run cancelled",
        _ => "Last run",
    };
    let resumable = state.resumable().is_some();
    html! {
        <div id="auto-last" data-status={run.status.as_str()} class={classes!("last-run", resumable.then_some("resumable"))}>
            <p><strong id="auto-last-status">{headline}</strong>{" \u{2014} "}{summary(run)}</p>
            if let Some(reason) = &run.reason {
                <p id="auto-last-reason" class={classes!(if resumable { "warning banner" } else { "muted" })}>{reason}</p>
            }
            if resumable {
                if state.confirming_cancel {
                    { cancel_confirm(dispatch, handlers) }
                } else {
                    <div class="button-row">
                        <button id="auto-resume" type="button" class="primary"
                            onclick={handlers.run.clone()} disabled={!state.can_run()}>{"Resume"}</button>
                        <button id="auto-cancel" type="button"
                            onclick={dispatch.to_callback().reform(|_: MouseEvent| A::CancelRequested)}>{"Cancel run"}</button>
                    </div>
                    if let Some(why) = state.run_blocked() {
                        <p id="auto-run-blocked" class="help">{why}</p>
                    }
                }
            }
        </div>
    }
}

/// `12 of 20 items, 340 credits, stopped in Writing articles (4/7)`.
fn summary(run: &AutomationRun) -> String {
    let mut text = format!(
        "{} of {} items, {} credits",
        count(run.items_processed),
        count(run.items_total),
        count(run.credits_spent)
    );
    if let Some(stage) = run.stage {
        if run.status != AutomationRunStatus::Completed {
            text.push_str(&format!(", in {} ({})", stage.label(), stage_step(stage)));
        }
    }
    text.push_str(&format!(", started {}", when(run.started_at)));
    text
}

/// The next run's estimate, then *Run now* (disabled with the reason when it cannot start).
fn estimate(state: &AutomationState, handlers: &Handlers) -> Html {
    let figures = match &state.estimate {
        None => {
            html! { <p id="auto-estimating" class="muted">{"Estimating what a run costs\u{2026}"}</p> }
        }
        Some(Err(e)) => {
            html! { <div id="auto-estimate-error" class="error banner" role="alert">{error_text(e)}</div> }
        }
        Some(Ok(e)) => estimate_figures(e),
    };
    let blocked = state.run_blocked();
    html! {
        <div class="automation-next">
            <h3>{"Next run"}</h3>
            { figures }
            <div class="button-row">
                <button id="auto-run-now" type="button" class="primary"
                    onclick={handlers.run.clone()} disabled={blocked.is_some()}>{"Run now"}</button>
            </div>
            if let Some(why) = blocked {
                <p id="auto-run-blocked" class="help">{why}</p>
            }
            if let Some(next) = state.status.as_ref().and_then(|s| s.next_scheduled) {
                <p id="auto-next-scheduled" class="muted">{format!("Next scheduled run: {}", when(next))}</p>
            }
        </div>
    }
}

fn estimate_figures(e: &AutomationEstimate) -> Html {
    let available = e.available.map_or("no limit".to_owned(), count);
    html! {
        <div id="auto-estimate" data-affordable={e.affordable().to_string()}>
            <dl class="import-stats estimate-stats">
                { stat("auto-est-credits", "Estimate, credits", count(e.credits)) }
                { stat("auto-est-required", "Needed to start (1.2\u{00d7})", count(e.required)) }
                { stat("auto-est-available", "Credits left", available) }
                { stat("auto-est-cap", "Per-run cap", e.cap.map_or("none".to_owned(), count)) }
            </dl>
            <table class="kw-table automation-stages" id="auto-est-stages">
                <thead><tr><th>{"Stage"}</th><th class="num">{"Items"}</th><th class="num">{"Credits"}</th></tr></thead>
                <tbody>
                    { for e.stages.iter().map(|s| html! {
                        <tr class="auto-est-stage" data-stage={s.stage.as_str()}>
                            <td>{format!("{} {}", stage_step(s.stage), s.stage.label())}</td>
                            <td class="num">{count(s.items)}</td>
                            <td class="num">{count(s.credits)}</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
