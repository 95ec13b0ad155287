//! Above the table: the search box and filters, and the selection's bulk actions.

use super::state::{
    number_error, BulkKind, FilterChange, KeywordsAction as A, KeywordsState, NumberFilter,
};
use super::{Dispatch, Handlers};
use crate::format::{count, plural};
use crate::forms::{input_value, select_value};
use folio_model::{Intent, KeywordStatus, Status};
use yew::prelude::*;

pub fn filters(state: &KeywordsState, dispatch: &Dispatch) -> Html {
    let on_search = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| dispatch.dispatch(A::SearchTyped(input_value(&e))))
    };
    let on_status = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let status = select_value(&e).parse::<KeywordStatus>().ok();
            dispatch.dispatch(A::FilterChanged(FilterChange::Status(status)));
        })
    };
    let on_intent = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let intent = select_value(&e).parse::<Intent>().ok();
            dispatch.dispatch(A::FilterChanged(FilterChange::Intent(intent)));
        })
    };
    let on_clear = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(A::FiltersCleared))
    };
    let d = &state.drafts;
    let anything_set = !state.criteria.is_empty()
        || *d != Default::default()
        || state.status.is_some()
        || state.intent.is_some();
    html! {
        <div class="filters" role="search">
            <div class="field search-field">
                <label for="keywords-search">{"Search"}</label>
                <input id="keywords-search" type="search" placeholder="e.g. garden hoe" autocomplete="off"
                    value={d.search.clone()} oninput={on_search} />
            </div>
            <div class="field">
                <label for="filter-status">{"Status"}</label>
                <select id="filter-status" onchange={on_status}>
                    <option value="" selected={state.status.is_none()}>{"Any"}</option>
                    { for KeywordStatus::ALL.iter().map(|s| html! {
                        <option value={s.as_str()} selected={state.status == Some(*s)}>{s.as_str()}</option>
                    }) }
                </select>
            </div>
            <div class="field">
                <label for="filter-intent">{"Intent"}</label>
                <select id="filter-intent" onchange={on_intent}>
                    <option value="" selected={state.intent.is_none()}>{"Any"}</option>
                    { for Intent::ALL.iter().map(|i| html! {
                        <option value={i.as_str()} selected={state.intent == Some(*i)}>{i.as_str()}</option>
                    }) }
                </select>
            </div>
            { range(state, dispatch, "Volume", "volume", [NumberFilter::MinVolume, NumberFilter::MaxVolume], [&d.min_volume, &d.max_volume]) }
            { range(state, dispatch, "Difficulty", "difficulty", [NumberFilter::MinDifficulty, NumberFilter::MaxDifficulty], [&d.min_difficulty, &d.max_difficulty]) }
            <button id="filter-clear" type="button" class="link" onclick={on_clear} disabled={!anything_set}>
                {"Clear filters"}
            </button>
        </div>
    }
}

/// A min–max pair; errors are the inputs' own (not a number) or core's (min above max).
fn range(
    state: &KeywordsState,
    dispatch: &Dispatch,
    label: &'static str,
    core_field: &'static str,
    which: [NumberFilter; 2],
    values: [&String; 2],
) -> Html {
    let input = |which: NumberFilter, value: &String, bound: &'static str| {
        let dispatch = dispatch.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            dispatch.dispatch(A::NumberTyped(which, input_value(&e)))
        });
        let invalid =
            number_error(which, value).is_some() || state.range_error(core_field).is_some();
        html! {
            <input id={which.id()} type="number" min="0" step="1" inputmode="numeric" placeholder={bound}
                aria-label={format!("{bound} {}", label.to_lowercase())} aria-invalid={invalid.to_string()}
                class={classes!(invalid.then_some("invalid"))} value={value.clone()} {oninput} />
        }
    };
    let error = which
        .iter()
        .zip(values)
        .find_map(|(w, v)| number_error(*w, v))
        .or_else(|| state.range_error(core_field));
    html! {
        <fieldset class="field range">
            <legend>{label}</legend>
            <div class="range-inputs">
                { input(which[0], values[0], "Min") }
                <span aria-hidden="true">{"\u{2013}"}</span>
                { input(which[1], values[1], "Max") }
            </div>
            if let Some(msg) = error {
                <div id={format!("filter-{core_field}-error")} class="error" role="alert">{msg}</div>
            }
        </fieldset>
    }
}

