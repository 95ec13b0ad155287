//! A site's publishing settings: automation toggles, limits, days, time slots and timezone. The
//! form is compared with what core last returned: Save sends only what changed, and core's rules
//! (limits nest, at least one day and one slot, HH:MM, an IANA timezone) answer next to the field.
//! State: `publishing/state.rs`.

mod state;

use crate::components::{BusyButton, DayToggles, Switch};
use crate::forms::input_value;
use crate::hooks::invoke;
use folio_model::ipc::{self, PublishingSettingsGetArgs, PublishingSettingsUpdateArgs};
use folio_model::SiteId;
use state::{field, Limit, PublishingAction, PublishingState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// Suggested in the timezone field; any IANA name core accepts can be typed.
pub const TIMEZONES: [&str; 9] = [
    "UTC",
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
];

#[derive(Properties, PartialEq)]
pub struct PublishingPanelProps {
    pub site: SiteId,
}

type Dispatch = UseReducerDispatcher<PublishingState>;

#[function_component(PublishingPanel)]
pub fn publishing_panel(props: &PublishingPanelProps) -> Html {
    let site = props.site;
    let state = use_reducer(PublishingState::new);
    let dispatch = state.dispatcher();
    {
        let dispatch = dispatch.clone();
        use_effect_with(site, move |&site| {
            spawn_local(async move {
                let args = PublishingSettingsGetArgs { site };
                let loaded = invoke::<ipc::PublishingSettingsGet>(&args).await;
                dispatch.dispatch(PublishingAction::SettingsLoaded(loaded));
            });
        });
    }
    let head = html! {
        <div class="panel-head">
            <h2 id="publishing-title">{"Publishing"}</h2>
            if state.dirty() {
                <span id="pub-dirty" class="dirty-badge">{"Unsaved changes"}</span>
            }
        </div>
    };
    if state.loading {
        return html! {
            <section class="panel publishing-panel" id="publishing-panel" aria-labelledby="publishing-title">
                { head }<p class="muted" id="pub-loading">{"Loading\u{2026}"}</p>
            </section>
        };
    }
    if let Some(e) = &state.load_error {
        return html! {
            <section class="panel publishing-panel" id="publishing-panel" aria-labelledby="publishing-title">
                { head }<div id="pub-load-error" class="error banner" role="alert">{&e.message}</div>
            </section>
        };
    }

    let on_save = {
        let state = state.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if state.saving.is_some() || !state.dirty() {
                return;
            }
            state.dispatch(PublishingAction::SaveRequested);
            // The reducer refuses the same form for the same reasons; nothing goes to core then.
            let Ok(update) = state.changes() else { return };
            let dispatch = state.dispatcher();
            spawn_local(async move {
                let args = PublishingSettingsUpdateArgs { site, update };
                dispatch.dispatch(match invoke::<ipc::PublishingSettingsUpdate>(&args).await {
                    Ok(s) => PublishingAction::SettingsSaved(s),
                    Err(e) => PublishingAction::SaveRejected(e),
                });
            });
        })
    };
    let f = &state.form;
    let saving = state.saving.is_some();
    let dirty = state.dirty();
    html! {
        <section class="panel publishing-panel" id="publishing-panel" aria-labelledby="publishing-title">
            { head }
            <form id="publishing-form" onsubmit={on_save} novalidate=true aria-busy={saving.to_string()}>
                if let Some(msg) = state.general_error() {
                    <div id="pub-error" class="error banner" role="alert">{msg}</div>
                }
                <fieldset class="pub-group">
                    <legend>{"Automation"}</legend>
                    <Switch id="pub-auto-approve" label="Approve reviewed articles automatically"
                        on={f.auto_approval} ontoggle={dispatch.to_callback().reform(PublishingAction::AutoApproveToggled)} />
                    <Switch id="pub-auto-publish" label="Publish approved articles automatically"
                        on={f.auto_publish} ontoggle={dispatch.to_callback().reform(PublishingAction::AutoPublishToggled)} />
                </fieldset>
                <fieldset class="pub-group">
                    <legend>{"Limits"}</legend>
                    <div class="limit-grid">
                        { for Limit::ALL.iter().map(|&l| limit_field(&state, &dispatch, l)) }
                    </div>
                    <div class="help">{"Articles published at most; a day\u{2019}s limit cannot exceed the week\u{2019}s, nor the week\u{2019}s the month\u{2019}s."}</div>
                </fieldset>
                { days(&state, &dispatch) }
                { slots(&state, &dispatch) }
                { timezone(&state, &dispatch) }
                <div class="form-actions">
                    <BusyButton id="pub-save" kind="submit" class="primary" label="Save"
                        busy_label="Saving\u{2026}" busy={saving} disabled={!dirty} />
                    <button id="pub-revert" type="button" disabled={!dirty || saving}
                        onclick={let d = dispatch.clone(); move |_: MouseEvent| d.dispatch(PublishingAction::Reverted)}>
                        {"Revert"}
                    </button>
                    <span class="save-status" role="status" aria-live="polite">
                        if state.just_saved {
                            <span id="pub-saved">{"Saved"}</span>
                        }
                    </span>
                </div>
            </form>
        </section>
    }
}

