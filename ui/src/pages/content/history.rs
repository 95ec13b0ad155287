//! The article's history: its saved versions (time, who, words), looking at one and restoring
//! it (a new edit, it syncs); and rewriting one of its sections with AI — the estimate first,
//! the job's progress with cancel, then undo.
//!
//! State: `history/state.rs`.

mod state;

use crate::format::{count, error_text, plural, when};
use crate::hooks::{invoke, use_event};
use folio_model::ipc::{
    self, ContentRevisionGetArgs, ContentRevisionRestoreArgs, ContentRevisionsArgs,
    ContentSectionsArgs, JobsCancelArgs, SectionEstimateArgs, SectionRegenerateArgs,
};
use folio_model::{Content, ContentId, JobKind, JobProgress, JobScope};
use state::{HistoryAction as A, HistoryState, Rewrite};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HistoryPanelProps {
    pub content: ContentId,
    /// Changes when the article does: the versions and sections are read again.
    pub version: AttrValue,
    /// The article changed here (restored, rewritten): what happened, for the editor to say,
    /// and core's article.
    pub on_changed: Callback<(AttrValue, Content)>,
}

type Dispatch = UseReducerDispatcher<HistoryState>;

fn restore(
    dispatch: &Dispatch,
    content: ContentId,
    revision: String,
    said: &'static str,
    on_changed: Callback<(AttrValue, Content)>,
) {
    let dispatch = dispatch.clone();
    dispatch.dispatch(A::Busy);
    spawn_local(async move {
        let r = invoke::<ipc::ContentRevisionRestore>(&ContentRevisionRestoreArgs {
            content,
            revision,
        })
        .await;
        match r {
            Ok(c) => {
                on_changed.emit((AttrValue::from(said), c));
                dispatch.dispatch(A::Restored(Ok(())));
            }
            Err(e) => dispatch.dispatch(A::Restored(Err(e))),
        }
    });
}

