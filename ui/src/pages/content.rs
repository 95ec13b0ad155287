//! One article (`#content/<id>`): its title and facts, its images (`content/images.rs`) and
//! publishing it on the site's WordPress (`content/publish.rs`).

mod images;
mod publish;

use crate::app::Route;
use crate::hooks::use_invoke;
use folio_model::ipc::{self, ContentGetArgs};
use folio_model::{Content, ContentId};
use images::ImagesPanel;
use publish::PublishPanel;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ContentPageProps {
    pub content: ContentId,
}

#[function_component(ContentPage)]
pub fn content_page(props: &ContentPageProps) -> Html {
    let loaded = use_invoke::<ipc::ContentGet>(ContentGetArgs {
        content: props.content,
    });
    let content = match &*loaded {
        None => {
            return html! {
                <section class="page content-page">
                    <header class="page-header"><h1 id="page-title">{"Article"}</h1></header>
                    <p class="muted" id="content-loading">{"Loading\u{2026}"}</p>
                </section>
            }
        }
        Some(Err(e)) => {
            return html! {
                <section class="page content-page">
                    <header class="page-header">
                        <a class="back-link" href={Route::Sites.hash()}>{"\u{2190} All sites"}</a>
                        <h1 id="page-title">{"Article"}</h1>
                    </header>
                    <div id="content-load-error" class="error banner" role="alert">{&e.message}</div>
                </section>
            }
        }
        Some(Ok(content)) => content,
    };
    // Publishing changes the article's on-site status: the facts show core's latest.
    let on_changed = {
        let loaded = loaded.clone();
        Callback::from(move |c: Content| loaded.set(Some(Ok(c))))
    };
    html! {
        <section class="page content-page">
            <header class="page-header">
                <a id="content-back" class="back-link" href={Route::Site(content.site_id).hash()}>{"\u{2190} The site"}</a>
                <h1 id="page-title">{&content.title}</h1>
                <p class="hint" id="content-facts">
                    {format!("{} \u{00b7} {} words \u{00b7} /{}", content.status, content.word_count, content.slug)}
                </p>
            </header>
            <div id="content-detail" class="content-detail" data-content-id={content.id.to_string()}>
                <ImagesPanel content={content.id} title={content.title.clone()} />
                <PublishPanel site={content.site_id} content={content.id} {on_changed} />
            </div>
        </section>
    }
}
