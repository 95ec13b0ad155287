//! The dashboard, the app's start page (`#dashboard`): for every site or one, the pipeline's
//! counts as cards linking to their pages, the next step with a button that takes it (schedules
//! approved articles itself, or opens the page for the work), the next scheduled posts, each
//! site's last automation run, the credits left with this month's spend per day, and the sync
//! status. Everything is core's `dashboard_get` (local data); the page reloads after a sync and
//! whenever a job of this window finishes.
//!
//! State and what the view derives: `dashboard/state.rs`.

mod state;

use crate::components::{Bar, BarChart, BusyButton, EmptyState, SiteFilter};
use crate::format::{count, plural, usd, when};
use crate::hooks::{invoke, use_event};
use crate::sync::{local_clock, status_label, AccountState};
use folio_model::ipc::{self, DashboardGetArgs, NoArgs, SchedulePlanArgs};
use folio_model::{Dashboard, ErrorDto, SiteId, SyncStatus};
use state::{
    credits_left, day_bars, stat_cards, step_key, DashboardAction, DashboardState, Outcome,
    StepAction,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DashboardProps {
    /// The account and sync status the sidebar shows.
    pub account: UseReducerHandle<AccountState>,
}

/// Give each site's approved articles their slots; how many posts got one.
async fn schedule(sites: Vec<SiteId>) -> Result<usize, ErrorDto> {
    let mut planned = 0;
    for site in sites {
        let args = SchedulePlanArgs {
            site,
            apply: true,
            replan: false,
        };
        planned += invoke::<ipc::SchedulePlan>(&args).await?.len();
    }
    Ok(planned)
}

#[function_component(DashboardPage)]
pub fn dashboard_page(props: &DashboardProps) -> Html {
    let state = use_reducer(DashboardState::new);
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(list) = invoke::<ipc::SiteList>(&NoArgs {}).await {
                    dispatcher.dispatch(DashboardAction::SitesLoaded(list.items));
                }
            });
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with(
            (state.site, state.generation),
            move |&(site, generation)| {
                spawn_local(async move {
                    let result = invoke::<ipc::DashboardGet>(&DashboardGetArgs { site })
                        .await
                        .map(Box::new);
                    dispatcher.dispatch(DashboardAction::Loaded(generation, result));
                });
            },
        );
    }
    // Drawn with its data (an effect runs after the render): when the window started here, the
    // start is over (the desktop benchmark's figure; later loads do not count).
    use_effect_with(state.dashboard.is_some(), |&drawn| {
        if drawn {
            crate::timing::mark_ready();
        }
    });
    // Data changes elsewhere: a finished job of this window, a sync round that brought changes.
    {
        let d = state.dispatcher();
        let on_job = Callback::from(move |p: folio_model::JobProgress| {
            if p.phase.is_final() {
                d.dispatch(DashboardAction::Reload);
            }
        });
        use_event::<ipc::JobProgressed, _>((), on_job, Callback::noop());
        let d = state.dispatcher();
        let on_sync = Callback::from(move |u: folio_model::SyncUpdate| {
            if matches!(u.status, SyncStatus::Synced { .. }) {
                d.dispatch(DashboardAction::Reload);
            }
        });
        use_event::<ipc::SyncStatusChanged, _>((), on_sync, Callback::noop());
    }

    let on_site = {
        let d = state.dispatcher();
        Callback::from(move |site| d.dispatch(DashboardAction::ChooseSite(site)))
    };
    let on_step = {
        let d = state.dispatcher();
        let action = state.step_action();
        Callback::from(move |_: MouseEvent| match action.clone() {
            Some(StepAction::Open(hash)) => {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().set_hash(hash);
                }
            }
            Some(StepAction::Schedule(sites)) => {
                d.dispatch(DashboardAction::ActionStarted);
                let d = d.clone();
                spawn_local(async move {
                    d.dispatch(DashboardAction::Scheduled(schedule(sites).await));
                });
            }
            None => {}
        })
    };
    let dismiss = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(DashboardAction::DismissOutcome))
    };

    let s = &*state;
    let body = match (&s.dashboard, &s.error) {
        (Some(d), _) => content(s, d, on_step, &props.account),
        (None, Some(e)) => html! {
            <div id="dash-error" class="error banner" role="alert">{ format!("Could not load the dashboard: {e}") }</div>
        },
        (None, None) => html! { <p id="dash-loading" class="muted">{"Loading\u{2026}"}</p> },
    };
    html! {
        <section class="page dashboard-page" aria-busy={s.loading.to_string()} id="dashboard">
            <header class="page-header dash-header">
                <h1 id="page-title">{"Dashboard"}</h1>
                <SiteFilter id="dash-site" sites={s.sites.clone()} site={s.site} on_change={on_site} />
            </header>
            if let Some(o) = &s.outcome {
                { outcome(o, dismiss) }
            }
            if let (Some(e), Some(_)) = (&s.error, &s.dashboard) {
                <div id="dash-error" class="error banner" role="alert">{ format!("Could not refresh the dashboard: {e}") }</div>
            }
            { body }
        </section>
    }
}

