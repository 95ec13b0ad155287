//! Sites: the list of sites and the form that adds one.

use crate::app::Route;
use crate::ipc;
use folio_model::{ErrorDto, NewSite, Site, SiteList};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SiteForm {
    pub name: String,
    pub domain: String,
    /// Comma-separated sector names, as typed.
    pub sectors: String,
}

impl SiteForm {
    fn to_new_site(&self) -> NewSite {
        NewSite {
            name: self.name.clone(),
            domain: self.domain.clone(),
            sectors: self
                .sectors
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SitesState {
    pub sites: Vec<Site>,
    pub loading: bool,
    pub load_error: Option<String>,
    pub form: SiteForm,
    pub submitting: bool,
    /// The error of the last submission, shown next to its field (or above the form).
    pub submit_error: Option<ErrorDto>,
    /// The site just added, briefly highlighted.
    pub last_added: Option<String>,
}

pub enum SitesAction {
    SitesLoaded(Result<SiteList, ErrorDto>),
    EditName(String),
    EditDomain(String),
    EditSectors(String),
    SubmitSite,
    SiteCreated(Site),
    SiteRejected(ErrorDto),
}

impl Reducible for SitesState {
    type Action = SitesAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            SitesAction::SitesLoaded(Ok(list)) => {
                s.sites = list.items;
                s.loading = false;
                s.load_error = None;
            }
            SitesAction::SitesLoaded(Err(e)) => {
                s.loading = false;
                s.load_error = Some(e.message);
            }
            SitesAction::EditName(v) => {
                s.form.name = v;
                s.clear_error_for("name");
            }
            SitesAction::EditDomain(v) => {
                s.form.domain = v;
                s.clear_error_for("domain");
            }
            SitesAction::EditSectors(v) => {
                s.form.sectors = v;
                s.clear_error_for("sectors");
            }
            SitesAction::SubmitSite => {
                s.submitting = true;
                s.submit_error = None;
            }
            SitesAction::SiteCreated(site) => {
                s.submitting = false;
                s.form = SiteForm::default();
                s.last_added = Some(site.id.to_string());
                s.sites.push(site);
            }
            SitesAction::SiteRejected(e) => {
                s.submitting = false;
                s.submit_error = Some(e);
            }
        }
        Rc::new(s)
    }
}

impl SitesState {
    fn clear_error_for(&mut self, field: &str) {
        if self
            .submit_error
            .as_ref()
            .is_some_and(|e| e.is_about(field))
        {
            self.submit_error = None;
        }
    }

    fn error_for(&self, field: &str) -> Option<&str> {
        self.submit_error
            .as_ref()
            .filter(|e| e.is_about(field))
            .map(|e| e.message.as_str())
    }

    fn form_error(&self) -> Option<&str> {
        self.submit_error
            .as_ref()
            .filter(|e| !matches!(e.field.as_deref(), Some("name" | "domain" | "sectors")))
            .map(|e| e.message.as_str())
    }
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

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
                state.dispatch(SitesAction::SitesLoaded(ipc::list_sites().await));
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
                match ipc::create_site(&input).await {
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
                    { field("name", "Name", "Garden Blog", &state.form.name, state.error_for("name"), edit(SitesAction::EditName), None) }
                    { field("domain", "Domain or URL", "example.com", &state.form.domain, state.error_for("domain"), edit(SitesAction::EditDomain), None) }
                    { field("sectors", "Sectors (optional)", "Tools, Seeds, Soil", &state.form.sectors, state.error_for("sectors"), edit(SitesAction::EditSectors),
                        Some("Separate with commas; up to 5. Leave empty for one \u{201c}General\u{201d} sector.")) }
                    <button id="site-submit" type="submit" class="primary" disabled={state.submitting}>
                        { if state.submitting { "Adding\u{2026}" } else { "Add site" } }
                    </button>
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

fn field(
    id: &'static str,
    label: &'static str,
    placeholder: &'static str,
    value: &str,
    error: Option<&str>,
    oninput: Callback<InputEvent>,
    help: Option<&'static str>,
) -> Html {
    let input_id = format!("site-{id}");
    let error_id = format!("site-{id}-error");
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"))}>
            <label for={input_id.clone()}>{label}</label>
            <input id={input_id} type="text" placeholder={placeholder} value={value.to_owned()} {oninput}
                aria-invalid={error.is_some().to_string()} aria-describedby={error_id.clone()} />
            if let Some(help) = help { <div class="help">{help}</div> }
            if let Some(msg) = error { <div id={error_id} class="error" role="alert">{msg}</div> }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use folio_model::ErrorKind;

    #[test]
    fn sectors_are_split_on_commas_and_blank_ones_dropped() {
        let form = SiteForm {
            name: "N".into(),
            domain: "d.com".into(),
            sectors: " Tools, ,Seeds ,".into(),
        };
        assert_eq!(form.to_new_site().sectors, ["Tools", "Seeds"]);
    }

    #[test]
    fn a_field_error_clears_when_that_field_is_edited() {
        let s = Rc::new(SitesState::default());
        let s = s.reduce(SitesAction::SiteRejected(
            ErrorDto::new(ErrorKind::Validation, "bad domain").with_field("domain"),
        ));
        assert_eq!(s.error_for("domain"), Some("bad domain"));
        let s = s.reduce(SitesAction::EditName("x".into()));
        assert_eq!(
            s.error_for("domain"),
            Some("bad domain"),
            "other fields keep it"
        );
        let s = s.reduce(SitesAction::EditDomain("ok.com".into()));
        assert_eq!(s.error_for("domain"), None);
    }
}
