//! A site picker with "All sites" (for pages that show every site or one: the dashboard; the
//! calendar has the same control inline).

use crate::forms::select_value;
use folio_model::{Site, SiteId};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SiteFilterProps {
    /// The `<select>`'s id.
    pub id: AttrValue,
    pub sites: Vec<Site>,
    /// `None`: all sites.
    pub site: Option<SiteId>,
    pub on_change: Callback<Option<SiteId>>,
}

#[function_component(SiteFilter)]
pub fn site_filter(props: &SiteFilterProps) -> Html {
    let onchange = props
        .on_change
        .reform(|e: Event| select_value(&e).parse().ok());
    html! {
        <div class="field site-filter">
            <label for={props.id.clone()}>{"Site"}</label>
            <select id={props.id.clone()} {onchange}>
                <option value="" selected={props.site.is_none()}>{"All sites"}</option>
                { for props.sites.iter().map(|s| html! {
                    <option value={s.id.to_string()} selected={props.site == Some(s.id)}>{&s.name}</option>
                }) }
            </select>
        </div>
    }
}
