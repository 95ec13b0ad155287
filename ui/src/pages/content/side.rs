//! Beside the article's text: its facts (words, reading time, status), its details for search
//! engines with live length counters (meta title 60, description 120–156), slug and excerpt,
//! its categories and tags (the site's and its WordPress site's, or new ones), and the
//! editorial status actions (submit for review, approve, send back; publishing and scheduling
//! are the publish panel's).
//!
//! State: `side/state.rs`.

mod state;

use crate::format::{count, error_text};
use crate::forms::{input_value, select_value};
use crate::hooks::invoke;
use folio_model::ipc::{
    self, ContentTermChoicesArgs, ContentTermsSetArgs, ContentUpdateArgs, ReviewApproveArgs,
    ReviewRejectArgs, ReviewSubmitArgs,
};
use folio_model::{Content, ErrorDto, TaxonomyType, TermName};
use state::{
    meta_description_counter, meta_description_fit, meta_title_counter, meta_title_fit,
    status_moves, Field, SideAction as A, SideState, StatusMove,
};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SidePanelProps {
    pub content: Content,
    /// Core's article after a change made here.
    pub on_changed: Callback<Content>,
}

type Dispatch = UseReducerDispatcher<SideState>;

fn set_terms(
    dispatch: &Dispatch,
    content: folio_model::ContentId,
    terms: Vec<TermName>,
    added: bool,
) {
    let dispatch = dispatch.clone();
    spawn_local(async move {
        match invoke::<ipc::ContentTermsSet>(&ContentTermsSetArgs { content, terms }).await {
            Ok(choices) => {
                dispatch.dispatch(A::TermsLoaded(Ok(choices)));
                if added {
                    dispatch.dispatch(A::TermAdded);
                }
            }
            Err(e) => dispatch.dispatch(A::TermsFailed(e)),
        }
    });
}

