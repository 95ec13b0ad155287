//! Planner → Ideas: per site, sector and cluster, the ideas with their outlines (H2s, H3s,
//! coverage, format, FAQ) readable and editable before writing; approve or reject; *Generate
//! ideas* (core's estimate first, then the job with its progress and Cancel) and *Queue for
//! writing* (one idea, or every approved one).
//!
//! State: `ideas/state.rs`; an idea's card: `ideas/card.rs`; the outline editor:
//! `ideas/outline.rs`.

mod card;
mod outline;
mod state;

use crate::app::Route;
use crate::components::{EmptyState, ScopeBar, StagePanel};
use crate::forms::select_value;
use crate::hooks::{invoke, use_stage_run};
use crate::scope::PlannerChoice;
use folio_model::ipc::{
    self, ClustersListArgs, IdeaSetRejectedArgs, IdeaUpdateOutlineArgs, IdeasDuplicatesArgs,
    IdeasListArgs, NoArgs, PipelineRunArgs,
};
use folio_model::{IdeaId, Stage};
use state::{IdeasAction as A, IdeasState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct IdeasPageProps {
    pub remembered: Option<PlannerChoice>,
    pub on_choice: Callback<PlannerChoice>,
}

pub(crate) type Dispatch = UseReducerDispatcher<IdeasState>;

/// What a card's buttons and the editor's Save reach core through.
#[derive(Clone, PartialEq)]
pub(crate) struct Handlers {
    pub reject: Callback<(IdeaId, bool)>,
    pub queue: Callback<IdeaId>,
    pub save: Callback<SubmitEvent>,
}

#[function_component(IdeasPage)]
pub fn ideas_page(props: &IdeasPageProps) -> Html {
    let remembered = props.remembered;
    let state = use_reducer(move || IdeasState::new(remembered));
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
        let args = state.list_args();
        let dispatch = dispatch.clone();
        use_effect_with(state.request, move |&request| {
            if let Some((site, sector)) = args {
                spawn_local(async move {
                    let result =
                        invoke::<ipc::ClustersList>(&ClustersListArgs { site, sector }).await;
                    dispatch.dispatch(A::ClustersLoaded { request, result });
                    let args = IdeasListArgs {
                        site,
                        sector,
                        status: None,
                    };
                    let result = invoke::<ipc::IdeasList>(&args).await;
                    dispatch.dispatch(A::IdeasLoaded { request, result });
                    let result =
                        invoke::<ipc::IdeasDuplicates>(&IdeasDuplicatesArgs { site }).await;
                    dispatch.dispatch(A::DuplicatesLoaded { request, result });
                });
            }
        });
    }
    let run = {
        let d = dispatch.clone();
        use_stage_run(&state.run, Callback::from(move |a| d.dispatch(A::Run(a))))
    };
    {
        let on_choice = props.on_choice.clone();
        use_effect_with(state.scope.choice(), move |choice| {
            if let Some(choice) = choice {
                on_choice.emit(*choice);
            }
        });
    }

    let handlers = handlers(&state);
    let on_site = {
        let d = dispatch.clone();
        Callback::from(move |s| d.dispatch(A::SiteChosen(s)))
    };
    let on_sector = {
        let d = dispatch.clone();
        Callback::from(move |s| d.dispatch(A::SectorChosen(s)))
    };
    let on_cluster = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| d.dispatch(A::ClusterChosen(select_value(&e).parse().ok())))
    };
    let on_generate = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::GenerateClicked))
    };
    let on_queue_all = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(target) = state.queue_all_target() else {
                return;
            };
            if state.queueing_all {
                return;
            }
            let dispatch = state.dispatcher();
            dispatch.dispatch(A::QueueAllClicked);
            spawn_local(async move {
                let args = PipelineRunArgs {
                    stage: Stage::Queue,
                    target,
                };
                dispatch.dispatch(A::AllQueued(invoke::<ipc::PipelineRun>(&args).await));
            });
        })
    };
    let generate_label = match state.cluster {
        Some(_) => "Generate ideas for this cluster\u{2026}",
        None => "Generate ideas\u{2026}",
    };
    html! {
        <section class="page ideas-page">
            <header class="page-header">
                <div class="kicker">{"Planner"}</div>
                <h1 id="page-title">{"Ideas"}</h1>
                <p class="hint">{"Articles planned from each cluster. Read and adjust an outline before it is written."}</p>
            </header>
            <ScopeBar id="ideas" scope={state.scope.clone()} {on_site} {on_sector}>
                if state.scope.target().is_some() {
                    <div class="field">
                        <label for="ideas-cluster">{"Cluster"}</label>
                        <select id="ideas-cluster" onchange={on_cluster}>
                            <option value="" selected={state.cluster.is_none()}>{"All clusters"}</option>
                            { for state.clusters.iter().map(|c| html! {
                                <option value={c.cluster.id.to_string()} selected={state.cluster == Some(c.cluster.id)}>
                                    {format!("{} ({} ideas)", c.cluster.name, c.ideas)}
                                </option>
                            }) }
                        </select>
                    </div>
                    <div class="import-action">
                        <button id="ideas-generate" type="button" class="primary" onclick={on_generate}
                            disabled={state.run.is_busy()}>{generate_label}</button>
                        <div class="help">{"Clusters without ideas yet; you see the cost first."}</div>
                    </div>
                }
            </ScopeBar>
            <StagePanel id="ideas-run" run={state.run.clone()} item="cluster" callbacks={run} />
            if state.scope.target().is_some() {
                <div class="panel ideas-panel">
                    <div class="panel-head">
                        <h2>{"Ideas"}</h2>
                        <button id="ideas-queue-all" type="button" onclick={on_queue_all}
                            disabled={state.queueing_all || state.queue_all_target().is_none()}>
                            { if state.queueing_all { "Queueing\u{2026}" } else { "Queue all approved for writing" } }
                        </button>
                    </div>
                    { queue_outcome(&state, &dispatch) }
                    { list(&state, &dispatch, &handlers) }
                </div>
            }
        </section>
    }
}

