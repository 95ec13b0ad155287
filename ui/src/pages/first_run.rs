//! The first-run path (`#welcome`): from an empty data directory to a published article in five
//! steps, each skippable — the site (an industry of the keyword library with its seed keywords,
//! or one's own sectors), WordPress (an application password), how Folio writes (an API key, or
//! a local model found on this computer), keywords (a file, or the seed keywords), and the first
//! article (cluster → ideas → write, each after core's estimate, then publish). *Skip setup*
//! (`#first-run-skip`) leaves for the normal app and is remembered on this device.
//!
//! State: `first_run/state.rs`; the steps' views: `first_run/steps.rs`.

mod state;
mod steps;

use crate::app::Route;
use crate::components::StagePanel;
use crate::hooks::{invoke, use_stage_run};
use folio_model::ipc::{self, NoArgs, PipelineRunArgs};
use folio_model::Stage;
use state::{Step, WelcomeAction as A, WelcomeState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

pub type Dispatch = UseReducerDispatcher<WelcomeState>;

/// Leave the path for the normal app: remembered by core, then `hash`.
pub fn leave(hash: String) {
    spawn_local(async move {
        // Leaving works even if remembering fails: the path shows again next start, that's all.
        let _ = invoke::<ipc::FirstRunDismiss>(&NoArgs {}).await;
        if let Some(w) = web_sys::window() {
            let _ = w.location().set_hash(&hash);
        }
    });
}

#[function_component(FirstRunPage)]
pub fn first_run_page() -> Html {
    let state = use_reducer(WelcomeState::default);
    let dispatch = state.dispatcher();
    let key_input = use_node_ref();
    let password_input = use_node_ref();

    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                dispatch.dispatch(A::IndustriesLoaded(
                    invoke::<ipc::IndustriesList>(&NoArgs {}).await,
                ));
                dispatch.dispatch(A::ProvidersLoaded(
                    invoke::<ipc::ProvidersList>(&NoArgs {}).await,
                ));
            });
        });
    }
    {
        let dispatch = dispatch.clone();
        use_effect_with(state.to_queue(), move |target| {
            if let Some(target) = target.clone() {
                spawn_local(async move {
                    let args = PipelineRunArgs {
                        stage: Stage::Queue,
                        target,
                    };
                    dispatch.dispatch(A::Queued(invoke::<ipc::PipelineRun>(&args).await));
                });
            }
        });
    }
    let run = {
        let d = dispatch.clone();
        use_stage_run(&state.run, Callback::from(move |a| d.dispatch(A::Run(a))))
    };

    let on_skip_setup = Callback::from(|_: MouseEvent| leave(Route::Dashboard.hash()));
    let on_back = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::Back))
    };
    let on_skip_step = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::SkipStep))
    };
    let step = state.step;
    let body = match step {
        Step::Site => steps::site(&state, &dispatch),
        _ if state.needs_site() => html! {
            <p id="first-run-needs-site" class="muted">
                {"This step works on a site: go back and make one, or skip it too."}
            </p>
        },
        Step::Wordpress => steps::wordpress(&state, &dispatch, &password_input),
        Step::Writer => steps::writer(&state, &dispatch, &key_input),
        Step::Keywords => steps::keywords(&state, &dispatch),
        Step::Article => html! {
            <>
                { steps::article(&state, &dispatch) }
                <StagePanel id="first-run-run" run={state.run.clone()}
                    item={item_of(state.run.stage)} callbacks={run} />
            </>
        },
    };
    html! {
        <section class="page first-run-page" id="first-run" data-step={step.id()}>
            <header class="page-header">
                <div class="kicker">{"Welcome to Folio"}</div>
                <h1 id="page-title">{"Set up Folio"}</h1>
                <p class="hint">{"Five short steps from nothing to a published article. Skip any of them and do it later from its page."}</p>
                <button id="first-run-skip" type="button" class="link-button" onclick={on_skip_setup}>
                    {"Skip setup"}
                </button>
            </header>
            <ol class="first-run-steps" aria-label="Steps">
                { for Step::ALL.iter().map(|s| {
                    let mark = if state.done.contains(s) { "done" }
                        else if state.skipped.contains(s) { "skipped" }
                        else if *s == step { "current" } else { "todo" };
                    html! {
                        <li id={format!("first-run-nav-{}", s.id())} data-state={mark}
                            aria-current={(*s == step).then_some("step")}>{s.title()}</li>
                    }
                }) }
            </ol>
            <div class="panel first-run-step" id={format!("first-run-step-{}", step.id())}>
                <div class="panel-head"><h2>{step.title()}</h2></div>
                if let Some(e) = crate::forms::error_outside(state.error.iter(), steps::fields(step)) {
                    <div id="first-run-error" class="error banner" role="alert">
                        {crate::format::error_text(e)}
                    </div>
                }
                { body }
                <div class="button-row first-run-nav">
                    if step != Step::Site {
                        <button id="first-run-back" type="button" onclick={on_back}
                            disabled={state.busy || state.run.is_busy()}>{"Back"}</button>
                    }
                    if state.can_skip() {
                        <button id={format!("first-run-skip-{}", step.id())} type="button"
                            class="link-button" onclick={on_skip_step}
                            disabled={state.busy || state.run.is_busy()}>
                            {format!("Skip \u{2014} do it later from {}", step.later_page())}
                        </button>
                    }
                </div>
            </div>
        </section>
    }
}

fn item_of(stage: Stage) -> AttrValue {
    match stage {
        Stage::Clustering => "keyword",
        Stage::Ideas => "cluster",
        _ => "article",
    }
    .into()
}
