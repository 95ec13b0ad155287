//! Publisher → Calendar: every site's (or one site's) scheduled, due, live and failed posts by
//! month or week, the free slots of their publishing settings, moving a post to a free slot
//! (drag it there, or click it and then the slot — the keyboard way), and "Schedule next
//! approved" for a site. Everything is core's: the calendar (from local data), the move (the
//! same WordPress post, a new date) and the plan.
//!
//! State: `calendar/state.rs`; the period and site controls: `calendar/toolbar.rs`; the days:
//! `calendar/grid.rs`.

mod grid;
mod state;
mod toolbar;

use crate::hooks::invoke;
use chrono::{DateTime, NaiveDate, Utc};
use folio_model::ipc::{self, NoArgs, ScheduleCalendarArgs, ScheduleMoveArgs, SchedulePlanArgs};
use folio_model::{ContentId, SiteId};
use state::{CalendarAction, CalendarState, Outcome};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// Today's UTC date, from the webview's clock.
fn today() -> NaiveDate {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64)
        .unwrap_or_default()
        .date_naive()
}

/// What the grid and the toolbar ask the page to do.
#[derive(Clone, PartialEq)]
pub struct Handlers {
    pub dispatch: Callback<CalendarAction>,
    /// Move a post to a free slot.
    pub move_to: Callback<(ContentId, DateTime<Utc>)>,
    /// "Schedule next approved" for a site.
    pub plan: Callback<SiteId>,
}

#[function_component(CalendarPage)]
pub fn calendar_page() -> Html {
    let state = use_reducer(|| CalendarState::new(today()));
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(list) = invoke::<ipc::SiteList>(&NoArgs {}).await {
                    dispatcher.dispatch(CalendarAction::SitesLoaded(list.items));
                }
            });
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with(
            (state.query(), state.generation),
            move |(query, generation)| {
                let (query, generation) = (query.clone(), *generation);
                spawn_local(async move {
                    let args = ScheduleCalendarArgs {
                        query: query.clone(),
                    };
                    let result = invoke::<ipc::ScheduleCalendar>(&args).await;
                    dispatcher.dispatch(CalendarAction::Loaded(query, generation, result));
                });
            },
        );
    }
    let handlers = {
        let d = state.dispatcher();
        let dispatch = Callback::from(move |a| d.dispatch(a));
        let d = state.dispatcher();
        let move_to = Callback::from(move |(content, slot): (ContentId, DateTime<Utc>)| {
            d.dispatch(CalendarAction::MoveStarted { content, to: slot });
            let d = d.clone();
            spawn_local(async move {
                let result = invoke::<ipc::ScheduleMove>(&ScheduleMoveArgs { content, slot }).await;
                d.dispatch(CalendarAction::Moved(result));
            });
        });
        let d = state.dispatcher();
        let plan = Callback::from(move |site: SiteId| {
            d.dispatch(CalendarAction::PlanStarted(site));
            let d = d.clone();
            spawn_local(async move {
                let args = SchedulePlanArgs {
                    site,
                    apply: true,
                    replan: false,
                };
                let result = invoke::<ipc::SchedulePlan>(&args).await;
                d.dispatch(CalendarAction::Planned(result));
            });
        });
        Handlers {
            dispatch,
            move_to,
            plan,
        }
    };

    let s = &*state;
    let dismiss = handlers.dispatch.reform(|_| CalendarAction::DismissOutcome);
    let put_down = handlers.dispatch.reform(|_| CalendarAction::Drop);
    html! {
        <section class="page calendar-page">
            <header class="page-header">
                <h1 id="page-title">{"Calendar"}</h1>
                <p class="hint">{"Scheduled, published and failed posts with the free slots of each site\u{2019}s publishing settings. Drag a scheduled post onto a free slot to move it (or click the post, then the slot). Days and times are UTC."}</p>
            </header>
            { toolbar::toolbar(s, &handlers) }
            { outcome_banner(s, dismiss) }
            if let Some(p) = s.picked_post() {
                <p id="cal-picked" class="notice" role="status">
                    { format!("\u{201c}{}\u{201d} is picked up: choose one of {}\u{2019}s free slots. ", p.title, p.site_name) }
                    <button id="cal-put-down" class="link" onclick={put_down}>{"Cancel"}</button>
                </p>
            }
            if let Some(msg) = &s.load_error {
                <div id="cal-load-error" class="error banner" role="alert">{ format!("Could not load the calendar: {msg}") }</div>
            }
            { grid::grid(s, &handlers) }
        </section>
    }
}

/// How the last move or plan went, with a way to dismiss it.
fn outcome_banner(s: &CalendarState, dismiss: Callback<MouseEvent>) -> Html {
    match &s.outcome {
        Some(Outcome::Done(msg)) => html! {
            <p id="cal-notice" class="notice" role="status">{msg}
                {" "}<button class="link" onclick={dismiss}>{"Dismiss"}</button></p>
        },
        Some(Outcome::Failed(msg)) => html! {
            <div id="cal-error" class="error banner dismissable" role="alert">{msg}
                {" "}<button class="link" onclick={dismiss}>{"Dismiss"}</button></div>
        },
        None => html! {},
    }
}
