//! Publishing one article on its site's WordPress: publish now, schedule, save as a draft,
//! update, unpublish, move to trash; what the last action did, and every attempt so far.
//!
//! A post edited in wp-admin since Folio last saw it is not overwritten silently: core answers
//! `conflict`/`edited_in_wordpress` and the panel offers "Overwrite", which repeats the same
//! action with `force`.

use crate::ipc;
use crate::pages::site_detail::wordpress::{error_text, when};
use chrono::{DateTime, NaiveDateTime, Utc};
use folio_model::{
    Content, ContentId, ErrorDto, ErrorKind, PostStatus, PublishOutcome, PublishRequest,
    PublishingRecord, RecordStatus, SiteId,
};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// One thing the panel can ask WordPress to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Publish,
    Schedule(DateTime<Utc>),
    Draft,
    Unpublish,
    Trash,
}

impl Op {
    fn busy_label(self) -> &'static str {
        match self {
            Op::Publish => "Publishing\u{2026}",
            Op::Schedule(_) => "Scheduling\u{2026}",
            Op::Draft => "Saving the draft\u{2026}",
            Op::Unpublish => "Unpublishing\u{2026}",
            Op::Trash => "Moving to the trash\u{2026}",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PublishState {
    pub records: Vec<PublishingRecord>,
    pub records_error: Option<ErrorDto>,
    pub busy: Option<Op>,
    pub outcome: Option<PublishOutcome>,
    /// The last action that failed, kept so "Overwrite" can repeat it.
    pub failed: Option<(Op, ErrorDto)>,
    pub schedule_open: bool,
    /// The `datetime-local` value as typed (`2026-12-01T09:00`).
    pub schedule_text: String,
    /// The site's publishing timezone (IANA), which a scheduled time is read in.
    pub timezone: Option<String>,
}

pub enum PublishAction {
    RecordsLoaded(Result<Vec<PublishingRecord>, ErrorDto>),
    TimezoneLoaded(String),
    Started(Op),
    Done(Box<PublishOutcome>),
    Failed(Op, ErrorDto),
    ScheduleToggled,
    ScheduleTyped(String),
}

impl Reducible for PublishState {
    type Action = PublishAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl PublishState {
    fn apply(&mut self, action: PublishAction) {
        use PublishAction as A;
        match action {
            A::RecordsLoaded(Ok(records)) => {
                self.records = records;
                self.records_error = None;
            }
            A::RecordsLoaded(Err(e)) => self.records_error = Some(e),
            A::TimezoneLoaded(tz) => self.timezone = Some(tz),
            A::Started(op) => {
                self.busy = Some(op);
                self.failed = None;
                self.outcome = None;
            }
            A::Done(outcome) => {
                if matches!(self.busy, Some(Op::Schedule(_))) {
                    self.schedule_open = false;
                }
                self.busy = None;
                // Newest first, as core lists them; the reload that follows confirms it.
                self.records.insert(0, outcome.record.clone());
                self.outcome = Some(*outcome);
            }
            A::Failed(op, e) => {
                self.busy = None;
                self.failed = Some((op, e));
            }
            A::ScheduleToggled => self.schedule_open = !self.schedule_open,
            A::ScheduleTyped(text) => self.schedule_text = text,
        }
    }

    /// The article has a post on WordPress (its last successful action left one there).
    pub fn on_site_status(&self) -> Option<&str> {
        self.records
            .iter()
            .find(|r| r.status == RecordStatus::Succeeded && r.external_id.is_some())
            .and_then(|r| r.remote_status.as_deref())
    }

    pub fn live(&self) -> bool {
        matches!(self.on_site_status(), Some("publish" | "future"))
    }

    /// The conflict core reports when the post was edited in wp-admin: offer to overwrite.
    pub fn overwrite_offered(&self) -> Option<Op> {
        self.failed.as_ref().and_then(|(op, e)| {
            (e.kind == ErrorKind::Conflict && e.code.as_deref() == Some("edited_in_wordpress"))
                .then_some(*op)
        })
    }

    /// The UTC time a schedule would send, or why there is none.
    pub fn schedule_at(&self) -> Result<DateTime<Utc>, &'static str> {
        let text = self.schedule_text.trim();
        if text.is_empty() {
            return Err("Choose a date and time.");
        }
        let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
            .map_err(|_| "Enter a date and time such as 2026-12-01 09:00.")?;
        to_utc(naive, self.timezone.as_deref()).ok_or("That time does not exist in the timezone.")
    }
}

/// A wall-clock time in `timezone` (an IANA name) as UTC, through the webview's `Intl` (the UI
/// carries no timezone database). Without a timezone, or when the webview does not know it, the
/// computer's local time is used.
fn to_utc(naive: NaiveDateTime, timezone: Option<&str>) -> Option<DateTime<Utc>> {
    let Some(tz) = timezone else {
        return local_to_utc(naive);
    };
    // The zone's offset at a first guess, then again at the corrected instant (across a DST
    // change the two differ).
    let guess = naive.and_utc();
    let first = guess - zone_offset(guess, tz)?;
    let at = guess - zone_offset(first, tz)?;
    // A time skipped by a DST change reads back as another wall-clock time.
    (at + zone_offset(at, tz)? == guess).then_some(at)
}

/// How far `tz`'s wall clock is ahead of UTC at `at`.
fn zone_offset(at: DateTime<Utc>, tz: &str) -> Option<chrono::TimeDelta> {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let options = js_sys::Object::new();
    for (k, v) in [
        ("timeZone", tz),
        ("hourCycle", "h23"),
        ("year", "numeric"),
        ("month", "2-digit"),
        ("day", "2-digit"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("second", "2-digit"),
    ] {
        js_sys::Reflect::set(&options, &k.into(), &v.into()).ok()?;
    }
    // Called through Reflect so an unknown timezone is an error here, not a thrown exception.
    let format = js_sys::Reflect::get(&date, &"toLocaleString".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let text = format
        .call2(&date, &"en-US".into(), &options)
        .ok()?
        .as_string()?;
    let wall = NaiveDateTime::parse_from_str(&text, "%m/%d/%Y, %H:%M:%S").ok()?;
    Some(wall - at.naive_utc())
}

fn local_to_utc(naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    use chrono::{Datelike, Timelike};
    let date = js_sys::Date::new_with_year_month_day_hr_min_sec(
        naive.year() as u32,
        naive.month0() as i32,
        naive.day() as i32,
        naive.hour() as i32,
        naive.minute() as i32,
        0,
    );
    DateTime::from_timestamp_millis(date.get_time() as i64)
}

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
        dispatch.dispatch(PublishAction::RecordsLoaded(ipc::wp_records(content).await));
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
                if let Ok(settings) = ipc::publishing_settings(site).await {
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
                let publish = |status, at| PublishRequest {
                    content,
                    status,
                    at,
                    force,
                };
                let result = match op {
                    Op::Publish => ipc::wp_publish(&publish(PostStatus::Publish, None)).await,
                    Op::Schedule(at) => {
                        ipc::wp_publish(&publish(PostStatus::Publish, Some(at))).await
                    }
                    Op::Draft => ipc::wp_publish(&publish(PostStatus::Draft, None)).await,
                    Op::Unpublish => ipc::wp_unpublish(content, force).await,
                    Op::Trash => ipc::wp_trash(content, force).await,
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
                    if let Some(op) = state.overwrite_offered() {
                        <div class="action-row">
                            <span>{"The post was edited in wp-admin since Folio last sent it. Overwrite those edits with Folio\u{2019}s version?"}</span>
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
    let oninput = dispatch.to_callback().reform(|e: InputEvent| {
        PublishAction::ScheduleTyped(e.target_unchecked_into::<HtmlInputElement>().value())
    });
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
            let url = url.clone();
            spawn_local(async move {
                if let Err(e) = ipc::wp_open_post(&url).await {
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
        <table id="publish-records" class="publish-records">
            <caption>{"Publishing history"}</caption>
            <thead><tr><th>{"When"}</th><th>{"Action"}</th><th>{"Result"}</th><th>{"On the site"}</th><th>{"Error"}</th></tr></thead>
            <tbody>
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
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_offers_to_overwrite_the_same_action() {
        let mut s = PublishState::default();
        s.apply(PublishAction::Started(Op::Trash));
        let e = ErrorDto::new(ErrorKind::Conflict, "edited in wp-admin")
            .with_code("edited_in_wordpress");
        s.apply(PublishAction::Failed(Op::Trash, e));
        assert_eq!(s.overwrite_offered(), Some(Op::Trash));
        let e = ErrorDto::new(ErrorKind::Wordpress, "refused").with_code("auth");
        s.apply(PublishAction::Failed(Op::Publish, e));
        assert_eq!(s.overwrite_offered(), None);
    }

    #[test]
    fn a_schedule_needs_a_whole_time() {
        let mut s = PublishState {
            timezone: None,
            ..Default::default()
        };
        assert!(s.schedule_at().is_err());
        s.apply(PublishAction::ScheduleTyped("2026-12-01".into()));
        assert!(s.schedule_at().is_err());
    }
}
