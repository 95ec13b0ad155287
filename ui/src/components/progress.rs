//! A progress bar: how much of a known amount is done, or indeterminate while that amount is
//! not known yet (reading, parsing).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProgressBarProps {
    pub id: AttrValue,
    /// What progresses, for screen readers.
    pub label: AttrValue,
    /// `(done, total)`; `None` is indeterminate.
    #[prop_or_default]
    pub value: Option<(u64, u64)>,
}

#[function_component(ProgressBar)]
pub fn progress_bar(props: &ProgressBarProps) -> Html {
    match props.value {
        Some((done, total)) => html! {
            <progress id={props.id.clone()} max={total.max(1).to_string()} value={done.to_string()}
                aria-label={props.label.clone()}></progress>
        },
        // Without a value the bar is indeterminate.
        None => html! {
            <progress id={props.id.clone()} aria-label={props.label.clone()}></progress>
        },
    }
}
