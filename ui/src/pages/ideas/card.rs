//! One idea: its title, cluster, status, structure and length, its outline (H2s with coverage,
//! format and H3s) and FAQ; Edit outline, Reject / Approve, Queue for writing. While its outline
//! is being edited the editor takes the outline's place.

use super::state::{IdeasAction as A, IdeasState};
use super::{outline, Dispatch, Handlers};
use crate::format::plural;
use folio_model::{ContentIdea, IdeaStatus, SectionFormat, Status};
use yew::prelude::*;

pub fn view(
    state: &IdeasState,
    dispatch: &Dispatch,
    handlers: &Handlers,
    idea: &ContentIdea,
) -> Html {
    let id = idea.id;
    let editing = state.editor.as_ref().filter(|d| d.idea == id);
    let busy = state.busy_idea == Some(id);
    let editable = idea.status == IdeaStatus::New;
    let status = if idea.rejected {
        "rejected"
    } else {
        idea.status.as_str()
    };
    let on_edit = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::EditOutlineClicked(id)))
    };
    let on_reject = {
        let cb = handlers.reject.clone();
        let rejected = !idea.rejected;
        Callback::from(move |_: MouseEvent| cb.emit((id, rejected)))
    };
    let on_queue = {
        let cb = handlers.queue.clone();
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    let facts = format!(
        "{} \u{00b7} {} \u{00b7} about {} words \u{00b7} {}",
        state.cluster_name(idea.cluster_id).unwrap_or("(cluster)"),
        idea.content_structure,
        idea.target_word_count.unwrap_or(0),
        plural(idea.outline.len() as u64, "section"),
    );
    html! {
        <li class={classes!("idea-card", idea.rejected.then_some("rejected"))} data-idea={id.to_string()}
            data-status={status}>
            <div class="panel-head">
                <h3 class="idea-title">{&idea.title}</h3>
                <span class={classes!("chip", "status", status)}>{status}</span>
            </div>
            <p class="muted idea-facts">{facts}</p>
            if !idea.description.is_empty() {
                <p class="idea-description">{&idea.description}</p>
            }
            if let Some(d) = state.duplicate_for(id) {
                <div class="warning banner idea-duplicate" role="note">
                    { format!("An article already covers this topic: \u{201c}{}\u{201d} ({} \u{2248} {}). Consider another angle, or reject this idea.",
                        d.content_title, d.idea_topic, d.content_topic) }
                </div>
            }
            if let Some(e) = state.error_for(id) {
                <div class="error banner idea-error" role="alert">{&e.message}</div>
            }
            if let Some(draft) = editing {
                { outline::editor(draft, dispatch, handlers) }
            } else {
                { read_outline(idea) }
                if editable {
                    <div class="button-row">
                        if !idea.rejected {
                            <button type="button" class="idea-edit" onclick={on_edit}
                                disabled={state.editor.as_ref().is_some_and(|d| d.saving)}>{"Edit outline"}</button>
                            <button type="button" class="primary idea-queue" onclick={on_queue.clone()}
                                disabled={state.busy_idea.is_some()}>
                                { if busy && state.busy_rejecting.is_none() { "Queueing\u{2026}" } else { "Queue for writing" } }
                            </button>
                        }
                        <button type="button" class={if idea.rejected { "idea-approve" } else { "idea-reject" }}
                            onclick={on_reject} disabled={state.busy_idea.is_some()}>
                            { match (busy, state.busy_rejecting) {
                                (true, Some(true)) => "Rejecting\u{2026}",
                                (true, Some(false)) => "Approving\u{2026}",
                                _ if idea.rejected => "Approve",
                                _ => "Reject",
                            } }
                        </button>
                    </div>
                }
            }
        </li>
    }
}

fn read_outline(idea: &ContentIdea) -> Html {
    html! {
        <>
            <ol class="outline">
                { for idea.outline.iter().map(|s| html! {
                    <li class="outline-section">
                        <div class="outline-heading">{&s.heading}
                            <span class="chip outline-format">{format_label(s.format)}</span>
                        </div>
                        if !s.notes.is_empty() { <div class="muted outline-coverage">{&s.notes}</div> }
                        if !s.subheadings.is_empty() {
                            <ul class="outline-subheadings">
                                { for s.subheadings.iter().map(|h| html! { <li class="outline-h3">{h}</li> }) }
                            </ul>
                        }
                    </li>
                }) }
            </ol>
            if !idea.faq.is_empty() {
                <div class="idea-faq">
                    <strong>{"FAQ"}</strong>
                    <ul>{ for idea.faq.iter().map(|q| html! { <li class="faq-question">{q}</li> }) }</ul>
                </div>
            }
        </>
    }
}

pub fn format_label(f: SectionFormat) -> &'static str {
    match f {
        SectionFormat::Paragraphs => "paragraphs",
        SectionFormat::List => "list",
        SectionFormat::Table => "table",
    }
}
