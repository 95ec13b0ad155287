//! One article in review: its title (a link to its page), sector, length and when it was
//! written, the quality gate's findings, *Approve* / *Reject* (busy while core answers) and why
//! an answer was refused, with what to do.

use super::state::{Answer, ReviewState};
use crate::app::Route;
use crate::components::{BusyButton, QualityReportView};
use crate::format::{count, error_text, when};
use folio_model::{ContentId, ReviewItem};
use yew::prelude::*;

pub fn view(
    state: &ReviewState,
    item: &ReviewItem,
    on_answer: &Callback<(ContentId, Answer)>,
    refresh: &Callback<MouseEvent>,
) -> Html {
    let a = &item.article;
    let id = a.id;
    let busy = state.answering.get(&id).copied();
    let click = |answer: Answer| {
        let on_answer = on_answer.clone();
        Callback::from(move |_: MouseEvent| on_answer.emit((id, answer)))
    };
    let gate = match &item.quality {
        None => "unchecked",
        Some(r) if r.passed() => "passed",
        Some(_) => "blocked",
    };
    let sector = state.sector_name(a.sector_id);
    html! {
        <li class="review-item" id={format!("review-{id}")} data-content-id={id.to_string()} data-gate={gate}>
            <div class="review-head">
                <a class="article-link review-open" href={Route::Content(id).hash()}>{&a.title}</a>
                <div class="muted review-facts">
                    if !sector.is_empty() {
                        <><span class="review-sector">{sector}</span>{" \u{00b7} "}</>
                    }
                    <span class="review-words">{format!("{} words", count(u64::from(a.word_count)))}</span>
                    {" \u{00b7} written "}<span class="review-written">{when(a.created_at)}</span>
                </div>
            </div>
            {
                match &item.quality {
                    Some(report) => html! {
                        <QualityReportView id={format!("review-{id}-quality")} report={report.clone()} />
                    },
                    None => html! {
                        <p class="muted review-unchecked">{"Not checked by the quality gate (it checks articles as they are written): read it before approving."}</p>
                    },
                }
            }
            <div class="review-actions">
                <BusyButton class={classes!("primary", "review-approve")} label="Approve"
                    busy_label={Answer::Approve.busy_label()} busy={busy == Some(Answer::Approve)}
                    disabled={busy.is_some()} onclick={click(Answer::Approve)} />
                <BusyButton class={classes!("review-reject")} label="Reject"
                    busy_label={Answer::Reject.busy_label()} busy={busy == Some(Answer::Reject)}
                    disabled={busy.is_some()} onclick={click(Answer::Reject)} />
                <a class="review-open-link" href={Route::Content(id).hash()}>{"Open the article"}</a>
            </div>
            if let Some(failed) = state.failed.get(&id) {
                <div class="error review-error" role="alert">
                    {format!("{} {}", error_text(&failed.error), failed.advice())}
                    if failed.stale {
                        <>{" "}<button type="button" class="link review-error-refresh" onclick={refresh.clone()}>{"Refresh"}</button></>
                    }
                </div>
            }
        </li>
    }
}
