//! Publishing one article on its site's WordPress: publish now, schedule, save as a draft,
//! update, unpublish, move to trash; what the last action did, and every attempt so far.
//!
//! A post edited in wp-admin since Folio last saw it is not overwritten silently: core answers
//! `conflict`/`edited_in_wordpress` (or `foreign_post`: the slug names a post Folio did not
//! publish for this article) and the panel offers "Overwrite", which repeats the same
//! action with `force`.
//!
//! State: `publish/state.rs`; reading the schedule's time in the site's timezone:
//! `publish/clock.rs`.

mod clock;
mod state;

use crate::components::{Column, Table};
use crate::format::{error_text, when};
use crate::forms::input_value;
use crate::hooks::invoke;
use folio_model::ipc::{
    self, PublishingSettingsGetArgs, WpOpenPostArgs, WpPublishArgs, WpRecordsArgs, WpTrashArgs,
    WpUnpublishArgs,
};
use folio_model::{Content, ContentId, PostStatus, PublishOutcome, PublishRequest, SiteId};
use state::{Op, PublishAction, PublishState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PublishPanelProps {
    pub site: SiteId,
    pub content: ContentId,
    /// Hears the article as core left it after each action (its on-site status changed).
    #[prop_or_default]
    pub on_changed: Callback<Content>,
}

type Dispatch = UseReducerDispatcher<PublishState>;

fn load_records(dispatch: &Dispatch, content: ContentId) {
    let dispatch = dispatch.clone();
    spawn_local(async move {
        let records = invoke::<ipc::WpRecords>(&WpRecordsArgs { content }).await;
        dispatch.dispatch(PublishAction::RecordsLoaded(records));
    });
}

#[function_component(PublishPanel)]
pub fn publish_panel(props: &PublishPanelProps) -> Html {
    let content = props.content;
    let state = use_reducer(PublishState::default);
    let dispatch = state.dispatcher();
    {
        let dispatch = dispatch.clone();
        use_effect_with((props.site, content), move |&(site, content)| {
            load_records(&dispatch, content);
            spawn_local(async move {
                // Without the site's timezone a schedule is read in local time (and says so).
                let args = PublishingSettingsGetArgs { site };
                if let Ok(settings) = invoke::<ipc::PublishingSettingsGet>(&args).await {
                    dispatch.dispatch(PublishAction::TimezoneLoaded(settings.timezone));
                }
            });
        });
    }

    let start = {
        let dispatch = dispatch.clone();
        let on_changed = props.on_changed.clone();
        Callback::from(move |(op, force): (Op, bool)| {
            dispatch.dispatch(PublishAction::Started(op));
            let dispatch = dispatch.clone();
            let on_changed = on_changed.clone();
            spawn_local(async move {
                let publish = |status, at| WpPublishArgs {
                    request: PublishRequest {
                        content,
                        status,
                        at,
                        force,
                    },
                };
                let result = match op {
                    Op::Publish => {
                        invoke::<ipc::WpPublish>(&publish(PostStatus::Publish, None)).await
                    }
                    Op::Schedule(at) => {
                        invoke::<ipc::WpPublish>(&publish(PostStatus::Publish, Some(at))).await
                    }
                    Op::Draft => invoke::<ipc::WpPublish>(&publish(PostStatus::Draft, None)).await,
                    Op::Unpublish => {
                        invoke::<ipc::WpUnpublish>(&WpUnpublishArgs { content, force }).await
                    }
                    Op::Trash => invoke::<ipc::WpTrash>(&WpTrashArgs { content, force }).await,
                };
                match result {
                    Ok(outcome) => {
                        on_changed.emit(outcome.content.clone());
                        dispatch.dispatch(PublishAction::Done(Box::new(outcome)));
                    }
                    Err(e) => dispatch.dispatch(PublishAction::Failed(op, e)),
                }
                // A failed attempt is recorded too.
                load_records(&dispatch, content);
            });
        })
    };
    let button = |id: &'static str, label: &'static str, op: Op, primary: bool| {
        let start = start.clone();
        html! {
            <button {id} type="button" class={classes!(primary.then_some("primary"))}
                disabled={state.busy.is_some()}
                onclick={move |_: MouseEvent| start.emit((op, false))}>{label}</button>
        }
    };
    let has_post = state.on_site_status().is_some_and(|s| s != "trash");
    let schedule = schedule_form(&state, &dispatch, &start);

    html! {
        <section class="panel publish-panel" id="publish-panel" aria-labelledby="publish-title"
            data-content-id={content.to_string()} aria-busy={state.busy.is_some().to_string()}>
            <div class="panel-head"><h2 id="publish-title">{"WordPress"}</h2>
                <span id="publish-on-site" class="hint">
                    { match state.on_site_status() {
                        Some(s) => format!("on the site: {s}"),
                        None => "not on the site yet".to_owned(),
                    } }
                </span>
            </div>
            <div class="action-row publish-actions">
                if state.live() {
                    { button("publish-now", "Update", Op::Publish, true) }
                } else {
                    { button("publish-now", "Publish now", Op::Publish, true) }
                }
                <button id="publish-schedule-toggle" type="button" disabled={state.busy.is_some()}
                    aria-expanded={state.schedule_open.to_string()}
                    onclick={dispatch.to_callback().reform(|_: MouseEvent| PublishAction::ScheduleToggled)}>
                    {"Schedule\u{2026}"}
                </button>
                { button("publish-draft", "Save as draft on WordPress", Op::Draft, false) }
                if has_post {
                    { button("publish-unpublish", "Unpublish", Op::Unpublish, false) }
                    { button("publish-trash", "Move to trash", Op::Trash, false) }
                }
            </div>
            { schedule }
            if let Some(op) = state.busy {
                <p id="publish-busy" class="muted" role="status">{op.busy_label()}</p>
            }
            if let Some(o) = &state.outcome {
                { outcome(o) }
            }
            if let Some((_, e)) = &state.failed {
                <div id="publish-error" class="error banner" role="alert"
                    data-code={e.code.clone().unwrap_or_default()}>
                    <span>{error_text(e)}</span>
                    if let Some((op, why)) = state.overwrite_offered() {
                        <div class="action-row">
                            <span>{why.question()}</span>
                            <button id="publish-overwrite" type="button" class="danger"
                                onclick={let start = start.clone(); move |_: MouseEvent| start.emit((op, true))}>
                                {"Overwrite"}
                            </button>
                        </div>
                    }
                </div>
            }
            { records(&state) }
        </section>
    }
}

fn schedule_form(state: &PublishState, dispatch: &Dispatch, start: &Callback<(Op, bool)>) -> Html {
    if !state.schedule_open {
        return html! {};
    }
    let at = state.schedule_at();
    let zone = state
        .timezone
        .clone()
        .unwrap_or_else(|| "this computer\u{2019}s time".to_owned());
    let oninput = dispatch
        .to_callback()
        .reform(|e: InputEvent| PublishAction::ScheduleTyped(input_value(&e)));
    let onsubmit = {
        let start = start.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Ok(at) = at {
                start.emit((Op::Schedule(at), false));
            }
        })
    };
    html! {
        <form id="publish-schedule-form" class="publish-schedule" {onsubmit} novalidate=true>
            <div class="field">
                <label for="publish-at">{format!("Goes live at ({zone})")}</label>
                <input id="publish-at" type="datetime-local" value={state.schedule_text.clone()} {oninput} />
                <div id="publish-at-utc" class="help" aria-live="polite">
                    { match at {
                        Ok(t) => format!("Sent to WordPress as {}; it publishes then, even when this computer is off.", when(t)),
                        Err(why) => why.to_owned(),
                    } }
                </div>
            </div>
            <div class="action-row">
                <button id="publish-schedule" type="submit" class="primary"
                    disabled={state.busy.is_some() || at.is_err()}>{"Schedule"}</button>
            </div>
        </form>
    }
}

