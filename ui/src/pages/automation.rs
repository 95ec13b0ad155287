//! Automation: a site's seven stages unattended (DESIGN §6). Per site: the config (per-stage
//! limits, delay, longest run, approval and publishing, stop on error, schedule, per-run credit
//! cap), *Run now* behind the run's estimate, a live view of the run (stage, items, credits,
//! elapsed, ETA, the job's message) with Pause / Resume / Cancel, and the run history with each
//! run's item log.
//!
//! The run itself is one long `automation_run` call (it answers when the run completes, pauses or
//! is cancelled); meanwhile the page looks at `automation_status_get` about once a second, which
//! also follows a run that the schedule or the CLI started. State: `automation/state.rs`.

mod config;
mod history;
mod run_panel;
mod state;

use crate::forms::select_value;
use crate::hooks::{invoke, use_event};
use chrono::{DateTime, Utc};
use folio_model::ipc::{
    self, AutomationCancelArgs, AutomationConfigUpdateArgs, AutomationEstimateArgs,
    AutomationLogArgs, AutomationPauseArgs, AutomationRunArgs, AutomationRunsArgs,
    AutomationStatusGetArgs, NoArgs,
};
use state::{AutomationAction as A, AutomationState};
use std::time::Duration;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

pub(crate) type Dispatch = UseReducerDispatcher<AutomationState>;

/// The webview's clock, for the live view's elapsed time and ETA.
fn now() -> DateTime<Utc> {
    // Milliseconds since the epoch fit an i64 exactly for any date the app sees.
    #[allow(clippy::cast_possible_truncation)]
    let millis = js_sys::Date::now() as i64;
    DateTime::from_timestamp_millis(millis).unwrap_or_default()
}

/// Wait before a request that is a poll (the effect's own sleep, not the test's).
async fn pause_for(after_ms: u32) {
    if after_ms > 0 {
        yew::platform::time::sleep(Duration::from_millis(u64::from(after_ms))).await;
    }
}

#[function_component(AutomationPage)]
pub fn automation_page() -> Html {
    let state = use_reducer(AutomationState::new);
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
        // The site's status: at once when the site is chosen, then about once a second while a
        // run goes (the reducer asks again after each answer).
        let site = state.site();
        let dispatch = dispatch.clone();
        use_effect_with(state.status_ask, move |ask| {
            let ask = *ask;
            if let Some(site) = site {
                spawn_local(async move {
                    pause_for(ask.after_ms).await;
                    let args = AutomationStatusGetArgs { site };
                    let result = invoke::<ipc::AutomationStatusGet>(&args).await;
                    dispatch.dispatch(A::StatusLoaded {
                        site,
                        ask: ask.n,
                        result,
                        at: now(),
                    });
                });
            }
        });
    }
    {
        let site = state.site();
        let dispatch = dispatch.clone();
        use_effect_with(state.estimate_ask, move |ask| {
            let ask = ask.n;
            if let Some(site) = site {
                spawn_local(async move {
                    let args = AutomationEstimateArgs { site };
                    let result = invoke::<ipc::AutomationEstimate>(&args).await;
                    dispatch.dispatch(A::EstimateLoaded { site, ask, result });
                });
            }
        });
    }
    {
        let site = state.site();
        let dispatch = dispatch.clone();
        use_effect_with(state.runs_ask, move |ask| {
            let ask = ask.n;
            if let Some(site) = site {
                spawn_local(async move {
                    let result = invoke::<ipc::AutomationRuns>(&AutomationRunsArgs { site }).await;
                    dispatch.dispatch(A::RunsLoaded { site, ask, result });
                });
            }
        });
    }
    {
        let selected = state.selected;
        let dispatch = dispatch.clone();
        use_effect_with(state.log_ask, move |ask| {
            let ask = ask.n;
            if let Some(run) = selected {
                spawn_local(async move {
                    let result = invoke::<ipc::AutomationLog>(&AutomationLogArgs { run }).await;
                    dispatch.dispatch(A::LogLoaded { run, ask, result });
                });
            }
        });
    }
    {
        // The run's job steps: the app's one progress stream (the reducer keeps this site's).
        let dispatch = dispatch.clone();
        let on_step = Callback::from(move |p| dispatch.dispatch(A::JobProgressed(p)));
        use_event::<ipc::JobProgressed, _>((), on_step, Callback::noop());
    }

    let handlers = handlers(&state);
    html! {
        <section class="page automation-page">
            <header class="page-header">
                <div class="kicker">{"Automation"}</div>
                <h1 id="page-title">{"Automation"}</h1>
                <p class="hint">{"Keep a site fed: new keywords through clusters, ideas, articles and images to approved, scheduled posts \u{2014} unattended, and resumable after anything."}</p>
            </header>
            { site_bar(&state, &dispatch) }
            if state.site().is_some() {
                if let Some(e) = &state.status_error {
                    <div id="auto-status-error" class="error banner" role="alert">{&e.message}</div>
                }
                // The run first (what the page is opened for), then what runs did, then the
                // settings they run with.
                { run_panel::view(&state, &dispatch, &handlers) }
                { history::view(&state, &dispatch) }
                { config::view(&state, &dispatch, &handlers) }
            }
        </section>
    }
}

