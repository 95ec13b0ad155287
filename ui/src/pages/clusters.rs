//! Planner → Clusters: a site's (or sector's) clusters with keyword count, total volume, average
//! difficulty, ideas and status; open one to see its keywords, rename it, merge another cluster
//! into it or move keywords to another cluster. *Cluster keywords with AI* shows core's estimate
//! and asks before anything is spent, then follows the job (`job-progress`) with Cancel.
//! *Cluster offline (free)* previews how many clusters each tightness gives, then clusters on
//! this computer (`clusters/offline.rs`).
//!
//! State: `clusters/state.rs`; the open cluster's panel: `clusters/detail.rs`.

mod detail;
mod offline;
mod state;

use crate::components::{Column, EmptyState, ScopeBar, StagePanel, Table};
use crate::format::{count, metric};
use crate::hooks::{invoke, use_event, use_stage_run};
use crate::scope::PlannerChoice;
use folio_model::ipc::{
    self, ClusterOfflineArgs, ClusterOfflinePreviewArgs, ClusterRenameArgs, ClustersListArgs,
    ClustersMergeArgs, JobsCancelArgs, KeywordsListArgs, KeywordsMoveArgs, NoArgs,
};
use folio_model::{ClusterSummary, Status};
use offline::{OfflineAction, OfflineCall};
use state::{ClustersAction as A, ClustersState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClustersPageProps {
    pub remembered: Option<PlannerChoice>,
    pub on_choice: Callback<PlannerChoice>,
}

pub(crate) type Dispatch = UseReducerDispatcher<ClustersState>;

#[function_component(ClustersPage)]
pub fn clusters_page(props: &ClustersPageProps) -> Html {
    let remembered = props.remembered;
    let state = use_reducer(move || ClustersState::new(remembered));
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
                    dispatch.dispatch(A::ListLoaded { request, result });
                });
            }
        });
    }
    {
        let query = state.keywords_query();
        let dispatch = dispatch.clone();
        use_effect_with(state.keywords_request, move |&request| {
            if let Some(query) = query {
                spawn_local(async move {
                    let result = invoke::<ipc::KeywordsList>(&KeywordsListArgs { query }).await;
                    dispatch.dispatch(A::KeywordsLoaded { request, result });
                });
            }
        });
    }
    {
        let on_choice = props.on_choice.clone();
        use_effect_with(state.scope.choice(), move |choice| {
            if let Some(choice) = choice {
                on_choice.emit(*choice);
            }
        });
    }

    {
        let call = state.offline.call();
        let dispatch = dispatch.clone();
        use_effect_with(state.offline.request, move |&request| {
            if let Some(call) = call {
                spawn_local(async move {
                    let action = match call {
                        OfflineCall::Preview { site, sector } => OfflineAction::Previewed {
                            request,
                            result: invoke::<ipc::ClusterOfflinePreview>(
                                &ClusterOfflinePreviewArgs { site, sector },
                            )
                            .await,
                        },
                        OfflineCall::Run {
                            site,
                            sector,
                            threshold,
                        } => OfflineAction::Finished {
                            request,
                            result: invoke::<ipc::ClusterOffline>(&ClusterOfflineArgs {
                                site,
                                sector,
                                threshold: Some(threshold),
                            })
                            .await,
                        },
                    };
                    dispatch.dispatch(A::Offline(action));
                });
            }
        });
    }
    {
        let d = dispatch.clone();
        let on_step =
            Callback::from(move |p| d.dispatch(A::Offline(OfflineAction::JobProgressed(p))));
        use_event::<ipc::JobProgressed, _>((), on_step, Callback::noop());
    }
    {
        let d = dispatch.clone();
        use_effect_with(state.offline.job_to_cancel(), move |job| {
            if let Some(job) = *job {
                spawn_local(async move {
                    if let Ok(true) = invoke::<ipc::JobsCancel>(&JobsCancelArgs { job }).await {
                        d.dispatch(A::Offline(OfflineAction::CancelSent));
                    }
                });
            }
        });
    }
    let run = {
        let d = dispatch.clone();
        use_stage_run(&state.run, Callback::from(move |a| d.dispatch(A::Run(a))))
    };
    let on_site = {
        let d = dispatch.clone();
        Callback::from(move |s| d.dispatch(A::SiteChosen(s)))
    };
    let on_sector = {
        let d = dispatch.clone();
        Callback::from(move |s| d.dispatch(A::SectorChosen(s)))
    };
    let on_cluster_ai = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::ClusterWithAiClicked))
    };
    let on_cluster_offline = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::ClusterOfflineClicked))
    };
    let offline_panel = {
        let (d1, d2, d3, d4) = (
            dispatch.clone(),
            dispatch.clone(),
            dispatch.clone(),
            dispatch.clone(),
        );
        offline::view(
            &state.offline,
            Callback::from(move |i| d1.dispatch(A::Offline(OfflineAction::Chosen(i)))),
            Callback::from(move |_| d2.dispatch(A::Offline(OfflineAction::Confirmed))),
            Callback::from(move |_| d3.dispatch(A::Offline(OfflineAction::CancelRequested))),
            Callback::from(move |_| d4.dispatch(A::Offline(OfflineAction::Closed))),
        )
    };
    html! {
        <section class="page clusters-page">
            <header class="page-header">
                <div class="kicker">{"Planner"}</div>
                <h1 id="page-title">{"Clusters"}</h1>
                <p class="hint">{"Group keywords that one article can serve, then plan ideas from each cluster."}</p>
            </header>
            <ScopeBar id="clusters" scope={state.scope.clone()} {on_site} {on_sector}>
                <div class="import-action">
                    <button id="clusters-run-ai" type="button" class="primary" onclick={on_cluster_ai}
                        disabled={state.run.is_busy() || state.scope.target().is_none()}>
                        {"Cluster keywords with AI\u{2026}"}
                    </button>
                    <div class="help">{"New keywords without a cluster; you see the cost first."}</div>
                </div>
                <div class="import-action">
                    <button id="clusters-run-offline" type="button" onclick={on_cluster_offline}
                        disabled={state.run.is_busy() || state.offline.is_busy() || state.scope.target().is_none()}>
                        {"Cluster offline (free)\u{2026}"}
                    </button>
                    <div class="help">{"On this computer, in seconds; no AI, no credits."}</div>
                </div>
            </ScopeBar>
            <StagePanel id="cluster-run" run={state.run.clone()} item="keyword" callbacks={run} />
            { offline_panel }
            if state.scope.target().is_some() {
                <div class="panel table-panel">
                    { list(&state, &dispatch) }
                </div>
                { detail::view(&state, &dispatch, &edit_handlers(&state)) }
            }
        </section>
    }
}