fn outcome(o: &PublishOutcome) -> Html {
    let open = {
        let url = o.url.clone();
        Callback::from(move |e: MouseEvent| {
            // The window must stay on Folio: the post opens in the system browser.
            e.prevent_default();
            let args = WpOpenPostArgs { url: url.clone() };
            spawn_local(async move {
                if let Err(e) = invoke::<ipc::WpOpenPost>(&args).await {
                    web_sys::console::warn_1(&e.message.into());
                }
            });
        })
    };
    html! {
        <div id="publish-result" class="publish-result" role="status" data-status={o.remote_status.clone()}>
            <strong id="publish-verb">{o.verb()}</strong>
            <span>{format!(" \u{2014} post {} ({})", o.post_id, o.remote_status)}</span>
            <div><a id="publish-link" href={o.url.clone()} onclick={open}>{&o.url}</a></div>
            if let (Some(at), "future") = (o.date_gmt, o.remote_status.as_str()) {
                <div id="publish-goes-live" class="help">{format!("Goes live at {}; WordPress publishes it then.", when(at))}</div>
            }
            if o.media_uploaded > 0 {
                <div class="help">{format!("Images uploaded: {}", o.media_uploaded)}</div>
            }
        </div>
    }
}

fn records(state: &PublishState) -> Html {
    if let Some(e) = &state.records_error {
        return html! { <div id="publish-records-error" class="error" role="alert">{&e.message}</div> };
    }
    if state.records.is_empty() {
        return html! { <p id="publish-records-empty" class="muted">{"No publishing attempts yet."}</p> };
    }
    html! {
        <Table id="publish-records" class="publish-records" caption="Publishing history"
            columns={["When", "Action", "Result", "On the site", "Error"].map(Column::text).to_vec()}>
            { for state.records.iter().map(|r| html! {
                <tr class="publish-record" data-status={r.status.to_string()}>
                    <td>{when(r.started_at)}</td>
                    <td class="record-action">{r.action.to_string()}</td>
                    <td class="record-status">{r.status.to_string()}</td>
                    <td>{r.remote_status.clone().unwrap_or_default()}</td>
                    <td class="record-error">
                        { match (&r.error, &r.error_code) {
                            (Some(e), Some(code)) => format!("{e} ({code})"),
                            (Some(e), None) => e.clone(),
                            _ => String::new(),
                        } }
                    </td>
                </tr>
            }) }
        </Table>
    }
}
