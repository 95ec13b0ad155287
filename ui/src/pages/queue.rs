//! Writer → Queue: a site's (or sector's) writing tasks with their status; *Write* one or *Write
//! all* (core's estimate first, then the job), each article's part while it is written (the
//! job's message, `“Title”: section:2`), why a task failed with *Retry*, and the articles
//! written so far (each a link to its page).
//!
//! State: `queue/state.rs`.

mod state;

use crate::app::Route;
use crate::components::{EmptyState, ScopeBar, StagePanel};
use crate::hooks::{invoke, use_stage_run};
use crate::scope::PlannerChoice;
use folio_model::ipc::{self, ContentListArgs, NoArgs, PipelineFailuresArgs, TasksListArgs};
use folio_model::{Stage, Status, Task, TaskId, TaskStatus};
use state::{part_label, QueueAction as A, QueueState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QueuePageProps {
    pub remembered: Option<PlannerChoice>,
    pub on_choice: Callback<PlannerChoice>,
}

#[function_component(QueuePage)]
pub fn queue_page(props: &QueuePageProps) -> Html {
    let remembered = props.remembered;
    let state = use_reducer(move || QueueState::new(remembered));
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
                    let args = TasksListArgs {
                        site,
                        sector,
                        status: None,
                    };
                    let result = invoke::<ipc::TasksList>(&args).await;
                    dispatch.dispatch(A::TasksLoaded { request, result });
                    let args = PipelineFailuresArgs {
                        stage: Some(Stage::Writing),
                    };
                    let result = invoke::<ipc::PipelineFailures>(&args).await;
                    dispatch.dispatch(A::FailuresLoaded { request, result });
                    let result = invoke::<ipc::ContentList>(&ContentListArgs { site }).await;
                    dispatch.dispatch(A::ArticlesLoaded { request, result });
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

    let on_site = {
        let d = dispatch.clone();
        Callback::from(move |s| d.dispatch(A::SiteChosen(s)))
    };
    let on_sector = {
        let d = dispatch.clone();
        Callback::from(move |s| d.dispatch(A::SectorChosen(s)))
    };
    let write = {
        let d = dispatch.clone();
        Callback::from(move |task: Option<TaskId>| d.dispatch(A::WriteClicked(task)))
    };
    let write_all = {
        let write = write.clone();
        Callback::from(move |_: MouseEvent| write.emit(None))
    };
    html! {
        <section class="page queue-page">
            <header class="page-header">
                <div class="kicker">{"Writer"}</div>
                <h1 id="page-title">{"Queue"}</h1>
                <p class="hint">{"Ideas queued for writing. Each article is written section by section from its outline."}</p>
            </header>
            <ScopeBar id="queue" scope={state.scope.clone()} {on_site} {on_sector}>
                if state.scope.target().is_some() {
                    <div class="import-action">
                        <button id="queue-write-all" type="button" class="primary" onclick={write_all}
                            disabled={state.run.is_busy() || state.queued() == 0}>
                            {format!("Write all ({})\u{2026}", state.queued())}
                        </button>
                        <div class="help">{"You see the cost first."}</div>
                    </div>
                }
            </ScopeBar>
            <StagePanel id="write-run" run={state.run.clone()} item="article" callbacks={run} />
            if state.scope.target().is_some() {
                <div class="panel">
                    <div class="panel-head"><h2>{"Tasks"}</h2></div>
                    { tasks(&state, &write) }
                </div>
                <div class="panel" id="queue-articles-panel">
                    <div class="panel-head"><h2>{"Articles"}</h2></div>
                    { articles(&state) }
                </div>
            }
        </section>
    }
}

fn tasks(state: &QueueState, write: &Callback<Option<TaskId>>) -> Html {
    if let Some(e) = &state.list_error {
        return html! { <div id="queue-error" class="error banner" role="alert">{&e.message}</div> };
    }
    let Some(tasks) = &state.tasks else {
        return html! { <p class="muted" id="queue-loading">{"Loading\u{2026}"}</p> };
    };
    if tasks.is_empty() {
        return html! {
            <EmptyState id="queue-empty" title="Nothing queued">
                <p class="muted">{"Queue ideas for writing on the "}<a href={Route::Ideas.hash()}>{"Ideas"}</a>{" page."}</p>
            </EmptyState>
        };
    }
    html! {
        <ul id="task-list" class="task-list">
            { for tasks.iter().map(|t| task_row(state, write, t)) }
        </ul>
    }
}

fn task_row(state: &QueueState, write: &Callback<Option<TaskId>>, task: &Task) -> Html {
    let id = task.id;
    let failure = state.failure(task);
    let in_run = state.in_run(task);
    let part = state.part(task);
    let onclick = {
        let write = write.clone();
        Callback::from(move |_: MouseEvent| write.emit(Some(id)))
    };
    let progress = match (in_run, part) {
        (true, Some(p)) => format!("Writing {}\u{2026}", part_label(p)),
        (true, None) => "Waiting\u{2026}".to_owned(),
        _ => String::new(),
    };
    html! {
        <li class={classes!("task-row", failure.is_some().then_some("failed"))} data-task={id.to_string()}
            data-status={task.status.as_str()}>
            <div class="task-main">
                <span class="task-title">{&task.title}</span>
                <span class="muted">{format!(" \u{00b7} {} \u{00b7} {}", task.primary_keyword, task.content_structure)}</span>
                <span class={classes!("chip", "status", task.status.as_str())}>{task.status.as_str()}</span>
            </div>
            if !progress.is_empty() {
                <div class="task-part muted" data-part={part.unwrap_or_default().to_owned()}>{progress}</div>
            }
            if let Some(reason) = failure {
                <div class="task-failure error" role="alert">{reason}</div>
            }
            if task.status == TaskStatus::Queued {
                <button type="button" class={if failure.is_some() { "task-retry" } else { "task-write" }}
                    {onclick} disabled={state.run.is_busy()}>
                    { if failure.is_some() { "Retry\u{2026}" } else { "Write\u{2026}" } }
                </button>
            }
        </li>
    }
}

fn articles(state: &QueueState) -> Html {
    let Some(articles) = &state.articles else {
        return html! { <p class="muted">{"Loading\u{2026}"}</p> };
    };
    if articles.is_empty() {
        return html! { <p class="muted" id="queue-articles-empty">{"No articles yet."}</p> };
    }
    html! {
        <ul id="queue-articles" class="sector-list">
            { for articles.iter().map(|c| html! {
                <li class="sector-row" data-content-id={c.id.to_string()}>
                    <a class="article-link" href={Route::Content(c.id).hash()}>{&c.title}</a>
                    <span class="muted">{format!(" \u{00b7} {} \u{00b7} {} words", c.status, c.word_count)}</span>
                </li>
            }) }
        </ul>
    }
}