/// The callbacks that reach core; the views only dispatch plain actions themselves.
#[derive(Clone)]
pub(crate) struct Handlers {
    pub run: Callback<MouseEvent>,
    pub pause: Callback<MouseEvent>,
    pub confirm_cancel: Callback<MouseEvent>,
    pub save: Callback<SubmitEvent>,
}

fn handlers(state: &UseReducerHandle<AutomationState>) -> Handlers {
    let run = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(site) = state.site() else { return };
            if !state.can_run() {
                return;
            }
            let dispatch = state.dispatcher();
            dispatch.dispatch(A::RunRequested);
            spawn_local(async move {
                let result = invoke::<ipc::AutomationRun>(&AutomationRunArgs { site }).await;
                dispatch.dispatch(A::RunReturned { site, result });
            });
        })
    };
    let pause = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(site) = state.site() else { return };
            if !state.is_running() || state.command.is_some() {
                return;
            }
            let dispatch = state.dispatcher();
            dispatch.dispatch(A::PauseRequested);
            spawn_local(async move {
                let result = invoke::<ipc::AutomationPause>(&AutomationPauseArgs { site }).await;
                dispatch.dispatch(A::CommandAnswered { site, result });
            });
        })
    };
    let confirm_cancel = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(site) = state.site() else { return };
            if !state.confirming_cancel || state.command.is_some() {
                return;
            }
            let dispatch = state.dispatcher();
            dispatch.dispatch(A::CancelConfirmed);
            spawn_local(async move {
                let result = invoke::<ipc::AutomationCancel>(&AutomationCancelArgs { site }).await;
                dispatch.dispatch(A::CommandAnswered { site, result });
            });
        })
    };
    let save = {
        let state = state.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(site) = state.site() else { return };
            if state.config.saving.is_some() || !state.config.dirty() {
                return;
            }
            state.dispatch(A::SaveRequested);
            // The reducer refuses the same form for the same reasons; nothing goes to core then.
            let Ok(update) = state.config.changes() else {
                return;
            };
            let dispatch = state.dispatcher();
            spawn_local(async move {
                let args = AutomationConfigUpdateArgs { site, update };
                let result = invoke::<ipc::AutomationConfigUpdate>(&args).await;
                dispatch.dispatch(A::ConfigSaved { site, result });
            });
        })
    };
    Handlers {
        run,
        pause,
        confirm_cancel,
        save,
    }
}

/// The site picker; while the sites load, why they did not, or how to add one.
fn site_bar(state: &AutomationState, dispatch: &Dispatch) -> Html {
    let scope = &state.scope;
    if scope.loading {
        return html! { <p class="muted" id="auto-sites-loading">{"Loading sites\u{2026}"}</p> };
    }
    if let Some(e) = &scope.error {
        return html! { <div id="auto-sites-error" class="error banner" role="alert">{&e.message}</div> };
    }
    let Some(site) = scope.current_site() else {
        return html! {
            <crate::components::EmptyState id="auto-no-sites" class="panel" title="No sites yet">
                <p class="muted">{"Automation runs a site\u{2019}s keywords through the pipeline. "}
                    <a href="#sites">{"Add your first site"}</a>{" to start."}</p>
            </crate::components::EmptyState>
        };
    };
    let on_site = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            if let Ok(id) = select_value(&e).parse() {
                dispatch.dispatch(A::SiteChosen(id));
            }
        })
    };
    html! {
        <div class="panel context-bar">
            <div class="field">
                <label for="auto-site">{"Site"}</label>
                <select id="auto-site" onchange={on_site}>
                    { for scope.sites.iter().map(|s| html! {
                        <option value={s.id.to_string()} selected={s.id == site.id}>{&s.name}</option>
                    }) }
                </select>
            </div>
        </div>
    }
}
