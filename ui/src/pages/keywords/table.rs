//! The keyword table (one page of rows, sortable headers, selection) and its pager.

use super::state::{KeywordsAction as A, KeywordsState};
use super::Dispatch;
use crate::components::EmptyState;
use crate::format::{count, metric};
use folio_model::{KeywordRow, KeywordSortField, Status};
use yew::prelude::*;

/// Every column but the checkbox: (label, sort field, numeric).
const COLUMNS: [(&str, Option<KeywordSortField>, bool); 7] = [
    ("Keyword", Some(KeywordSortField::Keyword), false),
    ("Volume", Some(KeywordSortField::Volume), true),
    ("Difficulty", Some(KeywordSortField::Difficulty), true),
    ("CPC", Some(KeywordSortField::Cpc), true),
    ("Intent", Some(KeywordSortField::Intent), false),
    ("Status", Some(KeywordSortField::Status), false),
    ("Cluster", None, false),
];

pub fn view(state: &KeywordsState, dispatch: &Dispatch) -> Html {
    let rows = state.page.as_ref().map_or(&[][..], |p| p.items.as_slice());
    let on_page_toggle = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: Event| dispatch.dispatch(A::PageToggled))
    };
    let summary = match state.total() {
        Some(total) => html! {
            <><span id="keywords-total">{count(total)}</span>{if total == 1 { " keyword" } else { " keywords" }}</>
        },
        None => html! {},
    };
    html! {
        <>
            if let Some(e) = state.general_list_error() {
                <div id="keywords-error" class="error banner" role="alert">{&e.message}</div>
            }
            <div class="table-summary">
                <span class="muted">{summary}</span>
                if state.loading {
                    <span class="muted loading-note" id="keywords-loading">{"Loading\u{2026}"}</span>
                }
            </div>
            <div class={classes!("table-wrap", state.loading.then_some("stale"))} aria-busy={state.loading.to_string()}>
                <table class="kw-table" id="keywords-table">
                    <thead>
                        <tr>
                            <th class="col-check" scope="col">
                                <input id="kw-select-page" type="checkbox" checked={state.page_fully_selected()}
                                    disabled={rows.is_empty()} onchange={on_page_toggle}
                                    aria-label="Select every keyword on this page" />
                            </th>
                            { for COLUMNS.iter().map(|&(label, field, numeric)| header(state, dispatch, label, field, numeric)) }
                            <th class="col-actions" scope="col"><span class="sr-only">{"More"}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        if rows.is_empty() {
                            <tr class="placeholder-row"><td colspan="9">{ placeholder(state, dispatch) }</td></tr>
                        } else {
                            { for rows.iter().map(|r| row(state, dispatch, r)) }
                        }
                    </tbody>
                </table>
            </div>
            { pager(state, dispatch) }
        </>
    }
}

fn header(
    state: &KeywordsState,
    dispatch: &Dispatch,
    label: &'static str,
    field: Option<KeywordSortField>,
    numeric: bool,
) -> Html {
    let Some(field) = field else {
        return html! { <th scope="col" class={classes!(numeric.then_some("num"))}>{label}</th> };
    };
    let active = state.sort.field == field;
    let aria_sort = match (active, state.sort.descending) {
        (false, _) => "none",
        (true, true) => "descending",
        (true, false) => "ascending",
    };
    let mark = match aria_sort {
        "descending" => "\u{25bc}",
        "ascending" => "\u{25b2}",
        _ => "\u{21c5}",
    };
    // The click lands on the header cell (the inner button bubbles to it): the whole cell is
    // the target, and the button makes it reachable and operable from the keyboard.
    let onclick = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(A::SortClicked(field)))
    };
    html! {
        <th scope="col" data-sort={field.as_str()} aria-sort={aria_sort} {onclick}
            class={classes!("sortable", numeric.then_some("num"), active.then_some("sorted"))}>
            <button type="button" class="sort">
                {label}<span class="sort-mark" aria-hidden="true">{mark}</span>
            </button>
        </th>
    }
}

