//! Planner → Keywords: pick a site and sector, import keyword exports, and work through the list
//! (server-side paging, sorting, filters, search) with bulk actions on a selection.
//!
//! Every query goes to core: with 100k keywords only the current page (50 rows) is ever here.

mod import_panel;
mod similar;
mod state;
mod table;
mod toolbar;

use crate::components::EmptyState;
use crate::forms::select_value;
use crate::hooks::{invoke, use_event};
use crate::scope::PlannerChoice;
use folio_model::ipc::{
    self, JobsCancelArgs, KeywordsBulkArgs, KeywordsImportArgs, KeywordsListArgs,
    KeywordsSimilarArgs, NoArgs,
};
use state::{BulkKind, KeywordsAction as A, KeywordsState, SETTLE_MS};
use std::time::Duration;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct KeywordsPageProps {
    /// The site and sector chosen the last time the page was open.
    pub remembered: Option<PlannerChoice>,
    pub on_choice: Callback<PlannerChoice>,
}

/// The callbacks that reach core; the views only dispatch plain actions themselves.
#[derive(Clone)]
pub(crate) struct Handlers {
    pub import: Callback<MouseEvent>,
    pub cancel_import: Callback<MouseEvent>,
    pub bulk: Callback<BulkKind>,
    pub confirm_bulk: Callback<MouseEvent>,
}

pub(crate) type Dispatch = UseReducerDispatcher<KeywordsState>;

#[function_component(KeywordsPage)]
pub fn keywords_page(props: &KeywordsPageProps) -> Html {
    let remembered = props.remembered;
    let state = use_reducer(move || KeywordsState::new(remembered));
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
        // The reducer bumps `request` whenever the query changes; send the query it describes.
        let query = state.query();
        let dispatch = dispatch.clone();
        use_effect_with(state.request, move |&request| {
            if let Some(query) = query {
                spawn_local(async move {
                    let result = invoke::<ipc::KeywordsList>(&KeywordsListArgs { query }).await;
                    dispatch.dispatch(A::PageLoaded { request, result });
                });
            }
        });
    }
    {
        let dispatch = dispatch.clone();
        use_effect_with(state.settle_ticket, move |&ticket| {
            if ticket > 0 {
                spawn_local(async move {
                    yew::platform::time::sleep(Duration::from_millis(SETTLE_MS)).await;
                    dispatch.dispatch(A::InputsSettled(ticket));
                });
            }
        });
    }
    {
        // The import's progress: the app's one job stream (the reducer keeps this page's).
        let dispatch = dispatch.clone();
        let on_step = Callback::from(move |p| dispatch.dispatch(A::JobProgressed(p)));
        use_event::<ipc::JobProgressed, _>((), on_step, Callback::noop());
    }
    {
        // Cancel the import's job once the person asked and its id is known. The import's own
        // reply reports the outcome (cancelled, or finished first).
        let dispatch = dispatch.clone();
        use_effect_with(state.import.job_to_cancel(), move |job| {
            if let Some(job) = *job {
                spawn_local(async move {
                    if let Ok(true) = invoke::<ipc::JobsCancel>(&JobsCancelArgs { job }).await {
                        dispatch.dispatch(A::ImportCancelSent);
                    }
                });
            }
        });
    }
    {
        // *Similar* on a row: ask core once per opening.
        let ask = state.similar.ask();
        let dispatch = dispatch.clone();
        use_effect_with(state.similar.request, move |&request| {
            if let Some((site, row)) = ask {
                spawn_local(async move {
                    let args = KeywordsSimilarArgs {
                        site,
                        keyword: row.id,
                        limit: similar::SIMILAR_SHOWN,
                    };
                    let result = invoke::<ipc::KeywordsSimilar>(&args).await;
                    dispatch.dispatch(A::SimilarLoaded { request, result });
                });
            }
        });
    }
    {
        let on_choice = props.on_choice.clone();
        use_effect_with(state.choice(), move |choice| {
            if let Some(choice) = choice {
                on_choice.emit(*choice);
            }
        });
    }

    let handlers = handlers(&state);
    html! {
        <section class="page keywords-page">
            <header class="page-header">
                <div class="kicker">{"Planner"}</div>
                <h1 id="page-title">{"Keywords"}</h1>
                <p class="hint">{"Import keyword research exports, then sort, filter and tidy the list before clustering."}</p>
            </header>
            { context_bar(&state, &dispatch, &handlers) }
            { import_panel::view(&state.import, &dispatch, &handlers) }
            if state.site.is_some() {
                <div class="panel table-panel">
                    { toolbar::filters(&state, &dispatch) }
                    { toolbar::selection_bar(&state, &dispatch, &handlers) }
                    { similar::view(&state.similar, {
                        let d = dispatch.clone();
                        Callback::from(move |_| d.dispatch(A::SimilarClosed))
                    }) }
                    { table::view(&state, &dispatch) }
                </div>
            }
        </section>
    }
}

