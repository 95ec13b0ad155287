//! The open cluster: its name (rename), its keywords (tick some, move them to another cluster of
//! the sector or out of any), and merging another cluster of the sector into it.

use super::state::{ClustersAction as A, ClustersState, Edit, MoveTarget};
use super::{Dispatch, EditHandlers};
use crate::format::{metric, plural};
use crate::forms::{input_value, message_for, select_value};
use folio_model::{KeywordRow, Status};
use yew::prelude::*;

pub fn view(state: &ClustersState, dispatch: &Dispatch, handlers: &EditHandlers) -> Html {
    let Some(open) = state.open_summary() else {
        return html! {};
    };
    let close = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(A::ClusterClosed))
    };
    let dismiss = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(A::NoticeDismissed))
    };
    let on_name = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| dispatch.dispatch(A::NameTyped(input_value(&e))))
    };
    let errors = state.edit_error.iter();
    let name_error = message_for(errors.clone(), "name");
    let other_error = state
        .edit_error
        .as_ref()
        .filter(|e| !e.is_about("name"))
        .map(|e| e.message.clone());
    let siblings = state.siblings();
    let busy = state.editing.is_some();
    let on_merge_from = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            dispatch.dispatch(A::MergeSourceChosen(select_value(&e).parse().ok()))
        })
    };
    let on_move_to = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            let to = match v.as_str() {
                "" => MoveTarget::Unchosen,
                "none" => MoveTarget::NoCluster,
                id => id.parse().map_or(MoveTarget::Unchosen, MoveTarget::Cluster),
            };
            dispatch.dispatch(A::MoveTargetChosen(to));
        })
    };
    let move_value = match state.move_to {
        MoveTarget::Unchosen => String::new(),
        MoveTarget::NoCluster => "none".to_owned(),
        MoveTarget::Cluster(id) => id.to_string(),
    };
    html! {
        <section class="panel cluster-detail" id="cluster-detail" data-cluster={open.cluster.id.to_string()}
            aria-labelledby="cluster-detail-title">
            <div class="panel-head">
                <h2 id="cluster-detail-title">{&open.cluster.name}</h2>
                <button id="cluster-close" type="button" class="icon" onclick={close}
                    aria-label="Close the cluster">{"\u{00d7}"}</button>
            </div>
            if !open.cluster.description.is_empty() {
                <p class="muted" id="cluster-description">{&open.cluster.description}</p>
            }
            if let Some(n) = &state.notice {
                <div id="cluster-notice" class="notice" role="status">
                    {n}
                    <button type="button" class="icon" onclick={dismiss} aria-label="Dismiss">{"\u{00d7}"}</button>
                </div>
            }
            if let Some(msg) = other_error {
                <div id="cluster-error" class="error banner" role="alert">{msg}</div>
            }
            <form id="cluster-rename-form" class="inline-form" onsubmit={handlers.rename.clone()} novalidate=true>
                <div class={classes!("field", name_error.is_some().then_some("invalid"))}>
                    <label for="cluster-name">{"Name"}</label>
                    <input id="cluster-name" type="text" value={state.name_draft.clone()} oninput={on_name}
                        autocomplete="off" aria-describedby="cluster-name-error" />
                    if let Some(msg) = name_error {
                        <div id="cluster-name-error" class="error" role="alert">{msg}</div>
                    }
                </div>
                <button id="cluster-rename" type="submit" disabled={busy || state.rename_request().is_none()}>
                    { if state.editing == Some(Edit::Rename) { "Renaming\u{2026}" } else { "Rename" } }
                </button>
            </form>
            <h3>{"Keywords"}</h3>
            { keywords(state, dispatch) }
            <div class="inline-form">
                <div class="field">
                    <label for="move-target">{"Move the ticked keywords to"}</label>
                    <select id="move-target" onchange={on_move_to} value={move_value.clone()}>
                        <option value="" selected={move_value.is_empty()}>{"Choose\u{2026}"}</option>
                        { for siblings.iter().map(|c| {
                            let v = c.cluster.id.to_string();
                            html! { <option value={v.clone()} selected={v == move_value}>{&c.cluster.name}</option> }
                        }) }
                        <option value="none" selected={move_value == "none"}>{"No cluster (back to new)"}</option>
                    </select>
                </div>
                <button id="move-keywords" type="button" onclick={handlers.move_keywords.clone()}
                    disabled={state.move_request().is_none()}>
                    { if state.editing == Some(Edit::Move) { "Moving\u{2026}".to_owned() }
                      else { format!("Move {}", plural(state.selected.len() as u64, "keyword")) } }
                </button>
            </div>
            if !siblings.is_empty() {
                <div class="inline-form">
                    <div class="field">
                        <label for="merge-from">{"Merge another cluster into this one"}</label>
                        <select id="merge-from" onchange={on_merge_from}>
                            <option value="" selected={state.merge_from.is_none()}>{"Choose\u{2026}"}</option>
                            { for siblings.iter().map(|c| html! {
                                <option value={c.cluster.id.to_string()} selected={state.merge_from == Some(c.cluster.id)}>
                                    {format!("{} ({})", c.cluster.name, plural(c.keywords, "keyword"))}
                                </option>
                            }) }
                        </select>
                        <div class="help">{"Its keywords and ideas move here, then it is deleted."}</div>
                    </div>
                    <button id="merge-clusters" type="button" onclick={handlers.merge.clone()}
                        disabled={state.merge_request().is_none()}>
                        { if state.editing == Some(Edit::Merge) { "Merging\u{2026}" } else { "Merge" } }
                    </button>
                </div>
            }
        </section>
    }
}

fn keywords(state: &ClustersState, dispatch: &Dispatch) -> Html {
    if let Some(e) = &state.keywords_error {
        return html! { <div id="cluster-keywords-error" class="error banner" role="alert">{&e.message}</div> };
    }
    let Some(rows) = &state.keywords else {
        return html! { <p class="muted" id="cluster-keywords-loading">{"Loading\u{2026}"}</p> };
    };
    if rows.is_empty() {
        return html! { <p class="muted" id="cluster-keywords-empty">{"No keywords in this cluster."}</p> };
    }
    html! {
        <table class="kw-table" id="cluster-keywords">
            <thead><tr>
                <th class="col-check"><span class="visually-hidden">{"Select"}</span></th>
                <th>{"Keyword"}</th><th class="num">{"Volume"}</th><th class="num">{"Difficulty"}</th><th>{"Status"}</th>
            </tr></thead>
            <tbody>{ for rows.iter().map(|k| keyword_row(state, dispatch, k)) }</tbody>
        </table>
    }
}

fn keyword_row(state: &ClustersState, dispatch: &Dispatch, k: &KeywordRow) -> Html {
    let id = k.id;
    let onchange = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: Event| dispatch.dispatch(A::KeywordToggled(id)))
    };
    html! {
        <tr class="cluster-keyword" data-keyword={id.to_string()}>
            <td class="col-check">
                <input type="checkbox" class="cluster-keyword-check" checked={state.selected.contains(&id)}
                    {onchange} aria-label={format!("Select {}", k.keyword)} />
            </td>
            <td class="cluster-keyword-text">{&k.keyword}</td>
            <td class="num">{metric(k.volume)}</td>
            <td class="num">{metric(k.difficulty.map(i64::from))}</td>
            <td><span class={classes!("chip", "status", k.status.as_str())}>{k.status.as_str()}</span></td>
        </tr>
    }
}
