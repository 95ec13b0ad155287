//! The article: its text in the editor (`article/editing.rs`, saved through core), its quality
//! gate's report (passed / blocking / warnings, each with core's message), what it cost, and
//! *Generate images* (core's estimate first, then the job; the images panel loads the new
//! images).
//!
//! State: `article/state.rs`, the editor's saving `article/saving.rs`.

mod editing;
mod saving;
mod state;

use crate::components::{QualityReportView, StagePanel};
use crate::format::{count, usd};
use crate::hooks::{invoke, use_stage_run};
use editing::EditorPanel;
use folio_model::ipc::{self, ContentCostArgs, ContentQualityArgs, ContentQualityCheckArgs};
use folio_model::Content;
use state::{ArticleAction as A, ArticleState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ArticlePanelProps {
    pub content: Content,
    /// Images were generated: the page's images panel loads them again.
    pub on_images_made: Callback<u64>,
    /// The editor saved the article: core's stored article.
    pub on_saved: Callback<Content>,
    /// The page changed the body itself: the editor reads it now (see `EditorPanel::refresh`).
    #[prop_or_default]
    pub refresh: Option<(u64, AttrValue)>,
}

#[function_component(ArticlePanel)]
pub fn article_panel(props: &ArticlePanelProps) -> Html {
    let (site, content) = (props.content.site_id, props.content.id);
    let state = use_reducer(move || ArticleState::new(site, content));
    let dispatch = state.dispatcher();
    {
        let dispatch = dispatch.clone();
        use_effect_with(content, move |&content| {
            spawn_local(async move {
                let r = invoke::<ipc::ContentQuality>(&ContentQualityArgs { content }).await;
                dispatch.dispatch(A::QualityLoaded(r));
            });
        });
    }
    {
        // The gate runs again on what core stored after each change of the text (the
        // autosave's debounce is this report's).
        // Not on opening: the report the writer kept is checked against the brief's outline.
        let dispatch = dispatch.clone();
        let opened = *use_mut_ref(|| props.content.updated_at).borrow();
        use_effect_with(props.content.updated_at, move |&at| {
            if at == opened {
                return;
            }
            spawn_local(async move {
                let r =
                    invoke::<ipc::ContentQualityCheck>(&ContentQualityCheckArgs { content }).await;
                dispatch.dispatch(A::QualityLoaded(r.map(Some)));
            });
        });
    }
    {
        let dispatch = dispatch.clone();
        use_effect_with(state.cost_request, move |&request| {
            spawn_local(async move {
                let result = invoke::<ipc::ContentCost>(&ContentCostArgs { content }).await;
                dispatch.dispatch(A::CostLoaded { request, result });
            });
        });
    }
    {
        let on_made = props.on_images_made.clone();
        use_effect_with(state.images_made, move |&n| {
            if n > 0 {
                on_made.emit(n);
            }
        });
    }
    let run = {
        let d = dispatch.clone();
        use_stage_run(&state.run, Callback::from(move |a| d.dispatch(A::Run(a))))
    };
    let on_generate = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::GenerateImagesClicked))
    };
    let c = &props.content;
    html! {
        <>
            <section class="panel article-panel" id="article-panel" aria-labelledby="article-title">
                <div class="panel-head"><h2 id="article-title">{"Article"}</h2></div>
                // core's sanitised HTML (`Content::body_html`), never a model's raw answer
                <EditorPanel content={c.id} body={AttrValue::from(c.body_html.clone())}
                    on_saved={props.on_saved.clone()} refresh={props.refresh.clone()} />
            </section>
            <section class="panel" id="quality-panel" aria-labelledby="quality-title">
                <div class="panel-head"><h2 id="quality-title">{"Quality check"}</h2></div>
                { quality(&state) }
            </section>
            <section class="panel" id="cost-panel" aria-labelledby="cost-title">
                <div class="panel-head">
                    <h2 id="cost-title">{"Cost"}</h2>
                    <button id="images-generate" type="button" onclick={on_generate}
                        disabled={state.run.is_busy()}>{"Generate images\u{2026}"}</button>
                </div>
                { cost(&state) }
            </section>
            <StagePanel id="images-run" run={state.run.clone()} item="article" callbacks={run} />
        </>
    }
}

fn quality(state: &ArticleState) -> Html {
    match &state.quality {
        None => html! { <p class="muted">{"Loading\u{2026}"}</p> },
        Some(Err(e)) => {
            html! { <div id="quality-error" class="error banner" role="alert">{&e.message}</div> }
        }
        Some(Ok(None)) => html! {
            <p class="muted" id="quality-none">{"Not checked: the quality gate runs when an article is written."}</p>
        },
        Some(Ok(Some(r))) => html! { <QualityReportView id="quality" report={r.clone()} /> },
    }
}

fn cost(state: &ArticleState) -> Html {
    match &state.cost {
        None => html! { <p class="muted">{"Loading\u{2026}"}</p> },
        Some(Err(e)) => {
            html! { <div id="cost-error" class="error banner" role="alert">{&e.message}</div> }
        }
        Some(Ok(row)) => html! {
            <dl class="import-stats" id="content-cost">
                <div class="stat"><dt>{"Credits"}</dt><dd id="content-cost-credits">{count(row.credits)}</dd></div>
                <div class="stat"><dt>{"USD"}</dt><dd id="content-cost-usd">{usd(row.cost_usd)}</dd></div>
                <div class="stat"><dt>{"Calls"}</dt><dd id="content-cost-calls">{count(row.calls)}</dd></div>
                <div class="stat"><dt>{"Images"}</dt><dd id="content-cost-images">{count(row.images)}</dd></div>
            </dl>
        },
    }
}
