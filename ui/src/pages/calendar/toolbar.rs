//! The calendar's controls: the site filter, previous / today / next, the month and week
//! toggle, and "Schedule next approved" for the chosen site; and the colour legend.

use super::state::{CalendarAction, CalendarState, View, Work};
use super::{today, Handlers};
use crate::components::BusyButton;
use crate::forms::select_value;
use yew::prelude::*;

pub fn toolbar(s: &CalendarState, h: &Handlers) -> Html {
    let d = &h.dispatch;
    let on_site = d.reform(|e: Event| CalendarAction::ChooseSite(select_value(&e).parse().ok()));
    let plan_site = s.plan_site();
    let on_plan = {
        let plan = h.plan.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(site) = plan_site {
                plan.emit(site);
            }
        })
    };
    let planning = matches!(s.work, Work::Planning(_));
    let toggle =
        |id: &'static str, label: &'static str, view: View, action: fn() -> CalendarAction| {
            let onclick = d.reform(move |_| action());
            let on = s.view == view;
            html! {
                <button {id} type="button" class={classes!("cal-toggle", on.then_some("on"))}
                    aria-pressed={on.to_string()} {onclick}>{label}</button>
            }
        };
    html! {
        <div class="panel cal-toolbar">
            <div class="field cal-site">
                <label for="cal-site">{"Site"}</label>
                <select id="cal-site" onchange={on_site}>
                    <option value="" selected={s.site.is_none()}>{"All sites"}</option>
                    { for s.sites.iter().map(|site| html! {
                        <option value={site.id.to_string()} selected={s.site == Some(site.id)}>{&site.name}</option>
                    }) }
                </select>
            </div>
            <div class="cal-period">
                <button id="cal-prev" type="button" aria-label="Previous" onclick={d.reform(|_| CalendarAction::Previous)}>{"\u{2039}"}</button>
                <button id="cal-today" type="button" onclick={d.reform(|_| CalendarAction::Today(today()))}>{"Today"}</button>
                <button id="cal-next" type="button" aria-label="Next" onclick={d.reform(|_| CalendarAction::Next)}>{"\u{203a}"}</button>
                <h2 id="cal-title" aria-live="polite">{ s.title() }</h2>
            </div>
            <div class="cal-views" role="group" aria-label="View">
                { toggle("cal-view-month", "Month", View::Month, || CalendarAction::ShowMonth) }
                { toggle("cal-view-week", "Week", View::Week, || CalendarAction::ShowWeek) }
            </div>
            <div class="cal-plan">
                <BusyButton id="cal-schedule-next" class="primary" label="Schedule next approved"
                    busy_label="Scheduling\u{2026}" busy={planning}
                    disabled={plan_site.is_none() || s.work != Work::Idle} onclick={on_plan} />
                if plan_site.is_none() {
                    <span class="help">{"Choose a site to schedule its approved articles."}</span>
                }
            </div>
            <ul class="cal-legend" aria-label="Colours">
                <li class="state-scheduled">{"Scheduled"}</li>
                <li class="state-due">{"Due, not live yet"}</li>
                <li class="state-live">{"Live"}</li>
                <li class="state-failed">{"Failed"}</li>
                <li class="free">{"Free slot"}</li>
            </ul>
        </div>
    }
}