/// Rename, merge and move: each sends one request to core and reports its answer.
#[derive(Clone)]
pub(crate) struct EditHandlers {
    pub rename: Callback<SubmitEvent>,
    pub merge: Callback<MouseEvent>,
    pub move_keywords: Callback<MouseEvent>,
}

fn edit_handlers(state: &UseReducerHandle<ClustersState>) -> EditHandlers {
    let rename = {
        let state = state.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some((cluster, name)) = state.rename_request() else {
                return;
            };
            let dispatch = state.dispatcher();
            dispatch.dispatch(A::RenameSubmitted);
            spawn_local(async move {
                let result =
                    invoke::<ipc::ClusterRename>(&ClusterRenameArgs { cluster, name }).await;
                dispatch.dispatch(A::Renamed(result));
            });
        })
    };
    let merge = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let Some((into, from)) = state.merge_request() else {
                return;
            };
            let dispatch = state.dispatcher();
            dispatch.dispatch(A::MergeSubmitted);
            spawn_local(async move {
                let result = invoke::<ipc::ClustersMerge>(&ClustersMergeArgs { into, from }).await;
                dispatch.dispatch(A::Merged(result));
            });
        })
    };
    let move_keywords = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let Some((site, keywords, cluster)) = state.move_request() else {
                return;
            };
            let dispatch = state.dispatcher();
            dispatch.dispatch(A::MoveSubmitted);
            spawn_local(async move {
                let args = KeywordsMoveArgs {
                    site,
                    keywords,
                    cluster,
                };
                dispatch.dispatch(A::Moved(invoke::<ipc::KeywordsMove>(&args).await));
            });
        })
    };
    EditHandlers {
        rename,
        merge,
        move_keywords,
    }
}

fn list(state: &ClustersState, dispatch: &Dispatch) -> Html {
    if let Some(e) = &state.list_error {
        return html! { <div id="clusters-error" class="error banner" role="alert">{&e.message}</div> };
    }
    let Some(clusters) = &state.clusters else {
        return html! { <p class="muted" id="clusters-loading">{"Loading\u{2026}"}</p> };
    };
    if clusters.is_empty() {
        return html! {
            <EmptyState id="clusters-empty" title="No clusters yet">
                <p class="muted">{"Import keywords on the Keywords page, then cluster them with AI or offline (free)."}</p>
            </EmptyState>
        };
    }
    let columns = vec![
        Column::text("Cluster"),
        Column::num("Keywords"),
        Column::num("Volume"),
        Column::num("Avg. difficulty"),
        Column::num("Ideas"),
        Column::text("Status"),
    ];
    html! {
        <Table id="clusters-table" class="kw-table" {columns}>
            { for clusters.iter().map(|c| row(state, dispatch, c)) }
        </Table>
    }
}

fn row(state: &ClustersState, dispatch: &Dispatch, c: &ClusterSummary) -> Html {
    let id = c.cluster.id;
    let open = state.open == Some(id);
    let onclick = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(A::ClusterOpened(id)))
    };
    let difficulty = c
        .avg_difficulty
        .map_or("\u{2014}".to_owned(), |d| format!("{d:.1}"));
    let sector = state
        .scope
        .sector_name(c.cluster.sector_id)
        .unwrap_or_default()
        .to_owned();
    html! {
        <tr class={classes!("cluster-row", open.then_some("selected"))} data-cluster={id.to_string()}>
            <td>
                <button type="button" class="link cluster-open" {onclick} aria-expanded={open.to_string()}>
                    {&c.cluster.name}
                </button>
                if state.scope.sector.is_none() { <span class="muted">{format!(" \u{00b7} {sector}")}</span> }
            </td>
            <td class="num cluster-keywords">{count(c.keywords)}</td>
            <td class="num cluster-volume">{metric(Some(c.volume))}</td>
            <td class="num cluster-difficulty">{difficulty}</td>
            <td class="num cluster-ideas">{count(c.ideas)}</td>
            <td><span class={classes!("chip", "status", c.cluster.status.as_str())}>{c.cluster.status.as_str()}</span></td>
        </tr>
    }
}