#[function_component(HistoryPanel)]
pub fn history_panel(props: &HistoryPanelProps) -> Html {
    let content = props.content;
    let state = use_reducer(HistoryState::default);
    let dispatch = state.dispatcher();
    {
        let dispatch = dispatch.clone();
        use_effect_with((content, props.version.clone()), move |&(content, _)| {
            spawn_local(async move {
                let r = invoke::<ipc::ContentRevisions>(&ContentRevisionsArgs { content }).await;
                dispatch.dispatch(A::VersionsLoaded(r));
                if let Ok(s) =
                    invoke::<ipc::ContentSections>(&ContentSectionsArgs { content }).await
                {
                    dispatch.dispatch(A::SectionsLoaded(s));
                }
            });
        });
    }
    {
        let d = dispatch.clone();
        let on_progress = Callback::from(move |p: JobProgress| {
            if p.kind == JobKind::Section && p.scope == (JobScope::Content { content }) {
                d.dispatch(A::Progress(p));
            }
        });
        use_event::<ipc::JobProgressed, _>(content, on_progress, Callback::noop());
    }
    let view = |id: String| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            let (d, revision) = (d.clone(), id.clone());
            spawn_local(async move {
                let r = invoke::<ipc::ContentRevisionGet>(&ContentRevisionGetArgs {
                    content,
                    revision,
                })
                .await;
                d.dispatch(A::Viewed(r));
            });
        })
    };
    let restore_cb = |id: String, said: &'static str| {
        let (d, on_changed) = (dispatch.clone(), props.on_changed.clone());
        Callback::from(move |_: MouseEvent| {
            restore(&d, content, id.clone(), said, on_changed.clone())
        })
    };
    let close = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::CloseView))
    };
    let ask_estimate = |section: u32| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            let d = d.clone();
            d.dispatch(A::EstimateAsked(section));
            spawn_local(async move {
                let r =
                    invoke::<ipc::SectionEstimate>(&SectionEstimateArgs { content, section }).await;
                d.dispatch(A::Estimated(section, r));
            });
        })
    };
    let cancel_rewrite = {
        let (d, job) = (dispatch.clone(), state.running_job());
        Callback::from(move |_: MouseEvent| match job {
            Some(job) => spawn_local(async move {
                let _ = invoke::<ipc::JobsCancel>(&JobsCancelArgs { job }).await;
            }),
            None => d.dispatch(A::CancelRewrite),
        })
    };
    let start_rewrite = |section: u32| {
        let (d, on_changed) = (dispatch.clone(), props.on_changed.clone());
        Callback::from(move |_: MouseEvent| {
            let (d, on_changed) = (d.clone(), on_changed.clone());
            d.dispatch(A::RewriteStarted(section));
            spawn_local(async move {
                let r =
                    invoke::<ipc::SectionRegenerate>(&SectionRegenerateArgs { content, section })
                        .await;
                if let Ok(done) = &r {
                    on_changed.emit((
                        AttrValue::from("AI (a section rewritten)"),
                        done.content.clone(),
                    ));
                }
                d.dispatch(A::Rewritten(r));
            });
        })
    };

    let versions = match &state.versions {
        None => html! { <p class="muted">{"Loading\u{2026}"}</p> },
        Some(Err(e)) => html! { <div class="error banner" role="alert">{error_text(e)}</div> },
        Some(Ok(list)) => html! {
            <ol class="revision-list" id="revisions">
                { for list.iter().enumerate().map(|(i, r)| html! {
                    <li class="revision" data-revision={r.id.clone()} data-this-device={r.this_device.to_string()}>
                        <span class="revision-when">{ r.at.map(when).unwrap_or_else(|| "earlier".into()) }</span>
                        <span class="revision-who">{&r.author}</span>
                        <span class="hint">
                            {format!("{} words", count(u64::from(r.word_count)))}
                            if r.saves > 1 { {format!(" \u{00b7} {}", plural(u64::from(r.saves), "save"))} }
                        </span>
                        <span class="actions">
                            <button type="button" class="revision-view" onclick={view(r.id.clone())}>{"View"}</button>
                            if i > 0 {
                                <button type="button" class="revision-restore" disabled={state.busy}
                                    onclick={restore_cb(r.id.clone(), "the version you restored")}>{"Restore"}</button>
                            } else {
                                <span class="hint">{"current"}</span>
                            }
                        </span>
                    </li>
                }) }
            </ol>
        },
    };
    let viewing = match &state.viewing {
        None => html! {},
        Some(Err(e)) => html! { <div class="error banner" role="alert">{error_text(e)}</div> },
        Some(Ok(v)) => html! {
            <div class="revision-preview" id="revision-preview">
                <div class="panel-head">
                    <h3>{ format!("{} \u{00b7} {}", v.revision.author, v.revision.at.map(when).unwrap_or_default()) }</h3>
                    <button type="button" id="revision-restore-viewed" disabled={state.busy}
                        onclick={restore_cb(v.revision.id.clone(), "the version you restored")}>{"Restore this version"}</button>
                    <button type="button" id="revision-close" onclick={close}>{"Close"}</button>
                </div>
                <h4>{&v.title}</h4>
                // core sanitised this version's body on the way out (it may be another device's)
                <div class="article-body" id="revision-body">{ Html::from_html_unchecked(AttrValue::from(v.body_html.clone())) }</div>
            </div>
        },
    };
    let rewrite = match &state.rewrite {
        Rewrite::Idle => html! {},
        Rewrite::Estimating(_) => {
            html! { <p class="muted" id="section-estimating">{"Working out the cost\u{2026}"}</p> }
        }
        Rewrite::Confirm(section, e) => html! {
            <div class="confirm" id="section-confirm">
                <p id="section-estimate">
                    {format!("Rewriting \u{201c}{}\u{201d} takes {} with {} (about {} credits{}).",
                        state.sections.get(*section as usize).cloned().unwrap_or_default(),
                        plural(e.calls, "call"), e.model, count(e.credits),
                        e.available.map(|a| format!(", {} left", count(a))).unwrap_or_default())}
                </p>
                if !e.affordable() {
                    <p class="error" role="alert">{"Not enough credits for this rewrite."}</p>
                }
                <button type="button" id="section-rewrite-confirm" disabled={!e.affordable()}
                    onclick={start_rewrite(*section)}>{"Rewrite it"}</button>
                <button type="button" id="section-rewrite-cancel" onclick={cancel_rewrite.clone()}>{"Cancel"}</button>
            </div>
        },
        Rewrite::Running { message, .. } => html! {
            <div class="confirm" id="section-running" role="status">
                <span class="spinner" aria-hidden="true" />
                <span>{format!("Rewriting: {message}")}</span>
                <button type="button" id="section-rewrite-stop" onclick={cancel_rewrite.clone()}>{"Cancel"}</button>
            </div>
        },
        Rewrite::Done {
            section,
            undo,
            credits,
        } => html! {
            <div class="confirm" id="section-done" role="status">
                <span>{format!("\u{201c}{}\u{201d} was rewritten ({} credits).",
                    state.sections.get(*section as usize).cloned().unwrap_or_default(), count(*credits))}</span>
                if let Some(undo) = undo {
                    <button type="button" id="section-undo" disabled={state.busy}
                        onclick={restore_cb(undo.clone(), "the text before the rewrite")}>{"Undo"}</button>
                }
            </div>
        },
    };
    let busy = !matches!(state.rewrite, Rewrite::Idle | Rewrite::Done { .. });
    html! {
        <>
            <section class="panel" id="sections-panel" aria-labelledby="sections-title">
                <div class="panel-head"><h2 id="sections-title">{"Sections"}</h2></div>
                if state.sections.is_empty() {
                    <p class="muted">{"No H2 sections yet."}</p>
                } else {
                    <ol class="section-list" id="sections">
                        { for state.sections.iter().enumerate().map(|(i, h)| html! {
                            <li>
                                <span>{h}</span>
                                <button type="button" class="section-rewrite" data-section={i.to_string()}
                                    disabled={busy} onclick={ask_estimate(i as u32)}>{"Rewrite with AI\u{2026}"}</button>
                            </li>
                        }) }
                    </ol>
                }
                { rewrite }
            </section>
            <section class="panel" id="history-panel" aria-labelledby="history-title">
                <div class="panel-head"><h2 id="history-title">{"History"}</h2></div>
                { versions }
                { viewing }
                if let Some(e) = &state.error {
                    <div id="history-error" class="error banner" role="alert">{error_text(e)}</div>
                }
            </section>
        </>
    }
}
