//! A site's articles, each a link to its own page (`#content/<id>`), where its images are.

use crate::app::Route;
use crate::hooks::use_invoke;
use folio_model::ipc::{self, ContentListArgs};
use folio_model::SiteId;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ArticlesPanelProps {
    pub site: SiteId,
}

#[function_component(ArticlesPanel)]
pub fn articles_panel(props: &ArticlesPanelProps) -> Html {
    let loaded = use_invoke::<ipc::ContentList>(ContentListArgs { site: props.site });
    let body = match &*loaded {
        None => html! { <p class="muted">{"Loading\u{2026}"}</p> },
        Some(Err(e)) => {
            html! { <div id="articles-error" class="error" role="alert">{&e.message}</div> }
        }
        Some(Ok(items)) if items.is_empty() => html! {
            <p class="muted" id="articles-empty">
                {"No articles yet. Add a hand-written one with "}
                <code>{"folio content add"}</code>{"."}
            </p>
        },
        Some(Ok(items)) => html! {
            <ul id="article-list" class="sector-list">
                { for items.iter().map(|c| html! {
                    <li class="sector-row" data-content-id={c.id.to_string()}>
                        <a class="article-link" href={Route::Content(c.id).hash()}>{&c.title}</a>
                        <span class="muted">{format!(" \u{00b7} {} \u{00b7} {} words", c.status, c.word_count)}</span>
                    </li>
                }) }
            </ul>
        },
    };
    html! {
        <section class="panel" id="articles-panel" aria-labelledby="articles-title">
            <div class="panel-head"><h2 id="articles-title">{"Articles"}</h2></div>
            { body }
        </section>
    }
}
