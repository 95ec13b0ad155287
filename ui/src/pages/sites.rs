//! Sites: the list of sites and the form that adds one (state and rules in `sites/state.rs`).

mod state;

use crate::app::Route;
use crate::components::{BusyButton, TextField};
use crate::forms::input_value;
use crate::hooks::invoke;
use folio_model::ipc::{self, NoArgs, SiteCreateArgs};
use state::{SitesAction, SitesState};
use yew::prelude::*;

#[function_component(SitesPage)]
pub fn sites_page() -> Html {
    let state = use_reducer(|| SitesState {
        loading: true,
        ..Default::default()
    });

    {
        let state = state.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let sites = invoke::<ipc::SiteList>(&NoArgs {}).await;
                state.dispatch(SitesAction::SitesLoaded(sites));
            });
        });
    }

    let on_submit = {
        let state = state.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if state.submitting {
                return;
            }
            let input = state.form.to_new_site();
            state.dispatch(SitesAction::SubmitSite);
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match invoke::<ipc::SiteCreate>(&SiteCreateArgs { input }).await {
                    Ok(site) => state.dispatch(SitesAction::SiteCreated(site)),
                    Err(e) => state.dispatch(SitesAction::SiteRejected(e)),
                }
            });
        })
    };
    let edit = |make: fn(String) -> SitesAction| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.dispatch(make(input_value(&e))))
    };

    html! {
        <section class="page sites-page">
            <header class="page-header">
                <h1 id="page-title">{"Sites"}</h1>
                <p class="hint">{"The WordPress sites you write for. Each site has 1 to 5 sectors (topic areas)."}</p>
            </header>
            <div class="columns">
                <div class="panel">
                    <h2>{"Your sites"}</h2>
                    if !state.sites.is_empty() {
                        <p class="help list-help">{"Open a site to edit its sectors and publishing schedule."}</p>
                    }
                    { site_list(&state) }
                </div>
                <form id="site-form" class="panel form" onsubmit={on_submit} novalidate=true>
                    <h2>{"Add a site"}</h2>
                    if let Some(msg) = state.form_error() {
                        <div id="site-form-error" class="error banner" role="alert">{msg}</div>
                    }
                    <TextField id="site-name" label="Name" placeholder="Garden Blog"
                        value={state.form.name.clone()} error={state.error_for("name").map(str::to_owned)}
                        oninput={edit(SitesAction::EditName)} />
                    <TextField id="site-domain" label="Domain or URL" placeholder="example.com"
                        value={state.form.domain.clone()} error={state.error_for("domain").map(str::to_owned)}
                        oninput={edit(SitesAction::EditDomain)} />
                    <TextField id="site-sectors" label="Sectors (optional)" placeholder="Tools, Seeds, Soil"
                        value={state.form.sectors.clone()} error={state.error_for("sectors").map(str::to_owned)}
                        oninput={edit(SitesAction::EditSectors)}
                        help="Separate with commas; up to 5. Leave empty for one \u{201c}General\u{201d} sector." />
                    <BusyButton id="site-submit" kind="submit" class="primary" label="Add site"
                        busy_label="Adding\u{2026}" busy={state.submitting} />
                </form>
            </div>
        </section>
    }
}

fn site_list(state: &SitesState) -> Html {
    if state.loading {
        return html! { <p class="muted" id="sites-loading">{"Loading\u{2026}"}</p> };
    }
    if let Some(err) = &state.load_error {
        return html! { <div id="sites-load-error" class="error banner" role="alert">{err}</div> };
    }
    if state.sites.is_empty() {
        return html! { <p class="muted" id="sites-empty">{"No sites yet. Add your first one with the form."}</p> };
    }
    html! {
        <ul id="site-list" class="site-list">
            { for state.sites.iter().map(|site| {
                let fresh = state.last_added.as_deref() == Some(site.id.to_string().as_str());
                // The whole row is a link to the site's page: a click anywhere, or Tab and Enter.
                html! {
                    <li class={classes!("site-row", fresh.then_some("fresh"))} data-site-id={site.id.to_string()}>
                        <a class="site-link" href={Route::Site(site.id).hash()}>
                            <div class="site-name">{&site.name}</div>
                            <div class="site-domain">{&site.domain}</div>
                            <div class="site-sectors">
                                { for site.sectors.iter().map(|s| html! { <span class="chip">{&s.name}</span> }) }
                            </div>
                        </a>
                    </li>
                }
            }) }
        </ul>
    }
}
