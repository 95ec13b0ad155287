//! One article (`#content/<id>`): its title and facts, its text in the editor with its quality
//! report, cost and *Generate images* (`content/article.rs`), its images (`content/images.rs`)
//! and publishing it on the site's WordPress (`content/publish.rs`); beside the text its
//! details, categories and tags and status actions (`content/side.rs`), its sections to rewrite
//! with AI and its history (`content/history.rs`).

mod article;
mod history;
mod images;
mod publish;
mod side;

use crate::app::Route;
use crate::hooks::use_invoke;
use article::ArticlePanel;
use folio_model::ipc::{self, ContentGetArgs};
use folio_model::{Content, ContentId};
use history::HistoryPanel;
use images::ImagesPanel;
use publish::PublishPanel;
use side::SidePanel;
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
    // A change made on this page to the body (a restored version, a rewritten section): the
    // editor reads it at once and says what it was.
    let refresh = use_state(|| None::<(u64, AttrValue)>);
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
    let on_body_changed = {
        let (loaded, refresh) = (loaded.clone(), refresh.clone());
        Callback::from(move |(said, c): (AttrValue, Content)| {
            let n = refresh.as_ref().map_or(1, |(n, _)| n + 1);
            refresh.set(Some((n, said)));
            loaded.set(Some(Ok(c)));
        })
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
                <div class="content-main">
                    <ArticlePanel content={content.clone()} on_images_made={on_images_made}
                        on_saved={on_changed.clone()} refresh={(*refresh).clone()} />
                    <ImagesPanel content={content.id} title={content.title.clone()} reload={*images_made} />
                    <PublishPanel site={content.site_id} content={content.id} on_changed={on_changed.clone()} />
                </div>
                <div class="content-side">
                    <SidePanel content={content.clone()} on_changed={on_changed.clone()} />
                    <HistoryPanel content={content.id} version={AttrValue::from(content.updated_at.to_rfc3339())}
                        on_changed={on_body_changed} />
                </div>
            </div>
        </section>
    }
}

/// An article as core answers it, for the page's unit tests.
#[cfg(test)]
pub(crate) fn sample_content() -> Content {
    #[allow(clippy::unwrap_used)]
    serde_json::from_value(serde_json::json!({
        "id": "01a25059-d5cd-7094-87f8-ecf75a1478de",
        "site_id": "01a25059-d5cd-7094-87f8-ecf75a1478df",
        "sector_id": "01a25059-d5cd-7094-87f8-ecf75a1478e0",
        "task_id": null, "cluster_id": null,
        "title": "T", "body_html": "<p>x</p>", "excerpt": "", "meta_title": "",
        "meta_description": "", "slug": "t", "word_count": 1,
        "content_type": "post", "content_structure": "article",
        "status": "draft", "site_status": "not_published",
        "site_status_updated_at": null, "scheduled_publish_at": null,
        "external_id": null, "external_url": null,
        "created_at": "2026-12-07T10:00:00Z", "updated_at": "2026-12-07T10:00:00Z"
    }))
    .unwrap()
}
