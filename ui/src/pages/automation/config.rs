//! The site's automation settings: per-stage limits, pacing, approval and publishing, stop on
//! error, the schedule and the per-run credit cap. Save sends only what changed; core's range
//! checks answer under the field they are about.

use super::state::{field, AutomationAction as A, AutomationState, ConfigEdit, Number, Toggle};
use super::{Dispatch, Handlers};
use crate::components::{BusyButton, DayToggles, Switch, TextField};
use crate::forms::input_value;
use yew::prelude::*;

pub fn view(state: &AutomationState, dispatch: &Dispatch, handlers: &Handlers) -> Html {
    let editor = &state.config;
    let head = html! {
        <div class="panel-head">
            <h2 id="auto-config-title">{"Settings"}</h2>
            if editor.dirty() {
                <span id="auto-dirty" class="dirty-badge">{"Unsaved changes"}</span>
            }
        </div>
    };
    if editor.saved.is_none() {
        return html! {
            <section class="panel automation-config" id="auto-config" aria-labelledby="auto-config-title">
                { head }<p class="muted" id="auto-config-loading">{"Loading\u{2026}"}</p>
            </section>
        };
    }
    let saving = editor.saving.is_some();
    let dirty = editor.dirty();
    let on_edit = dispatch.to_callback().reform(A::ConfigEdited);
    html! {
        <section class="panel automation-config" id="auto-config" aria-labelledby="auto-config-title">
            { head }
            <form id="auto-config-form" onsubmit={handlers.save.clone()} novalidate=true aria-busy={saving.to_string()}>
                if let Some(msg) = editor.general_error() {
                    <div id="auto-config-error" class="error banner" role="alert">{msg}</div>
                }
                <fieldset class="pub-group">
                    <legend>{"Each run, at most"}</legend>
                    <div class="limit-grid automation-limits">
                        { for Number::LIMITS.iter().map(|&n| number(state, &on_edit, n, None)) }
                    </div>
                </fieldset>
                <fieldset class="pub-group">
                    <legend>{"Pace and budget"}</legend>
                    <div class="limit-grid automation-limits">
                        { number(state, &on_edit, Number::Delay, Some("Between two provider calls; 0 to 3,600.")) }
                        { number(state, &on_edit, Number::MaxRuntime, Some("A run pauses after this long; 60 to 86,400.")) }
                        { number(state, &on_edit, Number::CreditCap, Some("Empty: only the balance limits a run.")) }
                    </div>
                </fieldset>
                <fieldset class="pub-group">
                    <legend>{"Behaviour"}</legend>
                    { for [Toggle::AutoApprove, Toggle::AutoPublish, Toggle::StopOnError].iter().map(|&t| toggle(state, &on_edit, t)) }
                </fieldset>
                { schedule(state, &on_edit) }
                <div class="form-actions">
                    <BusyButton id="auto-save" kind="submit" class="primary" label="Save"
                        busy_label="Saving\u{2026}" busy={saving} disabled={!dirty} />
                    <button id="auto-revert" type="button" disabled={!dirty || saving}
                        onclick={dispatch.to_callback().reform(|_: MouseEvent| A::Reverted)}>
                        {"Revert"}
                    </button>
                    <span class="save-status" role="status" aria-live="polite">
                        if editor.just_saved {
                            <span id="auto-saved">{"Saved"}</span>
                        }
                    </span>
                </div>
            </form>
        </section>
    }
}

fn number(
    state: &AutomationState,
    on_edit: &Callback<ConfigEdit>,
    n: Number,
    help: Option<&'static str>,
) -> Html {
    let oninput = on_edit.reform(move |e: InputEvent| ConfigEdit::NumberTyped(n, input_value(&e)));
    html! {
        <TextField id={n.input_id()} label={n.label()} kind="number" inputmode="numeric"
            value={state.config.form.number(n).to_owned()} {oninput}
            error={state.config.error_for(n.field()).map(|m| AttrValue::from(m.to_owned()))}
            help={help.map(AttrValue::from)} />
    }
}

fn toggle(state: &AutomationState, on_edit: &Callback<ConfigEdit>, t: Toggle) -> Html {
    html! {
        <Switch id={t.input_id()} label={t.label()} on={state.config.form.toggle(t)}
            ontoggle={on_edit.reform(move |on| ConfigEdit::Toggled(t, on))} />
    }
}

/// Days, a time and whether the schedule is on; with the next run core planned.
fn schedule(state: &AutomationState, on_edit: &Callback<ConfigEdit>) -> Html {
    let form = &state.config.form;
    let days_error = state.config.error_for(field::SCHEDULE_DAYS);
    let time_error = state.config.error_for(field::SCHEDULE_TIME);
    let on_time = on_edit.reform(|e: InputEvent| ConfigEdit::TimeTyped(input_value(&e)));
    html! {
        <fieldset class={classes!("pub-group", days_error.is_some().then_some("invalid"))}
            aria-describedby="auto-schedule-days-error">
            <legend>{"Schedule"}</legend>
            { toggle(state, on_edit, Toggle::Active) }
            <DayToggles prefix="auto-day" on={form.days.iter().copied().collect::<Vec<_>>()}
                ontoggle={on_edit.reform(ConfigEdit::DayToggled)} />
            if let Some(msg) = days_error {
                <div id="auto-schedule-days-error" class="error" role="alert">{msg}</div>
            }
            <TextField id="auto-schedule-time" label="At (HH:MM, the site\u{2019}s timezone)"
                placeholder="06:00" inputmode="numeric" size="5" value={form.time.clone()} oninput={on_time}
                error={time_error.map(|m| AttrValue::from(m.to_owned()))} />
            if form.schedule_incomplete() {
                <p id="auto-schedule-incomplete" class="help">{"A schedule runs only with at least one day and a time."}</p>
            }
            <div class="help">{"Runs while the app (or folio automation daemon) is open; a missed time runs once at the next start."}</div>
        </fieldset>
    }
}
