//! The site and sector pickers of a Planner or Writer page (`crate::scope::SiteScope`), with the
//! page's own actions beside them; while the sites load, why they did not, or how to add one.

use crate::components::EmptyState;
use crate::forms::select_value;
use crate::scope::SiteScope;
use folio_model::{SectorId, SiteId};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScopeBarProps {
    /// Prefix of the pickers' ids: `#<id>-site`, `#<id>-sector`.
    pub id: AttrValue,
    pub scope: SiteScope,
    pub on_site: Callback<SiteId>,
    pub on_sector: Callback<Option<SectorId>>,
    /// The page's actions (buttons), after the pickers.
    #[prop_or_default]
    pub children: Html,
}

#[function_component(ScopeBar)]
pub fn scope_bar(props: &ScopeBarProps) -> Html {
    let id = props.id.as_str();
    let scope = &props.scope;
    if scope.loading {
        return html! { <p class="muted" id={format!("{id}-sites-loading")}>{"Loading sites\u{2026}"}</p> };
    }
    if let Some(e) = &scope.error {
        return html! { <div id={format!("{id}-sites-error")} class="error banner" role="alert">{&e.message}</div> };
    }
    let Some(site) = scope.current_site() else {
        return html! {
            <EmptyState id={format!("{id}-no-sites")} class="panel" title="No sites yet">
                <p class="muted">{"Everything here belongs to a site and one of its sectors. "}
                    <a href="#sites">{"Add your first site"}</a>{" to start."}</p>
            </EmptyState>
        };
    };
    let on_site = {
        let cb = props.on_site.clone();
        Callback::from(move |e: Event| {
            if let Ok(id) = select_value(&e).parse() {
                cb.emit(id);
            }
        })
    };
    let on_sector = {
        let cb = props.on_sector.clone();
        Callback::from(move |e: Event| cb.emit(select_value(&e).parse().ok()))
    };
    html! {
        <div class="panel context-bar">
            <div class="field">
                <label for={format!("{id}-site")}>{"Site"}</label>
                <select id={format!("{id}-site")} onchange={on_site}>
                    { for scope.sites.iter().map(|s| html! {
                        <option value={s.id.to_string()} selected={s.id == site.id}>{&s.name}</option>
                    }) }
                </select>
            </div>
            <div class="field">
                <label for={format!("{id}-sector")}>{"Sector"}</label>
                <select id={format!("{id}-sector")} onchange={on_sector}>
                    <option value="" selected={scope.sector.is_none()}>{"All sectors"}</option>
                    { for site.sectors.iter().map(|s| html! {
                        <option value={s.id.to_string()} selected={Some(s.id) == scope.sector}>{&s.name}</option>
                    }) }
                </select>
            </div>
            { props.children.clone() }
        </div>
    }
}
