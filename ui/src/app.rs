//! The window frame: navigation and the current page.
//!
//! A tiny hash router: the sidebar links set `#dashboard` (the start page) / `#sites` /
//! `#planner` (keywords) /
//! `#planner/clusters` / `#planner/ideas` / `#writer/queue` / `#writer/review` /
//! `#publisher/calendar` / `#automation` / `#usage` / `#settings` and a `hashchange` listener
//! follows them, so links stay plain anchors (focusable, Enter to follow) and no routing crate is
//! needed.

use crate::hooks::{invoke, use_event};
use crate::pages::automation::AutomationPage;
use crate::pages::calendar::CalendarPage;
use crate::pages::clusters::ClustersPage;
use crate::pages::content::ContentPage;
use crate::pages::dashboard::DashboardPage;
use crate::pages::first_run::FirstRunPage;
use crate::pages::ideas::IdeasPage;
use crate::pages::keywords::KeywordsPage;
use crate::pages::queue::QueuePage;
use crate::pages::review::ReviewPage;
use crate::pages::settings::SettingsPage;
use crate::pages::site_detail::SiteDetailPage;
use crate::pages::sites::SitesPage;
use crate::pages::usage::UsagePage;
use crate::palette::state::{Entry, Kind as PaletteKind, Target};
use crate::palette::Palette;
use crate::scope::PlannerChoice;
use crate::sync::{AccountAction, AccountState, SyncIndicator};
use folio_model::ipc::{self, NoArgs};
use folio_model::{ContentId, SiteId};
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// The start page: how far the work has come and the next step.
    Dashboard,
    Sites,
    /// One site's sectors and publishing settings: `#sites/<id>`.
    Site(SiteId),
    /// One article and its images: `#content/<id>`.
    Content(ContentId),
    /// Planner → Keywords.
    Planner,
    /// Planner → Clusters.
    Clusters,
    /// Planner → Ideas and their outlines.
    Ideas,
    /// Writer → Queue: tasks to write.
    Queue,
    /// Writer → Review: articles waiting for approval, with their quality gate's findings.
    Review,
    /// Publisher → Calendar: scheduled, live and failed posts and the free slots.
    Calendar,
    /// A site's automation: settings, runs with live progress, history.
    Automation,
    /// What AI calls cost, from the credit ledger.
    Usage,
    /// Account & sync, AI providers.
    Settings,
    /// The first-run path (`#welcome`): shown at start while there is no site, until skipped.
    FirstRun,
}

impl Route {
    /// The sidebar's entries, each with the group heading it starts (if any).
    const NAV: [(Route, Option<&'static str>); 11] = [
        (Route::Dashboard, None),
        (Route::Sites, None),
        (Route::Planner, Some("Planner")),
        (Route::Clusters, None),
        (Route::Ideas, None),
        (Route::Queue, Some("Writer")),
        (Route::Review, None),
        (Route::Calendar, Some("Publisher")),
        (Route::Automation, None),
        (Route::Usage, None),
        (Route::Settings, None),
    ];

    /// Anything unknown (or no hash at all) opens the dashboard, the start page.
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.trim_start_matches('#');
        match path {
            "dashboard" => return Route::Dashboard,
            "sites" => return Route::Sites,
            "planner" => return Route::Planner,
            "planner/clusters" => return Route::Clusters,
            "planner/ideas" => return Route::Ideas,
            "writer/queue" => return Route::Queue,
            "writer/review" => return Route::Review,
            "publisher/calendar" => return Route::Calendar,
            "automation" => return Route::Automation,
            "usage" => return Route::Usage,
            "settings" => return Route::Settings,
            "welcome" => return Route::FirstRun,
            _ => {}
        }
        if let Some(id) = path.strip_prefix("content/").and_then(|id| id.parse().ok()) {
            return Route::Content(id);
        }
        path.strip_prefix("sites/")
            .and_then(|id| id.parse().ok())
            .map_or(Route::Dashboard, Route::Site)
    }

