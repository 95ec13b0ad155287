//! One article (`#content/<id>`): its title and facts, its text in the editor with its quality
//! report, cost and *Generate images* (`content/article.rs`), its images (`content/images.rs`)
//! and publishing it on the site's WordPress (`content/publish.rs`).

mod article;
mod images;
mod publish;

use crate::app::Route;
use crate::hooks::use_invoke;
use article::ArticlePanel;
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
    // Counts image runs that made images: the images panel loads them again.
    let images_made = use_state(|| 0u64);
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
    let on_images_made = {
        let images_made = images_made.clone();
        Callback::from(move |n: u64| images_made.set(n))
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
                <ArticlePanel content={content.clone()} on_images_made={on_images_made}
                    on_saved={on_changed.clone()} />
                <ImagesPanel content={content.id} title={content.title.clone()} reload={*images_made} />
                <PublishPanel site={content.site_id} content={content.id} {on_changed} />
            </div>
        </section>
    }
}
