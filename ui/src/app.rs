//! The window frame: navigation and the current page.
//!
//! A tiny hash router: the sidebar links set `#sites` / `#planner` and a `hashchange` listener
//! follows them, so links stay plain anchors (focusable, Enter to follow) and no routing crate is
//! needed.

use crate::pages::keywords::{KeywordsPage, PlannerChoice};
use crate::pages::sites::SitesPage;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Sites,
    Planner,
}

impl Route {
    const ALL: [Route; 2] = [Route::Sites, Route::Planner];

    /// Anything unknown (or no hash at all) opens Sites, the first step.
    pub fn from_hash(hash: &str) -> Route {
        match hash.trim_start_matches('#') {
            "planner" => Route::Planner,
            _ => Route::Sites,
        }
    }

    fn hash(self) -> &'static str {
        match self {
            Route::Sites => "#sites",
            Route::Planner => "#planner",
        }
    }

    fn nav_id(self) -> &'static str {
        match self {
            Route::Sites => "nav-sites",
            Route::Planner => "nav-planner",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Route::Sites => "Sites",
            Route::Planner => "Planner",
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

    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || route.set(current_route()));
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

    let page = match *route {
        Route::Sites => html! { <SitesPage /> },
        Route::Planner => {
            let remembered = *planner_choice.borrow();
            let on_choice = {
                let planner_choice = planner_choice.clone();
                Callback::from(move |c: PlannerChoice| *planner_choice.borrow_mut() = Some(c))
            };
            html! { <KeywordsPage {remembered} {on_choice} /> }
        }
    };
    html! {
        <div class="shell">
            <nav class="sidebar" aria-label="Main">
                <div class="brand">{"Folio"}</div>
                { for Route::ALL.iter().map(|&r| {
                    let active = r == *route;
                    html! {
                        <a id={r.nav_id()} class={classes!("nav-item", active.then_some("active"))}
                            href={r.hash()} aria-current={active.then_some("page")}>{r.label()}</a>
                    }
                }) }
            </nav>
            <main class="content">
                { page }
            </main>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_map_to_pages() {
        assert_eq!(Route::from_hash("#planner"), Route::Planner);
        assert_eq!(Route::from_hash(""), Route::Sites);
        assert_eq!(Route::from_hash("#nope"), Route::Sites);
        for r in Route::ALL {
            assert_eq!(Route::from_hash(r.hash()), r);
        }
    }
}