fn error_line(field: &str, msg: Option<&str>) -> Html {
    match msg {
        Some(msg) => {
            html! { <div id={format!("pub-error-{field}")} class="error" role="alert">{msg}</div> }
        }
        None => html! {},
    }
}

fn limit_field(state: &PublishingState, dispatch: &Dispatch, limit: Limit) -> Html {
    let error = state.error_for(limit.field());
    let oninput = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            dispatch.dispatch(PublishingAction::LimitTyped(limit, input_value(&e)))
        })
    };
    let error_id = format!("pub-error-{}", limit.field());
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"))}>
            <label for={limit.input_id()}>{limit.label()}</label>
            <input id={limit.input_id()} type="number" min="0" step="1" inputmode="numeric"
                value={limit.text(&state.form).to_owned()} {oninput}
                aria-invalid={error.is_some().to_string()} aria-describedby={error_id} />
            { error_line(limit.field(), error) }
        </div>
    }
}

fn days(state: &PublishingState, dispatch: &Dispatch) -> Html {
    let error = state.error_for(field::DAYS);
    html! {
        <fieldset class={classes!("pub-group", error.is_some().then_some("invalid"))}
            aria-describedby={format!("pub-error-{}", field::DAYS)}>
            <legend>{"Publish days"}</legend>
            <DayToggles prefix="pub-day" on={state.form.days.iter().copied().collect::<Vec<_>>()}
                ontoggle={dispatch.to_callback().reform(PublishingAction::DayToggled)} />
            { error_line(field::DAYS, error) }
        </fieldset>
    }
}

fn slots(state: &PublishingState, dispatch: &Dispatch) -> Html {
    let error = state.error_for(field::SLOTS);
    html! {
        <fieldset class={classes!("pub-group", error.is_some().then_some("invalid"))}
            aria-describedby={format!("pub-error-{}", field::SLOTS)}>
            <legend>{"Time slots"}</legend>
            <ul class="pub-slots" id="pub-slots">
                { for state.form.slots.iter().enumerate().map(|(i, slot)| {
                    let oninput = {
                        let dispatch = dispatch.clone();
                        Callback::from(move |e: InputEvent| dispatch.dispatch(PublishingAction::SlotTyped(i, input_value(&e))))
                    };
                    let remove = dispatch.to_callback().reform(move |_: MouseEvent| PublishingAction::SlotRemoved(i));
                    let name = if slot.trim().is_empty() { format!("slot {}", i + 1) } else { slot.trim().to_owned() };
                    html! {
                        <li class="pub-slot">
                            <input type="text" inputmode="numeric" placeholder="HH:MM" maxlength="5" size="5"
                                autocomplete="off" value={slot.clone()} {oninput}
                                aria-label={format!("Time slot {} (HH:MM)", i + 1)} />
                            <button type="button" class="icon pub-slot-remove" onclick={remove}
                                aria-label={format!("Remove {name}")}>{"\u{00d7}"}</button>
                        </li>
                    }
                }) }
                <li>
                    <button id="pub-slot-add" type="button" class="link"
                        onclick={dispatch.to_callback().reform(|_: MouseEvent| PublishingAction::SlotAdded)}>{"+ Add a time"}</button>
                </li>
            </ul>
            <div class="help">{"24-hour times in the site\u{2019}s timezone."}</div>
            { error_line(field::SLOTS, error) }
        </fieldset>
    }
}

fn timezone(state: &PublishingState, dispatch: &Dispatch) -> Html {
    let error = state.error_for(field::TIMEZONE);
    let oninput = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            dispatch.dispatch(PublishingAction::TimezoneTyped(input_value(&e)))
        })
    };
    html! {
        <div class={classes!("field", "pub-timezone", error.is_some().then_some("invalid"))}>
            <label for="pub-timezone">{"Timezone"}</label>
            <input id="pub-timezone" type="text" list="pub-timezones" autocomplete="off" spellcheck="false"
                value={state.form.timezone.clone()} {oninput}
                aria-invalid={error.is_some().to_string()}
                aria-describedby={format!("pub-error-{}", field::TIMEZONE)} />
            <datalist id="pub-timezones">
                { for TIMEZONES.iter().map(|tz| html! { <option value={*tz} /> }) }
            </datalist>
            <div class="help">{"An IANA name such as Europe/London; the days and times are read in it."}</div>
            { error_line(field::TIMEZONE, error) }
        </div>
    }
}