fn handlers(state: &UseReducerHandle<KeywordsState>) -> Handlers {
    let import = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(site) = state.site else { return };
            if state.import.is_busy() {
                return;
            }
            let sector = state.sector;
            let dispatch = state.dispatcher();
            dispatch.dispatch(A::ImportRequested);
            spawn_local(async move {
                match invoke::<ipc::KeywordsPickFile>(&NoArgs {}).await {
                    Ok(None) => dispatch.dispatch(A::ImportPickCancelled),
                    Err(e) => dispatch.dispatch(A::ImportFinished(Err(e))),
                    Ok(Some(path)) => {
                        dispatch.dispatch(A::ImportFileChosen(path.clone()));
                        let args = KeywordsImportArgs { site, sector, path };
                        let result = invoke::<ipc::KeywordsImport>(&args).await;
                        dispatch.dispatch(A::ImportFinished(result));
                    }
                }
            });
        })
    };
    let cancel_import = {
        let dispatch = state.dispatcher();
        Callback::from(move |_: MouseEvent| {
            // The effect on `job_to_cancel` sends it, as soon as the job's id is known.
            dispatch.dispatch(A::ImportCancelRequested);
        })
    };
    let bulk = {
        let state = state.clone();
        Callback::from(move |kind: BulkKind| {
            let Some(target) = state.bulk_target() else {
                return;
            };
            if state.bulk.running {
                return;
            }
            state.dispatch(A::BulkRequested(kind));
            if !kind.needs_confirm() {
                run_bulk(state.dispatcher(), target, kind);
            }
        })
    };
    let confirm_bulk = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if let (Some(kind), Some(target)) = (state.bulk.confirming, state.bulk_target()) {
                state.dispatch(A::BulkConfirmed);
                run_bulk(state.dispatcher(), target, kind);
            }
        })
    };
    Handlers {
        import,
        cancel_import,
        bulk,
        confirm_bulk,
    }
}

fn run_bulk(dispatch: Dispatch, target: folio_model::KeywordFilter, kind: BulkKind) {
    spawn_local(async move {
        let args = KeywordsBulkArgs {
            filter: target,
            action: kind.action(),
        };
        let result = invoke::<ipc::KeywordsBulk>(&args).await;
        dispatch.dispatch(A::BulkFinished { kind, result });
    });
}

/// Site and sector pickers and the import button.
fn context_bar(state: &KeywordsState, dispatch: &Dispatch, handlers: &Handlers) -> Html {
    if state.sites_loading {
        return html! { <p class="muted" id="keywords-sites-loading">{"Loading sites\u{2026}"}</p> };
    }
    if let Some(e) = &state.sites_error {
        return html! { <div id="keywords-sites-error" class="error banner" role="alert">{&e.message}</div> };
    }
    let Some(site) = state.current_site() else {
        return html! {
            <EmptyState id="keywords-no-sites" class="panel" title="No sites yet">
                <p class="muted">{"Keywords belong to a site and one of its sectors. "}
                    <a href="#sites">{"Add your first site"}</a>{" to start."}</p>
            </EmptyState>
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
    let on_sector = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            dispatch.dispatch(A::SectorChosen(select_value(&e).parse().ok()));
        })
    };
    // Without a chosen sector, core imports into the site's first one: say so before it happens.
    let import_sector = site
        .sectors
        .iter()
        .find(|s| Some(s.id) == state.sector)
        .or(site.sectors.first())
        .map(|s| s.name.clone())
        .unwrap_or_default();
    html! {
        <div class="panel context-bar">
            <div class="field">
                <label for="keywords-site">{"Site"}</label>
                <select id="keywords-site" onchange={on_site}>
                    { for state.sites.iter().map(|s| html! {
                        <option value={s.id.to_string()} selected={s.id == site.id}>{&s.name}</option>
                    }) }
                </select>
            </div>
            <div class="field">
                <label for="keywords-sector">{"Sector"}</label>
                <select id="keywords-sector" onchange={on_sector}>
                    <option value="" selected={state.sector.is_none()}>{"All sectors"}</option>
                    { for site.sectors.iter().map(|s| html! {
                        <option value={s.id.to_string()} selected={Some(s.id) == state.sector}>{&s.name}</option>
                    }) }
                </select>
            </div>
            <div class="import-action">
                <button id="keywords-import" type="button" class="primary"
                    onclick={handlers.import.clone()} disabled={state.import.is_busy()}>
                    {"Import keywords\u{2026}"}
                </button>
                <div class="help" id="keywords-import-target">{format!("Into the \u{201c}{import_sector}\u{201d} sector")}</div>
            </div>
        </div>
    }
}
