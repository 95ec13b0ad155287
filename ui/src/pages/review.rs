//! Writer → Review: a site's articles waiting for a person's approval, oldest first, each with
//! its sector, length, when it was written and its quality gate's findings; *Approve* (ready for
//! a publishing slot) or *Reject* (back to draft) takes it off the list, and its title opens the
//! article's page. A sector narrows the list.
//!
//! State: `review/state.rs`; one article's card: `review/item.rs`.

mod item;
mod state;

use crate::components::{EmptyState, ScopeBar};
use crate::format::plural;
use crate::hooks::invoke;
use folio_model::ipc::{self, NoArgs, ReviewApproveArgs, ReviewQueueArgs, ReviewRejectArgs};
use folio_model::ContentId;
use state::{Answer, ReviewAction as A, ReviewState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

type Dispatch = UseReducerDispatcher<ReviewState>;

#[function_component(ReviewPage)]
pub fn review_page() -> Html {
    let state = use_reducer(ReviewState::new);
    let dispatch = state.dispatcher();
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                dispatch.dispatch(A::SitesLoaded(invoke::<ipc::SiteList>(&NoArgs {}).await));
            });
        });
    }
    {
        // The reducer bumps `request` when the site changes or the person refreshes.
        let site = state.site();
        let dispatch = dispatch.clone();
        use_effect_with(state.request, move |&request| {
            if let Some(site) = site {
                spawn_local(async move {
                    let result = invoke::<ipc::ReviewQueue>(&ReviewQueueArgs { site }).await;
                    dispatch.dispatch(A::QueueLoaded { request, result });
                });
            }
        });
    }
    let on_answer = {
        let state = state.clone();
        Callback::from(move |(content, answer): (ContentId, Answer)| {
            // One answer per article at a time; its buttons are disabled meanwhile too.
            if state.answering.contains_key(&content) {
                return;
            }
            let dispatch = state.dispatcher();
            dispatch.dispatch(A::AnswerClicked(content, answer));
            spawn_local(async move {
                let result = match answer {
                    Answer::Approve => {
                        invoke::<ipc::ReviewApprove>(&ReviewApproveArgs { content }).await
                    }
                    Answer::Reject => {
                        invoke::<ipc::ReviewReject>(&ReviewRejectArgs { content }).await
                    }
                };
                // The list only needs where the article went.
                let result = result.map(|c| c.status);
                dispatch.dispatch(A::Answered {
                    content,
                    answer,
                    result,
                });
            });
        })
    };
    let on_site = {
        let d = dispatch.clone();
        Callback::from(move |s| d.dispatch(A::SiteChosen(s)))
    };
    let on_sector = {
        let d = dispatch.clone();
        Callback::from(move |s| d.dispatch(A::SectorChosen(s)))
    };
    let refresh = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::RefreshClicked))
    };
    html! {
        <section class="page review-page">
            <header class="page-header">
                <div class="kicker">{"Writer"}</div>
                <h1 id="page-title">{"Review"}</h1>
                <p class="hint">{"Articles waiting for your approval, with what the quality gate found. Approve one to make it ready for a publishing slot, or reject it to send it back to draft."}</p>
            </header>
            <ScopeBar id="review" scope={state.scope.clone()} {on_site} {on_sector}>
                if state.site().is_some() {
                    <div class="import-action">
                        <button id="review-refresh" type="button" onclick={refresh.clone()}
                            disabled={state.items.is_none() && state.list_error.is_none()}>{"Refresh"}</button>
                    </div>
                }
            </ScopeBar>
            { notice(&state, &dispatch) }
            if state.site().is_some() {
                <div class="panel" id="review-panel">
                    { list(&state, &on_answer, &refresh) }
                </div>
            }
        </section>
    }
}

fn notice(state: &ReviewState, dispatch: &Dispatch) -> Html {
    let Some(text) = &state.notice else {
        return html! {};
    };
    let dismiss = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::NoticeDismissed))
    };
    html! {
        <div id="review-notice" class="notice dismissable" role="status">
            <span>{text}</span>
            <button type="button" class="icon" onclick={dismiss} aria-label="Dismiss">{"\u{00d7}"}</button>
        </div>
    }
}

fn list(
    state: &ReviewState,
    on_answer: &Callback<(ContentId, Answer)>,
    refresh: &Callback<MouseEvent>,
) -> Html {
    if let Some(e) = &state.list_error {
        return html! {
            <div id="review-error" class="error banner" role="alert">
                {format!("The review queue could not be loaded: {}. ", crate::format::error_text(e))}
                <button id="review-retry" type="button" class="link" onclick={refresh.clone()}>{"Try again"}</button>
            </div>
        };
    }
    if state.items.is_none() {
        return html! { <p class="muted" id="review-loading">{"Loading\u{2026}"}</p> };
    }
    let shown = state.visible();
    if shown.is_empty() {
        let narrowed =
            state.scope.sector.is_some() && !state.items.as_deref().unwrap_or_default().is_empty();
        return html! {
            <EmptyState id="review-empty" title="Nothing waits for review">
                if narrowed {
                    <p class="muted">{"This sector has no article in review; choose \u{201c}All sectors\u{201d} to see the others."}</p>
                } else {
                    <p class="muted">
                        {"Articles come here when they are put up for review: an automation run without auto-approve sends every article it writes, and with auto-approve those whose quality gate blocks them; a draft goes up with "}
                        <code>{"folio review submit --content ID"}</code>{"."}
                    </p>
                }
            </EmptyState>
        };
    }
    html! {
        <>
            <p class="muted" id="review-count">{format!("{} waiting, oldest first.", plural(shown.len() as u64, "article"))}</p>
            <ul id="review-list" class="review-list">
                { for shown.into_iter().map(|i| item::view(state, i, on_answer, refresh)) }
            </ul>
        </>
    }
}
