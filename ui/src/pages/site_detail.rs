//! One site (`#sites/<id>`): its sectors, its publishing settings, its articles and its
//! WordPress connection, each a panel with its own reducer
//! (`site_detail/{sectors,publishing,articles,wordpress}.rs`).

mod articles;
mod publishing;
mod sectors;
mod wordpress;

use crate::app::Route;
use crate::hooks::use_invoke;
use articles::ArticlesPanel;
use folio_model::ipc::{self, SiteGetArgs};
use folio_model::SiteId;
use publishing::PublishingPanel;
use sectors::SectorsPanel;
use wasm_bindgen::JsCast;
use wordpress::WordPressPanel;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SiteDetailProps {
    pub site: SiteId,
}

#[function_component(SiteDetailPage)]
pub fn site_detail_page(props: &SiteDetailProps) -> Html {
    let site_id = props.site;
    let loaded = use_invoke::<ipc::SiteGet>(SiteGetArgs { site: site_id });
    let back = html! {
        <a id="site-back" class="back-link" href={Route::Sites.hash()}>{"\u{2190} All sites"}</a>
    };
    let site = match &*loaded {
        None => {
            return html! {
                <section class="page site-page">
                    <header class="page-header">{ back }<h1 id="page-title">{"Site"}</h1></header>
                    <p class="muted" id="site-loading">{"Loading\u{2026}"}</p>
                </section>
            }
        }
        Some(Err(e)) => {
            return html! {
                <section class="page site-page">
                    <header class="page-header">{ back }<h1 id="page-title">{"Site"}</h1></header>
                    <div id="site-load-error" class="error banner" role="alert">{&e.message}</div>
                </section>
            }
        }
        Some(Ok(site)) => site,
    };
    html! {
        <section class="page site-page">
            <header class="page-header">
                { back }
                <h1 id="page-title">{&site.name}</h1>
                <p class="hint" id="site-detail-domain">{&site.domain}</p>
            </header>
            <div id="site-detail" class="site-detail" data-site-id={site.id.to_string()}>
                <SectorsPanel site={site.id} sectors={site.sectors.clone()} />
                <PublishingPanel site={site.id} />
                <ArticlesPanel site={site.id} />
                <WordPressPanel site={site.id} domain={site.domain.clone()} />
            </div>
        </section>
    }
}

/// Move keyboard focus to the first element matching `selector`, if there is one.
pub(crate) fn focus(selector: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}
