//! The seven days of the week as toggles (publish days, an automation schedule's days), each
//! `#<prefix>-<day>` (`mon` … `sun`).

use folio_model::PublishDay;
use yew::prelude::*;

/// A day's short and long name: `("Mon", "Monday")`.
fn day_label(day: PublishDay) -> (&'static str, &'static str) {
    match day {
        PublishDay::Mon => ("Mon", "Monday"),
        PublishDay::Tue => ("Tue", "Tuesday"),
        PublishDay::Wed => ("Wed", "Wednesday"),
        PublishDay::Thu => ("Thu", "Thursday"),
        PublishDay::Fri => ("Fri", "Friday"),
        PublishDay::Sat => ("Sat", "Saturday"),
        PublishDay::Sun => ("Sun", "Sunday"),
    }
}

#[derive(Properties, PartialEq)]
pub struct DayTogglesProps {
    /// Prefix of each toggle's id.
    pub prefix: AttrValue,
    /// The days that are on.
    pub on: Vec<PublishDay>,
    /// Told the day the person flipped.
    pub ontoggle: Callback<PublishDay>,
}

#[function_component(DayToggles)]
pub fn day_toggles(props: &DayTogglesProps) -> Html {
    html! {
        <div class="day-toggles">
            { for PublishDay::ALL.iter().map(|&day| {
                let on = props.on.contains(&day);
                let (short, long) = day_label(day);
                let id = format!("{}-{}", props.prefix, day.as_str());
                let onchange = props.ontoggle.reform(move |_: Event| day);
                html! {
                    <label class={classes!("day-toggle", on.then_some("on"))} for={id.clone()} title={long}>
                        <input {id} type="checkbox" checked={on} {onchange} aria-label={long} />
                        <span aria-hidden="true">{short}</span>
                    </label>
                }
            }) }
        </div>
    }
}