    pub fn hash(self) -> String {
        match self {
            Route::Dashboard => "#dashboard".to_owned(),
            Route::Sites => "#sites".to_owned(),
            Route::Site(id) => format!("#sites/{id}"),
            Route::Content(id) => format!("#content/{id}"),
            Route::Planner => "#planner".to_owned(),
            Route::Clusters => "#planner/clusters".to_owned(),
            Route::Ideas => "#planner/ideas".to_owned(),
            Route::Queue => "#writer/queue".to_owned(),
            Route::Review => "#writer/review".to_owned(),
            Route::Calendar => "#publisher/calendar".to_owned(),
            Route::Automation => "#automation".to_owned(),
            Route::Usage => "#usage".to_owned(),
            Route::Settings => "#settings".to_owned(),
            Route::FirstRun => "#welcome".to_owned(),
        }
    }

    /// What the command palette offers before anything loads: every page of the sidebar,
    /// then the main actions.
    fn palette_entries() -> Vec<Entry> {
        Route::NAV
            .iter()
            .map(|&(r, _)| Entry::new(PaletteKind::Page, r.label(), Target::Go(r.hash())))
            .chain(crate::palette::state::actions())
            .collect()
    }

    /// The sidebar entry a page belongs to: a site's page is part of Sites.
    fn section(self) -> Route {
        match self {
            Route::Site(_) | Route::Content(_) => Route::Sites,
            other => other,
        }
    }

    fn nav_id(self) -> &'static str {
        match self.section() {
            Route::Planner => "nav-planner",
            Route::Clusters => "nav-clusters",
            Route::Ideas => "nav-ideas",
            Route::Queue => "nav-queue",
            Route::Review => "nav-review",
            Route::Calendar => "nav-calendar",
            Route::Automation => "nav-automation",
            Route::Usage => "nav-usage",
            Route::Settings => "nav-settings",
            Route::Dashboard => "nav-dashboard",
            _ => "nav-sites",
        }
    }

    fn label(self) -> &'static str {
        match self.section() {
            Route::Planner => "Keywords",
            Route::Clusters => "Clusters",
            Route::Ideas => "Ideas",
            Route::Queue => "Queue",
            Route::Review => "Review",
            Route::Calendar => "Calendar",
            Route::Automation => "Automation",
            Route::Usage => "Usage",
            Route::Settings => "Settings",
            Route::Dashboard => "Dashboard",
            _ => "Sites",
        }
    }
}

fn current_route() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Route::from_hash(&hash)
}

