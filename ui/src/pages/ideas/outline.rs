//! The outline editor of one idea: each H2 with its heading, coverage note, format and H3s (one
//! per line), moved up, removed or added; the FAQ questions edited, removed or added; Save sends
//! the whole outline to core (`idea_update_outline`), whose error is shown above Save.

use super::card::format_label;
use super::state::{IdeasAction as A, OutlineDraft, SectionEdit};
use super::{Dispatch, Handlers};
use crate::forms::{input_value, select_value};
use folio_model::SectionFormat;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

const FORMATS: [SectionFormat; 3] = [
    SectionFormat::Paragraphs,
    SectionFormat::List,
    SectionFormat::Table,
];

fn textarea_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlTextAreaElement>().value()
}

pub fn editor(draft: &OutlineDraft, dispatch: &Dispatch, handlers: &Handlers) -> Html {
    let cancel = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::EditCancelled))
    };
    let add_section = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::SectionAdded))
    };
    let add_faq = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::FaqAdded))
    };
    html! {
        <form id="outline-editor" class="outline-editor" onsubmit={handlers.save.clone()} novalidate=true
            aria-busy={draft.saving.to_string()}>
            <fieldset disabled={draft.saving}>
                <legend>{"Outline"}</legend>
                <ol class="outline-edit-list">
                    { for draft.sections.iter().enumerate().map(|(i, s)| section(i, s, draft.sections.len(), dispatch)) }
                </ol>
                <button id="outline-add-section" type="button" onclick={add_section}>{"Add a section"}</button>
            </fieldset>
            <fieldset disabled={draft.saving}>
                <legend>{"FAQ questions"}</legend>
                <ol class="faq-edit-list">
                    { for draft.faq.iter().enumerate().map(|(i, q)| faq(i, q, dispatch)) }
                </ol>
                <button id="faq-add" type="button" onclick={add_faq}>{"Add a question"}</button>
            </fieldset>
            if let Some(e) = &draft.error {
                <div id="outline-error" class="error banner" role="alert">{&e.message}</div>
            }
            <div class="button-row">
                <button id="outline-save" type="submit" class="primary" disabled={draft.saving}>
                    { if draft.saving { "Saving\u{2026}" } else { "Save outline" } }
                </button>
                <button id="outline-cancel" type="button" onclick={cancel} disabled={draft.saving}>{"Cancel"}</button>
            </div>
        </form>
    }
}

fn section(i: usize, s: &super::state::SectionDraft, count: usize, dispatch: &Dispatch) -> Html {
    let edit = |f: fn(String) -> SectionEdit| {
        let d = dispatch.clone();
        Callback::from(move |e: InputEvent| d.dispatch(A::SectionEdited(i, f(input_value(&e)))))
    };
    let edit_area = |f: fn(String) -> SectionEdit| {
        let d = dispatch.clone();
        Callback::from(move |e: InputEvent| d.dispatch(A::SectionEdited(i, f(textarea_value(&e)))))
    };
    let on_format = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            let f = match select_value(&e).as_str() {
                "list" => SectionFormat::List,
                "table" => SectionFormat::Table,
                _ => SectionFormat::Paragraphs,
            };
            d.dispatch(A::SectionEdited(i, SectionEdit::Format(f)));
        })
    };
    let remove = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::SectionRemoved(i)))
    };
    let up = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::SectionMovedUp(i)))
    };
    let n = i + 1;
    html! {
        <li class="outline-edit-section" data-index={i.to_string()}>
            <div class="field">
                <label for={format!("outline-heading-{i}")}>{format!("H2 {n}")}</label>
                <input id={format!("outline-heading-{i}")} class="outline-heading-input" type="text"
                    value={s.heading.clone()} oninput={edit(SectionEdit::Heading)} autocomplete="off" />
            </div>
            <div class="field">
                <label for={format!("outline-coverage-{i}")}>{"What it covers"}</label>
                <textarea id={format!("outline-coverage-{i}")} rows="2" value={s.coverage.clone()}
                    oninput={edit_area(SectionEdit::Coverage)} />
            </div>
            <div class="field">
                <label for={format!("outline-subheadings-{i}")}>{"H3s (one per line)"}</label>
                <textarea id={format!("outline-subheadings-{i}")} rows="2" value={s.subheadings.clone()}
                    oninput={edit_area(SectionEdit::Subheadings)} />
            </div>
            <div class="field">
                <label for={format!("outline-format-{i}")}>{"Format"}</label>
                <select id={format!("outline-format-{i}")} onchange={on_format}>
                    { for FORMATS.iter().map(|f| html! {
                        <option value={format_label(*f)} selected={*f == s.format}>{format_label(*f)}</option>
                    }) }
                </select>
            </div>
            <div class="button-row">
                <button id={format!("outline-up-{i}")} type="button" onclick={up} disabled={i == 0}
                    aria-label={format!("Move section {n} up")}>{"\u{2191} Up"}</button>
                <button id={format!("outline-remove-{i}")} type="button" onclick={remove} disabled={count <= 1}
                    aria-label={format!("Remove section {n}")}>{"Remove"}</button>
            </div>
        </li>
    }
}

fn faq(i: usize, q: &str, dispatch: &Dispatch) -> Html {
    let on_input = {
        let d = dispatch.clone();
        Callback::from(move |e: InputEvent| d.dispatch(A::FaqEdited(i, input_value(&e))))
    };
    let remove = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::FaqRemoved(i)))
    };
    html! {
        <li class="faq-edit" data-index={i.to_string()}>
            <input id={format!("faq-{i}")} type="text" value={q.to_owned()} oninput={on_input}
                autocomplete="off" aria-label={format!("FAQ question {}", i + 1)} />
            <button id={format!("faq-remove-{i}")} type="button" onclick={remove}
                aria-label={format!("Remove question {}", i + 1)}>{"Remove"}</button>
        </li>
    }
}