fn handlers(state: &UseReducerHandle<IdeasState>) -> Handlers {
    let reject = {
        let state = state.clone();
        Callback::from(move |(idea, rejected): (IdeaId, bool)| {
            if state.busy_idea.is_some() {
                return;
            }
            let dispatch = state.dispatcher();
            dispatch.dispatch(A::RejectToggled(idea, rejected));
            spawn_local(async move {
                let args = IdeaSetRejectedArgs { idea, rejected };
                let result = invoke::<ipc::IdeaSetRejected>(&args).await;
                dispatch.dispatch(A::IdeaUpdated { idea, result });
            });
        })
    };
    let queue = {
        let state = state.clone();
        Callback::from(move |idea: IdeaId| {
            let Some(target) = state.queue_one_target(idea) else {
                return;
            };
            if state.busy_idea.is_some() {
                return;
            }
            let dispatch = state.dispatcher();
            dispatch.dispatch(A::QueueClicked(idea));
            spawn_local(async move {
                let args = PipelineRunArgs {
                    stage: Stage::Queue,
                    target,
                };
                let result = invoke::<ipc::PipelineRun>(&args).await;
                dispatch.dispatch(A::IdeaQueued { idea, result });
            });
        })
    };
    let save = {
        let state = state.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some((idea, outline, faq)) = state.save_request() else {
                return;
            };
            let dispatch = state.dispatcher();
            dispatch.dispatch(A::OutlineSaveClicked);
            spawn_local(async move {
                let args = IdeaUpdateOutlineArgs { idea, outline, faq };
                dispatch.dispatch(A::OutlineSaved(
                    invoke::<ipc::IdeaUpdateOutline>(&args).await,
                ));
            });
        })
    };
    Handlers {
        reject,
        queue,
        save,
    }
}

fn queue_outcome(state: &IdeasState, dispatch: &Dispatch) -> Html {
    let dismiss = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::QueueOutcomeDismissed))
    };
    match &state.queue_outcome {
        None => html! {},
        Some(Ok(msg)) => html! {
            <div id="ideas-queued" class="notice" role="status">
                {msg}{" "}<a id="ideas-open-queue" href={Route::Queue.hash()}>{"Open the writing queue"}</a>
                <button type="button" class="icon" onclick={dismiss} aria-label="Dismiss">{"\u{00d7}"}</button>
            </div>
        },
        Some(Err(e)) => html! {
            <div id="ideas-queue-error" class="error banner" role="alert">{&e.message}</div>
        },
    }
}

fn list(state: &IdeasState, dispatch: &Dispatch, handlers: &Handlers) -> Html {
    if let Some(e) = &state.list_error {
        return html! { <div id="ideas-error" class="error banner" role="alert">{&e.message}</div> };
    }
    if state.ideas.is_none() {
        return html! { <p class="muted" id="ideas-loading">{"Loading\u{2026}"}</p> };
    }
    let shown = state.shown();
    if shown.is_empty() {
        return html! {
            <EmptyState id="ideas-empty" title="No ideas yet">
                <p class="muted">{"Cluster keywords on the Clusters page, then generate ideas from the clusters."}</p>
            </EmptyState>
        };
    }
    html! {
        <ul id="idea-list" class="idea-list">
            { for shown.into_iter().map(|i| card::view(state, dispatch, handlers, i)) }
        </ul>
    }
}