/// What is selected and what can be done with it; also the result of the last bulk action.
pub fn selection_bar(state: &KeywordsState, dispatch: &Dispatch, handlers: &Handlers) -> Html {
    let outcome = match &state.bulk.outcome {
        None => html! {},
        Some(result) => {
            let dismiss = {
                let dispatch = dispatch.clone();
                Callback::from(move |_: MouseEvent| dispatch.dispatch(A::BulkOutcomeDismissed))
            };
            let (id, class, role, text) = match result {
                Ok(msg) => ("bulk-result", "notice", "status", msg.as_str()),
                Err(e) => ("bulk-error", "error banner", "alert", e.message.as_str()),
            };
            html! {
                <div {id} class={classes!(class, "dismissable")} {role}>
                    <span>{text}</span>
                    <button type="button" class="icon" onclick={dismiss} aria-label="Dismiss">{"\u{00d7}"}</button>
                </div>
            }
        }
    };
    let n = state.selection_count();
    if n == 0 {
        return outcome;
    }
    let emit = |kind: BulkKind| handlers.bulk.reform(move |_: MouseEvent| kind);
    let clear = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(A::SelectionCleared))
    };
    let busy = state.bulk.running;
    html! {
        <>
        { outcome }
        <div class="bulk-bar" id="bulk-bar" aria-busy={busy.to_string()}>
            <div class="selection-info">
                <strong id="selection-count">{format!("{} selected", count(n))}</strong>
                { select_all_matching(state, dispatch) }
                <button id="bulk-clear" type="button" class="link" onclick={clear}>{"Clear selection"}</button>
            </div>
            if let Some(kind) = state.bulk.confirming {
                <div class="confirm" id="bulk-confirm-box" role="alertdialog" aria-labelledby="bulk-confirm-text">
                    <span id="bulk-confirm-text">{confirm_text(kind, n)}</span>
                    <button id="bulk-confirm" type="button" class="danger" onclick={handlers.confirm_bulk.clone()}>
                        {confirm_button(kind, n)}
                    </button>
                    <button id="bulk-cancel" type="button" onclick={let d = dispatch.clone(); move |_: MouseEvent| d.dispatch(A::BulkCancelled)}>
                        {"Cancel"}
                    </button>
                </div>
            } else {
                <div class="bulk-actions" role="group" aria-label="Bulk actions">
                    <button id="bulk-set-new" type="button" disabled={busy} onclick={emit(BulkKind::SetStatus(KeywordStatus::New))}>{"Set status: new"}</button>
                    <button id="bulk-set-used" type="button" disabled={busy} onclick={emit(BulkKind::SetStatus(KeywordStatus::Used))}>{"Set status: used"}</button>
                    <button id="bulk-uncluster" type="button" disabled={busy} onclick={emit(BulkKind::RemoveFromCluster)}>{"Remove from cluster"}</button>
                    <button id="bulk-delete" type="button" class="danger" disabled={busy} onclick={emit(BulkKind::Delete)}>{"Delete\u{2026}"}</button>
                </div>
            }
        </div>
        </>
    }
}

fn select_all_matching(state: &KeywordsState, dispatch: &Dispatch) -> Html {
    let total = state.total().unwrap_or(0);
    if state.all_matching {
        return html! { <span class="muted">{format!("All {} matching this filter.", plural(total, "keyword"))}</span> };
    }
    let page_len = state.page.as_ref().map_or(0, |p| p.items.len() as u64);
    if !state.page_fully_selected() || total <= page_len {
        return html! {};
    }
    let allowed = state.can_select_all_matching();
    let onclick = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(A::AllMatchingChosen))
    };
    html! {
        <>
            <button id="kw-select-all" type="button" class="link" disabled={!allowed} {onclick}>
                {format!("Select all {} matching", count(total))}
            </button>
            if !allowed {
                // Core refuses bulk changes to a whole site; say why before anyone tries.
                <span class="help" id="kw-select-all-hint">{"Search, filter or pick a sector to act on every match."}</span>
            }
        </>
    }
}

fn confirm_text(kind: BulkKind, n: u64) -> String {
    let n = plural(n, "keyword");
    match kind {
        BulkKind::Delete => format!("Delete {n}? This cannot be undone."),
        BulkKind::SetStatus(status) => format!("Set {n} to {status}?"),
        BulkKind::RemoveFromCluster => format!("Remove {n} from their cluster?"),
    }
}

fn confirm_button(kind: BulkKind, n: u64) -> String {
    let n = plural(n, "keyword");
    match kind {
        BulkKind::Delete => format!("Delete {n}"),
        BulkKind::SetStatus(_) | BulkKind::RemoveFromCluster => format!("Change {n}"),
    }
}