#[function_component(App)]
pub fn app() -> Html {
    let route = use_state(current_route);
    // Pages unmount when left; the Planner's site and sector choice outlives them here. A ref,
    // not state: remembering must not re-render the app.
    let planner_choice = use_mut_ref(|| None::<PlannerChoice>);
    // The account and sync status every page's indicator shows.
    let account = use_reducer(AccountState::default);
    // Counts status events as they arrive, so a reload can tell whether one overtook it.
    let events = use_mut_ref(|| Cell::new(0u32));
    let refresh = {
        let dispatcher = account.dispatcher();
        let events = events.clone();
        Callback::from(move |()| {
            let dispatcher = dispatcher.clone();
            let sent_after = events.borrow().get();
            wasm_bindgen_futures::spawn_local(async move {
                let result = invoke::<ipc::AccountGet>(&NoArgs {}).await;
                dispatcher.dispatch(AccountAction::Loaded { result, sent_after });
            });
        })
    };
    let on_update = {
        let dispatcher = account.dispatcher();
        Callback::from(move |update| {
            let seen = events.borrow().get();
            events.borrow().set(seen.wrapping_add(1));
            dispatcher.dispatch(AccountAction::StatusChanged(update));
        })
    };
    // Listening first, then loading: no change can fall between the two.
    use_event::<ipc::SyncStatusChanged, _>((), on_update, refresh.clone());
    // Closing the window: save what is open first (`closing.rs`), then let the shell close it.
    use_event::<ipc::WindowCloseRequested, _>(
        (),
        Callback::from(|()| {
            wasm_bindgen_futures::spawn_local(async {
                crate::closing::flush_all().await;
                let _ = invoke::<ipc::WindowClose>(&NoArgs {}).await;
            });
        }),
        Callback::noop(),
    );

    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || {
                crate::timing::mark_navigation();
                route.set(current_route());
            });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "hashchange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }

    // At start: the first-run path while there is no site and it was not skipped on this device.
    // `data-first-run` on the frame says what was decided (`checking`, `welcome`, `app`).
    let start = use_state(|| "checking");
    {
        let start = start.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let welcome = invoke::<ipc::FirstRunState>(&NoArgs {})
                    .await
                    .is_ok_and(|s| s.show);
                if welcome {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().set_hash(&Route::FirstRun.hash());
                    }
                }
                start.set(if welcome { "welcome" } else { "app" });
            });
        });
    }

    let page = match *route {
        Route::Dashboard => html! { <DashboardPage account={account.clone()} /> },
        Route::Sites => html! { <SitesPage /> },
        // Keyed: opening another site starts its page afresh.
        Route::Site(site) => html! { <SiteDetailPage key={site.to_string()} {site} /> },
        Route::Content(content) => {
            html! { <ContentPage key={content.to_string()} {content} /> }
        }
        Route::Planner | Route::Clusters | Route::Ideas | Route::Queue => {
            let remembered = *planner_choice.borrow();
            let on_choice = {
                let planner_choice = planner_choice.clone();
                Callback::from(move |c: PlannerChoice| *planner_choice.borrow_mut() = Some(c))
            };
            match *route {
                Route::Clusters => html! { <ClustersPage {remembered} {on_choice} /> },
                Route::Ideas => html! { <IdeasPage {remembered} {on_choice} /> },
                Route::Queue => html! { <QueuePage {remembered} {on_choice} /> },
                _ => html! { <KeywordsPage {remembered} {on_choice} /> },
            }
        }
        Route::Review => html! { <ReviewPage /> },
        Route::Calendar => html! { <CalendarPage /> },
        Route::Automation => html! { <AutomationPage /> },
        Route::Usage => html! { <UsagePage /> },
        Route::FirstRun => html! { <FirstRunPage /> },
        Route::Settings => {
            html! { <SettingsPage account={account.clone()} on_refresh={refresh.clone()} /> }
        }
    };
    html! {
        <div class="shell" data-first-run={*start}>
            <nav class="sidebar" aria-label="Main">
                <div class="brand">{"Folio"}</div>
                { for Route::NAV.iter().map(|&(r, group)| {
                    let active = r == route.section();
                    html! {
                        <>
                            if let Some(group) = group {
                                <div class="nav-group">{group}</div>
                            }
                            <a id={r.nav_id()} class={classes!("nav-item", active.then_some("active"))}
                                href={r.hash()} aria-current={active.then_some("page")}>{r.label()}</a>
                        </>
                    }
                }) }
                <div class="sidebar-footer">
                    <SyncIndicator account={account.clone()} />
                </div>
            </nav>
            <main class="content">
                { page }
            </main>
            <Palette fixed={Route::palette_entries()} />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_map_to_pages() {
        assert_eq!(Route::from_hash("#planner"), Route::Planner);
        assert_eq!(Route::from_hash("#settings"), Route::Settings);
        assert_eq!(Route::from_hash("#usage"), Route::Usage);
        assert_eq!(Route::from_hash("#automation"), Route::Automation);
        assert_eq!(Route::from_hash("#planner/clusters"), Route::Clusters);
        assert_eq!(Route::from_hash("#planner/ideas"), Route::Ideas);
        assert_eq!(Route::from_hash("#writer/queue"), Route::Queue);
        assert_eq!(Route::from_hash("#writer/review"), Route::Review);
        assert_eq!(Route::from_hash("#publisher/calendar"), Route::Calendar);
        assert_eq!(Route::from_hash("#welcome"), Route::FirstRun);
        assert_eq!(Route::from_hash(&Route::FirstRun.hash()), Route::FirstRun);
        assert_eq!(Route::from_hash(""), Route::Dashboard);
        assert_eq!(Route::from_hash("#nope"), Route::Dashboard);
        assert_eq!(Route::from_hash("#dashboard"), Route::Dashboard);
        assert_eq!(Route::from_hash("#sites"), Route::Sites);
        assert_eq!(Route::from_hash("#sites/not-an-id"), Route::Dashboard);
        assert_eq!(
            Route::NAV[0].0,
            Route::Dashboard,
            "the start page comes first"
        );
        let id: SiteId = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".parse().unwrap();
        let site = Route::Site(id);
        let article = Route::Content(id.to_string().parse().unwrap());
        assert_eq!(article.section(), Route::Sites);
        for r in Route::NAV
            .map(|(r, _)| r)
            .into_iter()
            .chain([site, article])
        {
            assert_eq!(Route::from_hash(&r.hash()), r);
        }
        assert_eq!(
            site.section(),
            Route::Sites,
            "a site's page lights up Sites"
        );
    }
}