#[function_component(SidePanel)]
pub fn side_panel(props: &SidePanelProps) -> Html {
    let c = &props.content;
    let content = c.id;
    let state = use_reducer(SideState::default);
    let dispatch = state.dispatcher();
    {
        let dispatch = dispatch.clone();
        use_effect_with(c.clone(), move |c| dispatch.dispatch(A::Article(c.clone())));
    }
    {
        let dispatch = dispatch.clone();
        use_effect_with(content, move |&content| {
            spawn_local(async move {
                let r =
                    invoke::<ipc::ContentTermChoices>(&ContentTermChoicesArgs { content }).await;
                dispatch.dispatch(A::TermsLoaded(r));
            });
        });
    }
    let typed = |f: Field| {
        let d = dispatch.clone();
        Callback::from(move |e: InputEvent| d.dispatch(A::Typed(f, input_value(&e))))
    };
    let typed_area = |f: Field| {
        let d = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            d.dispatch(A::Typed(f, v))
        })
    };
    let on_save = {
        let (d, state, on_changed) = (dispatch.clone(), state.clone(), props.on_changed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let update = state.form.update(&state.saved);
            let (d, on_changed) = (d.clone(), on_changed.clone());
            d.dispatch(A::Saving);
            spawn_local(async move {
                let r = invoke::<ipc::ContentUpdate>(&ContentUpdateArgs { content, update }).await;
                if let Ok(c) = &r {
                    on_changed.emit(c.clone());
                }
                d.dispatch(A::Saved(r));
            });
        })
    };
    let on_discard = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::Discard))
    };
    let status_move = |m: StatusMove| {
        let (d, on_changed) = (dispatch.clone(), props.on_changed.clone());
        Callback::from(move |_: MouseEvent| {
            let (d, on_changed) = (d.clone(), on_changed.clone());
            d.dispatch(A::StatusBusy);
            spawn_local(async move {
                let r: Result<Content, ErrorDto> = match m {
                    StatusMove::Submit => {
                        invoke::<ipc::ReviewSubmit>(&ReviewSubmitArgs { content }).await
                    }
                    StatusMove::Approve => {
                        invoke::<ipc::ReviewApprove>(&ReviewApproveArgs { content }).await
                    }
                    StatusMove::SendBack => {
                        invoke::<ipc::ReviewReject>(&ReviewRejectArgs { content }).await
                    }
                };
                if let Ok(c) = &r {
                    on_changed.emit(c.clone());
                }
                d.dispatch(A::StatusDone(r));
            });
        })
    };
    let f = &state.form;
    let field_error = |name: &str| {
        state
            .error
            .as_ref()
            .filter(|e| e.is_about(name))
            .map(|e| html! { <p class="field-error" role="alert">{&e.message}</p> })
    };
    let other_error = state
        .error
        .as_ref()
        .filter(|e| {
            !["title", "slug", "meta_title", "meta_description", "excerpt"]
                .iter()
                .any(|f| e.is_about(f))
        })
        .map(|e| html! { <div id="details-error" class="error banner" role="alert">{error_text(e)}</div> });
    let mt_fit = meta_title_fit(&f.meta_title);
    let md_fit = meta_description_fit(&f.meta_description);

    let terms = match &state.terms {
        None => html! { <p class="muted">{"Loading\u{2026}"}</p> },
        Some(Err(e)) => html! { <div class="error banner" role="alert">{error_text(e)}</div> },
        Some(Ok(choices)) => {
            let group = |taxonomy: TaxonomyType, title: &str, id: &str| {
                let items: Vec<_> = choices.iter().filter(|t| t.taxonomy == taxonomy).collect();
                html! {
                    <fieldset class="term-group" id={id.to_owned()}>
                        <legend>{title}</legend>
                        if items.is_empty() {
                            <p class="muted">{"None yet."}</p>
                        }
                        { for items.into_iter().map(|t| {
                            let (d, state) = (dispatch.clone(), state.clone());
                            let (taxonomy, name) = (t.taxonomy, t.name.clone());
                            let onchange = Callback::from(move |_: Event| {
                                if let Some(terms) = state.toggled(taxonomy, &name) {
                                    set_terms(&d, content, terms, false);
                                }
                            });
                            html! {
                                <label class="term-choice">
                                    <input type="checkbox" checked={t.chosen} {onchange}
                                        data-term={t.name.clone()} />
                                    {&t.name}
                                    if !t.on_wordpress {
                                        <span class="hint" title="Created on WordPress when the article is published">{" (new)"}</span>
                                    }
                                </label>
                            }
                        }) }
                    </fieldset>
                }
            };
            let on_add = {
                let (d, state) = (dispatch.clone(), state.clone());
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    if let Some(terms) = state.with_new_term() {
                        set_terms(&d, content, terms, true);
                    }
                })
            };
            let on_new = {
                let d = dispatch.clone();
                Callback::from(move |e: InputEvent| d.dispatch(A::NewTerm(input_value(&e))))
            };
            let on_taxonomy = {
                let d = dispatch.clone();
                Callback::from(move |e: Event| {
                    let t = if select_value(&e) == "category" {
                        TaxonomyType::Category
                    } else {
                        TaxonomyType::Tag
                    };
                    d.dispatch(A::NewTermTaxonomy(t))
                })
            };
            html! {
                <>
                    { group(TaxonomyType::Category, "Categories", "article-categories") }
                    { group(TaxonomyType::Tag, "Tags", "article-tags") }
                    <form class="inline-form" id="term-add" onsubmit={on_add}>
                        <select id="term-add-taxonomy" aria-label="Category or tag" onchange={on_taxonomy}>
                            <option value="tag" selected={state.new_term_taxonomy != Some(TaxonomyType::Category)}>{"Tag"}</option>
                            <option value="category" selected={state.new_term_taxonomy == Some(TaxonomyType::Category)}>{"Category"}</option>
                        </select>
                        <input id="term-add-name" aria-label="New category or tag" placeholder="New\u{2026}"
                            value={state.new_term.clone()} oninput={on_new} />
                        <button id="term-add-button" type="submit">{"Add"}</button>
                    </form>
                    if let Some(e) = &state.terms_error {
                        <div id="terms-error" class="error banner" role="alert">{error_text(e)}</div>
                    }
                </>
            }
        }
    };

    html! {
        <aside class="article-side" id="article-side" aria-label="The article's details">
            <section class="panel" id="facts-panel" aria-labelledby="facts-title">
                <div class="panel-head"><h2 id="facts-title">{"At a glance"}</h2></div>
                <dl class="article-facts">
                    <dt>{"Status"}</dt><dd id="article-status">{c.status.to_string()}</dd>
                    <dt>{"On the site"}</dt><dd id="article-site-status">{c.site_status.to_string()}</dd>
                    <dt>{"Words"}</dt><dd id="article-words">{count(u64::from(c.word_count))}</dd>
                    <dt>{"Reading time"}</dt>
                    <dd id="article-reading">{format!("{} min", c.reading_minutes().max(1))}</dd>
                </dl>
                <div class="actions" id="status-actions">
                    { for status_moves(c.status).into_iter().map(|m| html! {
                        <button type="button" id={m.id()} disabled={state.status_busy}
                            onclick={status_move(m)}>{m.label()}</button>
                    }) }
                </div>
                if let Some(e) = &state.status_error {
                    <div id="status-error" class="error banner" role="alert">{error_text(e)}</div>
                }
            </section>
            <section class="panel" id="details-panel" aria-labelledby="details-title">
                <div class="panel-head"><h2 id="details-title">{"Details"}</h2></div>
                <form class="stacked-form" id="details-form" onsubmit={on_save}>
                    <label for="details-title-input">{"Title"}</label>
                    <input id="details-title-input" value={f.title.clone()} oninput={typed(Field::Title)} />
                    { field_error("title") }
                    <label for="details-meta-title">
                        {"Meta title "}
                        <span class="counter" id="meta-title-count" data-fit={mt_fit.key()}>
                            {meta_title_counter(&f.meta_title)}
                        </span>
                    </label>
                    <input id="details-meta-title" value={f.meta_title.clone()} oninput={typed(Field::MetaTitle)} />
                    { field_error("meta_title") }
                    <label for="details-meta-description">
                        {"Meta description "}
                        <span class="counter" id="meta-description-count" data-fit={md_fit.key()}>
                            {meta_description_counter(&f.meta_description)}
                        </span>
                    </label>
                    <textarea id="details-meta-description" rows="3" value={f.meta_description.clone()}
                        oninput={typed_area(Field::MetaDescription)} />
                    { field_error("meta_description") }
                    <label for="details-slug">{"Slug"}</label>
                    <input id="details-slug" value={f.slug.clone()} oninput={typed(Field::Slug)} />
                    { field_error("slug") }
                    <label for="details-excerpt">{"Excerpt"}</label>
                    <textarea id="details-excerpt" rows="3" value={f.excerpt.clone()}
                        oninput={typed_area(Field::Excerpt)} />
                    { field_error("excerpt") }
                    { for other_error }
                    <div class="actions">
                        <button id="details-save" type="submit" disabled={!state.is_dirty() || state.saving}>
                            { if state.saving { "Saving\u{2026}" } else { "Save details" } }
                        </button>
                        if state.is_dirty() {
                            <button id="details-discard" type="button" onclick={on_discard}>{"Discard"}</button>
                        }
                    </div>
                </form>
            </section>
            <section class="panel" id="terms-panel" aria-labelledby="terms-title">
                <div class="panel-head"><h2 id="terms-title">{"Categories and tags"}</h2></div>
                { terms }
            </section>
        </aside>
    }
}