fn row(state: &KeywordsState, dispatch: &Dispatch, r: &KeywordRow) -> Html {
    let id = r.id;
    let selected = state.is_selected(id);
    let on_toggle = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: Event| dispatch.dispatch(A::RowToggled(id)))
    };
    let on_similar = {
        let dispatch = dispatch.clone();
        let row = r.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(A::SimilarRequested(row.clone())))
    };
    let difficulty_class = r.difficulty.map(|d| match d {
        0..=29 => "easy",
        30..=59 => "medium",
        _ => "hard",
    });
    html! {
        <tr key={id.to_string()} class={classes!("kw-row", selected.then_some("selected"))} data-keyword-id={id.to_string()}>
            <td class="col-check">
                <input type="checkbox" class="kw-check" checked={selected} onchange={on_toggle}
                    aria-label={format!("Select \u{201c}{}\u{201d}", r.keyword)} />
            </td>
            <td class="kw-keyword">{&r.keyword}</td>
            <td class="kw-volume num">{metric(r.volume)}</td>
            <td class="kw-difficulty num">
                <span class={classes!("difficulty", difficulty_class)}>{metric(r.difficulty.map(i64::from))}</span>
            </td>
            <td class="kw-cpc num">{r.cpc.map_or_else(|| "\u{2014}".to_owned(), |c| format!("{c:.2}"))}</td>
            <td class="kw-intent">
                if let Some(intent) = r.intent {
                    <span class={classes!("chip", "intent", intent.as_str())}>{intent.as_str()}</span>
                } else {
                    <span class="muted">{"\u{2014}"}</span>
                }
            </td>
            <td class="kw-status"><span class={classes!("chip", "status", r.status.as_str())}>{r.status.as_str()}</span></td>
            <td class="kw-cluster">
                if r.cluster_id.is_some() {
                    <span class="chip cluster">{"clustered"}</span>
                } else {
                    <span class="muted">{"\u{2014}"}</span>
                }
            </td>
            <td class="kw-actions">
                <button type="button" class="link kw-similar" onclick={on_similar}
                    title="Keywords like this one, by meaning">{"Similar"}</button>
            </td>
        </tr>
    }
}

/// What the table says when there are no rows to show.
fn placeholder(state: &KeywordsState, dispatch: &Dispatch) -> Html {
    if state.page.is_none() {
        return if state.loading {
            html! { <p class="muted">{"Loading keywords\u{2026}"}</p> }
        } else {
            html! { <p class="muted">{"The keywords could not be loaded."}</p> }
        };
    }
    if state.site_is_empty() {
        return html! {
            <EmptyState id="keywords-empty" title="No keywords yet">
                <p class="muted">{"Import an export from Semrush, Ahrefs, Google Keyword Planner or Search Console \u{2014} or a plain list, one keyword a line \u{2014} with \u{201c}Import keywords\u{2026}\u{201d}."}</p>
            </EmptyState>
        };
    }
    let clear = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(A::FiltersCleared))
    };
    html! {
        <EmptyState id="keywords-no-match">
            <p class="muted">{"No keywords match these filters."}</p>
            if !state.criteria.is_empty() {
                <button type="button" class="link" onclick={clear}>{"Clear filters"}</button>
            }
        </EmptyState>
    }
}

fn pager(state: &KeywordsState, dispatch: &Dispatch) -> Html {
    let Some((first, last, total)) = state.range() else {
        return html! {};
    };
    let prev = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(A::PagePrev))
    };
    let next = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(A::PageNext))
    };
    html! {
        <nav class="pager" aria-label="Pages">
            <span id="page-range" aria-live="polite">
                {format!("{}\u{2013}{} of {}", count(first), count(last), count(total))}
            </span>
            <button id="page-prev" type="button" onclick={prev} disabled={state.offset == 0}>{"\u{2039} Previous"}</button>
            <button id="page-next" type="button" onclick={next} disabled={!state.has_next()}>{"Next \u{203a}"}</button>
        </nav>
    }
}