fn outcome(o: &Outcome, dismiss: Callback<MouseEvent>) -> Html {
    match o {
        Outcome::Done(msg) => html! {
            <p id="dash-notice" class="notice" role="status">{msg}
                {" "}<button class="link" onclick={dismiss}>{"Dismiss"}</button></p>
        },
        Outcome::Failed(msg) => html! {
            <div id="dash-action-error" class="error banner dismissable" role="alert">{msg}
                {" "}<button class="link" onclick={dismiss}>{"Dismiss"}</button></div>
        },
    }
}

fn content(
    s: &DashboardState,
    d: &Dashboard,
    on_step: Callback<MouseEvent>,
    account: &UseReducerHandle<AccountState>,
) -> Html {
    html! {
        <>
            { next_step(s, d, on_step) }
            <ul class="dash-stats" id="dash-stats" aria-label="Pipeline">
                { for stat_cards(&d.counts).into_iter().map(|c| html! {
                    <li>
                        <a class="stat-card" id={format!("stat-{}", c.key)} href={c.href} data-value={c.value.to_string()}>
                            <span class="stat-value">{ count(c.value) }</span>
                            <span class="stat-label">{ c.label }</span>
                            if let Some(detail) = c.detail {
                                <span class="stat-detail">{ detail }</span>
                            }
                        </a>
                    </li>
                }) }
            </ul>
            <div class="dash-grid">
                { next_posts(d) }
                { last_runs(d) }
                { credits(d) }
                { sync(account) }
            </div>
        </>
    }
}

fn next_step(s: &DashboardState, d: &Dashboard, on_step: Callback<MouseEvent>) -> Html {
    let step = d.next_step;
    html! {
        <div class="panel dash-next" id="next-step" data-step={step_key(step)}>
            <div>
                <h2>{"Next step"}</h2>
                <p id="next-step-text">{ step.message() }</p>
            </div>
            if let Some(label) = step.action() {
                <BusyButton id="next-step-action" class="primary" label={label}
                    busy_label="Working\u{2026}" busy={s.acting} disabled={s.acting} onclick={on_step} />
            }
        </div>
    }
}

fn next_posts(d: &Dashboard) -> Html {
    html! {
        <div class="panel dash-posts">
            <h2>{"Next posts"}</h2>
            if d.next_posts.is_empty() {
                <EmptyState id="dash-no-posts">
                    <p class="muted">{"Nothing is scheduled. "}<a href="#publisher/calendar">{"Open the calendar"}</a></p>
                </EmptyState>
            } else {
                <ol id="dash-next-posts" class="dash-list">
                    { for d.next_posts.iter().map(|p| html! {
                        <li class="dash-post" data-content-id={p.content.to_string()}>
                            <a href={format!("#content/{}", p.content)}>{&p.title}</a>
                            <span class="muted">{ format!(" \u{2014} {}, {}", p.site_name, when(p.at)) }</span>
                        </li>
                    }) }
                </ol>
            }
        </div>
    }
}

fn last_runs(d: &Dashboard) -> Html {
    html! {
        <div class="panel dash-runs">
            <h2><a href="#automation">{"Automation"}</a></h2>
            if d.sites.is_empty() {
                <p class="muted">{"No sites yet."}</p>
            } else {
                <ul id="dash-runs" class="dash-list">
                    { for d.sites.iter().map(|site| html! {
                        <li class="dash-run" data-site-id={site.site.to_string()}
                            data-status={site.last_run.as_ref().map(|r| r.status.to_string()).unwrap_or_default()}>
                            <strong>{&site.name}</strong>{": "}
                            { match &site.last_run {
                                Some(r) => format!("{} {} \u{2014} {} of {} items",
                                    r.status, when(r.started_at), r.items_processed, r.items_total),
                                None => "no run yet".to_owned(),
                            } }
                        </li>
                    }) }
                </ul>
            }
        </div>
    }
}

fn credits(d: &Dashboard) -> Html {
    let bars: Vec<Bar> = day_bars(&d.month)
        .into_iter()
        .map(|b| Bar {
            label: b
                .day
                .get(8..)
                .filter(|dd| *dd == "01" || dd.ends_with('5') || dd.ends_with('0'))
                .unwrap_or("")
                .to_owned(),
            title: format!("{}: {}", b.day, plural(b.credits, "credit")),
            value: b.credits.to_string(),
            key: b.day,
            height: b.height,
        })
        .collect();
    html! {
        <div class="panel dash-credits">
            <h2><a href="#usage">{"Credits"}</a></h2>
            <p><span id="dash-credits-left" class="stat-value">{ credits_left(d) }</span>
                if d.credits.available().is_some() {
                    {" "}<span class="muted">{"left"}</span>
                } else {
                    {" "}<span class="muted">{"(no monthly budget)"}</span>
                }
            </p>
            <p id="dash-month">{ format!("This month: {} ({})", plural(d.month.credits, "credit"), usd(d.month.cost_usd)) }</p>
            <BarChart id="dash-spend-chart" label="Credits spent per day this month" {bars} />
        </div>
    }
}

fn sync(account: &UseReducerHandle<AccountState>) -> Html {
    let text = match (&account.status, account.needs_login) {
        (_, true) => "Log in again".to_owned(),
        (Some(status), false) => status_label(status, local_clock),
        (None, false) => "\u{2026}".to_owned(),
    };
    html! {
        <div class="panel dash-sync">
            <h2><a href="#settings">{"Sync"}</a></h2>
            <p id="dash-sync">{text}</p>
        </div>
    }
}
