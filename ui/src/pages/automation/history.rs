//! The site's runs, newest first, and the open run's item log (oldest first) with its failures
//! and their reasons highlighted.

use super::state::{duration, elapsed, AutomationAction as A, AutomationState};
use super::Dispatch;
use crate::components::{Column, EmptyState, Table};
use crate::format::{count, error_text, plural, when};
use folio_model::{AutomationItem, AutomationRun, ItemOutcome, Status as _};
use yew::prelude::*;

pub fn view(state: &AutomationState, dispatch: &Dispatch) -> Html {
    let body = if let Some(e) = &state.runs_error {
        html! { <div id="auto-runs-error" class="error banner" role="alert">{error_text(e)}</div> }
    } else if state.runs.is_empty() {
        html! {
            <EmptyState id="auto-runs-empty" title="No runs yet">
                <p class="muted">{"Each run is listed here with what it did to every item."}</p>
            </EmptyState>
        }
    } else {
        runs_table(state, dispatch)
    };
    html! {
        <section class="panel automation-history" id="auto-history" aria-labelledby="auto-history-title">
            <div class="panel-head"><h2 id="auto-history-title">{"History"}</h2></div>
            { body }
            { log(state, dispatch) }
        </section>
    }
}

fn runs_table(state: &AutomationState, dispatch: &Dispatch) -> Html {
    let columns = vec![
        Column::text("Started"),
        Column::text("By"),
        Column::text("Status"),
        Column::text("Stage"),
        Column::num("Items"),
        Column::num("Credits"),
        Column::num("Took"),
    ];
    let active = state.status.as_ref().is_some_and(|s| s.active);
    let newest = state.run().map(|r| r.id);
    html! {
        <Table id="auto-runs" class="kw-table automation-runs" {columns}>
            { for state.runs.iter().map(|r| {
                let open = state.selected == Some(r.id);
                let running = active && newest == Some(r.id);
                let took = state.now.map_or(String::new(), |now| duration(elapsed(r, running, now)));
                let id = r.id;
                html! {
                    <tr class={classes!("auto-run-row", open.then_some("selected"))}
                        data-run={r.id.to_string()} data-status={r.status.as_str()}>
                        <td>
                            <button type="button" class="link auto-run-open" aria-pressed={open.to_string()}
                                onclick={dispatch.to_callback().reform(move |_: MouseEvent| A::RunOpened(id))}>
                                {when(r.started_at)}
                            </button>
                        </td>
                        <td>{r.started_by.as_str()}</td>
                        <td><span class={classes!("chip", "run-status", r.status.as_str())}>{r.status.as_str()}</span>
                            if let Some(reason) = &r.reason { <div class="help run-reason">{reason}</div> }
                        </td>
                        <td>{r.stage.map_or("\u{2014}", |s| s.label())}</td>
                        <td class="num auto-run-items">{format!("{} / {}", count(r.items_processed), count(r.items_total))}</td>
                        <td class="num auto-run-credits">{count(r.credits_spent)}</td>
                        <td class="num">{took}</td>
                    </tr>
                }
            }) }
        </Table>
    }
}

fn log(state: &AutomationState, dispatch: &Dispatch) -> Html {
    let Some(run) = state.selected else {
        return html! {};
    };
    let title = state
        .runs
        .iter()
        .find(|r| r.id == run)
        .map(|r: &AutomationRun| format!("Run of {}", when(r.started_at)))
        .unwrap_or_else(|| "Run".to_owned());
    let close = dispatch.to_callback().reform(|_: MouseEvent| A::LogClosed);
    let body = match &state.log {
        None => html! { <p class="muted" id="auto-log-loading">{"Loading\u{2026}"}</p> },
        Some(Err(e)) => {
            html! { <div id="auto-log-error" class="error banner" role="alert">{error_text(e)}</div> }
        }
        Some(Ok(items)) if items.is_empty() => {
            html! { <p class="muted" id="auto-log-empty">{"No item finished in this run yet."}</p> }
        }
        Some(Ok(items)) => log_table(items),
    };
    html! {
        <div class="automation-log" id="auto-log-panel" data-run={run.to_string()}>
            <div class="panel-head">
                <h3 id="auto-log-title">{title}</h3>
                <button id="auto-log-close" type="button" class="link" onclick={close}>{"Close"}</button>
            </div>
            { body }
        </div>
    }
}

fn log_table(items: &[AutomationItem]) -> Html {
    let tally = |o: ItemOutcome| items.iter().filter(|i| i.outcome == o).count() as u64;
    let failed = tally(ItemOutcome::Failed);
    let summary = format!(
        "{} done, {} skipped, {} failed",
        count(tally(ItemOutcome::Done)),
        count(tally(ItemOutcome::Skipped)),
        count(failed)
    );
    let columns = vec![
        Column::text("Stage"),
        Column::text("Item"),
        Column::text("Outcome"),
        Column::num("Credits"),
        Column::text("Reason"),
    ];
    html! {
        <>
            <p id="auto-log-summary" class={classes!(if failed > 0 { "warning banner" } else { "muted" })}>
                {format!("{} \u{2014} {summary}", plural(items.len() as u64, "item"))}
            </p>
            <Table id="auto-log" class="kw-table automation-log-table" {columns}>
                { for items.iter().map(|i| {
                    let failed = i.outcome == ItemOutcome::Failed;
                    html! {
                        <tr class={classes!("auto-log-row", failed.then_some("failed"))}
                            data-outcome={i.outcome.as_str()} data-stage={i.stage.as_str()}>
                            <td>{i.stage.label()}</td>
                            <td class="auto-log-label">{&i.label}</td>
                            <td><span class={classes!("chip", "outcome", i.outcome.as_str())}>{i.outcome.as_str()}</span></td>
                            <td class="num">{count(i.credits)}</td>
                            <td class="auto-log-reason">{i.reason.clone().unwrap_or_default()}</td>
                        </tr>
                    }
                }) }
            </Table>
        </>
    }
}
